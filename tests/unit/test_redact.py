import logging

from gsmcall.redact import NumberMaskFilter


def render(message: str, *args: object) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    NumberMaskFilter().filter(record)
    return record.getMessage()


def test_numbers_are_masked_in_messages_and_arguments():
    assert render("alert m1: %s answered", "18712345678") == "alert m1: 187******78 answered"
    assert render("ATD+8618712345678;") == "ATD+861********78;"
    assert render("*7218712345678 dialled") == "*721********78 dialled"


def test_short_codes_and_hex_ids_are_left_alone():
    assert render("ATD10086;") == "ATD10086;"
    assert render("alert 60d536885fa2a8643fa4d3a0 done") == "alert 60d536885fa2a8643fa4d3a0 done"
    assert render("+CSQ: 18,99") == "+CSQ: 18,99"
