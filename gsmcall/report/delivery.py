"""Deliver every finished alert's result, exactly once, to the reporter of its source.

The journal holds each result as a pending callback from the moment the alert finishes
(in the same transaction), so delivery is retried with back-off until the reporter takes
it, across restarts too.  Reporters are chosen by the alert's source: the polled endpoint's
callback, or for a webhook page ``report_url`` and the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from gsmcall.backoff import Backoff, HealthLog
from gsmcall.events import timer_at_wall
from gsmcall.store import Journal, PendingCallback

log = logging.getLogger(__name__)

# Callbacks retry soon at first (a blip), then back off to one every few minutes.
RETRY_BASE = 1.0
RETRY_CAP = 300.0


class ReportError(Exception):
    """The result could not be delivered this time; str() is one line for the log."""


class Reporter(Protocol):
    def send(self, callback: PendingCallback) -> None:
        """Deliver one result; raise ReportError to have it retried later."""


def _outcome(callback: PendingCallback) -> str:
    if callback.body.get("status") == "resolved":
        return "its alerts resolved; ringing stopped"
    return f"answered by {callback.resp}" if callback.resp else "nobody answered"


class Delivery:
    def __init__(
        self, journal: Journal, reporters: Mapping[str, Reporter], pending_count: Callable[[int], None],
        everything: bool = False,
    ) -> None:
        """``everything``: deliver results not due yet too (``--once`` has no later)."""
        self._journal = journal
        self._everything = everything
        self._reporters = reporters
        self._pending_count = pending_count
        self._backoff = Backoff(RETRY_BASE, RETRY_CAP)
        self._health = HealthLog("callback delivery", log)

    def deliver(self) -> bool:
        """Post every due result; True when none is left pending."""
        for callback in self._journal.pending_callbacks(float("inf") if self._everything else time.time()):
            reporter = self._reporters.get(callback.source)
            try:
                if reporter is None:
                    raise ReportError(f"no reporter for source {callback.source!r}; keeping the result")
                reporter.send(callback)
            except ReportError as exc:
                delay = self._backoff.next_delay()
                self._journal.callback_failed(callback.mid, time.time() + delay)
                self._health.failed(f"callback for {callback.mid} not delivered ({exc})")
                continue
            self._backoff.reset()
            self._health.succeeded()
            self._journal.callback_delivered(callback.mid)
            log.info("alert %s reported: %s", callback.mid, _outcome(callback))
        pending = len(self._journal.pending_callbacks(float("inf")))
        self._pending_count(pending)
        return pending == 0

    def next_due(self) -> float:
        """Monotonic time the earliest pending result is due (inf: none)."""
        return timer_at_wall(self._journal.next_callback_due())
