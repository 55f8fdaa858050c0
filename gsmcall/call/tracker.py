"""The state machine of one outgoing call, fed events and the clock; no I/O.

Ends are reported by several sources in a row (SIM800: ``+CLCC ...,6`` then ``BUSY``;
SIM7600: ``+CLCC ...,6``, ``VOICE CALL: END``, ``NO CARRIER``).  The first may not carry
the reason, so an end before an answer waits a short settle window for a more telling
event before the result is fixed.  An answer, in contrast, is acted upon at once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from gsmcall.at.callstate import CallEvent, EndCause, Phase
from gsmcall.at.results import FinalResult, ResultKind
from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.dialstring import same_number

# How long to wait after an end without a reason for one with a reason.
SETTLE_WINDOW = 0.4
# [I] A network that drops a ringing call without saying why after this long has most
# likely given up on it (no answer); sooner, the callee most likely declined.
LONG_RING = 20.0
# [I] A dial that blocked this long before NO CARRIER was ringing; sooner, it never got through.
RANG_AFTER = 3.0

_CAUSE_RESULT = {
    EndCause.BUSY: CallResult.BUSY,
    EndCause.NO_ANSWER: CallResult.NO_ANSWER,
    EndCause.REJECTED: CallResult.REJECTED,
    EndCause.UNREACHABLE: CallResult.UNREACHABLE,
}
_DIAL_RESULT = {
    ResultKind.BUSY: CallResult.BUSY,
    ResultKind.NO_ANSWER: CallResult.NO_ANSWER,
    ResultKind.NO_CARRIER: CallResult.UNREACHABLE,
    ResultKind.NO_DIALTONE: CallResult.FAILED,
}


class CallPhase(enum.Enum):
    DIALLING = "dialling"
    RINGING = "ringing"
    CONNECTED = "connected"
    SETTLING = "settling"  # ended before an answer; waiting briefly for why
    ENDED = "ended"


@dataclass
class CallTracker:
    number: str
    dialled_at: float
    ring_timeout: float
    alerting_at: float | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    result: CallResult | None = None
    detail: str = ""
    phase: CallPhase = CallPhase.DIALLING
    # The modem's id for this call, learnt from the first of its events that carries one.
    call_id: int | None = None
    # The modem reported this call at all, and reported its end (not only our hang-up).
    reported: bool = False
    end_seen: bool = False
    _end_causes: list[EndCause] = field(default_factory=list)
    _settle_until: float | None = None

    # --- inputs -------------------------------------------------------------------------
    def on_dial_result(self, final: FinalResult, now: float, dial_blocks: bool = False,
                       ok_is_answer: bool = False) -> None:
        """The final result of ``ATD<n>;`` itself.

        ``CONNECT`` is an answer (ZTE); so is ``OK`` where ATD blocks until the answer
        (Wavecom).  Where ATD blocks, an ``OK`` that is no answer (ZTE), ``HANGUP: <id>``
        (Qualcomm) or a ``NO CARRIER`` that took a while came from a call that rang and
        ended: the ATD blocked meanwhile, so there was no other word of it."""
        if final.kind is ResultKind.CONNECT or (final.ok and dial_blocks and ok_is_answer):
            self.answered_at = self.alerting_at = now
            self.result = CallResult.ANSWERED
            self.phase = CallPhase.CONNECTED
            return
        if final.ok and not dial_blocks:
            return
        self.detail = final.text
        self.ended_at = now
        self.result = _DIAL_RESULT.get(final.kind, CallResult.FAILED)
        self.phase = CallPhase.ENDED
        rang = dial_blocks and final.kind in (ResultKind.OK, ResultKind.HANGUP)
        long_dial = final.kind is ResultKind.NO_CARRIER and now - self.dialled_at >= RANG_AFTER
        if rang or long_dial or (final.kind is ResultKind.NO_CARRIER and self.alerting_at is not None):
            self.alerting_at = self.dialled_at if self.alerting_at is None else self.alerting_at
            self.phase = CallPhase.SETTLING
            self._end_causes = [EndCause.UNKNOWN]
            self._conclude()

    def claims(self, event: CallEvent) -> bool:
        """True when ``event`` is about this call; learns the call id from its first event.

        An incoming or waiting call's events, and the late end of the previous call (an end
        that comes before this call has named itself, names another number, or says we hung
        up when we have not), belong to other calls and must never decide this one's result."""
        if event.outgoing is False or not same_number(event.number, self.number):
            return False
        if event.phase is Phase.ENDED and event.cause is EndCause.LOCAL and self.phase is not CallPhase.ENDED:
            return False  # "ended by this side" while we have not hung up: an earlier call's end
        if event.call_id is None:
            return True  # the line does not say which call: on one line, it can only be ours
        if self.call_id is None:
            if event.phase is Phase.ENDED:
                return False
            self.call_id = event.call_id
        return event.call_id == self.call_id

    def on_event(self, event: CallEvent, now: float) -> None:
        if not self.claims(event):
            return
        self.reported = True
        if event.phase is Phase.ENDED:
            self.end_seen = True
        if self.phase is CallPhase.ENDED:
            return
        if event.phase is Phase.ALERTING and self.phase is CallPhase.DIALLING:
            self.alerting_at = now
            self.phase = CallPhase.RINGING
        elif event.phase is Phase.ACTIVE and self.phase in (CallPhase.DIALLING, CallPhase.RINGING):
            self.answered_at = now
            self.alerting_at = now if self.alerting_at is None else self.alerting_at
            self.result = CallResult.ANSWERED
            self.phase = CallPhase.CONNECTED
        elif event.phase is Phase.ENDED:
            self._on_end(event, now)

    def on_snapshot(self, voice_calls_up: bool, now: float) -> None:
        """A polled ``AT+CLCC`` with no voice call left means the call is over."""
        if not voice_calls_up and self.ended_at is None:
            self._on_end(CallEvent(Phase.ENDED, "poll"), now)

    def on_hangup(self, now: float) -> None:
        """We hung up: before an answer that is the ring timeout."""
        if self.result is None:
            self.result = CallResult.NO_ANSWER
            self.detail = f"no answer within {self.ring_timeout:g}s"
        self._settle_until = None
        self.ended_at = now if self.ended_at is None else self.ended_at
        self.phase = CallPhase.ENDED

    def on_tick(self, now: float) -> None:
        if self.phase is CallPhase.SETTLING and self._settle_until is not None and now >= self._settle_until:
            self._conclude()

    # --- outputs ------------------------------------------------------------------------
    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def ended(self) -> bool:
        return self.phase is CallPhase.ENDED

    def ring_deadline(self) -> float:
        return self.dialled_at + self.ring_timeout

    def next_deadline(self) -> float | None:
        if self._settle_until is not None:
            return self._settle_until
        if self.answered_at is None and self.ended_at is None:
            return self.ring_deadline()
        return None

    def attempt(self, now: float) -> Attempt:
        end = now if self.ended_at is None else self.ended_at
        return Attempt(
            number=self.number,
            result=self.result or CallResult.FAILED,
            alerting_after=_since(self.dialled_at, self.alerting_at),
            answered_after=_since(self.dialled_at, self.answered_at),
            duration=_since(self.answered_at, end) if self.answered_at is not None else None,
            detail=self.detail,
        )

    # --- internals ----------------------------------------------------------------------
    def _on_end(self, event: CallEvent, now: float) -> None:
        if self.phase is CallPhase.CONNECTED:
            self.ended_at = now  # answered, then the far end or the network hung up: still answered
            self.phase = CallPhase.ENDED
            return
        if self.phase is not CallPhase.SETTLING:
            self.ended_at = now
            self.phase = CallPhase.SETTLING
            self._end_causes = []
            self._settle_until = now + SETTLE_WINDOW
        self._end_causes.append(event.cause)
        if event.conclusive:
            self._conclude()

    def _conclude(self) -> None:
        causes = self._end_causes
        self._settle_until = None
        self.phase = CallPhase.ENDED
        for cause in causes:
            if cause in _CAUSE_RESULT:
                self.result = _CAUSE_RESULT[cause]
                self.detail = self.detail or cause.value
                return
        if self.alerting_at is None:
            self.result = CallResult.UNREACHABLE
            self.detail = "ended before ringing"
        elif self.ended_at is not None and self.ended_at - self.alerting_at >= LONG_RING:
            self.result = CallResult.NO_ANSWER
            self.detail = "network ended the ringing call"
        else:
            self.result = CallResult.REJECTED
            self.detail = "ended while ringing"


def _since(start: float | None, end: float | None) -> float | None:
    if start is None or end is None:
        return None
    return round(end - start, 3)
