"""Carry out the escalation policy's steps: dial, journal each attempt, finish the alert.

Each attempt is journaled the moment it ends, so after a crash the list resumes at the
number that was ringing; the policy (``policy/escalation.py``) decides every step from
what the journal holds.  A modem fault is not "nobody answered": it raises, leaves the
alert unfinished in the journal, and the numbers not yet rung are rung after recovery.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from gsmcall.call.outcome import (
    Attempt,
    CallInterrupted,
    CallResult,
    Dial,
    FaultAfterCall,
)
from gsmcall.events import EventQueue
from gsmcall.modem.errors import ModemError
from gsmcall.policy.escalation import (
    Finish,
    Ring,
    RingAgainLater,
    WaitUntil,
    give_up_on_number,
    next_step,
    stops_escalation,
)
from gsmcall.runtime.alert_sms import AlertSms
from gsmcall.store import Journal

log = logging.getLogger(__name__)


class Escalation:
    def __init__(self, journal: Journal, dial: Dial, gap: float, events: EventQueue,
                 last_call_ended: Callable[[], float | None] | None = None,
                 ack_required: Callable[[], bool] = lambda: False, sms: AlertSms | None = None) -> None:
        """``last_call_ended``: when the line's previous call ended (any alert's or SMS
        command's), so the gap holds across alerts; by default, this run's own calls.
        ``ack_required``: whether only an ack key ends the escalation now (``calls.ack: key``
        and a modem that hears keys; one that cannot degrades to the seed's rule)."""
        self._ack_required = ack_required
        self._sms = sms
        self._journal = journal
        self._dial = dial
        self._gap = gap
        self._events = events
        self._last_call_ended = last_call_ended

    def run(self, mid: str, phones: tuple[str, ...], source: str = "endpoint", text: str | None = None) -> bool:
        """Ring from where this alert stands; True when it finished (callback queued).

        Returns False when asked to stop between or during calls; raises ModemError when
        the modem failed.  Either way the journal holds the progress so far."""
        self._journal.page_ringing(mid)  # from now on its group's new alerts start a page of their own
        try:
            progress = self._journal.start_alert(mid, phones, source, text)
        except ValueError:  # a resolve dropped the queued page since the loop picked it
            log.info("alert %s: finished before its first call (its alerts resolved)", mid)
            return True
        text = progress.text
        numbers, attempts = progress.phones, list(progress.attempts)
        if attempts and len(attempts) < len(numbers):
            log.info("alert %s: resuming at number %d of %d", mid, len(attempts) + 1, len(numbers))
        elif not attempts:
            log.info("alert %s: %d number%s to ring", mid, len(numbers), "" if len(numbers) == 1 else "s")
        resumed, last_end = bool(attempts), None
        while True:
            line_end = self._last_call_ended() if self._last_call_ended is not None else last_end
            step = next_step(numbers, attempts, time.monotonic(), line_end, self._gap, self._ack_required())
            if isinstance(step, Finish):
                if step.resp is None and self._journal.finish_if_resolved(mid):
                    log.info("alert %s: its alerts resolved during the last call", mid)  # not "nobody answered"
                    return True
                self._finish(mid, step.resp, resumed and last_end is None, len(numbers))
                if self._sms is not None:
                    self._sms.finished(mid, [a["number"] for a in attempts], step.resp, text)
                return True
            if isinstance(step, RingAgainLater):
                self._journal.restart_alert(mid)
                raise ModemError(f"alert {mid}: the modem refused to dial every number; ringing the list again later")
            if isinstance(step, WaitUntil):
                if not self._events.pause_until(step.until):
                    return False
                continue
            assert isinstance(step, Ring)
            if self._events.stopping:
                return False
            if self._journal.finish_if_resolved(mid):
                log.info("alert %s: its alerts all resolved; ringing nobody more", mid)
                return True
            log.info("alert %s: ringing %d/%d %s", mid, step.index + 1, len(numbers), step.number)
            if self._sms is not None:
                self._sms.ringing(mid, step.number, text)
            try:
                attempt, fault, journaled = self._ring(mid, step, text)
            except CallInterrupted:
                return False
            if fault is None and self._events.stopping and not stops_escalation(attempt.result, self._ack_required()):
                # We cut the call short to shut down: it was not really rung; ring it after restart.
                log.info("alert %s: stopped while ringing %s", mid, step.number)
                return False
            if attempt.result is CallResult.FAILED and not give_up_on_number(self._journal.note_dial_failure(mid)):
                raise ModemError(f"the modem could not dial {step.number}: {attempt.detail}")
            if not journaled:
                self._journal.record_attempt(mid, attempt.to_json())
            attempts.append(attempt.to_json())
            last_end = time.monotonic()
            log.info("alert %s: %s %s%s", mid, step.number, attempt.result.value,
                     f" ({attempt.detail})" if attempt.detail else "")
            if fault is not None:
                if stops_escalation(attempt.result, self._ack_required()):
                    self._finish(mid, step.number, False, len(numbers))
                raise fault

    def _ring(self, mid: str, step: Ring, text: str | None) -> tuple[Attempt, FaultAfterCall | None, bool]:
        """The attempt, a fault that came after its result, and whether it is journaled already."""
        early: list[Attempt] = []

        def acknowledged(attempt: Attempt) -> None:
            # At the key press, before the hang-up: a crash from here on still reports the
            # acknowledgement, and nobody else is rung.
            self._journal.record_attempt(mid, attempt.to_json())
            early.append(attempt)

        try:
            return self._dial(step.number, text, acknowledged), None, bool(early)
        except FaultAfterCall as exc:
            return exc.attempt, exc, bool(early)  # the result stands; the modem is recovered after

    def _finish(self, mid: str, resp: str | None, before_restart: bool, calls: int) -> None:
        self._journal.finish_alert(mid, resp)
        if resp is None:
            log.warning("alert %s: nobody answered (%d call%s)", mid, calls, "" if calls == 1 else "s")
        elif before_restart:
            # A crash came between journaling the answer and finishing the alert.
            log.info("alert %s: answered by %s before a restart; reporting it", mid, resp)
        else:
            log.info("alert %s: answered by %s", mid, resp)
