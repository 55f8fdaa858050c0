"""The forwarding capability over a scripted channel: which command each kind of string
sends, and what it makes of the network's answers (refusal, no answer, contradiction)."""

from __future__ import annotations

import pytest

from gsmcall.at.protocol import Command, Response
from gsmcall.at.results import parse_final
from gsmcall.modem.capabilities.forwarding import (
    CallEnd,
    Forwarding,
    ForwardingRefused,
    ForwardingSpec,
    State,
    Verified,
)

TARGET = "13912345678"


class ScriptedChannel:
    """Answers each command from a table of (prefix -> (info lines, final)); records them."""

    def __init__(self, answers: dict[str, tuple[list[str], str]]) -> None:
        self.answers, self.sent = answers, []

    def command(self, text: str, timeout: float | None = None, **_: object) -> Response:
        self.sent.append(text)
        lines, final = next(v for k, v in self.answers.items() if text.startswith(k))
        return Response(Command(text, timeout or 5), tuple(lines), parse_final(final))


def capability(answers: dict[str, tuple[list[str], str]], call: CallEnd | None = None):
    channel = ScriptedChannel(answers)
    placed: list[str] = []

    def place(dial: str, limit: float) -> CallEnd:
        placed.append(dial)
        assert call is not None, f"{dial} should not have been dialled as a call"
        return call

    return Forwarding(channel, ForwardingSpec(), place), channel, placed  # type: ignore[arg-type]


ACTIVE = ([f'+CCFC: 1,1,"+86{TARGET}",145'], "OK")
NONE = (["+CCFC: 0,255"], "OK")
REFUSES = ([], "+CME ERROR: 100")


def test_ccfc_set_sends_register_and_is_verified_by_the_query() -> None:
    fwd, channel, placed = capability({"AT+CCFC=0,3": ([], "OK"), "AT+CCFC=0,2": ACTIVE})
    result = fwd.set("ccfc", TARGET, verify=True)
    assert channel.sent == [f'AT+CCFC=0,3,"{TARGET}",129', "AT+CCFC=0,2"] and placed == []
    assert (result.state, result.target, result.verified) == (State.SET, TARGET, Verified.YES)


def test_international_target_has_type_145() -> None:
    fwd, channel, _ = capability({"AT+CCFC=0,3": ([], "OK")})
    fwd.set("ccfc", "+8613912345678", verify=False)
    assert channel.sent == ['AT+CCFC=0,3,"+8613912345678",145']


def test_mmi_string_is_sent_as_atd_not_placed_as_a_call() -> None:
    fwd, channel, placed = capability({"ATD": ([], "OK"), "AT+CCFC=0,2": ACTIVE})
    result = fwd.set("**21*{number}#", TARGET, verify=True)
    assert channel.sent[0] == f"ATD**21*{TARGET}#;" and placed == []
    assert result.verified is Verified.YES


def test_feature_code_is_a_call_and_a_network_without_queries_cannot_verify() -> None:
    fwd, channel, placed = capability({"AT+CCFC=0,2": REFUSES}, call=CallEnd(True, "answered"))
    result = fwd.set("*72{number}", TARGET, verify=True)
    assert placed == [f"*72{TARGET}"] and channel.sent == ["AT+CCFC=0,2"]
    assert (result.state, result.verified) == (State.SET, Verified.CANNOT) and not result.contradicted
    assert "+CME ERROR: 100" in result.detail


def test_feature_code_call_ended_without_an_answer_is_refused() -> None:
    fwd, channel, _ = capability({}, call=CallEnd(False, "unreachable"))
    with pytest.raises(ForwardingRefused, match="without answering"):
        fwd.set("*72{number}", TARGET, verify=True)
    assert channel.sent == []  # nothing to verify after a refusal


def test_refused_ccfc_raises_with_the_networks_words() -> None:
    fwd, _, _ = capability({"AT+CCFC=0,3": ([], "+CME ERROR: 30")})
    with pytest.raises(ForwardingRefused, match="CME ERROR: 30"):
        fwd.set("ccfc", TARGET, verify=True)


def test_a_query_naming_another_target_contradicts_the_set() -> None:
    fwd, _, _ = capability({"AT+CCFC=0,3": ([], "OK"), "AT+CCFC=0,2": (['+CCFC: 1,1,"+8613800000000",145'], "OK")})
    result = fwd.set("ccfc", TARGET, verify=True)
    assert result.contradicted and result.reported is not None and result.reported.target == "+8613800000000"
    assert "13800000000" in result.detail


def test_a_set_that_the_query_shows_as_none_active_is_contradicted() -> None:
    fwd, _, _ = capability({"AT+CCFC=0,3": ([], "OK"), "AT+CCFC=0,2": NONE})
    assert fwd.set("ccfc", TARGET, verify=True).contradicted


def test_cancel_verified_and_contradicted() -> None:
    fwd, channel, _ = capability({"AT+CCFC=0,4": ([], "OK"), "AT+CCFC=0,2": NONE})
    result = fwd.cancel("ccfc", verify=True)
    assert channel.sent == ["AT+CCFC=0,4", "AT+CCFC=0,2"]
    assert (result.state, result.target, result.verified) == (State.CANCELLED, None, Verified.YES)
    still, _, _ = capability({"ATD": ([], "OK"), "AT+CCFC=0,2": ACTIVE})
    assert still.cancel("##21#", verify=True).contradicted


def test_without_verify_no_query_is_sent() -> None:
    fwd, channel, _ = capability({"ATD": ([], "OK")})
    assert fwd.cancel("##21#", verify=False).verified is Verified.UNCHECKED and channel.sent == ["ATD##21#;"]


def test_status_reports_the_networks_answer_or_that_it_gives_none() -> None:
    fwd, _, _ = capability({"AT+CCFC=0,2": ACTIVE})
    assert (fwd.query().state, fwd.query().target) == (State.SET, f"+86{TARGET}")
    fwd, _, _ = capability({"AT+CCFC=0,2": NONE})
    assert fwd.query().state is State.CANCELLED
    fwd, _, _ = capability({"AT+CCFC=0,2": REFUSES})
    assert (fwd.query().state, fwd.query().verified) == (State.UNKNOWN, Verified.CANNOT)
    fwd, _, _ = capability({"AT+CCFC=0,2": ([], "OK")})  # an OK that says nothing is no answer
    assert fwd.query().verified is Verified.CANNOT


def test_a_number_that_would_end_the_dial_string_is_refused_before_anything_is_sent() -> None:
    fwd, channel, placed = capability({})
    with pytest.raises(ValueError):
        fwd.set("*72{number}", "139;ATH", verify=True)
    assert channel.sent == [] and placed == []
