"""Ring an alert's numbers in order until someone answers; journal every step.

The list is the escalation plan: a number may appear again to ring that person again.
Each attempt is journaled the moment it ends, so after a crash the list resumes at the
number that was ringing.  A modem fault is not "nobody answered": it raises, leaves the
alert unfinished in the journal, and the numbers not yet rung are rung after recovery.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from gsmcall.call.outcome import Attempt, CallResult, FaultAfterCall
from gsmcall.journal import Journal
from gsmcall.modem.errors import ModemError

log = logging.getLogger(__name__)

# A number the modem refuses this many times in a row (ERROR to ATD while the modem is
# otherwise healthy) is recorded as failed so one bad entry cannot stall the whole list.
MAX_FAILURES_PER_NUMBER = 3

Dial = Callable[[str], Attempt]


class Escalation:
    def __init__(self, journal: Journal, dial: Dial, gap: float, stop: threading.Event) -> None:
        self._journal = journal
        self._dial = dial
        self._gap = gap
        self._stop = stop

    def run(self, mid: str, phones: tuple[str, ...]) -> bool:
        """Ring from where this alert stands; True when it finished (callback queued).

        Returns False when asked to stop between or during calls; raises ModemError when
        the modem failed.  Either way the journal holds the progress so far."""
        progress = self._journal.start_alert(mid, phones)
        phones = progress.phones
        answered = [a["number"] for a in progress.attempts if a.get("result") == CallResult.ANSWERED.value]
        if answered:
            # A crash came between journaling the answer and finishing the alert.
            self._journal.finish_alert(mid, answered[0])
            log.info("alert %s: answered by %s before a restart; reporting it", mid, answered[0])
            return True
        if progress.next_index:
            log.info("alert %s: resuming at number %d of %d", mid, progress.next_index + 1, len(phones))
        else:
            log.info("alert %s: %d numbers to ring", mid, len(phones))
        attempts = list(progress.attempts)
        for index in range(progress.next_index, len(phones)):
            if self._stop.is_set():
                return False
            if index > progress.next_index and self._stop.wait(self._gap):
                return False
            number = phones[index]
            fault: FaultAfterCall | None = None
            try:
                attempt = self._dial(number)
            except FaultAfterCall as exc:
                attempt, fault = exc.attempt, exc  # the result stands; the modem is recovered after
            if fault is None and self._stop.is_set() and attempt.result is not CallResult.ANSWERED:
                # We cut the call short to shut down: it was not really rung; ring it after restart.
                log.info("alert %s: stopped while ringing %s", mid, number)
                return False
            if attempt.result is CallResult.FAILED and self._journal.note_dial_failure(mid) < MAX_FAILURES_PER_NUMBER:
                raise ModemError(f"the modem could not dial {number}: {attempt.detail}")
            self._journal.record_attempt(mid, attempt.to_json())
            attempts.append(attempt.to_json())
            log.info(
                "alert %s: %s %s%s", mid, number, attempt.result.value,
                f" ({attempt.detail})" if attempt.detail else "",
            )
            if attempt.result is CallResult.ANSWERED:
                self._journal.finish_alert(mid, number)
                log.info("alert %s: answered by %s", mid, number)
            if fault is not None:
                raise fault
            if attempt.result is CallResult.ANSWERED:
                return True
        if not any(CallResult(a["result"]).reached_network for a in attempts):
            # The modem refused every number: that is a broken modem, not "nobody answered".
            self._journal.restart_alert(mid)
            raise ModemError(f"alert {mid}: the modem refused to dial every number; ringing the list again later")
        self._journal.finish_alert(mid, None)
        log.warning("alert %s: nobody answered (%d calls)", mid, len(phones))
        return True
