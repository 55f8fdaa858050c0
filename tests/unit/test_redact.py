import logging

import pytest

from gsmcall.redact import AT_TRACE, NumberMaskFilter, mask_number, shown_url


def render(message: str, *args: object, at_trace: bool = False) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    for key, value in (AT_TRACE if at_trace else {}).items():
        setattr(record, key, value)
    NumberMaskFilter().filter(record)
    return record.getMessage()


def test_numbers_keep_their_last_four_digits_in_messages_and_arguments():
    assert render("alert m1: %s answered", "18712345678") == "alert m1: 187****5678 answered"
    assert render("ATD+8618712345678;") == "ATD+86187****5678;"
    assert render("*7218712345678 dialled") == "*72187****5678 dialled"
    assert render("from 008618712345678") == "from 0086187****5678"


def test_numbers_that_differ_in_their_last_digits_stay_apart():
    assert render("18712345678") != render("18712345679")
    assert render("+8618712345678") != render("+8618712345679")


@pytest.mark.parametrize(
    "run, shown",
    [("1234567", "***4567"), ("12345678", "****5678"), ("123456789", "1****6789"), ("1234567890", "12****7890")],
)
def test_short_runs_keep_only_the_last_four(run, shown):
    assert mask_number(run) == shown


def test_a_dial_command_and_a_url_escape_do_not_hide_the_number():
    assert render("AT> ATD18712345678;") == "AT> ATD187****5678;"
    assert render("atd18712345678;") == "atd187****5678;"
    assert render("POST /a?resp=%2B8618712345678") == "POST /a?resp=%2B86187****5678"


def test_a_call_list_line_is_masked():
    line = 'AT< +CLCC: 1,0,3,0,0,"18712345678",129'
    assert render(line, at_trace=True) == 'AT< +CLCC: 1,0,3,0,0,"187****5678",129'


def test_short_codes_and_hex_ids_are_left_alone():
    assert render("ATD10086;") == "ATD10086;"
    assert render("alert 60d536885fa2a8643fa4d3a0 done") == "alert 60d536885fa2a8643fa4d3a0 done"
    assert render("alert 60d5368851234567 done") == "alert 60d5368851234567 done"
    assert render("+CSQ: 18,99") == "+CSQ: 18,99"


def test_hex_in_at_traffic_is_hidden_but_its_length_kept():
    pdu = "0891683108100005F0040D91688117214365F70008522181905141230C62117684732B53EB5C0F6A59"
    assert render("AT< %s", pdu, at_trace=True) == f"AT< <{len(pdu)} hex digits>"
    assert render("AT< 8178214365F7", at_trace=True) == "AT< <12 hex digits>"  # 18712345678, swapped
    ucs2_digits = "".join(f"{ord(c):04X}" for c in "18712345678")  # all digits, longer than any number
    assert render(f'AT< +CUSD: 0,"{ucs2_digits}",72', at_trace=True) == 'AT< +CUSD: 0,"<44 hex digits>",72'


def test_at_traffic_keeps_its_commands_headers_and_numbers_readable():
    assert render("AT< +CMGL: 1,0,,23", at_trace=True) == "AT< +CMGL: 1,0,,23"
    assert render("AT> ATD+8618712345678;", at_trace=True) == "AT> ATD+86187****5678;"
    assert render("AT< +CGMR: EC25EFAR06A06M4G", at_trace=True) == "AT< +CGMR: EC25EFAR06A06M4G"


def test_hex_outside_at_traffic_is_left_alone():
    assert render("alert 8178214365F7 done") == "alert 8178214365F7 done"


def test_shown_url_drops_credentials_and_masks_secrets_in_the_query():
    url = "https://ops:s3cret@alerts.example/alert/phone?token=abc&mid=m1&resp=%2B8618712345678"
    assert shown_url(url) == "https://alerts.example/alert/phone?token=***&mid=m1&resp=+8618712345678"
    assert shown_url(url, query=False) == "https://alerts.example/alert/phone"
    assert shown_url("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080/a"


def test_sim_secrets_are_never_shown() -> None:
    from gsmcall.redact import hide_secrets

    assert hide_secrets('AT+CPIN="1234"') == "AT+CPIN=<hidden>"
    assert hide_secrets('at+cpin="12345678","1234"') == "at+cpin=<hidden>"
    assert hide_secrets('AT+CLCK="SC",0,"1234"') == "AT+CLCK=<hidden>"
    assert hide_secrets("AT+CPIN?") == "AT+CPIN?"
    assert hide_secrets("ATD18712345678;") == "ATD18712345678;"
