"""The call session with ``calls.ack: key``: after the answer it speaks and waits for the key."""

from __future__ import annotations

from gsmcall.at.callstate import CallEvent, parse_call_urc
from gsmcall.at.results import parse_final
from gsmcall.call.ack import AckPlan, Speak, StopSpeech
from gsmcall.call.outcome import CallResult
from gsmcall.call.session import CallSession, CallTiming, Done, HangUp, StartAck, Wait

NUMBER = "13912345678"
T0 = 1000.0
ALERTING = f'+CLCC: 1,0,3,0,0,"{NUMBER}",129'
ACTIVE = f'+CLCC: 1,0,0,0,0,"{NUMBER}",129'
ENDED = f'+CLCC: 1,0,6,0,0,"{NUMBER}",129'
PLAN = AckPlan(pieces=("数据库宕机。", "确认请按1。"), repeat=2, key="1", timeout=30.0)


def ev(line: str) -> CallEvent:
    event = parse_call_urc(line)
    assert event is not None
    return event


def answered(plan: AckPlan | None = PLAN) -> CallSession:
    session = CallSession(NUMBER, CallTiming(40.0, 3.0), polls=False, poll_interval=1.0, now=T0, ack=plan)
    final = parse_final("OK")
    assert final is not None
    session.dialled(final, T0 + 0.1)
    session.on_event(ev(ALERTING), T0 + 1)
    assert session.on_event(ev(ACTIVE), T0 + 5) == StartAck()
    return session


def test_the_ack_key_during_the_speech_stops_it_and_hangs_up_acknowledged() -> None:
    session = answered()
    assert session.tick(T0 + 5.1) == Speak("数据库宕机。")
    assert session.tick(T0 + 5.2) == Wait(T0 + 35)  # one piece at a time
    assert session.piece_ended(T0 + 7) == Speak("确认请按1。")
    assert session.on_key("1", T0 + 8) == StopSpeech()
    assert session.piece_ended(T0 + 8.1) == HangUp()
    session.hung_up(T0 + 8.2)
    assert session.attempt(T0 + 8.2).result is CallResult.ACKNOWLEDGED


def test_no_key_until_the_timeout_hangs_up_answered() -> None:
    session = answered()
    spoken, action = [], session.tick(T0 + 6)
    while isinstance(action, Speak):
        spoken.append(action.piece)
        action = session.piece_ended(T0 + 7)
    assert spoken == list(PLAN.pieces) * 2
    assert action == Wait(T0 + 35)
    assert session.tick(T0 + 35) == HangUp()
    session.hung_up(T0 + 35)
    assert session.attempt(T0 + 35).result is CallResult.ANSWERED


def test_another_key_is_ignored() -> None:
    session = answered()
    session.tick(T0 + 5.1)
    assert session.on_key("9", T0 + 6) == Wait(T0 + 35)


def test_a_callee_who_hangs_up_during_the_speech_counts_as_answered() -> None:
    session = answered()
    session.tick(T0 + 5.1)
    session.on_event(ev(ENDED), T0 + 6)
    assert session.tick(T0 + 8) == Done()
    assert session.attempt(T0 + 8).result is CallResult.ANSWERED


def test_a_key_before_the_answer_counts_for_nothing() -> None:
    session = CallSession(NUMBER, CallTiming(40.0, 3.0), polls=False, poll_interval=1.0, now=T0, ack=PLAN)
    assert isinstance(session.on_key("1", T0 + 1), Wait)
    assert session.ack is None


def test_without_a_plan_the_answer_is_held_as_before() -> None:
    session = CallSession(NUMBER, CallTiming(40.0, 3.0), polls=False, poll_interval=1.0, now=T0)
    final = parse_final("OK")
    assert final is not None
    session.dialled(final, T0 + 0.1)
    assert session.on_event(ev(ACTIVE), T0 + 5) == Wait(T0 + 8)
