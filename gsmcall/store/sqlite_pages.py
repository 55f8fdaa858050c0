"""The SQLite journal's alert finishing and the webhook intake's pages (schema version 4).

Kept apart from ``sqlite.py`` (the connection, its transactions and the other tables): these
are functions over a connection inside the caller's transaction, so a notification's
deduplication, its new page and the pages its resolves drop are one commit, and a SIGKILL
at any point leaves either all of it or none.  The rule itself is ``policy.dedup``.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from gsmcall.policy.dedup import LastPage, Verdict, callback_status, firing_verdict
from gsmcall.store.base import Notification, Taken


def attempts_of(db: sqlite3.Connection, mid: str) -> list[dict[str, Any]]:
    rows = db.execute("SELECT attempt FROM attempts WHERE mid = ? ORDER BY seq", (mid,))
    return [json.loads(text) for (text,) in rows]


def finish_alert_in(db: sqlite3.Connection, mid: str, resp: str | None, now: float, resolved: bool) -> None:
    """Mark an unfinished alert done and queue its callback, in the caller's transaction."""
    attempts = attempts_of(db, mid)
    body: dict[str, Any] = {"mid": mid, "resp": resp, "attempts": attempts}
    page = db.execute("SELECT source, grp FROM pages WHERE mid = ?", (mid,)).fetchone()
    if page is not None:
        body.update(source=page[0], key=page[1], status=callback_status(resp, attempts, resolved))
    db.execute("UPDATE alerts SET finished_at = ?, resp = ? WHERE mid = ?", (now, resp, mid))
    db.execute(
        "INSERT INTO callbacks (mid, resp, body, next_at, state, created_at, source)"
        " SELECT ?, ?, ?, ?, 'pending', ?, source FROM alerts WHERE mid = ?",
        (mid, resp, json.dumps(body, ensure_ascii=False), now, now, mid),
    )


def _last_page(db: sqlite3.Connection, source: str, fingerprint: str) -> LastPage | None:
    row = db.execute(
        "SELECT p.mid, p.state, a.finished_at FROM page_alerts m"
        " JOIN pages p ON p.mid = m.mid JOIN alerts a ON a.mid = m.mid"
        " WHERE m.source = ? AND m.fingerprint = ? ORDER BY p.id DESC LIMIT 1",
        (source, fingerprint),
    ).fetchone()
    if row is None:
        return None
    mid, state, finished_at = row
    return LastPage(mid, "finished" if finished_at is not None else state, finished_at)


def _queued_page(db: sqlite3.Connection, source: str, group: str) -> str | None:
    row = db.execute(
        "SELECT p.mid FROM pages p JOIN alerts a ON a.mid = p.mid"
        " WHERE p.source = ? AND p.grp = ? AND p.state = 'queued' AND a.finished_at IS NULL"
        " ORDER BY p.id DESC LIMIT 1",
        (source, group),
    ).fetchone()
    return None if row is None else row[0]


def _new_page(db: sqlite3.Connection, n: Notification, now: float) -> str:
    # AUTOINCREMENT keeps the highest id ever used here, pruned pages included.
    seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'pages'").fetchone()
    number = (seq[0] if seq else 0) + 1
    mid = f"{n.source}#{number}"
    while db.execute("SELECT 1 FROM alerts WHERE mid = ?", (mid,)).fetchone():  # an endpoint's mid, by chance
        number += 1
        mid = f"{n.source}#{number}"
    db.execute(
        "INSERT INTO alerts (mid, phones, started_at, source, text) VALUES (?, ?, ?, ?, ?)",
        (mid, json.dumps(list(n.phones), ensure_ascii=False), now, n.source, n.text),
    )
    db.execute("INSERT INTO pages (id, mid, source, grp, state) VALUES (?, ?, ?, ?, 'queued')",
               (number, mid, n.source, n.group))
    return mid


def take_notification_in(db: sqlite3.Connection, n: Notification, now: float) -> Taken:
    """Journal.take_notification, in the caller's transaction."""
    new: list[str] = []
    already = 0
    for fingerprint in dict.fromkeys(n.firing):  # an alert listed twice is one alert
        last = _last_page(db, n.source, fingerprint)
        verdict = firing_verdict(last, now, n.repeat_after)
        if verdict is Verdict.NEW:
            new.append(fingerprint)
            continue
        already += 1
        if verdict is Verdict.COVERED and last is not None:  # it fires again before its page is done
            db.execute("UPDATE page_alerts SET status = 'firing' WHERE source = ? AND fingerprint = ? AND mid = ?",
                       (n.source, fingerprint, last.mid))
    page, started = None, False
    if new:
        page = _queued_page(db, n.source, n.group)
        if page is None:
            page, started = _new_page(db, n, now), True
        elif n.text is not None:
            db.execute("UPDATE alerts SET text = ? WHERE mid = ?", (n.text, page))
        db.executemany(
            "INSERT OR REPLACE INTO page_alerts (source, fingerprint, mid, status) VALUES (?, ?, ?, 'firing')",
            [(n.source, fingerprint, page) for fingerprint in new],
        )
    dropped, stopping = _resolve(db, n, now)
    return Taken(page, started, len(new), already, dropped, stopping)


def _resolve(db: sqlite3.Connection, n: Notification, now: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Mark the resolved alerts on their unfinished pages; drop a queued page left with
    nothing firing, and name a ringing one so the log says it stops before its next call."""
    touched: dict[str, None] = {}
    for fingerprint in n.resolved:
        rows = db.execute(
            "SELECT m.mid FROM page_alerts m JOIN alerts a ON a.mid = m.mid"
            " WHERE m.source = ? AND m.fingerprint = ? AND a.finished_at IS NULL",
            (n.source, fingerprint),
        ).fetchall()
        for (mid,) in rows:
            db.execute("UPDATE page_alerts SET status = 'resolved' WHERE source = ? AND fingerprint = ? AND mid = ?",
                       (n.source, fingerprint, mid))
            touched[mid] = None
    dropped, stopping = [], []
    for mid in touched:
        if not all_resolved(db, mid):
            continue
        (state,) = db.execute("SELECT state FROM pages WHERE mid = ?", (mid,)).fetchone()
        if state == "queued":
            finish_alert_in(db, mid, None, now, resolved=True)
            dropped.append(mid)
        else:
            stopping.append(mid)
    return tuple(dropped), tuple(stopping)


def all_resolved(db: sqlite3.Connection, mid: str) -> bool:
    """True for a page none of whose alerts is firing; False for an alert that is no page."""
    row = db.execute(
        "SELECT COUNT(*), SUM(status = 'firing') FROM page_alerts WHERE mid = ?", (mid,)
    ).fetchone()
    return bool(row[0]) and not row[1]


def prune_pages_in(db: sqlite3.Connection, old_mids: str, cutoff: float) -> None:
    """Drop the pages of alerts about to be pruned (``old_mids`` selects them from ``cutoff``)."""
    db.execute(f"DELETE FROM page_alerts WHERE mid IN ({old_mids})", (cutoff,))
    db.execute(f"DELETE FROM pages WHERE mid IN ({old_mids})", (cutoff,))
