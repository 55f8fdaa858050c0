"""Take a webhook notification into the durable queue the loop rings from (DESIGN §6).

Runs on the intake server's request threads, never on the loop: it works out whom a new page
rings (the alert's own ``phones``, else the roster's ``escalate`` list as of now, so a handoff
while the page waits does not change it), journals the notification in one transaction, and
wakes the loop.  A page is an unfinished alert in the journal like a polled one, so the
loop's resume step rings it, oldest first, after a crash too; nothing is held in memory
that a SIGKILL after the 202 could lose.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from gsmcall.intake.payloads import FIRING, IntakeAlert
from gsmcall.roster.model import RosterSettings
from gsmcall.roster.oncall import numbers_to_ring
from gsmcall.store import Journal, JournalError, Notification, Taken

log = logging.getLogger(__name__)

# (source, outcome) -> counted; outcome is queued, joined, repeat or resolved.
Count = Callable[[str, str], None]


class IntakeQueue:
    def __init__(self, journal: Journal, roster: RosterSettings | None, repeat_after: float,
                 wake: Callable[[], None], count: Count, clock: Callable[[], float] = time.time) -> None:
        self._journal = journal
        self._roster = roster
        self._repeat_after = repeat_after
        self._wake = wake
        self._count = count
        self._clock = clock

    def accept(self, alerts: Sequence[IntakeAlert]) -> bool:
        """Journal one notification (one group); False when the journal cannot take it, so
        the sender is answered 503 and sends it again."""
        first = alerts[0]
        try:
            taken = self._journal.take_notification(Notification(
                source=first.source,
                group=first.group,
                text=first.text,
                firing=tuple(a.key for a in alerts if a.status == FIRING),
                resolved=tuple(a.key for a in alerts if a.status != FIRING),
                phones=first.phones or self._plan(),
                repeat_after=self._repeat_after,
            ))
        except JournalError as exc:
            log.error("intake: a %s notification could not be journaled (answered 503): %s", first.source, exc)
            return False
        self._say(first, taken)
        if taken.page is not None:
            self._wake()
        return True

    def _plan(self) -> tuple[str, ...]:
        if self._roster is None:  # config refuses an intake without a roster; a unit may omit both
            raise RuntimeError("no roster: nobody to ring for an alert without phones")
        return numbers_to_ring(self._roster, datetime.fromtimestamp(self._clock(), timezone.utc))

    def _say(self, first: IntakeAlert, taken: Taken) -> None:
        """One INFO line per notification, saying what it did to the queue and why."""
        source, what = first.source, f"{first.source} group {first.group}"
        if taken.page is not None:
            verb = "queued" if taken.started else "joined"
            self._count(source, verb)
            more = f"; {taken.already} already paged" if taken.already else ""
            log.info("intake: %s: %d new alert%s %s page %s%s", what, taken.new, "" if taken.new == 1 else "s",
                     "in new" if taken.started else "joined", taken.page, more)
        elif taken.already:
            self._count(source, "repeat")
            log.info("intake: %s: rings nobody, its %d firing alert%s already paged", what, taken.already,
                     "" if taken.already == 1 else "s")
        for page in taken.dropped:
            log.info("intake: %s resolved: page %s dropped before it was rung", what, page)
        for page in taken.stopping:
            log.info("intake: %s resolved: page %s stops before its next call", what, page)
        if taken.dropped or taken.stopping or (taken.page is None and not taken.already):
            self._count(source, "resolved")
