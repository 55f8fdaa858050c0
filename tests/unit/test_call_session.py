"""One outgoing call's state machine (gsmcall/call/session.py), fed real URC lines and plain times.

``CallSession`` holds every timing rule of a call (ring timeout with one last poll, hold on
an answer, the settle window after an end, poll cadence and the empty-list grace where the
modem pushes nothing, tolerance for refused polls), so these rules are checked here with
float clocks and the URC lines of each modem family taken from test_call_tracker.py and
test_callstate.py: SIM800 (+CLCC, MO RING), EC25 (^DSCI), SIM7600 (+CLCC, VOICE CALL) and
Huawei (^ORIG/^CONF/^CONN/^CEND).  Times start at T0, not 0.0, like a monotonic clock.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from gsmcall.at.callstate import CallEvent, ClccEntry, parse_call_urc, parse_clcc
from gsmcall.at.results import FinalResult, parse_final
from gsmcall.call.outcome import CallResult
from gsmcall.call.session import (
    EMPTY_LIST_GRACE,
    POLL_ERRORS_TOLERATED,
    Action,
    CallSession,
    CallTiming,
    Done,
    Fail,
    HangUp,
    PollCalls,
    Wait,
)
from gsmcall.call.tracker import LONG_RING, SETTLE_WINDOW

NUMBER = "13912345678"
T0 = 1000.0
RING_TIMEOUT = 40.0
HOLD = 5.0
POLL = 1.0

DIALING = f'+CLCC: 1,0,2,0,0,"{NUMBER}",129,""'
ALERTING = f'+CLCC: 1,0,3,0,0,"{NUMBER}",129'
ACTIVE = f'+CLCC: 1,0,0,0,0,"{NUMBER}",129'
DISCONNECT = f'+CLCC: 1,0,6,0,0,"{NUMBER}",129,""'
INCOMING = '+CLCC: 2,1,4,0,0,"555",129'


def final(line: str) -> FinalResult:
    result = parse_final(line)
    assert result is not None, line
    return result


def ev(line: str) -> CallEvent:
    event = parse_call_urc(line)
    assert event is not None, line
    return event


def entries(*lines: str) -> list[ClccEntry]:
    parsed = [parse_clcc(line) for line in lines]
    assert all(p is not None for p in parsed), lines
    return [p for p in parsed if p is not None]


def dial(polls: bool = False) -> tuple[CallSession, Action]:
    session = CallSession(NUMBER, CallTiming(RING_TIMEOUT, HOLD), polls, POLL, T0)
    return session, session.dialled(final("OK"), T0)


def feed(session: CallSession, script: Sequence[tuple[float, str]]) -> list[Action]:
    """Feed ``(seconds after T0, URC line)`` pairs; the actions returned, in order."""
    return [session.on_event(ev(line), T0 + at) for at, line in script]


# --- answered ---------------------------------------------------------------------------------
ANSWERED_SCRIPTS = {
    "sim800": [(0.5, DIALING), (1.0, "MO RING"), (3.0, f'+CLCC: 1,0,0,0,0,"{NUMBER}",129,""')],
    "ec25": [(0.5, "^DSCI: 1,0,2,0,10086,129,0"), (1.0, "^DSCI: 1,0,7,0,10086,129,0"),
             (3.0, "^DSCI: 1,0,3,0,10086,129,0")],
    "sim7600": [(1.0, ALERTING), (3.0, "VOICE CALL: BEGIN")],
    "huawei": [(0.5, "^ORIG:1,0"), (1.0, "^CONF:1"), (3.0, "^CONN:1,0")],
}


@pytest.mark.parametrize("family", ANSWERED_SCRIPTS)
def test_answered_call_is_held_then_hung_up(family: str) -> None:
    session, first = dial()
    assert first == Wait(T0 + RING_TIMEOUT)
    actions = feed(session, ANSWERED_SCRIPTS[family])
    assert actions[:-1] == [Wait(T0 + RING_TIMEOUT)] * (len(actions) - 1)
    assert actions[-1] == Wait(T0 + 3.0 + HOLD)
    assert session.answered and not session.ended
    assert session.tick(T0 + 3.0 + HOLD - 0.5) == Wait(T0 + 3.0 + HOLD)
    assert session.tick(T0 + 3.0 + HOLD) == HangUp()
    assert session.hung_up(T0 + 3.0 + HOLD + 0.25) == Done()
    attempt = session.attempt(T0 + 20.0)
    assert attempt.result is CallResult.ANSWERED
    assert attempt.alerting_after == 1.0
    assert attempt.answered_after == 3.0
    assert attempt.duration == HOLD + 0.25


def test_far_end_hanging_up_an_answered_call_is_done_and_still_answered() -> None:
    session, _ = dial()
    feed(session, [(1.0, "^CONF:1"), (2.0, "^CONN:1,0")])
    assert session.on_event(ev("^CEND:1,2,104,16"), T0 + 4.0) == Done()
    attempt = session.attempt(T0 + 9.0)
    assert attempt.result is CallResult.ANSWERED and attempt.duration == 2.0


# --- ends without an answer ------------------------------------------------------------------
ENDS = {
    "sim800-busy": ([(0.5, DIALING), (1.0, ALERTING), (2.0, DISCONNECT), (2.1, "BUSY")], CallResult.BUSY),
    "sim800-rejected": ([(0.5, DIALING), (1.0, ALERTING), (2.0, DISCONNECT)], CallResult.REJECTED),
    "ec25-rejected": ([(0.5, "^DSCI: 1,0,2,0,1,129,0"), (1.0, "^DSCI: 1,0,7,0,1,129,0"),
                       (2.0, "^DSCI: 1,0,6,0,1,129,0")], CallResult.REJECTED),
    "sim7600-rejected": ([(1.0, ALERTING), (3.0, "VOICE CALL: END"), (3.1, "NO CARRIER")], CallResult.REJECTED),
    "huawei-busy": ([(0.5, "^ORIG:1,0"), (1.0, "^CONF:1"), (2.0, "^CEND:1,0,104,17")], CallResult.BUSY),
    "huawei-unreachable": ([(0.5, "^ORIG:1,0"), (2.0, "^CEND:1,0,104,31")], CallResult.UNREACHABLE),
}


@pytest.mark.parametrize("case", ENDS)
def test_an_end_before_an_answer_is_done_without_hanging_up(case: str) -> None:
    script, expected = ENDS[case]
    session, first = dial()
    actions = [first, *feed(session, script)]
    last_at = T0 + script[-1][0]
    if actions[-1] != Done():  # no telling event: the settle window decides
        assert actions[-1] == Wait(last_at + SETTLE_WINDOW)
        assert session.tick(last_at + SETTLE_WINDOW / 2) == Wait(last_at + SETTLE_WINDOW)
        actions.append(session.tick(last_at + SETTLE_WINDOW))
    assert actions[-1] == Done()
    assert HangUp() not in actions
    assert session.attempt(last_at + 1.0).result is expected


def test_a_telling_event_within_the_settle_window_wins() -> None:
    session, _ = dial()
    feed(session, [(1.0, ALERTING)])
    assert session.on_event(ev(DISCONNECT), T0 + 5.0) == Wait(T0 + 5.0 + SETTLE_WINDOW)
    assert session.on_event(ev("BUSY"), T0 + 5.0 + SETTLE_WINDOW / 2) == Done()
    assert session.attempt(T0 + 6.0).result is CallResult.BUSY


def test_network_dropping_a_long_ringing_call_is_no_answer() -> None:
    session, _ = dial()
    feed(session, [(1.0, ALERTING)])
    assert session.on_event(ev("VOICE CALL: END"), T0 + 1.0 + LONG_RING) == Wait(T0 + 1.0 + LONG_RING + SETTLE_WINDOW)
    assert session.tick(T0 + 1.0 + LONG_RING + SETTLE_WINDOW) == Done()
    assert session.attempt(T0 + 60.0).result is CallResult.NO_ANSWER


# --- ring timeout on a push profile ----------------------------------------------------------
def ring_to_deadline() -> CallSession:
    session, _ = dial()
    feed(session, [(0.5, "^ORIG:1,0"), (1.0, "^CONF:1")])
    assert session.tick(T0 + RING_TIMEOUT - 0.1) == Wait(T0 + RING_TIMEOUT)
    assert session.tick(T0 + RING_TIMEOUT) == PollCalls()
    return session


def test_ring_timeout_polls_once_then_hangs_up_as_no_answer() -> None:
    session = ring_to_deadline()
    assert session.on_calls(entries(ALERTING), T0 + RING_TIMEOUT + 0.05) == HangUp()
    assert session.hung_up(T0 + RING_TIMEOUT + 0.1) == Done()
    attempt = session.attempt(T0 + 50.0)
    assert attempt.result is CallResult.NO_ANSWER
    assert attempt.alerting_after == 1.0 and attempt.answered_after is None and attempt.duration is None


def test_ring_timeout_with_a_refused_final_poll_still_hangs_up() -> None:
    session = ring_to_deadline()
    assert session.on_calls(None, T0 + RING_TIMEOUT + 0.05) == HangUp()


def test_a_late_answer_seen_in_the_final_poll_is_answered_and_held() -> None:
    session = ring_to_deadline()
    at = T0 + RING_TIMEOUT + 0.05
    assert session.on_calls(entries(ACTIVE), at) == Wait(at + HOLD)
    assert session.answered
    assert session.tick(at + HOLD) == HangUp()
    session.hung_up(at + HOLD)
    attempt = session.attempt(at + HOLD)
    assert attempt.result is CallResult.ANSWERED and attempt.duration == HOLD


# --- polling profile -------------------------------------------------------------------------
def test_polling_profile_polls_at_each_interval() -> None:
    session, first = dial(polls=True)
    assert first == Wait(T0 + POLL)
    assert session.tick(T0 + POLL - 0.5) == Wait(T0 + POLL)
    assert session.tick(T0 + POLL) == PollCalls()
    assert session.on_calls(entries(DIALING), T0 + POLL) == Wait(T0 + 2 * POLL)
    assert session.tick(T0 + 2 * POLL) == PollCalls()
    assert session.on_calls(entries(ALERTING), T0 + 2 * POLL) == Wait(T0 + 3 * POLL)
    assert session.on_calls(entries(ACTIVE), T0 + 3 * POLL) == Wait(T0 + 4 * POLL)  # before hold ends
    assert session.answered


def test_empty_list_after_the_call_was_seen_ends_it() -> None:
    session, _ = dial(polls=True)
    session.on_calls(entries(ALERTING), T0 + POLL)
    at = T0 + 1.5  # within EMPTY_LIST_GRACE, but the call was seen
    assert session.on_calls([], at) == Wait(at + SETTLE_WINDOW)
    assert session.tick(at + SETTLE_WINDOW) == Done()
    assert session.attempt(at + 1.0).result is CallResult.REJECTED


def test_empty_list_right_after_dialling_is_not_an_end_until_the_grace() -> None:
    session, _ = dial(polls=True)
    assert session.on_calls([], T0 + POLL) == Wait(T0 + 2 * POLL)
    assert session.tick(T0 + POLL + SETTLE_WINDOW + 0.1) == Wait(T0 + 2 * POLL)
    assert not session.ended
    at = T0 + EMPTY_LIST_GRACE
    assert session.on_calls([], at) == Wait(at + SETTLE_WINDOW)
    assert session.tick(at + SETTLE_WINDOW) == Done()
    assert session.attempt(at + 1.0).result is CallResult.UNREACHABLE


def test_refused_polls_in_a_row_are_a_modem_fault() -> None:
    assert POLL_ERRORS_TOLERATED == 3
    session, _ = dial(polls=True)
    assert session.on_calls(None, T0 + 1.0) == Wait(T0 + 2.0)
    assert session.on_calls(None, T0 + 2.0) == Wait(T0 + 3.0)
    action = session.on_calls(None, T0 + 3.0)
    assert isinstance(action, Fail) and "3" in action.reason


def test_a_good_poll_resets_the_refusal_count() -> None:
    session, _ = dial(polls=True)
    assert session.on_calls(None, T0 + 1.0) == Wait(T0 + 2.0)
    assert session.on_calls(entries(ALERTING), T0 + 2.0) == Wait(T0 + 3.0)
    assert session.on_calls(None, T0 + 3.0) == Wait(T0 + 4.0)
    assert session.on_calls(None, T0 + 4.0) == Wait(T0 + 5.0)
    assert isinstance(session.on_calls(None, T0 + 5.0), Fail)


# --- stop, dial errors, incoming calls -------------------------------------------------------
def test_stop_while_ringing_hangs_up() -> None:
    session, _ = dial()
    feed(session, [(1.0, "MO RING")])
    assert session.on_stop(T0 + 5.0) == HangUp()
    assert session.hung_up(T0 + 5.1) == Done()
    assert session.ended and not session.answered


def test_stop_during_the_hold_hangs_up_early_and_stays_answered() -> None:
    session, _ = dial()
    feed(session, [(1.0, "^CONF:1"), (2.0, "^CONN:1,0")])
    assert session.on_stop(T0 + 3.0) == HangUp()
    session.hung_up(T0 + 3.0)
    assert session.attempt(T0 + 3.0).result is CallResult.ANSWERED


@pytest.mark.parametrize(
    "line, expected",
    [("+CME ERROR: 30", CallResult.FAILED), ("ERROR", CallResult.FAILED),
     ("NO CARRIER", CallResult.UNREACHABLE), ("BUSY", CallResult.BUSY)],
)
def test_a_dial_error_is_done_at_once(line: str, expected: CallResult) -> None:
    session = CallSession(NUMBER, CallTiming(RING_TIMEOUT, HOLD), False, POLL, T0)
    assert session.dialled(final(line), T0 + 0.2) == Done()
    attempt = session.attempt(T0 + 0.2)
    assert attempt.result is expected and attempt.detail == line
    assert attempt.alerting_after is None and attempt.answered_after is None


def test_incoming_call_events_change_nothing() -> None:
    session, _ = dial()
    feed(session, [(1.0, ALERTING)])
    assert session.on_event(ev(INCOMING), T0 + 2.0) == Wait(T0 + RING_TIMEOUT)
    assert session.on_event(ev('+CLCC: 2,1,0,0,0,"555",129'), T0 + 3.0) == Wait(T0 + RING_TIMEOUT)
    assert session.on_event(ev('+CLCC: 2,1,6,0,0,"555",129'), T0 + 4.0) == Wait(T0 + RING_TIMEOUT)
    assert not session.answered and not session.ended


def test_an_incoming_call_in_a_poll_neither_counts_nor_hides_our_end() -> None:
    session, _ = dial(polls=True)
    assert session.on_calls(entries(ALERTING, INCOMING), T0 + 1.0) == Wait(T0 + 2.0)
    assert session.on_calls(entries(ALERTING, '+CLCC: 2,1,0,0,0,"555",129'), T0 + 2.0) == Wait(T0 + 3.0)
    assert not session.answered and not session.ended
    at = T0 + 3.0  # ours has gone; only the incoming call is listed: that is our end
    assert session.on_calls(entries(INCOMING), at) == Wait(at + SETTLE_WINDOW)
    assert session.tick(at + SETTLE_WINDOW) == Done()


# --- a timestamp of 0.0 is a time like any other (the tracker once read it as "not yet") ---------
def test_alerting_at_time_zero_is_kept() -> None:
    session = CallSession(NUMBER, CallTiming(RING_TIMEOUT, HOLD), False, POLL, 0.0)
    session.dialled(final("OK"), 0.0)
    session.on_event(ev("^CONF:1"), 0.0)
    session.on_event(ev("^CONN:1,0"), 3.0)
    assert session.attempt(4.0).alerting_after == 0.0
