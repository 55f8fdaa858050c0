"""Place one call and drive its ``CallTracker`` from the modem: the I/O half of a call.

Call progress is taken from URCs where the profile has them (an answer is acted upon the
moment its URC arrives) and from ``AT+CLCC`` polls where it has not.  Whatever happens —
answer, ring timeout, stop request — the call is hung up and the line is confirmed idle
with ``AT+CLCC`` before this returns, so no call is ever left up behind us.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from gsmcall.at.callstate import clcc_event, parse_call_urc, parse_clcc
from gsmcall.call.outcome import Attempt
from gsmcall.call.tracker import CallTracker
from gsmcall.modem.channel import LOST, AtChannel, Signal, UrcStream
from gsmcall.modem.errors import CommandTimeout, ModemError, ModemGone
from gsmcall.modem.profiles import Profile

log = logging.getLogger(__name__)

DIAL_TIMEOUT = 20.0  # SIM800 manual: ATD max response time 20 s
HANGUP_TIMEOUT = 10.0
IDLE_CHECKS = 6
IDLE_WAIT = 0.5
# Polling right after ATD may not list the call yet; an empty list only counts as
# "ended" once the call has been seen, or after this long.
EMPTY_LIST_GRACE = 2.0


@dataclass(frozen=True)
class CallTiming:
    ring_timeout: float
    hold: float


def place_call(
    channel: AtChannel, profile: Profile, number: str, timing: CallTiming, stop: threading.Event
) -> Attempt:
    with channel.subscribe() as urcs:
        dialled_at = time.monotonic()
        tracker = CallTracker(number, dialled_at, timing.ring_timeout)
        try:
            response = channel.command(f"ATD{number};", timeout=DIAL_TIMEOUT)
        except CommandTimeout:
            _hang_up(channel, profile)
            _confirm_idle(channel, profile, urcs)
            raise ModemError(f"ATD{number}; got no answer from the modem")
        tracker.on_dial_result(response.final, time.monotonic())
        if not tracker.ended:
            _follow(channel, profile, tracker, urcs, timing, stop)
        if not tracker.ended:
            _hang_up(channel, profile)
            tracker.on_hangup(time.monotonic())
        attempt = tracker.attempt(time.monotonic())
        _confirm_idle(channel, profile, urcs)
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
    next_poll = time.monotonic() + profile.clcc_poll_interval
    seen_in_list = False
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
            if now >= tracker.ring_deadline() and tracker.next_deadline() == tracker.ring_deadline():
                return
            deadlines = [d for d in (tracker.next_deadline(),) if d is not None]
        if polling:
            if now >= next_poll:
                seen_in_list = _poll(channel, tracker, seen_in_list)
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
        event = parse_call_urc(payload)
        if event is not None:
            tracker.on_event(event, arrived)


def _poll(channel: AtChannel, tracker: CallTracker, seen_before: bool) -> bool:
    response = channel.command("AT+CLCC")
    now = time.monotonic()
    entries = [e for e in (parse_clcc(line) for line in response.lines) if e and e.voice and e.outgoing]
    for entry in entries:
        event = clcc_event(entry)
        if event is not None:
            tracker.on_event(event, now)
    seen = seen_before or bool(entries)
    if not entries and (seen or now - tracker.dialled_at >= EMPTY_LIST_GRACE):
        tracker.on_snapshot(False, now)
    return seen


def _hang_up(channel: AtChannel, profile: Profile) -> None:
    for command in profile.hangup_commands:
        try:
            if channel.command(command, timeout=HANGUP_TIMEOUT).ok:
                return
        except CommandTimeout:
            log.warning("%s got no answer", command)
    raise ModemError(f"the modem refused to hang up ({', '.join(profile.hangup_commands)})")


def voice_calls_up(channel: AtChannel) -> bool:
    response = channel.command("AT+CLCC")
    if not response.ok:
        raise ModemError(f"AT+CLCC failed: {response.final.text}")
    return any(e is not None and e.voice for e in (parse_clcc(line) for line in response.lines))


def _confirm_idle(channel: AtChannel, profile: Profile, urcs: UrcStream) -> None:
    """Make sure the line is idle; hang up again if a call lingers."""
    for check in range(IDLE_CHECKS):
        if not voice_calls_up(channel):
            return
        if check == IDLE_CHECKS // 2:
            _hang_up(channel, profile)
        item = urcs.get(IDLE_WAIT)  # an end URC wakes us early
        if item is not None and item[1] is LOST:
            raise ModemGone("modem port lost while hanging up")
    raise ModemError("a call is still up after hanging up")


def hang_up_all(channel: AtChannel, profile: Profile) -> None:
    """Used at shutdown and after a fault: leave no call up."""
    with channel.subscribe() as urcs:
        if voice_calls_up(channel):
            _hang_up(channel, profile)
            _confirm_idle(channel, profile, urcs)
