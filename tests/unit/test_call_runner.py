"""The call runner over a scripted voice capability and a real event queue: what it sends
and what it makes of faults, with no serial port."""

from __future__ import annotations

import pytest

from gsmcall.at.callstate import ClccEntry, parse_clcc
from gsmcall.at.protocol import Command, Response
from gsmcall.at.results import parse_final
from gsmcall.call.outcome import CallResult, FaultAfterCall
from gsmcall.call.runner import place_call
from gsmcall.call.session import CallTiming
from gsmcall.events import EventQueue
from gsmcall.modem.capabilities.voice import VoiceSpec
from gsmcall.modem.errors import ModemGone

RINGING = '+CLCC: 1,0,3,0,0,"10086",129'


class ScriptedVoice:
    """Pushes call URCs as a Huawei stick would; records what the runner asked for."""

    channel = None

    def __init__(self, events: EventQueue, on_dial: list[str], calls: list[str], hang_up_fails: bool = False) -> None:
        self.events, self.on_dial, self.calls, self.hang_up_fails = events, on_dial, calls, hang_up_fails
        self.spec, self.pushes, self.sent = VoiceSpec(pushes_call_state=True), True, []

    def check_alive(self) -> None:
        self.sent.append("AT")

    def dial(self, number: str, ring_timeout: float, abort_when: object) -> Response:
        self.sent.append(f"ATD{number};")
        for line in self.on_dial:
            self.events.urc(line)
        return Response(Command(f"ATD{number};", 20), (), parse_final("OK"))

    def hang_up(self) -> None:
        self.sent.append("AT+CHUP")
        if self.hang_up_fails:
            raise ModemGone("port lost while hanging up")
        self.calls = []

    def list_calls(self) -> list[ClccEntry]:
        self.sent.append("AT+CLCC")
        return [e for e in (parse_clcc(line) for line in self.calls) if e is not None]

    def calls_up(self) -> bool:
        return bool(self.list_calls())


def test_a_failed_hang_up_after_the_ring_timeout_keeps_the_result_no_answer() -> None:
    events = EventQueue()
    voice = ScriptedVoice(events, ["^CONF:1"], [RINGING], hang_up_fails=True)
    with pytest.raises(FaultAfterCall) as fault:
        place_call(voice, events, "10086", CallTiming(ring_timeout=0.05, hold=0))  # type: ignore[arg-type]
    assert fault.value.attempt.result is CallResult.NO_ANSWER  # not "failed": it must not be rung again
    assert voice.sent[-2:] == ["AT+CLCC", "AT+CHUP"]  # the last look, then the hang-up


def test_a_late_end_urc_of_the_previous_call_does_not_end_this_one() -> None:
    events = EventQueue()
    events.urc("^CEND:1,0,104,16")  # the previous call's end, arriving after its hang-up
    voice = ScriptedVoice(events, ["^ORIG:1,0", "^CONF:1", "^CONN:1,0"], [])
    attempt = place_call(voice, events, "10086", CallTiming(ring_timeout=5, hold=0))  # type: ignore[arg-type]
    assert attempt.result is CallResult.ANSWERED


def test_a_cmti_during_the_call_is_set_aside_for_the_loop() -> None:
    events = EventQueue()
    voice = ScriptedVoice(events, ["^CONF:1", '+CMTI: "SM",3', "^CONN:1,0"], [])
    attempt = place_call(voice, events, "10086", CallTiming(ring_timeout=5, hold=0))  # type: ignore[arg-type]
    assert attempt.result is CallResult.ANSWERED
    assert [payload for _, payload in events.drain()] == ['+CMTI: "SM",3']
