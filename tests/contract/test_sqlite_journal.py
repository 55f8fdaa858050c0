"""What only the SQLite journal has: its file, WAL mode, its schema version and migrations."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from gsmcall.store import JournalError, SqliteJournal, open_journal, sqlite_schema
from gsmcall.store.base import DAY
from gsmcall.store.sqlite import DB_NAME
from gsmcall.store.sqlite_schema import _SCHEMA_V1
from tests.contract.journals import Clock, rows


def test_open_journal_is_the_sqlite_file_in_the_state_dir(tmp_path: Path) -> None:
    with open_journal(tmp_path) as journal:
        assert isinstance(journal, SqliteJournal) and journal.path == tmp_path / DB_NAME
        journal.start_alert("m1", ["1"])
    assert rows(tmp_path / DB_NAME, "SELECT mid FROM alerts") == [("m1",)]


def test_state_dir_is_created(tmp_path: Path, clock: Clock) -> None:
    with SqliteJournal(tmp_path / "a" / "b", clock=clock) as journal:
        assert journal.path == tmp_path / "a" / "b" / DB_NAME
    assert (tmp_path / "a" / "b" / DB_NAME).exists()


def test_database_is_in_wal_mode_with_a_schema_version(tmp_path: Path, clock: Clock) -> None:
    with SqliteJournal(tmp_path, clock=clock) as journal:
        assert rows(journal.path, "PRAGMA journal_mode") == [("wal",)]
        assert rows(journal.path, "SELECT version FROM schema_version") == [(4,)]


def test_newer_schema_is_refused(tmp_path: Path, clock: Clock) -> None:
    SqliteJournal(tmp_path, clock=clock).close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(JournalError, match="version 99"):
        SqliteJournal(tmp_path, clock=clock)


def test_a_file_that_is_not_a_database_is_a_journal_error(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(JournalError, match=DB_NAME):
        SqliteJournal(tmp_path)


def test_unwritable_state_dir_is_a_journal_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(JournalError, match="cannot open"):
        SqliteJournal(blocker / "state")


def test_pruning_deletes_the_alert_rows_of_a_pruned_callback(tmp_path: Path, clock: Clock) -> None:
    with SqliteJournal(tmp_path, clock=clock) as first:
        first.start_alert("old-delivered", ["1"])
        first.record_attempt("old-delivered", {"number": "1"})
        first.finish_alert("old-delivered", None)
        first.callback_delivered("old-delivered")
    clock.now += 31 * DAY
    SqliteJournal(tmp_path, clock=clock, keep_days=30).close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("SELECT COUNT(*) FROM alerts WHERE mid = 'old-delivered'").fetchone() == (0,)
    assert db.execute("SELECT COUNT(*) FROM attempts WHERE mid = 'old-delivered'").fetchone() == (0,)
    db.close()


def test_an_abandoned_sms_is_kept_with_its_error(tmp_path: Path, clock: Clock) -> None:
    with SqliteJournal(tmp_path, clock=clock) as journal:
        journal.enqueue_sms("1", "text", key="k")
        (sms,) = journal.due_sms(clock.now)
        journal.sms_send_failed(sms.id, clock.now + 10, "timeout")
        journal.sms_abandoned(sms.id, "no network after 2 tries")
    assert rows(tmp_path / DB_NAME, "SELECT key, state, tries, error FROM outbox") == [
        ("k", "abandoned", 1, "no network after 2 tries")
    ]


# --- migration from version 1 -------------------------------------------------------------------------


def make_v1_database(state_dir: Path, clock: Clock) -> None:
    """A state dir as gsmcall 0.1 (schema version 1) left it, every kind of row written with
    the SQL that version used: the migration must not depend on today's write paths."""
    now = clock.now
    body = json.dumps({"mid": "pending", "resp": "1", "attempts": [{"number": "1", "result": "answered"}]})
    db = sqlite3.connect(state_dir / DB_NAME, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_SCHEMA_V1 + f"""
        INSERT INTO schema_version (version) VALUES (1);
        INSERT INTO alerts (mid, phones, started_at, finished_at, resp, failures) VALUES
            ('pending', '["1", "2"]', {now}, {now}, '1', 0),
            ('delivered', '["1"]', {now}, {now}, NULL, 0),
            ('ringing', '["3", "4"]', {now}, NULL, NULL, 1);
        INSERT INTO attempts (mid, seq, attempt) VALUES
            ('pending', 0, '{{"number": "1", "result": "answered"}}'),
            ('ringing', 0, '{{"number": "3", "result": "busy"}}');
        INSERT INTO callbacks (mid, resp, body, tries, next_at, state, created_at, delivered_at) VALUES
            ('pending', '1', '{body}', 1, {now + 60}, 'pending', {now}, NULL),
            ('delivered', NULL, '{{"mid": "delivered", "resp": null, "attempts": []}}', 0, {now}, 'delivered',
             {now}, {now});
        INSERT INTO sms (key, sender, state, faults, outcome, updated_at) VALUES
            ('sms-dialling', '10086', 'dialling', 0, NULL, {now}),
            ('sms-done', '10086', 'done', 0, 'answered', {now});
    """)
    db.close()
    assert rows(state_dir / DB_NAME, "SELECT version FROM schema_version") == [(1,)]


