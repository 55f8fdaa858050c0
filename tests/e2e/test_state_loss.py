"""State files deleted under the running daemon: the real ``gsmcall`` must neither lose the
alert's result nor, after a restart, ring anyone a second time.

SQLite alone goes on writing the inode it opened, so without the journal's check the alert
finishes into a file nobody will open again and a restart starts from nothing. The test judges
by what crossed the wire (the emulator's dials, the endpoint's posts) and by what a restart
finds in ``state.dir``.
"""

from __future__ import annotations

from pathlib import Path

from gsmcall.emulator import Callee
from gsmcall.store import SqliteJournal
from tests.support.wire import (
    assert_no_crash,
    attempt_results,
    event,
    only_post,
    wait_for_get_after,
)
from tests.support.daemon import dials

A, B = "18712345678", "18812345678"


def delete_every_file(state_dir: Path) -> list[str]:
    """What ``rm state.dir/*`` does, returning the names removed."""
    removed = []
    for file in state_dir.iterdir():
        file.unlink()
        removed.append(file.name)
    return removed


def test_state_deleted_while_ringing_posts_once_and_a_restart_rings_nobody(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", callees={A: Callee.no_answer(), B: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-lost", [A, B])
    proc = runner.start()
    emu.wait_for("ATD" + A, timeout=20)
    event(emu, f"call {A} alerting", timeout=5)
    assert "journal.sqlite3" in delete_every_file(runner.state_dir)
    post = endpoint.wait_for_post(timeout=30)
    wait_for_get_after(endpoint, post)
    assert runner.stop(proc) == 0, runner.daemon_log()
    out = runner.daemon_log()
    assert_no_crash(out)
    restored = [line for line in out.splitlines() if " ERROR " in line and "restored" in line]
    assert len(restored) == 1 and "was deleted" in restored[0], restored
    assert only_post(endpoint).params == {"mid": "m-lost", "resp": B}
    assert attempt_results(post) == [(A, "no_answer"), (B, "answered")]
    assert dials(emu) == [A, B]

    # What the restart will find: the alert done and its result delivered, nothing to resume.
    with SqliteJournal(runner.state_dir, keep_days=36500) as journal:
        assert journal.unfinished_alert() is None
        assert journal.callback_state("m-lost") == "delivered"

    restarted = runner.start()
    gets = len(endpoint.gets())
    endpoint.wait_for_requests("GET", count=gets + 3, timeout=20)  # it polled: it had every chance to act
    assert runner.stop(restarted) == 0, runner.daemon_log(1)
    assert_no_crash(runner.daemon_log(1))
    assert dials(emu) == [A, B], "the restart rang someone again"
    assert len(endpoint.posts()) == 1, [p.params for p in endpoint.posts()]
    assert emu.active_calls() == []
