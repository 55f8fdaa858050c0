"""Forwarding that follows the roster (``forwarding.follow_roster``, DESIGN §8).

The duty number's calls should reach whoever is on call.  At a turn of the loop with no
alert waiting (alerts first: a handoff never cuts into an alert's calls) the follower asks
``policy.handoff`` whether the target last applied, kept in the journal's marks, is still
the one on call; if not, it changes the forwarding once, verified where the network answers
queries.  A refusal or a contradiction is logged, counted and retried with back-off; a
change that succeeded is journaled before anything else, so a restart never repeats it and
a handoff missed while the daemon was down is applied at start.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from gsmcall.backoff import Backoff
from gsmcall.call.feature import call_end
from gsmcall.call.outcome import Attempt
from gsmcall.forwarding_record import change_of, record
from gsmcall.modem.capabilities.forwarding import (
    CallEnd,
    Forwarding,
    ForwardingRefused,
    Verified,
)
from gsmcall.policy.handoff import change_due, seconds_until, wanted
from gsmcall.roster.model import RosterSettings
from gsmcall.runtime.supervisor import ModemSupervisor
from gsmcall.settings import ForwardingSettings
from gsmcall.store import Journal

log = logging.getLogger(__name__)

APPLIED_MARK = "forwarding.applied"
NOTICE = "gsmcall：现在由你值班，值班电话的来电已转移到你。"
RETRY_BASE, RETRY_CAP = 30.0, 1800.0

Feature = Callable[[str, float], Attempt]  # the daemon's way to place a feature-code call
Enqueue = Callable[[str, str, str], bool]
Observe = Callable[[str, str, float, str], None]  # (target, verified, at, result)


class FollowRoster:
    def __init__(self, settings: ForwardingSettings, roster: RosterSettings, journal: Journal,
                 supervisor: ModemSupervisor, feature: Feature, enqueue: Enqueue, observe: Observe,
                 state_dir: Path, clock: Callable[[], float] = time.time) -> None:
        self._settings = settings
        self._roster = roster
        self._journal = journal
        self._supervisor = supervisor
        self._feature = feature
        self._enqueue = enqueue
        self._observe = observe
        self._state_dir = state_dir
        self._clock = clock
        self._backoff = Backoff(RETRY_BASE, RETRY_CAP)
        self._retry_at: float | None = None
        self._next_wake = 0.0  # monotonic: when to look again (a handoff, a retry)

    def next_due(self) -> float:
        return self._next_wake

    def work(self) -> None:
        """Change the forwarding if the person on call is not its target, when a handoff or a
        retry is due (a turn before then costs nothing). ModemError propagates."""
        if time.monotonic() < self._next_wake:
            return
        now = self._clock()
        at = datetime.fromtimestamp(now, timezone.utc)
        want = wanted(self._roster, at)
        until = seconds_until(want.next_handoff, at)
        applied = self._journal.mark(APPLIED_MARK)
        target = applied.get("target") if isinstance(applied, dict) else None
        if not change_due(want.number, target, self._retry_at, now):
            wake = until
            if self._retry_at is not None and want.number != target:
                wake = min(wake, self._retry_at - now)
            self._wake_in(wake)
            return
        info = self._supervisor.info
        if info is None:
            return
        forwarding = Forwarding(self._supervisor.channel, info.profile.forwarding, self._place)
        log.info("forwarding: %s is on call; forwarding the duty number to them", want.person)
        try:
            result = forwarding.set(self._settings.set, want.number, self._settings.verify)
        except (ForwardingRefused, ValueError) as exc:
            return self._failed(want.number, str(exc), "refused", until)
        if result.contradicted:
            return self._failed(want.number, result.detail, "contradicted", until)
        self._journal.set_mark(APPLIED_MARK, {"target": want.number, "at": now, "verified": result.verified.value})
        self._retry_at = None
        self._backoff.reset()
        try:
            record(self._state_dir, change_of(result, self._settings.set, now))  # what `forward status` shows
        except OSError as exc:
            log.warning("forwarding: changed, but state.dir cannot hold the record: %s", exc)
        log.info("forwarding: now to %s (%s)", want.number,
                 "verified" if result.verified is Verified.YES else result.verified.value)
        self._observe(want.number, result.verified.value, now, "done")
        if self._settings.notify:
            self._enqueue(want.number, NOTICE, f"forwarding:notify:{want.number}:{now:.0f}")
        self._wake_in(until)

    def _place(self, dial: str, limit: float) -> CallEnd:
        return call_end(self._feature(dial, limit))

    def _failed(self, target: str, why: str, result: str, until: float) -> None:
        delay = self._backoff.next_delay()
        self._retry_at = self._clock() + delay
        log.error("forwarding to %s not done (%s); trying again in %.0f s", target, why, delay)
        self._observe(target, "no", self._clock(), result)
        self._wake_in(min(delay, until))

    def _wake_in(self, seconds: float) -> None:
        self._next_wake = time.monotonic() + seconds
