"""gsmcall.messaging.command.parse_command."""

import pytest

from gsmcall.messaging.command import SmsCommand, parse_command


@pytest.mark.parametrize(
    ("text", "number", "free_text"),
    [
        ("|*7218712345678|autocall|今天你值班", "*7218712345678", "今天你值班"),
        ("|18712345678|autocall|hi", "18712345678", "hi"),
        ("  | 18712345678 | autocall | hi there \n", "18712345678", "hi there"),
        ("｜*7218712345678｜autocall｜今天你值班", "*7218712345678", "今天你值班"),
        ("｜ *72 ｜ AUTOCALL ｜ 值班", "*72", "值班"),
        ("|123|AutoCall|x", "123", "x"),
        ("\u3000|123|autocall|x\u3000", "123", "x"),  # ideographic spaces from a Chinese IME
        ("|123|autocall|a|b｜c", "123", "a|b｜c"),
        ("|123|autocall|", "123", ""),
        ("|123|autocall|line one\nline two", "123", "line one\nline two"),
        # the number is returned as typed: validating it is the authoriser's job
        ("|123;ATH|autocall|x", "123;ATH", "x"),
        ("|+861234567890,;|autocall|x", "+861234567890,;", "x"),
        ("| 12 34 |autocall|x", "12 34", "x"),
    ],
)
def test_commands(text: str, number: str, free_text: str) -> None:
    assert parse_command(text, "autocall") == SmsCommand(number=number, text=free_text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "autocall",
        "hello |123|autocall|x",  # text before the first bar
        "123|autocall|x",
        "|123|autocall",  # no bar before the free text
        "|123|autocal|x",
        "|123|autocalls|x",
        "|123|auto call|x",
        "||autocall|x",  # empty number
        "|  |autocall|x",
        "|autocall|123|x",  # fields swapped
        "|123||autocall|x",
    ],
)
def test_not_commands(text: str) -> None:
    assert parse_command(text, "autocall") is None


def test_keyword_from_config_is_case_insensitive_too() -> None:
    assert parse_command("|1|autocall|x", "AutoCall") == SmsCommand("1", "x")


def test_other_keyword() -> None:
    assert parse_command("|1|forward|x", "forward") == SmsCommand("1", "x")
    assert parse_command("|1|forward|x", "autocall") is None