def test_a_version_1_database_is_migrated_and_keeps_every_row(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    make_v1_database(tmp_path, clock)
    with caplog.at_level("INFO", logger="gsmcall.store.sqlite_schema"):
        journal = SqliteJournal(tmp_path, clock=clock)
    with journal:
        assert "from version 1 to 4" in caplog.text
        assert rows(journal.path, "SELECT version FROM schema_version") == [(4,)]
        (callback,) = journal.pending_callbacks(clock.now + 60)
        assert (callback.mid, callback.resp, callback.tries, callback.next_at, callback.source) == (
            "pending", "1", 1, clock.now + 60, "endpoint"
        )
        assert callback.body == {"mid": "pending", "resp": "1", "attempts": [{"number": "1", "result": "answered"}]}
        assert journal.callback_state("delivered") == "delivered"
        progress = journal.unfinished_alert()
        assert (progress.mid, progress.phones, progress.next_index, progress.source) == (
            "ringing", ("3", "4"), 1, "endpoint"
        )
        assert journal.note_dial_failure("ringing") == 2
        assert journal.sms_state("sms-dialling") == "dialling" and journal.sms_state("sms-done") == "done"
        journal.finish_alert("ringing", None)
        assert [c.source for c in journal.pending_callbacks(float("inf"))] == ["endpoint", "endpoint"]
        assert journal.enqueue_sms("1", "text", key="k") and journal.next_sms_due() == clock.now
    with SqliteJournal(tmp_path, clock=clock) as reopened:  # a migrated file opens as it is
        assert [c.mid for c in reopened.pending_callbacks(float("inf"))] == ["ringing", "pending"], "oldest due first"


def test_a_failed_migration_leaves_version_1_intact(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v1_database(tmp_path, clock)
    broken = sqlite_schema.MIGRATIONS[1] + "; CREATE TABLE alerts (clash INTEGER)"
    monkeypatch.setitem(sqlite_schema.MIGRATIONS, 1, broken)
    with pytest.raises(JournalError, match="already exists"):
        SqliteJournal(tmp_path, clock=clock)
    assert rows(tmp_path / DB_NAME, "SELECT version FROM schema_version") == [(1,)]
    assert rows(tmp_path / DB_NAME, "SELECT name FROM sqlite_master WHERE name = 'outbox'") == []
    monkeypatch.undo()
    with SqliteJournal(tmp_path, clock=clock) as journal:
        assert [c.mid for c in journal.pending_callbacks(float("inf"))] == ["pending"]
