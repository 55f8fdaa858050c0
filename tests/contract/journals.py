"""Helpers for the journal tests: a settable clock and a way to open one store again and again."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from gsmcall.store import Journal, SqliteJournal


class Clock:
    """Wall clock under the test's control, so due times and pruning need no sleeps."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class JournalMaker:
    """Opens one store for one test; every call after the first is a restart of the daemon.

    ``child_source`` is Python that binds ``journal`` to the same store in another process,
    for the tests that kill a writer.
    """

    def __init__(self, opener: Callable[[Callable[[], float], float], Journal], child_source: str, clock: Clock) -> None:
        self._opener = opener
        self.child_source = child_source
        self.clock = clock
        self._opened: list[Journal] = []

    def __call__(self, *, keep_days: float = 30) -> Journal:
        journal = self._opener(self.clock, keep_days)
        self._opened.append(journal)
        return journal

    def close_all(self) -> None:
        """Close what a failed test left open, so the next test starts from a closed store."""
        for journal in self._opened:
            journal.close()


def sqlite_maker(state_dir: Path, clock: Clock) -> JournalMaker:
    return JournalMaker(
        lambda clock, keep_days: SqliteJournal(state_dir, clock=clock, keep_days=keep_days),
        f"from pathlib import Path\nfrom gsmcall.store import SqliteJournal\njournal = SqliteJournal(Path({str(state_dir)!r}))\n",
        clock,
    )


# Keyed by the ids the make_journal fixture is parametrised with; a new implementation adds its own.
MAKERS: dict[str, Callable[[Path, Clock], JournalMaker]] = {"sqlite": sqlite_maker}


def attempt(number: str, result: str) -> dict:
    """An attempt record as the escalation journals it."""
    return {"number": number, "result": result, "alerting_after": 2.5, "answered_after": None, "duration": 40.0}


def rows(path: Path, sql: str) -> list[tuple]:
    """Read the file behind the journal's back, as an operator with the sqlite3 shell would."""
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()
