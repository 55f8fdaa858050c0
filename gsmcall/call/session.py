"""One outgoing call as a pure state machine: events in, actions out; no I/O, no clock.

The runner feeds it the dial result, call events, the result of each ``AT+CLCC`` poll, a
stop request and the time; after each input it says what to do next: wait (until when),
poll the call list, hang up, or done.  All the timing rules of a call live here, so they are
tested with plain numbers: ring until ``ring_timeout`` (asking the modem once more before
giving up, since an answer URC can be lost), stay ``hold`` seconds on an answered call,
poll at the profile's interval where the modem pushes nothing.

With an ``AckPlan`` (``calls.ack: key``) the answered call goes through the acknowledgement
phase (``call/ack.py``) instead of the fixed hold: speak, listen for the key, release.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from gsmcall.at.callstate import CallEvent, ClccEntry, clcc_event
from gsmcall.at.results import FinalResult
from gsmcall.call.ack import AckPhase, AckPlan, Listen, Release, Speak, StopSpeech
from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.call.tracker import CallTracker

# Polling right after ATD may not list the call yet; an empty list only counts as
# "ended" once the call has been seen, or after this long.
EMPTY_LIST_GRACE = 2.0
POLL_ERRORS_TOLERATED = 3


@dataclass(frozen=True)
class CallTiming:
    ring_timeout: float
    hold: float


@dataclass(frozen=True)
class Wait:
    """Wait for the next event, or until ``until`` (None: no deadline)."""

    until: float | None


@dataclass(frozen=True)
class PollCalls:
    """Send ``AT+CLCC`` and feed the entries (or None if refused) to ``on_calls``."""


@dataclass(frozen=True)
class HangUp:
    """Hang the call up, then report it with ``hung_up``."""


@dataclass(frozen=True)
class Done:
    """The call is over; its attempt is final."""


@dataclass(frozen=True)
class Fail:
    """The modem cannot follow the call: a modem fault, never a call result."""

    reason: str


@dataclass(frozen=True)
class StartAck:
    """The call was answered: switch on key detection (and speech routing) for it."""


Action = Wait | PollCalls | HangUp | Done | Fail | StartAck | Speak | StopSpeech


class CallSession:
    def __init__(self, number: str, timing: CallTiming, polls: bool, poll_interval: float, now: float,
                 dial_blocks: bool = False, ok_is_answer: bool = False, ack: AckPlan | None = None) -> None:
        self.tracker = CallTracker(number, now, timing.ring_timeout)
        self._ack_plan = ack
        self.ack: AckPhase | None = None
        self._dial_blocks = dial_blocks
        self._ok_is_answer = ok_is_answer
        self._hold = timing.hold
        self._polls = polls
        self._poll_interval = poll_interval
        self._next_poll = now + poll_interval
        self._final_poll = False  # asked the modem once more at the ring deadline
        self._seen_in_list = False
        self._poll_errors = 0
        self._stopping = False

    # --- inputs ---------------------------------------------------------------------------
    def dialled(self, final: FinalResult, now: float, aborted: bool = False) -> Action:
        """ATD's final result; ``aborted``: we cut a blocking dial short (ring timeout or a
        stop), so the call was rung out, whatever the modem answered to the abort."""
        if aborted:
            return self.hung_up(now)
        self.tracker.on_dial_result(final, now, self._dial_blocks, self._ok_is_answer)
        return self.next_action(now)

    def claims(self, event: CallEvent) -> bool:
        """Whether a call event is this call's (see ``CallTracker.claims``)."""
        return self.tracker.claims(event)

    def on_event(self, event: CallEvent, now: float) -> Action:
        """A call event; one that is not this call's (``claims``) changes nothing."""
        self.tracker.on_event(event, now)
        return self.next_action(now)

    def on_calls(self, entries: list[ClccEntry] | None, now: float) -> Action:
        """A poll's voice calls; None when the modem refused to list them."""
        self._next_poll = now + self._poll_interval
        if entries is None:
            self._poll_errors += 1
            if self._poll_errors >= POLL_ERRORS_TOLERATED:
                return Fail(f"AT+CLCC failed {self._poll_errors} times in a row")
            return self.next_action(now)  # one refused poll says nothing about the call
        self._poll_errors = 0
        ours = [e for e in entries if e.outgoing and (self.tracker.call_id is None or e.index == self.tracker.call_id)]
        for entry in ours:
            event = clcc_event(entry)
            if event is not None:
                self.tracker.on_event(event, now)
        self._seen_in_list = self._seen_in_list or bool(ours)
        if not ours and (self._seen_in_list or now - self.tracker.dialled_at >= EMPTY_LIST_GRACE):
            self.tracker.on_snapshot(False, now)
        return self.next_action(now)

    def on_stop(self, now: float) -> Action:
        self._stopping = True
        return self.next_action(now)

    def tick(self, now: float) -> Action:
        return self.next_action(now)

    def hung_up(self, now: float) -> Action:
        self.tracker.on_hangup(now)
        return Done()

    def on_key(self, key: str, now: float) -> Action:
        """A key the callee pressed; only keys during the acknowledgement phase count."""
        if self.ack is not None and not self.tracker.ended:
            self.ack.on_key(key, now)
        return self.next_action(now)

    @property
    def ack_key(self) -> str | None:
        return self._ack_plan.key if self._ack_plan is not None else None

    def piece_ended(self, now: float) -> Action:
        if self.ack is not None:
            self.ack.piece_ended()
        return self.next_action(now)

    def speech_failed(self, now: float) -> Action:
        if self.ack is not None:
            self.ack.speech_failed()
        return self.next_action(now)

    # --- outputs --------------------------------------------------------------------------
    @property
    def answered(self) -> bool:
        return self.tracker.answered

    @property
    def ended(self) -> bool:
        return self.tracker.ended

    def attempt(self, now: float) -> Attempt:
        attempt = self.tracker.attempt(now)
        if self.ack is not None and self.ack.acknowledged and attempt.result is CallResult.ANSWERED:
            return dataclasses.replace(attempt, result=CallResult.ACKNOWLEDGED)
        return attempt

    def next_action(self, now: float) -> Action:
        tracker = self.tracker
        tracker.on_tick(now)
        if tracker.ended:
            return Done()
        if self._stopping:
            return HangUp()
        deadlines: list[float] = []
        if tracker.answered_at is not None and self._ack_plan is not None:
            if self.ack is None:
                self.ack = self._ack_plan.start(tracker.answered_at)
                return StartAck()
            step = self.ack.next_step(now)
            if isinstance(step, Release):
                return HangUp()
            if not isinstance(step, Listen):
                return step
            deadlines.append(step.until)
        elif tracker.answered_at is not None:
            hold_until = tracker.answered_at + self._hold
            if now >= hold_until:
                return HangUp()
            deadlines.append(hold_until)
        else:
            if self._final_poll:
                return HangUp()  # the last look at the ring deadline found no answer: rung out
            deadline = tracker.next_deadline()
            if deadline == tracker.ring_deadline() and now >= deadline:
                # Ask before hanging up: a callee who picked up since the last poll, or whose
                # answer URC a modem reset swallowed, did answer.
                self._final_poll = True
                return PollCalls()
            if deadline is not None:
                deadlines.append(deadline)
        if self._polls:
            if now >= self._next_poll:
                return PollCalls()
            deadlines.append(self._next_poll)
        return Wait(min(deadlines) if deadlines else None)
