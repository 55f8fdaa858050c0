"""The SQLite journal's file lost while the journal has it open: deleted, replaced, its directory gone.

SQLite alone would go on writing the inode it opened, and the next start would find nothing: the
alert rung again, its callback lost. Each test loses the file behind the journal's back, writes,
and judges by what a new process opening the path finds there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gsmcall.store import JournalError, SqliteJournal
from gsmcall.store.sqlite import DB_NAME
from tests.contract.journals import Clock, attempt, rows

A, B = "18712345678", "18812345678"

# Opened with a keep_days wide enough that the wall clock prunes none of the test clock's rows.
SNAPSHOT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from gsmcall.store import SqliteJournal

    with SqliteJournal(Path(sys.argv[1]), keep_days=36500) as journal:
        progress = journal.unfinished_alert()
        print(json.dumps({
            "ringing": [progress.mid, [a["result"] for a in progress.attempts]] if progress else None,
            "pending": [c.mid for c in journal.pending_callbacks(float("inf"))],
            "reported": journal.callback_state("reported"),
            "sms": [journal.sms_state(k) for k in ("sms-dialling", "sms-done", "sms-after")],
            "outbox": [s.key for s in journal.due_sms(float("inf"))],
        }))
    """
)

BEFORE = {
    "ringing": ["ringing", ["no_answer"]],
    "pending": ["finished"],
    "reported": "delivered",
    "sms": ["dialling", "done", None],
    "outbox": ["out-1"],
}


def write_everything(journal: SqliteJournal) -> None:
    """One record of every kind: what a restart needs to neither ring twice nor lose a result."""
    journal.start_alert("ringing", [A, B])
    journal.record_attempt("ringing", attempt(A, "no_answer"))
    journal.start_alert("finished", ["1"])
    journal.finish_alert("finished", "1")
    journal.start_alert("reported", ["1"])
    journal.finish_alert("reported", None)
    journal.callback_delivered("reported")
    journal.mark_sms_dialling("sms-dialling", "10086")
    journal.mark_sms("sms-done", "10086", "answered")
    journal.enqueue_sms(A, "reply", key="out-1")


def write_more(journal: SqliteJournal) -> None:
    """The writes after the loss: the first of them notices it."""
    journal.record_attempt("ringing", attempt(B, "busy"))
    journal.mark_sms("sms-after", "10086", "answered")


AFTER = {**BEFORE, "ringing": ["ringing", ["no_answer", "busy"]], "sms": ["dialling", "done", "done"]}


def seen_by_a_new_process(state_dir: Path) -> dict[str, Any]:
    """What a restarted daemon would find: another process opening the path, not our connection."""
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", SNAPSHOT, str(state_dir)],
        capture_output=True, text=True, env=env, timeout=30, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]


def delete_files(state_dir: Path) -> None:
    for file in state_dir.iterdir():
        file.unlink()


def delete_wal(state_dir: Path) -> None:
    (state_dir / f"{DB_NAME}-wal").unlink()


def remove_dir(state_dir: Path) -> None:
    shutil.rmtree(state_dir)


LOSSES: dict[str, tuple[Callable[[Path], None], str]] = {
    "db-wal-shm-deleted": (delete_files, "was deleted"),
    "wal-deleted": (delete_wal, "lost its WAL file"),
    "dir-removed": (remove_dir, "was deleted"),
}


@pytest.mark.parametrize("loss", LOSSES)
def test_a_lost_file_is_restored_with_every_record_before_the_next_write(
    loss: str, tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    lose, what = LOSSES[loss]
    state_dir = tmp_path / "state"
    with SqliteJournal(state_dir, clock=clock) as journal:
        write_everything(journal)
        lose(state_dir)
        with caplog.at_level("ERROR", logger="gsmcall.store.sqlite"):
            write_more(journal)
        (logged,) = errors(caplog)
        assert str(journal.path) in logged and what in logged and "restored" in logged, logged
        assert seen_by_a_new_process(state_dir) == AFTER
        assert rows(journal.path, "PRAGMA journal_mode") == [("wal",)]
        assert sorted(p.name for p in state_dir.iterdir() if ".restoring" in p.name) == []
        lose(state_dir)  # again: the journal now watches the restored file
        journal.mark_sms("sms-again", "10086", "answered")
        assert len(errors(caplog)) == 2
    assert seen_by_a_new_process(state_dir) == AFTER
    assert rows(state_dir / DB_NAME, "SELECT state FROM sms WHERE key = 'sms-again'") == [("done",)]


def test_writes_to_an_intact_file_neither_restore_nor_log(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with SqliteJournal(tmp_path, clock=clock) as journal:
        inode = os.stat(journal.path).st_ino
        with caplog.at_level("ERROR"):
            write_everything(journal)
            write_more(journal)
        assert os.stat(journal.path).st_ino == inode
    assert errors(caplog) == []


def test_a_file_lost_after_the_last_write_is_restored_at_close(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with SqliteJournal(tmp_path, clock=clock) as journal:
        write_everything(journal)
        delete_files(tmp_path)
    assert "restored" in " ".join(errors(caplog))
    assert seen_by_a_new_process(tmp_path) == BEFORE


def test_another_database_put_in_its_place_is_kept_aside_and_the_journal_restored_over_it(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir, elsewhere = tmp_path / "state", tmp_path / "elsewhere"
    with SqliteJournal(elsewhere, clock=clock) as other:
        other.start_alert("foreign", ["1"])
    with SqliteJournal(state_dir, clock=clock) as journal:
        write_everything(journal)
        os.replace(elsewhere / DB_NAME, journal.path)  # as `mv` would
        write_more(journal)
    (logged,) = errors(caplog)
    assert "replaced by another file" in logged and "restored" in logged, logged
    kept = Path(re.search(r"kept as (\S+)", logged).group(1))
    assert kept.parent == state_dir and kept.name.startswith(f"{DB_NAME}.replaced-")
    assert rows(kept, "SELECT mid FROM alerts") == [("foreign",)], "the other file is kept as it was"
    assert seen_by_a_new_process(state_dir) == AFTER, "the open connection's records win, none of the other's"


def test_a_state_dir_that_cannot_be_recreated_is_a_journal_error_naming_the_path(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir = tmp_path / "state"
    journal = SqliteJournal(state_dir, clock=clock)
    write_everything(journal)
    shutil.rmtree(state_dir)
    state_dir.write_text("")  # a file where the directory was (root ignores permissions: this it cannot)
    for write in (lambda: write_more(journal), lambda: journal.mark_sms("k", "1", "x")):
        with pytest.raises(JournalError, match=re.escape(str(journal.path))) as raised:
            write()
        assert "was deleted" in str(raised.value) and "cannot be restored" in str(raised.value)
    journal.close()  # logs, does not raise: at shutdown there is nobody left to tell
    assert any(str(journal.path) in line for line in errors(caplog))
    assert list(tmp_path.iterdir()) == [state_dir]
