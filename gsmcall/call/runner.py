"""Place one call: map a ``CallSession``'s actions onto the modem's voice capability.

This is the I/O half of a call.  Call progress comes from the one event queue (URCs, an
answer acted upon the moment it arrives) or from ``AT+CLCC`` polls, as the session asks.
Whatever happens (answer, ring timeout, stop request) the call is hung up and the line is
confirmed idle before this returns, so no call is ever left up behind us.  Arrivals that
are not about the call (a ``+CMTI``, a boot URC) are set aside for the loop.

Modem faults raise ``ModemError`` so that they are never mistaken for an unanswered call.
Once the call's result is known (answered, or ended, or rung out), a later fault raises
``FaultAfterCall`` carrying that result: it is journaled, then the modem is recovered.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from gsmcall.at.barring import barring_cause
from gsmcall.at.callstate import parse_call_urc
from gsmcall.at.urcs import is_boot_marker
from gsmcall.call.outcome import Attempt, CallResult, FaultAfterCall, OnAcknowledged
from gsmcall.call.ack import AckPlan, Speak, StopSpeech
from gsmcall.call.session import Action, CallSession, CallTiming, Done, Fail, HangUp, PollCalls, StartAck, Wait
from gsmcall.dialstring import check_diallable
from gsmcall.modem.capabilities.voice import Voice
from gsmcall.modem.errors import CommandTimeout, ModemError, raise_for_signal
from gsmcall.modem.health import is_registered
from gsmcall.events import LOST, STOP, EventQueue

log = logging.getLogger(__name__)

IDLE_CONFIRM_WITHIN = 4.0
END_REPORT_WAIT = 1.0


def place_call(voice: Voice, events: EventQueue, number: str, timing: CallTiming,
               ack: AckPlan | None = None, on_acknowledged: OnAcknowledged | None = None) -> Attempt:
    """``ack``: speak and wait for the ack key after the answer (None: hold, then hang up);
    ``on_acknowledged`` is told the attempt at the key press, before the hang-up."""
    check_diallable(number)
    started = time.monotonic()  # call events from before this are the previous call's
    voice.check_alive()  # a mute or restarted modem is found here, in seconds
    session = CallSession(number, timing, not voice.pushes, voice.spec.clcc_poll_interval, time.monotonic(),
                          voice.spec.dial_blocks, voice.spec.ok_is_answer, ack)
    try:
        response = voice.dial(number, timing.ring_timeout, lambda: events.stopping)
    except CommandTimeout:
        voice.hang_up()
        confirm_idle(voice, events)
        raise ModemError(f"ATD{number}; got no answer from the modem") from None
    _take_dial_progress(session, events, started)
    action = session.dialled(response.final, time.monotonic(), response.aborted)
    try:
        while not isinstance(action, (HangUp, Done)):
            action = _step(session, action, voice, events, started)
            if on_acknowledged is not None and session.ack is not None and session.ack.acknowledged:
                on_acknowledged(session.attempt(time.monotonic()))
                on_acknowledged = None  # once
    except ModemError as exc:
        if session.answered:
            raise FaultAfterCall(session.attempt(time.monotonic()), str(exc)) from exc
        raise
    try:
        if isinstance(action, HangUp):
            session.hung_up(time.monotonic())  # first: the result (rung out) stands if hanging up fails
            voice.hang_up()
        attempt = session.attempt(time.monotonic())
        if voice.pushes and session.tracker.reported:
            _await_end_report(session, events, started)
        confirm_idle(voice, events)
    except ModemError as exc:
        raise FaultAfterCall(session.attempt(time.monotonic()), str(exc)) from exc
    if attempt.result is CallResult.UNREACHABLE and session.tracker.alerting_at is None:
        attempt = _barred_or(attempt, voice)
    if (attempt.result is CallResult.UNREACHABLE and session.tracker.alerting_at is None
            and not is_registered(voice.channel)):
        # "NO CARRIER" at once is what a modem off the network says to every number.
        raise ModemError(f"the modem is not registered on the network (ATD{number}; ended at once)")
    return attempt


def _barred_or(attempt: Attempt, voice: Voice) -> Attempt:
    """A call the network ended before any phone rang: when its release cause names barring
    (a SIM in debt or suspended ends every call so), it failed, it did not find the callee
    unreachable, so the escalation takes it for a fault, never for "nobody answered"."""
    cause = voice.release_cause()
    if barring_cause(cause) is None:
        return attempt
    return replace(attempt, result=CallResult.FAILED, detail=cause)


def _take_dial_progress(session: CallSession, events: EventQueue, started: float) -> None:
    """Feed what the modem said while ATD ran (a Wavecom's +WIND: 2 "ringing") before ATD's
    own result, so a blocking dial that ends in NO CARRIER is known to have rung."""
    while (arrival := events.get(0)) is not None:
        arrived, payload = arrival
        event = parse_call_urc(payload) if isinstance(payload, str) and arrived >= started else None
        if event is None:
            events.set_aside(arrival)
        else:
            session.on_event(event, arrived)


def _step(session: CallSession, action: Action, voice: Voice, events: EventQueue, started: float) -> Action:
    """Carry out one action and return the session's next one; ``started`` is when this
    call began, so a late end URC of the previous call is not taken for this one's."""
    if isinstance(action, Fail):
        raise ModemError(action.reason)
    if isinstance(action, PollCalls):
        return session.on_calls(voice.list_calls(), time.monotonic())
    if isinstance(action, StartAck):
        voice.start_ack()
        return session.tick(time.monotonic())
    if isinstance(action, Speak):
        spoken = voice.speak(action.piece)
        return session.tick(time.monotonic()) if spoken else session.speech_failed(time.monotonic())
    if isinstance(action, StopSpeech):
        voice.stop_speech()
        return session.piece_ended(time.monotonic())
    assert isinstance(action, Wait)
    if events.stopping:
        return session.on_stop(time.monotonic())
    arrival = events.get(None if action.until is None else action.until - time.monotonic())
    now = time.monotonic()
    if arrival is None:
        return session.tick(now)
    arrived, payload = arrival
    if payload is STOP:
        return session.on_stop(now)
    if payload is LOST:
        raise_for_signal(payload, "during a call")
    if isinstance(payload, str) and session.ack is not None and arrived >= started:
        key = voice.key_in(payload)
        if key is not None:
            log.info("key %s pressed on the call to %s%s", key, session.tracker.number,
                     "" if key == session.ack_key else " (not the ack key; ignored)")
            return session.on_key(key, arrived)
        if voice.speech_end_in(payload) is not None:
            return session.piece_ended(now)
    event = parse_call_urc(payload) if isinstance(payload, str) and arrived >= started else None
    if event is not None:
        if not session.claims(event):
            log.info("%s is about another call (ours is %s); ignored", payload, session.tracker.call_id or "?")
        return session.on_event(event, arrived)
    events.set_aside(arrival)  # not about this call: the loop routes it afterwards
    if isinstance(payload, str) and is_boot_marker(payload):
        # A restart shows in the echo (ModemRestarted); a late "PB DONE" does not.
        voice.check_alive()
    return session.tick(now)


def _await_end_report(session: CallSession, events: EventQueue, started: float) -> None:
    """Take this call's own end report before the next call can be dialled, so a late end
    URC (EC25 ``^DSCI: ...,6``, Huawei ``^CEND``) is never read as the next call's end.
    Bounded: a modem that reports no end after a local hang-up costs this wait once a call."""
    deadline = time.monotonic() + END_REPORT_WAIT
    while not session.tracker.end_seen:
        arrival = events.get(deadline - time.monotonic())
        if arrival is None:
            log.debug("no end report within %gs of hanging up", END_REPORT_WAIT)
            return
        arrived, payload = arrival
        if payload is LOST:
            raise_for_signal(LOST, "while hanging up")
        event = parse_call_urc(payload) if isinstance(payload, str) and arrived >= started else None
        if event is not None:
            session.on_event(event, arrived)
        elif payload is not STOP:
            events.set_aside(arrival)


def confirm_idle(voice: Voice, events: EventQueue) -> None:
    """Make sure the line is idle within a few seconds; hang up again half-way if not."""
    start = time.monotonic()
    deadline = start + IDLE_CONFIRM_WITHIN
    hung_up_again = False
    while voice.calls_up():
        now = time.monotonic()
        if now >= deadline:
            raise ModemError(f"a call is still up {IDLE_CONFIRM_WITHIN:g}s after hanging up")
        if not hung_up_again and now >= start + IDLE_CONFIRM_WITHIN / 2:
            voice.hang_up()
            hung_up_again = True
        arrival = events.get(min(0.5, deadline - now))  # an end URC wakes us early
        if arrival is None:
            continue
        if arrival[1] is LOST:
            raise_for_signal(LOST, "while hanging up")
        if arrival[1] is not STOP:  # the stop flag stays set; anything else is the loop's
            events.set_aside(arrival)


def hang_up_all(voice: Voice, events: EventQueue) -> None:
    """Used at start, after a fault and at exit: leave no call up."""
    if voice.calls_up():
        log.warning("a call was up; hanging it up")
        voice.hang_up()
        confirm_idle(voice, events)
