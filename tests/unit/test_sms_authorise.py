"""gsmcall.messaging.authorise.Authoriser: senders as phone numbers, targets as a
strict character set plus a full regex match."""

import re

import pytest

from gsmcall.messaging.authorise import Authoriser, Decision
from gsmcall.messaging.command import parse_command
from gsmcall.messaging.concat import Message, Reassembler
from gsmcall.messaging.pdu import (
    NUMERIC_TONS,
    TON_ALPHANUMERIC,
    Sender,
    SmsPart,
    decode_deliver,
)

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


# --- the sender's type of number, from hand-built PDUs ------------------------------------------------
# "|18712345678|autocall|hi" (GSM-7), no SMSC, 2025-03-18 09:30:15 +08:00, from TP-OAs that differ only
# in the type-of-address octet. The alphanumeric one packs the characters "18712345678" as GSM-7
# (11 septets in 20 semi-octets), as a bulk-SMS gateway sends an ID chosen by its customer.
SPOOF_PDUS = {
    "alphanumeric": "000414D031DC2D269BD16AB61B0E0000523081900351231B1B600C778BC966B49AED86DB00C375FA7B1C66B33740741A",
    "international": "00040D91688117325476F80000523081900351231B1B600C778BC966B49AED86DB00C375FA7B1C66B33740741A",
    "national": "00040BA18117325476F80000523081900351231B1B600C778BC966B49AED86DB00C375FA7B1C66B33740741A",
    "unknown": "00040B818117325476F80000523081900351231B1B600C778BC966B49AED86DB00C375FA7B1C66B33740741A",
    "network-specific": "00040BB18117325476F80000523081900351231B1B600C778BC966B49AED86DB00C375FA7B1C66B33740741A",
    "subscriber": "00040BC18117325476F80000523081900351231B1B600C778BC966B49AED86DB00C375FA7B1C66B33740741A",
    "abbreviated": "00040BE18117325476F80000523081900351231B1B600C778BC966B49AED86DB00C375FA7B1C66B33740741A",
}
ALLOW_ONE = Authoriser(["18712345678"], [r"1[3-9]\d{9}"], "CN")


def _check_as_inbox_does(pdu: str) -> Decision:
    """Decode, reassemble and check the way gsmcall.messaging.inbox does."""
    message = Reassembler(timeout=60).add(decode_deliver(pdu), now=0)
    assert message is not None
    command = parse_command(message.text, "autocall")
    assert command is not None and command.number == "18712345678"
    return ALLOW_ONE.check(message.sender, command.number, sender_ton=message.sender_ton)


def test_alphanumeric_id_spelling_an_allowed_number_is_refused() -> None:
    assert _check_as_inbox_does(SPOOF_PDUS["alphanumeric"]) == Decision(
        False, "sender '18712345678' is alphanumeric; only phone numbers can be authorised"
    )


@pytest.mark.parametrize("kind", ["international", "national", "unknown"])
def test_numeric_senders_are_allowed(kind: str) -> None:
    decision = _check_as_inbox_does(SPOOF_PDUS[kind])
    assert decision.allowed is True, decision.reason


@pytest.mark.parametrize(("kind", "ton"), [("network-specific", 3), ("subscriber", 4), ("abbreviated", 6)])
def test_other_types_of_number_are_refused(kind: str, ton: int) -> None:
    assert _check_as_inbox_does(SPOOF_PDUS[kind]) == Decision(
        False,
        f"sender '18712345678' is a {kind} address (type of number {ton});"
        " only international, national or unknown-type phone numbers can be authorised",
    )


def test_decoded_sender_is_refused_even_when_the_caller_omits_its_type() -> None:
    assert ALLOW_ONE.check(Sender("18712345678", TON_ALPHANUMERIC), "18712345678").allowed is False
    assert ALLOW_ONE.check(Sender("18712345678", TON_ALPHANUMERIC), "18712345678", sender_ton=2).allowed is False
    assert ALLOW_ONE.check(Sender("18712345678", 2), "18712345678").allowed is True


def test_given_type_of_number_is_checked_for_plain_text_too() -> None:
    assert ALLOW_ONE.check("18712345678", "18712345678", sender_ton=TON_ALPHANUMERIC).allowed is False
    assert ALLOW_ONE.check("18712345678", "18712345678", sender_ton=None) == Decision(
        False, "sender '18712345678' has no known type of number; only phone numbers can be authorised"
    )


def test_type_is_checked_before_membership() -> None:
    # An alphanumeric ID that is not even in the list is refused for what it is.
    assert ALLOW_ONE.check(Sender("MyBank", TON_ALPHANUMERIC), "18712345678").reason == (
        "sender 'MyBank' is alphanumeric; only phone numbers can be authorised"
    )


def _two_parts(first_ton: int, second_ton: int) -> Message:
    assembler = Reassembler(timeout=60)
    assert assembler.add(SmsPart(Sender("18712345678", first_ton), "|18712345678|auto", None, 9, 2, 1), now=0) is None
    message = assembler.add(SmsPart(Sender("18712345678", second_ton), "call|hi", None, 9, 2, 2), now=1)
    assert message is not None and message.text == "|18712345678|autocall|hi"
    return message


@pytest.mark.parametrize(("first_ton", "second_ton"), [(2, TON_ALPHANUMERIC), (TON_ALPHANUMERIC, 2), (5, 5), (2, 4)])
def test_multipart_message_is_numeric_only_if_every_part_is(first_ton: int, second_ton: int) -> None:
    message = _two_parts(first_ton, second_ton)
    assert message.sender_ton in {first_ton, second_ton} - {2}
    assert ALLOW_ONE.check(message.sender, "18712345678", sender_ton=message.sender_ton).allowed is False


def test_multipart_message_from_a_numeric_sender_is_allowed() -> None:
    message = _two_parts(2, 0)
    assert message.sender_ton in NUMERIC_TONS
    assert ALLOW_ONE.check(message.sender, "18712345678", sender_ton=message.sender_ton).allowed is True
