"""Durable state in ``state.dir``: alerts in progress, callbacks to deliver, SMS already handled.

This is what lets a restart (a crash, SIGKILL, a power cut) neither lose a callback, nor ring a
number twice, nor run an SMS command twice. SQLite in WAL mode with ``synchronous=FULL``: every
commit is fsync'ed before the method returns, so a write that returned survives power loss, not
just a killed process. That costs one fsync per call; gsmcall writes a few rows a minute, so the
price is nothing next to re-ringing a whole on-call list.

Each public method is one short transaction on one connection guarded by a lock, so the daemon's
threads may share a Journal.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

DB_NAME = "journal.sqlite3"
SCHEMA_VERSION = 1
DAY = 86400.0

_SCHEMA_V1 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE alerts (
    mid         TEXT PRIMARY KEY,
    phones      TEXT NOT NULL,              -- JSON list, as the endpoint gave them
    started_at  REAL NOT NULL,
    finished_at REAL,                       -- NULL while the alert is being rung
    resp        TEXT,
    failures    INTEGER NOT NULL DEFAULT 0  -- modem refusals of the next number, in a row
);
CREATE TABLE attempts (
    mid     TEXT NOT NULL REFERENCES alerts (mid),
    seq     INTEGER NOT NULL,               -- index into the alert's phone list
    attempt TEXT NOT NULL,                  -- JSON object
    PRIMARY KEY (mid, seq)
);
CREATE TABLE callbacks (
    mid          TEXT PRIMARY KEY,
    resp         TEXT,
    body         TEXT NOT NULL,             -- JSON object posted with the callback
    tries        INTEGER NOT NULL DEFAULT 0,
    next_at      REAL NOT NULL,             -- wall clock (time.time()), survives a reboot
    state        TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
    created_at   REAL NOT NULL,
    delivered_at REAL
);
CREATE INDEX callbacks_due ON callbacks (state, next_at);
CREATE TABLE sms (
    key        TEXT PRIMARY KEY,
    sender     TEXT,
    -- 'retry': the modem failed before the command's call, try again (faults counts them)
    state      TEXT NOT NULL CHECK (state IN ('dialling', 'done', 'retry')),
    faults     INTEGER NOT NULL DEFAULT 0,
    outcome    TEXT,
    updated_at REAL NOT NULL
);
"""

CallbackState = Literal["pending", "delivered"]
SmsState = Literal["dialling", "done", "retry"]


class JournalError(Exception):
    """The state database cannot be opened or written; the message names the file."""


@dataclass(frozen=True)
class AlertProgress:
    mid: str
    phones: tuple[str, ...]
    attempts: list[dict[str, Any]]

    @property
    def next_index(self) -> int:
        """Index in ``phones`` of the next number to ring; == len(phones) when all were rung."""
        return len(self.attempts)


@dataclass(frozen=True)
class PendingCallback:
    mid: str
    resp: str | None
    body: dict[str, Any]
    tries: int
    next_at: float


