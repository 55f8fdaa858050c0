"""The forwarding protocol, pure: ``+CCFC:`` lines in, the voice target out; dial strings out."""

from __future__ import annotations

import pytest

from gsmcall.at.forwarding import (
    CcfcLine,
    VoiceForwarding,
    is_supplementary_service,
    number_type,
    parse_ccfc,
    voice_forwarding,
)
from gsmcall.dialstring import from_template


@pytest.mark.parametrize(("line", "expected"), [
    ('+CCFC: 1,1,"+8613912345678",145', CcfcLine(True, 1, "+8613912345678", 145)),
    ("+CCFC: 0,7", CcfcLine(False, 7)),
    ("+CCFC: 0,255", CcfcLine(False, 255)),
    ('+CCFC:1,1,"13912345678",129,,,20', CcfcLine(True, 1, "13912345678", 129)),
    ('+CCFC: 1,4,"+8613912345678",145', CcfcLine(True, 4, "+8613912345678", 145)),
])
def test_parse_ccfc_reads_the_fields(line: str, expected: CcfcLine) -> None:
    assert parse_ccfc(line) == expected


@pytest.mark.parametrize("line", ["OK", "+CCFC: (0-5)", "+CCFC: x,1", "+CLCC: 1,0,0,0,0", ""])
def test_parse_ccfc_refuses_other_lines(line: str) -> None:
    assert parse_ccfc(line) is None


def test_voice_target_from_a_query_that_lists_one_active_class() -> None:
    answer = voice_forwarding(['+CCFC: 1,1,"+8613912345678",145'])
    assert answer == VoiceForwarding("+8613912345678") and answer.active


@pytest.mark.parametrize("lines", [["+CCFC: 0,7"], ["+CCFC: 0,255"]])
def test_none_active_in_both_spellings(lines: list[str]) -> None:
    answer = voice_forwarding(lines)
    assert answer == VoiceForwarding(None) and not answer.active


def test_a_class_other_than_voice_is_not_voice_forwarding() -> None:
    assert voice_forwarding(['+CCFC: 1,4,"+8613912345678",145', "+CCFC: 0,1"]) == VoiceForwarding(None)


def test_voice_among_several_lines_is_found() -> None:
    lines = ['+CCFC: 1,4,"+8613800000000",145', '+CCFC: 1,1,"13912345678",129']
    assert voice_forwarding(lines) == VoiceForwarding("13912345678")


def test_an_answer_without_ccfc_lines_says_nothing() -> None:
    assert voice_forwarding([]) is None
    assert voice_forwarding(["+CSQ: 20,99"]) is None


@pytest.mark.parametrize(("dial", "expected"), [
    ("**21*13912345678#", True), ("##21#", True), ("*#21#", True), ("**21*+8613912345678*11#", True),
    ("*7213912345678", False), ("*720", False), ("13912345678", False), ("#", False),
])
def test_supplementary_service_strings_end_in_hash(dial: str, expected: bool) -> None:
    assert is_supplementary_service(dial) is expected


def test_from_template_fills_the_number() -> None:
    assert from_template("*72{number}", "13912345678") == "*7213912345678"
    assert from_template("**21*{number}#", "+8613912345678") == "**21*+8613912345678#"
    assert from_template("*720") == "*720"


@pytest.mark.parametrize(("template", "number"), [
    ("*72{number}", None),  # a set template without a number
    ("*72{number}", "139;ATH"),  # smuggling a command after ATD
    ("*72{other}", "13912345678"),  # a brace that is not {number}
])
def test_from_template_refuses_what_atd_must_not_carry(template: str, number: str | None) -> None:
    with pytest.raises(ValueError):
        from_template(template, number)


def test_number_type_follows_the_plus() -> None:
    assert number_type("+8613912345678") == 145 and number_type("13912345678") == 129
