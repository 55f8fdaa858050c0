"""The SQLite journal's outbox: SMS journaled before they are sent, and each part's sending.

A mixin of ``SqliteJournal`` (which supplies the connection's ``_tx``, ``_query`` and
``_clock``), kept in its own file so the journal's modules stay small.  A multipart message's
parts are journaled with their concatenation reference the first time it is sent, and each
part is marked the moment the modem accepts it: a crash between parts then sends only the
parts not yet accepted, with the same reference, so the recipient's phone joins one message
instead of showing a broken one and a second copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from gsmcall.store.base import OutgoingPart, OutgoingSms

_PARTS = "SELECT seq, pdu, length, sent_at FROM outbox_parts WHERE id = ? ORDER BY seq"


def _parts(rows: list[tuple[Any, ...]]) -> list[OutgoingPart]:
    return [OutgoingPart(seq, pdu, length, sent_at is not None) for seq, pdu, length, sent_at in rows]


class SqliteOutbox:
    _clock: Callable[[], float]
    _tx: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _query: Callable[..., list[tuple[Any, ...]]]

    def enqueue_sms(self, number: str, text: str, key: str) -> bool:
        now = self._clock()
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO outbox (key, number, text, state, next_at, created_at)"
                " VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (key) DO NOTHING",
                (key, number, text, now, now),
            )
            return cursor.rowcount == 1

    def due_sms(self, now: float) -> list[OutgoingSms]:
        rows = self._query(
            "SELECT id, key, number, text, tries, next_at, created_at FROM outbox"
            " WHERE state = 'pending' AND next_at <= ? ORDER BY created_at, id",
            (now,),
        )
        return [OutgoingSms(*row) for row in rows]

    def next_sms_due(self) -> float | None:
        (due,) = self._query("SELECT MIN(next_at) FROM outbox WHERE state = 'pending'")[0]
        return due

    def sms_sent(self, id: int) -> None:
        with self._tx() as db:
            self._require_pending_sms(db, id)
            db.execute("UPDATE outbox SET state = 'sent', done_at = ? WHERE id = ?", (self._clock(), id))

    def sms_send_failed(self, id: int, next_at: float, error: str) -> int:
        with self._tx() as db:
            self._require_pending_sms(db, id)
            db.execute(
                "UPDATE outbox SET tries = tries + 1, next_at = ?, error = ? WHERE id = ?", (next_at, error, id)
            )
            (tries,) = db.execute("SELECT tries FROM outbox WHERE id = ?", (id,)).fetchone()
            return int(tries)

    def sms_abandoned(self, id: int, error: str) -> None:
        with self._tx() as db:
            self._require_pending_sms(db, id)
            db.execute(
                "UPDATE outbox SET state = 'abandoned', done_at = ?, error = ? WHERE id = ?",
                (self._clock(), error, id),
            )

    @staticmethod
    def _require_pending_sms(db: sqlite3.Connection, id: int) -> None:
        row = db.execute("SELECT state FROM outbox WHERE id = ?", (id,)).fetchone()
        if row is None or row[0] != "pending":
            raise ValueError(f"outgoing SMS {id} is not pending ({row[0] if row else 'never enqueued'})")

    def sms_parts(self, id: int) -> list[OutgoingPart]:
        return _parts(self._query(_PARTS, (id,)))

    def store_sms_parts(self, id: int, parts: Sequence[tuple[str, int]]) -> list[OutgoingPart]:
        with self._tx() as db:
            self._require_pending_sms(db, id)
            if not db.execute("SELECT 1 FROM outbox_parts WHERE id = ?", (id,)).fetchone():
                db.executemany("INSERT INTO outbox_parts (id, seq, pdu, length) VALUES (?, ?, ?, ?)",
                               [(id, seq, pdu, length) for seq, (pdu, length) in enumerate(parts)])
            return _parts(db.execute(_PARTS, (id,)).fetchall())

    def sms_part_sent(self, id: int, seq: int) -> None:
        with self._tx() as db:
            self._require_pending_sms(db, id)
            db.execute("UPDATE outbox_parts SET sent_at = ? WHERE id = ? AND seq = ? AND sent_at IS NULL",
                       (self._clock(), id, seq))