class Journal:
    """The state database; open it once at start (which also prunes old rows) and share it."""

    def __init__(
        self,
        state_dir: Path,
        *,
        keep_days: float = 30,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(state_dir) / DB_NAME
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # isolation_level=None: transactions are ours (BEGIN IMMEDIATE below), not implicit.
            self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"{self.path}: cannot open state database: {exc}") from None
        try:
            self._setup()
            self._prune(self._clock() - keep_days * DAY)
        except JournalError:
            self._db.close()
            raise

    # --- plumbing ------------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the write lock up front, so no upgrade deadlock."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise JournalError(f"{self.path}: {exc}") from None

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise JournalError(f"{self.path}: {exc}") from None

    def _setup(self) -> None:
        try:
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self._db.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as exc:
            raise JournalError(f"{self.path}: not a usable state database: {exc}") from None
        if mode != "wal":
            raise JournalError(f"{self.path}: cannot switch to WAL mode (got {mode!r})")
        with self._tx() as db:
            exists = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            if not exists:
                # Not executescript(): it would COMMIT first and leave this transaction.
                for statement in _SCHEMA_V1.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
                return
            (version,) = db.execute("SELECT version FROM schema_version").fetchone()
        if version != SCHEMA_VERSION:
            raise JournalError(
                f"{self.path}: state schema version {version}, this gsmcall knows {SCHEMA_VERSION}"
            )

    def _prune(self, cutoff: float) -> None:
        old = "SELECT mid FROM callbacks WHERE state = 'delivered' AND delivered_at < ?"
        with self._tx() as db:
            db.execute(f"DELETE FROM attempts WHERE mid IN ({old})", (cutoff,))
            db.execute(f"DELETE FROM alerts WHERE mid IN ({old})", (cutoff,))
            db.execute("DELETE FROM callbacks WHERE state = 'delivered' AND delivered_at < ?", (cutoff,))
            # A 'dialling' row is kept: dropping it could let a command still on the SIM run twice.
            db.execute("DELETE FROM sms WHERE state = 'done' AND updated_at < ?", (cutoff,))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- alerts --------------------------------------------------------------------------------

    @staticmethod
    def _attempts(db: sqlite3.Connection, mid: str) -> list[dict[str, Any]]:
        rows = db.execute("SELECT attempt FROM attempts WHERE mid = ? ORDER BY seq", (mid,))
        return [json.loads(text) for (text,) in rows]

    def start_alert(self, mid: str, phones: Sequence[str]) -> AlertProgress:
        """Begin ringing an alert, or return the progress of this mid if it is already under way.

        The phone list stored first wins, so attempt indexes keep meaning the same numbers.
        Raises ValueError for a finished mid: the caller must check callback_state() first.
        """
        with self._tx() as db:
            row = db.execute("SELECT phones, finished_at FROM alerts WHERE mid = ?", (mid,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO alerts (mid, phones, started_at) VALUES (?, ?, ?)",
                    (mid, json.dumps(list(phones), ensure_ascii=False), self._clock()),
                )
                return AlertProgress(mid, tuple(phones), [])
            stored, finished_at = row
            if finished_at is not None:
                raise ValueError(f"alert {mid!r} is already finished")
            return AlertProgress(mid, tuple(json.loads(stored)), self._attempts(db, mid))

    def record_attempt(self, mid: str, attempt: dict[str, Any]) -> None:
        """Append the outcome of ringing the alert's next number."""
        text = json.dumps(attempt, ensure_ascii=False)
        with self._tx() as db:
            self._require_in_progress(db, mid)
            (count,) = db.execute("SELECT COUNT(*) FROM attempts WHERE mid = ?", (mid,)).fetchone()
            db.execute("INSERT INTO attempts (mid, seq, attempt) VALUES (?, ?, ?)", (mid, count, text))
            db.execute("UPDATE alerts SET failures = 0 WHERE mid = ?", (mid,))

    def restart_alert(self, mid: str) -> None:
        """Forget an alert's attempts: none of them reached the network (the modem refused
        every number), so its whole list is to be rung again once the modem works."""
        with self._tx() as db:
            self._require_in_progress(db, mid)
            db.execute("DELETE FROM attempts WHERE mid = ?", (mid,))
            db.execute("UPDATE alerts SET failures = 0 WHERE mid = ?", (mid,))

    def note_dial_failure(self, mid: str) -> int:
        """Count one more refusal by the modem to dial the alert's next number; kept across
        runs, so a number the modem always refuses cannot stall the list run after run."""
        with self._tx() as db:
            self._require_in_progress(db, mid)
            db.execute("UPDATE alerts SET failures = failures + 1 WHERE mid = ?", (mid,))
            (failures,) = db.execute("SELECT failures FROM alerts WHERE mid = ?", (mid,)).fetchone()
            return int(failures)

    def unfinished_alert(self) -> AlertProgress | None:
        """The oldest alert started but not finished: resume it before polling for a new one."""
        with self._tx() as db:
            row = db.execute(
                "SELECT mid, phones FROM alerts WHERE finished_at IS NULL ORDER BY started_at, rowid LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            mid, phones = row
            return AlertProgress(mid, tuple(json.loads(phones)), self._attempts(db, mid))

    def finish_alert(self, mid: str, resp: str | None) -> None:
        """Mark the alert done and enqueue its callback, in one transaction: never one without the other."""
        with self._tx() as db:
            self._require_in_progress(db, mid)
            now = self._clock()
            body = {"mid": mid, "resp": resp, "attempts": self._attempts(db, mid)}
            db.execute("UPDATE alerts SET finished_at = ?, resp = ? WHERE mid = ?", (now, resp, mid))
            db.execute(
                "INSERT INTO callbacks (mid, resp, body, next_at, state, created_at)"
                " VALUES (?, ?, ?, ?, 'pending', ?)",
                (mid, resp, json.dumps(body, ensure_ascii=False), now, now),
            )

    @staticmethod
    def _require_in_progress(db: sqlite3.Connection, mid: str) -> None:
        row = db.execute("SELECT finished_at FROM alerts WHERE mid = ?", (mid,)).fetchone()
        if row is None:
            raise ValueError(f"alert {mid!r} was never started")
        if row[0] is not None:
            raise ValueError(f"alert {mid!r} is already finished")

    # --- callbacks -----------------------------------------------------------------------------

    def pending_callbacks(self, now: float) -> list[PendingCallback]:
        """Callbacks due at ``now``, oldest due first."""
        rows = self._query(
            "SELECT mid, resp, body, tries, next_at FROM callbacks"
            " WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, created_at",
            (now,),
        )
        return [PendingCallback(mid, resp, json.loads(body), tries, next_at) for mid, resp, body, tries, next_at in rows]

    def next_callback_due(self) -> float | None:
        """When the earliest pending callback is due (it may be in the past), None if none is pending."""
        (due,) = self._query("SELECT MIN(next_at) FROM callbacks WHERE state = 'pending'")[0]
        return due

    def callback_delivered(self, mid: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE callbacks SET state = 'delivered', delivered_at = ? WHERE mid = ?", (self._clock(), mid)
            )

    def callback_failed(self, mid: str, next_at: float) -> None:
        with self._tx() as db:
            db.execute("UPDATE callbacks SET tries = tries + 1, next_at = ? WHERE mid = ?", (next_at, mid))

    def requeue_callback(self, mid: str, next_at: float) -> None:
        """Post a callback again: the endpoint is still offering an alert we already reported."""
        with self._tx() as db:
            db.execute(
                "UPDATE callbacks SET state = 'pending', next_at = ?, delivered_at = NULL WHERE mid = ?",
                (next_at, mid),
            )

    def callback_state(self, mid: str) -> CallbackState | None:
        """'pending' or 'delivered' for an alert already rung to its end, None for one never finished."""
        rows = self._query("SELECT state FROM callbacks WHERE mid = ?", (mid,))
        return rows[0][0] if rows else None

    # --- SMS commands --------------------------------------------------------------------------

    def sms_state(self, key: str) -> SmsState | None:
        """'dialling' means a crash came between dialling and recording the outcome: do not dial again."""
        rows = self._query("SELECT state FROM sms WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def sms_processed(self, key: str) -> bool:
        return self.sms_state(key) in ("dialling", "done")

    def mark_sms_dialling(self, key: str, sender: str | None = None) -> None:
        """Written just before dialling an SMS command; a finished record is never downgraded."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO sms (key, sender, state, updated_at) VALUES (?, ?, 'dialling', ?)"
                " ON CONFLICT (key) DO UPDATE SET state = 'dialling' WHERE state = 'retry'",
                (key, sender, self._clock()),
            )

    def sms_fault(self, key: str) -> int:
        """The modem failed before the command's call was placed: allow a retry, and return
        how many faults this message has met (the caller gives up after a few)."""
        with self._tx() as db:
            db.execute(
                "UPDATE sms SET state = 'retry', faults = faults + 1, updated_at = ?"
                " WHERE key = ? AND state = 'dialling'",
                (self._clock(), key),
            )
            row = db.execute("SELECT faults FROM sms WHERE key = ?", (key,)).fetchone()
            return int(row[0]) if row else 0

    def mark_sms(self, key: str, sender: str, outcome: str) -> None:
        """Record an SMS as handled (dialled, refused, unparsable...) with a short outcome."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO sms (key, sender, state, outcome, updated_at) VALUES (?, ?, 'done', ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET sender = excluded.sender, state = 'done',"
                " outcome = excluded.outcome, updated_at = excluded.updated_at",
                (key, sender, outcome, self._clock()),
            )
