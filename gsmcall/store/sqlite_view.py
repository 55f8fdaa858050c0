"""A read-only look at another process's SQLite journal, for ``gsmcall status`` and ``check``.

Opening the journal the normal way migrates and prunes it, which a diagnostic run beside a
live daemon must never do.  This opens the file read-only (SQLite's ``mode=ro``), so WAL lets
it read while the daemon writes, and it never creates a database that is not there.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from gsmcall.store.sqlite import DB_NAME


@dataclass(frozen=True)
class JournalSummary:
    alert_mid: str | None  # the alert being rung, None when none is
    alert_rung: int  # numbers of that alert already rung
    alert_total: int
    pending_callbacks: int
    pending_sms: int  # replies and notices waiting in the outbox
    sim_refused: dict[str, object] | None = None  # the watchdog's record of a barred SIM


def read_summary(state_dir: Path) -> JournalSummary | None:
    """None when there is no journal yet; raises sqlite3.Error when it cannot be read."""
    path = Path(state_dir) / DB_NAME
    if not path.exists():
        return None
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=2)
    try:
        alert = db.execute("SELECT mid, phones FROM alerts WHERE finished_at IS NULL "
                           "ORDER BY started_at, rowid LIMIT 1").fetchone()
        rung = db.execute("SELECT COUNT(*) FROM attempts WHERE mid = ?", (alert[0],)).fetchone()[0] if alert else 0
        (callbacks,) = db.execute("SELECT COUNT(*) FROM callbacks WHERE state = 'pending'").fetchone()
        (sms,) = db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()
        sim = _mark(db, "watchdog.sim")
    finally:
        db.close()
    return JournalSummary(alert_mid=alert[0] if alert else None, alert_rung=rung,
                          alert_total=len(json.loads(alert[1])) if alert else 0,
                          pending_callbacks=callbacks, pending_sms=sms,
                          sim_refused=sim if isinstance(sim, dict) else None)


def _mark(db: sqlite3.Connection, name: str) -> object:
    """A mark's value; None when unset, or in a journal older than the marks table."""
    try:
        row = db.execute("SELECT value FROM marks WHERE name = ?", (name,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return json.loads(row[0]) if row else None
