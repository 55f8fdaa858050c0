"""``|status|<keyword>|``: recognised as the forwarding query, and authorised by its sender alone."""

from __future__ import annotations

from gsmcall.messaging.authorise import Authoriser
from gsmcall.messaging.command import parse_command
from gsmcall.messaging.pdu import TON_ALPHANUMERIC


def test_status_is_recognised_in_any_case_and_with_full_width_bars() -> None:
    for text in ("|status|autocall|", " ｜STATUS｜AutoCall｜ ", "|Status|autocall|please"):
        command = parse_command(text, "autocall")
        assert command is not None and command.is_status
    assert not parse_command("|*7218712345678|autocall|x", "autocall").is_status
    assert parse_command("|status|other|", "autocall") is None


def test_the_sender_alone_decides_a_status_query() -> None:
    authoriser = Authoriser(["18612748499"], [r"^\d+$"], "CN")
    assert authoriser.check_sender("+8618612748499").allowed
    assert not authoriser.check_sender("13900000000").allowed
    assert not authoriser.check_sender("18612748499", sender_ton=TON_ALPHANUMERIC).allowed
    assert not Authoriser([], [], "CN").check_sender("18612748499").allowed
    # a dial still needs a target that matches, as before
    assert not authoriser.check("18612748499", "status").allowed
