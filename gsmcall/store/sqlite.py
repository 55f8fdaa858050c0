"""The journal as one SQLite file in ``state.dir``; see gsmcall.store.base for what it promises.

SQLite in WAL mode with ``synchronous=FULL``: every commit is fsync'ed before the method returns,
so a write that returned survives power loss, not just a killed process. That costs one fsync
per call; gsmcall writes a few rows a minute, so the price is nothing next to re-ringing a whole
on-call list.

Each public method is one short transaction on one connection guarded by a lock, so the daemon's
threads may share a SqliteJournal.

Before each write (and at close) the journal checks that its path still names the file it
opened: a file deleted or replaced under the daemon is restored from the open connection with
an ERROR in the log, or, when that fails, the write raises JournalError (gsmcall.store.sqlite_restore).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gsmcall.store.base import (
    DAY,
    DEFAULT_SOURCE,
    AlertProgress,
    CallbackState,
    JournalError,
    Notification,
    PendingCallback,
    SmsState,
    Taken,
)
from gsmcall.store.sqlite_outbox import SqliteOutbox
from gsmcall.store.sqlite_pages import (
    all_resolved,
    attempts_of,
    finish_alert_in,
    prune_pages_in,
    take_notification_in,
)
from gsmcall.store.sqlite_restore import FileWatch, restore
from gsmcall.store.sqlite_schema import ensure_schema

log = logging.getLogger(__name__)

DB_NAME = "journal.sqlite3"


class SqliteJournal(SqliteOutbox):
    """The state database; open it once at start (which also prunes old rows) and share it.

    Implements gsmcall.store.base.Journal; what each method promises is documented there.
    """

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
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise JournalError(f"{self.path}: cannot open state database: {exc}") from None
        self._db = self._connect()
        self._watch = FileWatch(self.path)
        try:
            with self._tx() as db:
                ensure_schema(db, self.path)
            self._prune(self._clock() - keep_days * DAY)
        except JournalError:
            self._db.close()
            raise

    # --- plumbing ------------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the write lock up front, so no upgrade deadlock."""
        with self._lock:
            self._keep_file()
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

    def _connect(self) -> sqlite3.Connection:
        """A connection to the file at self.path, in WAL mode with every commit fsync'ed."""
        try:
            # isolation_level=None: transactions are ours (BEGIN IMMEDIATE above), not implicit.
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise JournalError(f"{self.path}: cannot open state database: {exc}") from None
        try:
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            db.execute("PRAGMA synchronous=FULL")
            # 512 KiB of page cache, not SQLite's 2 MiB: the journal is small and its queries
            # indexed, and on a Pi the cache is resident memory that a webhook burst would fill.
            db.execute("PRAGMA cache_size=-512")
        except sqlite3.Error as exc:
            db.close()
            raise JournalError(f"{self.path}: not a usable state database: {exc}") from None
        if mode != "wal":
            db.close()
            raise JournalError(f"{self.path}: cannot switch to WAL mode (got {mode!r})")
        return db

    def _keep_file(self) -> None:
        """Before a write (under the lock): make sure the file at self.path is the one this
        connection writes, restoring it from the connection if it was deleted or replaced, so
        the write is not lost to an unlinked inode (see gsmcall.store.sqlite_restore)."""
        change = self._watch.change()
        if change is None:
            return
        try:
            kept = restore(self._db, self._watch)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(
                f"{self.path} {change} while gsmcall had it open and cannot be restored: {exc}"
            ) from None
        fresh = self._connect()
        self._db.close()  # the path names another file now: SQLite neither checkpoints nor deletes
        self._db, self._watch = fresh, FileWatch(self.path)
        log.error(
            "%s %s while gsmcall had it open; restored it from the open connection, with every record%s",
            self.path,
            change,
            f"; the file found there is kept as {kept}" if kept else "",
        )

    def _prune(self, cutoff: float) -> None:
        old = "SELECT mid FROM callbacks WHERE state = 'delivered' AND delivered_at < ?"
        with self._tx() as db:
            prune_pages_in(db, old, cutoff)
            db.execute(f"DELETE FROM attempts WHERE mid IN ({old})", (cutoff,))
            db.execute(f"DELETE FROM alerts WHERE mid IN ({old})", (cutoff,))
            db.execute("DELETE FROM callbacks WHERE state = 'delivered' AND delivered_at < ?", (cutoff,))
            # A 'dialling' row is kept: dropping it could let a command still on the SIM run twice.
            db.execute("DELETE FROM sms WHERE state = 'done' AND updated_at < ?", (cutoff,))
            old_sms = "SELECT id FROM outbox WHERE state IN ('sent', 'abandoned') AND done_at < ?"
            db.execute(f"DELETE FROM outbox_parts WHERE id IN ({old_sms})", (cutoff,))
            db.execute("DELETE FROM outbox WHERE state IN ('sent', 'abandoned') AND done_at < ?", (cutoff,))

    def close(self) -> None:
        """Close the connection; a file lost since the last write is restored first, or the
        writes since would be lost with the connection's unlinked inode."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._keep_file()
            except JournalError as exc:
                log.error("%s", exc)  # closing at shutdown: there is no caller left to stop
            finally:
                self._db.close()

    def __enter__(self) -> SqliteJournal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- alerts --------------------------------------------------------------------------------

    def start_alert(self, mid: str, phones: Sequence[str], source: str = DEFAULT_SOURCE,
                    text: str | None = None) -> AlertProgress:
        with self._tx() as db:
            row = db.execute("SELECT phones, finished_at, source, text FROM alerts WHERE mid = ?", (mid,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO alerts (mid, phones, started_at, source, text) VALUES (?, ?, ?, ?, ?)",
                    (mid, json.dumps(list(phones), ensure_ascii=False), self._clock(), source, text),
                )
                return AlertProgress(mid, tuple(phones), [], source, text)
            stored, finished_at, stored_source, stored_text = row
            if finished_at is not None:
                raise ValueError(f"alert {mid!r} is already finished")
            return AlertProgress(mid, tuple(json.loads(stored)), attempts_of(db, mid), stored_source, stored_text)

    def record_attempt(self, mid: str, attempt: dict[str, Any]) -> None:
        text = json.dumps(attempt, ensure_ascii=False)
        with self._tx() as db:
            self._require_in_progress(db, mid)
            (count,) = db.execute("SELECT COUNT(*) FROM attempts WHERE mid = ?", (mid,)).fetchone()
            db.execute("INSERT INTO attempts (mid, seq, attempt) VALUES (?, ?, ?)", (mid, count, text))
            db.execute("UPDATE alerts SET failures = 0 WHERE mid = ?", (mid,))

    def restart_alert(self, mid: str) -> None:
        with self._tx() as db:
            self._require_in_progress(db, mid)
            db.execute("DELETE FROM attempts WHERE mid = ?", (mid,))
            db.execute("UPDATE alerts SET failures = 0 WHERE mid = ?", (mid,))

    def note_dial_failure(self, mid: str) -> int:
        with self._tx() as db:
            self._require_in_progress(db, mid)
            db.execute("UPDATE alerts SET failures = failures + 1 WHERE mid = ?", (mid,))
            (failures,) = db.execute("SELECT failures FROM alerts WHERE mid = ?", (mid,)).fetchone()
            return int(failures)

    def unfinished_alert(self) -> AlertProgress | None:
        with self._tx() as db:
            row = db.execute(
                "SELECT mid, phones, source, text FROM alerts WHERE finished_at IS NULL ORDER BY started_at, rowid LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            mid, phones, source, text = row
            return AlertProgress(mid, tuple(json.loads(phones)), attempts_of(db, mid), source, text)

    def finish_alert(self, mid: str, resp: str | None, resolved: bool = False) -> None:
        with self._tx() as db:
            self._require_in_progress(db, mid)
            finish_alert_in(db, mid, resp, self._clock(), resolved)

    # --- intake pages ----------------------------------------------------------------------------

    def take_notification(self, notification: Notification) -> Taken:
        with self._tx() as db:
            return take_notification_in(db, notification, self._clock())

    def page_ringing(self, mid: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE pages SET state = 'ringing' WHERE mid = ? AND state = 'queued'", (mid,))

    def finish_if_resolved(self, mid: str) -> bool:
        with self._tx() as db:
            if not all_resolved(db, mid):
                return False
            self._require_in_progress(db, mid)
            finish_alert_in(db, mid, None, self._clock(), resolved=True)
            return True

    @staticmethod
    def _require_in_progress(db: sqlite3.Connection, mid: str) -> None:
        row = db.execute("SELECT finished_at FROM alerts WHERE mid = ?", (mid,)).fetchone()
        if row is None:
            raise ValueError(f"alert {mid!r} was never started")
        if row[0] is not None:
            raise ValueError(f"alert {mid!r} is already finished")

    # --- callbacks -----------------------------------------------------------------------------

    def pending_callbacks(self, now: float) -> list[PendingCallback]:
        rows = self._query(
            "SELECT mid, resp, body, tries, next_at, source FROM callbacks"
            " WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, created_at",
            (now,),
        )
        return [
            PendingCallback(mid, resp, json.loads(body), tries, next_at, source)
            for mid, resp, body, tries, next_at, source in rows
        ]

    def next_callback_due(self) -> float | None:
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
        with self._tx() as db:
            db.execute(
                "UPDATE callbacks SET state = 'pending', next_at = ?, delivered_at = NULL WHERE mid = ?",
                (next_at, mid),
            )

    def callback_state(self, mid: str) -> CallbackState | None:
        rows = self._query("SELECT state FROM callbacks WHERE mid = ?", (mid,))
        return rows[0][0] if rows else None

    # --- SMS commands --------------------------------------------------------------------------

    def sms_state(self, key: str) -> SmsState | None:
        rows = self._query("SELECT state FROM sms WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def sms_processed(self, key: str) -> bool:
        return self.sms_state(key) in ("dialling", "done")

    def mark_sms_dialling(self, key: str, sender: str | None = None) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO sms (key, sender, state, updated_at) VALUES (?, ?, 'dialling', ?)"
                " ON CONFLICT (key) DO UPDATE SET state = 'dialling' WHERE state = 'retry'",
                (key, sender, self._clock()),
            )

    def sms_fault(self, key: str) -> int:
        with self._tx() as db:
            db.execute(
                "UPDATE sms SET state = 'retry', faults = faults + 1, updated_at = ?"
                " WHERE key = ? AND state = 'dialling'",
                (self._clock(), key),
            )
            row = db.execute("SELECT faults FROM sms WHERE key = ?", (key,)).fetchone()
            return int(row[0]) if row else 0

    def mark_sms(self, key: str, sender: str, outcome: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO sms (key, sender, state, outcome, updated_at) VALUES (?, ?, 'done', ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET sender = excluded.sender, state = 'done',"
                " outcome = excluded.outcome, updated_at = excluded.updated_at",
                (key, sender, outcome, self._clock()),
            )

    # --- marks --------------------------------------------------------------------------------

    def mark(self, name: str) -> Any:
        rows = self._query("SELECT value FROM marks WHERE name = ?", (name,))
        return json.loads(rows[0][0]) if rows else None

    def set_mark(self, name: str, value: Any) -> None:
        with self._tx() as db:
            if value is None:
                db.execute("DELETE FROM marks WHERE name = ?", (name,))
            else:
                db.execute("INSERT INTO marks (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name)"
                           " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                           (name, json.dumps(value, ensure_ascii=False), self._clock()))
