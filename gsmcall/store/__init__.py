"""Durable state behind one interface, so the daemon does not care where it is kept.

Callers depend on ``Journal`` (the interface, gsmcall.store.base) and get one from
``open_journal``; today that is always the SQLite file in ``state.dir``.
"""

from __future__ import annotations

from pathlib import Path

from gsmcall.store.base import (
    KEEP_DAYS,
    AlertProgress,
    Journal,
    JournalError,
    Notification,
    OutgoingPart,
    OutgoingSms,
    PendingCallback,
    Taken,
)
from gsmcall.store.sqlite import SqliteJournal

__all__ = [
    "AlertProgress",
    "Journal",
    "JournalError",
    "Notification",
    "OutgoingPart",
    "OutgoingSms",
    "PendingCallback",
    "SqliteJournal",
    "Taken",
    "open_journal",
]


def open_journal(state_dir: Path) -> Journal:
    """Open the journal kept in ``state_dir``, creating it; opening prunes records finished over 30 days ago."""
    return SqliteJournal(state_dir, keep_days=KEEP_DAYS)
