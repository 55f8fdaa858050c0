"""The SQLite journal's schema and its migrations, kept apart from the queries that use it.

A new database is created at version 1 and migrated like an old one, so a fresh file and an
upgraded file cannot drift apart. Creation and every migration run inside the caller's open
transaction: SQLite's DDL is transactional, so a crash mid-migration leaves the file at the
version it had, with all its rows, and the next start migrates again.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from gsmcall.store.base import JournalError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4

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

# The default fills the rows a version 1 file already has: every alert then came from the endpoint.
_V1_TO_V2 = """
ALTER TABLE alerts ADD COLUMN source TEXT NOT NULL DEFAULT 'endpoint';
ALTER TABLE callbacks ADD COLUMN source TEXT NOT NULL DEFAULT 'endpoint';
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after pruning
    key        TEXT NOT NULL UNIQUE,               -- the caller's idempotency key
    number     TEXT NOT NULL,
    text       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'abandoned')),
    tries      INTEGER NOT NULL DEFAULT 0,
    next_at    REAL NOT NULL,                      -- wall clock, like callbacks.next_at
    created_at REAL NOT NULL,
    done_at    REAL,                               -- when sent or abandoned
    error      TEXT                                -- the last failure to send
);
CREATE INDEX outbox_due ON outbox (state, next_at);
"""

# What the alert is about (the endpoint's optional "text"), spoken into its calls; NULL for
# the alerts a version 2 file holds, which then use calls.default_text.
_V2_TO_V3 = """
ALTER TABLE alerts ADD COLUMN text TEXT;
"""

# The webhook intake's pages (DESIGN §6): a page is one alerts row rung for a group of a
# source; page_alerts says which of the source's alerts (by fingerprint or id) it covers and
# whether each is still firing, which is what deduplication and resolves are decided on.
# outbox_parts: an outgoing SMS's encoded parts, each marked once the modem accepted it.
# marks: small named states that must survive a restart (the watchdog's, DESIGN §9).
_V3_TO_V4 = """
CREATE TABLE pages (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so page names never repeat
    mid    TEXT NOT NULL UNIQUE REFERENCES alerts (mid),
    source TEXT NOT NULL,
    grp    TEXT NOT NULL,                      -- the source's group: groupKey, or the generic id
    -- queued: nothing rung yet, alerts of its group may still join it
    state  TEXT NOT NULL CHECK (state IN ('queued', 'ringing'))
);
CREATE INDEX pages_group ON pages (source, grp, state);
CREATE TABLE page_alerts (
    source      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    mid         TEXT NOT NULL REFERENCES pages (mid),
    status      TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
    PRIMARY KEY (source, fingerprint, mid)
);
CREATE INDEX page_alerts_page ON page_alerts (mid);
CREATE TABLE outbox_parts (
    id      INTEGER NOT NULL REFERENCES outbox (id),
    seq     INTEGER NOT NULL,
    pdu     TEXT NOT NULL,                     -- as first encoded: its concatenation reference is kept
    length  INTEGER NOT NULL,                  -- the TPDU length AT+CMGS takes
    sent_at REAL,                              -- when the modem accepted it; NULL: still to send
    PRIMARY KEY (id, seq)
);
CREATE TABLE marks (
    name       TEXT PRIMARY KEY,               -- e.g. the watchdog's endpoint-down state
    value      TEXT NOT NULL,                  -- JSON
    updated_at REAL NOT NULL
);
"""

# MIGRATIONS[n] takes a file from version n to version n + 1.
MIGRATIONS = {1: _V1_TO_V2, 2: _V2_TO_V3, 3: _V3_TO_V4}


def _run(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it would COMMIT first and leave the caller's transaction.  The
    # comments go first, so a ";" in one does not split a statement.
    code = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    for statement in code.split(";"):
        if statement.strip():
            db.execute(statement)


def ensure_schema(db: sqlite3.Connection, path: Path) -> None:
    """Create or migrate the schema to SCHEMA_VERSION, inside the caller's write transaction.

    Raises JournalError for a version this gsmcall does not know, which a newer gsmcall wrote:
    guessing at its meaning could lose what it recorded.
    """
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
    if not exists:
        _run(db, _SCHEMA_V1)
        db.execute("INSERT INTO schema_version (version) VALUES (1)")
    (version,) = db.execute("SELECT version FROM schema_version").fetchone()
    if not 1 <= version <= SCHEMA_VERSION:
        raise JournalError(f"{path}: state schema version {version}, this gsmcall knows {SCHEMA_VERSION}")
    if version == SCHEMA_VERSION:
        return
    if exists:
        log.info("%s: migrating the state schema from version %d to %d", path, version, SCHEMA_VERSION)
    for step in range(version, SCHEMA_VERSION):
        _run(db, MIGRATIONS[step])
    db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
