"""Place one call and drive its ``CallTracker`` from the modem: the I/O half of a call.

Call progress is taken from URCs where the profile has them (an answer is acted upon the
moment its URC arrives) and from ``AT+CLCC`` polls where it has not.  Whatever happens —
answer, ring timeout, stop request — the call is hung up and the line is confirmed idle
with ``AT+CLCC`` before this returns, so no call is ever left up behind us.

Modem faults raise ``ModemError`` so that they are never mistaken for an unanswered call.
Once the call's result is known (answered, or ended, or rung out), a later fault raises
``FaultAfterCall`` carrying that result: it is journaled, then the modem is recovered.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from gsmcall.at.callstate import clcc_event, parse_call_urc, parse_clcc
from gsmcall.at.urcs import is_boot_marker
from gsmcall.call.outcome import Attempt, CallResult, FaultAfterCall
from gsmcall.call.tracker import CallTracker
from gsmcall.dialstring import check_diallable
from gsmcall.modem.channel import LOST, AtChannel, Signal, UrcStream
from gsmcall.modem.errors import CommandTimeout, ModemError, ModemGone
from gsmcall.modem.profiles import Profile
from gsmcall.modem.setup import check_alive, is_registered

log = logging.getLogger(__name__)

DIAL_TIMEOUT = 20.0  # SIM800 manual: ATD max response time 20 s
IDLE_CONFIRM_WITHIN = 4.0
# Polling right after ATD may not list the call yet; an empty list only counts as
# "ended" once the call has been seen, or after this long.
EMPTY_LIST_GRACE = 2.0
POLL_ERRORS_TOLERATED = 3


@dataclass(frozen=True)
class CallTiming:
    ring_timeout: float
    hold: float


def place_call(
    channel: AtChannel, profile: Profile, number: str, timing: CallTiming, stop: threading.Event
) -> Attempt:
    check_diallable(number)
    with channel.subscribe() as urcs:
        check_alive(channel)  # a mute or restarted modem is found here, in seconds
        tracker = CallTracker(number, time.monotonic(), timing.ring_timeout)
        try:
            response = channel.command(f"ATD{number};", timeout=DIAL_TIMEOUT)
        except CommandTimeout:
            _hang_up(channel, profile)
            _confirm_idle(channel, profile, urcs)
            raise ModemError(f"ATD{number}; got no answer from the modem") from None
        tracker.on_dial_result(response.final, time.monotonic())
        try:
            if not tracker.ended:
                _follow(channel, profile, tracker, urcs, timing, stop)
        except ModemError as exc:
            if tracker.answered:
                raise FaultAfterCall(tracker.attempt(time.monotonic()), str(exc)) from exc
            raise
        try:
            if not tracker.ended:
                tracker.on_hangup(time.monotonic())
                _hang_up(channel, profile)
            attempt = tracker.attempt(time.monotonic())
            _confirm_idle(channel, profile, urcs)
        except ModemError as exc:
            raise FaultAfterCall(tracker.attempt(time.monotonic()), str(exc)) from exc
    if attempt.result is CallResult.UNREACHABLE and tracker.alerting_at is None and not is_registered(channel):
        # "NO CARRIER" at once is what a modem off the network says to every number.
        raise ModemError(f"the modem is not registered on the network (ATD{number}; ended at once)")
    return attempt


def _follow(
    channel: AtChannel,
    profile: Profile,
    tracker: CallTracker,
    urcs: UrcStream,
    timing: CallTiming,
    stop: threading.Event,
) -> None:
    """Feed the tracker until the call ends or it is time for us to hang up."""
    polling = not profile.pushes_call_state
    poller = _Poller(channel, tracker)
    next_poll = time.monotonic() + profile.clcc_poll_interval
    while not tracker.ended and not stop.is_set():
        now = time.monotonic()
        tracker.on_tick(now)
        if tracker.ended:
            return
        if tracker.answered_at is not None:
            hold_until = tracker.answered_at + timing.hold
            if now >= hold_until:
                return
            deadlines = [hold_until]
        else:
            deadline = tracker.next_deadline()
            if deadline == tracker.ring_deadline() and now >= deadline:
                # Ask before hanging up: a callee who picked up since the last poll, or whose
                # answer URC a modem reset swallowed, did answer.
                poller.poll()
                if tracker.answered_at is None:
                    return
                continue
            deadlines = [deadline] if deadline is not None else []
        if polling:
            if now >= next_poll:
                poller.poll()
                next_poll = time.monotonic() + profile.clcc_poll_interval
                continue
            deadlines.append(next_poll)
        item = urcs.get(min(deadlines) - now if deadlines else None)
        if item is None:
            continue
        arrived, payload = item
        if isinstance(payload, Signal):
            if payload is LOST:
                raise ModemGone("modem port lost during a call")
            continue  # interrupted: the loop re-checks stop
        if is_boot_marker(payload):
            # A restart shows in the echo (ModemRestarted); a late "PB DONE" does not.
            check_alive(channel)
        event = parse_call_urc(payload)
        if event is not None:
            tracker.on_event(event, arrived)


class _Poller:
    """Call progress from ``AT+CLCC`` polls, for modems that push none."""

    def __init__(self, channel: AtChannel, tracker: CallTracker) -> None:
        self._channel = channel
        self._tracker = tracker
        self._seen = False
        self._errors = 0

    def poll(self) -> None:
        response = self._channel.command("AT+CLCC")
        now = time.monotonic()
        if not response.ok:
            self._errors += 1
            if self._errors >= POLL_ERRORS_TOLERATED:
                raise ModemError(f"AT+CLCC failed {self._errors} times in a row: {response.final.text}")
            return  # one refused poll says nothing about the call
        self._errors = 0
        entries = [e for e in (parse_clcc(line) for line in response.lines) if e and e.voice and e.outgoing]
        for entry in entries:
            event = clcc_event(entry)
            if event is not None:
                self._tracker.on_event(event, now)
        self._seen = self._seen or bool(entries)
        if not entries and (self._seen or now - self._tracker.dialled_at >= EMPTY_LIST_GRACE):
            self._tracker.on_snapshot(False, now)


def _hang_up(channel: AtChannel, profile: Profile) -> None:
    for command in profile.hangup_commands:
        try:
            if channel.command(command).ok:
                return
        except CommandTimeout:
            log.warning("%s got no answer", command)
    raise ModemError(f"the modem refused to hang up ({', '.join(profile.hangup_commands)})")


def voice_calls_up(channel: AtChannel) -> bool:
    response = channel.command("AT+CLCC")
    if not response.ok:
        raise ModemError(f"AT+CLCC failed: {response.final.text}")
    entries = (parse_clcc(line) for line in response.lines)
    # stat 6 (SIMCom "disconnecting") is a call on its way out, not one still up.
    return any(e is not None and e.voice and e.stat != 6 for e in entries)


def _confirm_idle(channel: AtChannel, profile: Profile, urcs: UrcStream) -> None:
    """Make sure the line is idle within a few seconds; hang up again half-way if not."""
    start = time.monotonic()
    deadline = start + IDLE_CONFIRM_WITHIN
    hung_up_again = False
    while voice_calls_up(channel):
        now = time.monotonic()
        if now >= deadline:
            raise ModemError(f"a call is still up {IDLE_CONFIRM_WITHIN:g}s after hanging up")
        if not hung_up_again and now >= start + IDLE_CONFIRM_WITHIN / 2:
            _hang_up(channel, profile)
            hung_up_again = True
        item = urcs.get(min(0.5, deadline - now))  # an end URC wakes us early
        if item is not None and item[1] is LOST:
            raise ModemGone("modem port lost while hanging up")


def hang_up_all(channel: AtChannel, profile: Profile) -> None:
    """Used at start, after a fault and at exit: leave no call up."""
    with channel.subscribe() as urcs:
        if voice_calls_up(channel):
            log.warning("a call was up; hanging it up")
            _hang_up(channel, profile)
            _confirm_idle(channel, profile, urcs)
