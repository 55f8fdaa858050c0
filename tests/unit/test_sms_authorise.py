"""gsmcall.messaging.authorise.Authoriser: senders as phone numbers, targets as a
strict character set plus a full regex match."""

import re

import pytest

from gsmcall.messaging.authorise import Authoriser, Decision

TARGETS = [r"\*72(1[3-9]\d{9})", r"1[3-9]\d{9}", r"\*720"]


@pytest.fixture
def authoriser() -> Authoriser:
    return Authoriser(["+8618712345678", "139 1234 5678"], TARGETS, "CN")


@pytest.mark.parametrize("sender", ["+8618712345678", "18712345678", "008618712345678", "+8613912345678", "13912345678"])
@pytest.mark.parametrize("number", ["*7218712345678", "18712345678", "*720"])
def test_allowed(authoriser: Authoriser, sender: str, number: str) -> None:
    decision = authoriser.check(sender, number)
    assert decision.allowed is True
    assert number in decision.reason


@pytest.mark.parametrize(
    "sender",
    ["+8618712345679", "18712345679", "+4418712345678", "MyBank", "1871234567a", "", "10010", "+86 187 1234 5678"],
)
def test_unknown_senders_refused(authoriser: Authoriser, sender: str) -> None:
    assert authoriser.check(sender, "18712345678") == Decision(
        False, f"sender {sender!r} is not in allowed_senders"
    )


@pytest.mark.parametrize(
    "number",
    [
        "123;ATH",
        "+861234567890,;",
        "18712345678;",
        "1871234567 8",
        "18712345678\r",
        "18712345678\n",
        "1871234\x005678",
        '"18712345678"',
        "*72187123456a8",
        "１８７１２３４５６７８",  # full-width digits
        "١٨٧١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "++18712345678",
        "",
    ],
)
def test_injection_and_junk_refused_even_with_permissive_target(number: str) -> None:
    anything = Authoriser(["18712345678"], [".*"], "CN")
    decision = anything.check("18712345678", number)
    assert decision.allowed is False
    assert decision.reason == f"number {number!r} has characters other than digits, * and # (and a leading +)"


@pytest.mark.parametrize("number", ["+8618712345678", "*7212345", "1871234567", "187123456789", "*72187123456789", "#21#"])
def test_numbers_outside_targets_refused(authoriser: Authoriser, number: str) -> None:
    assert authoriser.check("18712345678", number) == Decision(False, f"number {number!r} matches no allowed_targets pattern")


def test_target_must_match_fully_not_as_prefix() -> None:
    auth = Authoriser(["18712345678"], [r"\*72"], "CN")
    assert auth.check("18712345678", "*72").allowed is True
    assert auth.check("18712345678", "*7218712345678").allowed is False


def test_empty_allowed_senders_refuses_everything() -> None:
    auth = Authoriser([], [".*"], "CN")
    assert auth.check("18712345678", "18712345678") == Decision(False, "no allowed_senders configured")


def test_empty_allowed_targets_refuses_everything() -> None:
    auth = Authoriser(["18712345678"], [], "CN")
    assert auth.check("18712345678", "18712345678").allowed is False


def test_short_code_sender_can_be_allowed() -> None:
    auth = Authoriser(["10010"], [r"\d+"], "CN")
    assert auth.check("10010", "1").allowed is True


def test_region_decides_national_numbers() -> None:
    assert Authoriser(["+8618712345678"], [r"\d+"], "CN").check("18712345678", "1").allowed is True
    assert Authoriser(["+8618712345678"], [r"\d+"], "US").check("18712345678", "1").allowed is False
    assert Authoriser(["+442079460000"], [r"\d+"], "GB").check("02079460000", "1").allowed is True


def test_invalid_regex_is_named() -> None:
    with pytest.raises(ValueError, match=r"allowed_targets pattern '\(\*72' is not a valid regex"):
        Authoriser(["18712345678"], [r"\d+", "(*72"], "CN")


@pytest.mark.parametrize("entry", ["alice", "1-800-FLOWERS", "", "+86;187"])
def test_invalid_sender_entry_is_named(entry: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"allowed_senders entry {entry!r} is not a phone number")):
        Authoriser([entry], [], "CN")


def test_invalid_region() -> None:
    with pytest.raises(ValueError, match="default_region 'XX'"):
        Authoriser([], [], "XX")
