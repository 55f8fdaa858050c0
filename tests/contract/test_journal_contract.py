"""The journal contract: what a restart, a SIGKILL or a second thread must not lose or repeat,
whichever implementation keeps the state. Each test runs against every implementation."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from gsmcall.store import AlertProgress, Journal
from gsmcall.store.base import DAY
from tests.contract.journals import Clock, JournalMaker, attempt

PHONES = ("18712345678", "18812345678", "18712345678")


def test_implements_the_whole_interface(journal: Journal) -> None:
    assert isinstance(journal, Journal)


# --- alerts -----------------------------------------------------------------------------------------


def test_new_alert_starts_at_the_first_number(journal: Journal) -> None:
    progress = journal.start_alert("m1", PHONES)
    assert progress == AlertProgress("m1", PHONES, [])
    assert progress.next_index == 0
    assert journal.unfinished_alert() == progress


def test_start_alert_is_idempotent_and_keeps_the_first_phone_list(journal: Journal) -> None:
    journal.start_alert("m1", PHONES)
    journal.record_attempt("m1", attempt(PHONES[0], "no_answer"))
    again = journal.start_alert("m1", ["19900000000"])
    assert again.phones == PHONES
    assert again.attempts == [attempt(PHONES[0], "no_answer")]
    assert again.next_index == 1


def test_attempts_keep_their_order(journal: Journal) -> None:
    journal.start_alert("m1", PHONES)
    for number, result in zip(PHONES, ["busy", "no_answer", "rejected"]):
        journal.record_attempt("m1", attempt(number, result))
    assert [a["result"] for a in journal.unfinished_alert().attempts] == ["busy", "no_answer", "rejected"]


def test_unfinished_alert_is_the_oldest(journal: Journal, clock: Clock) -> None:
    assert journal.unfinished_alert() is None
    journal.start_alert("old", ["1"])
    clock.now += 5
    journal.start_alert("new", ["2"])
    assert journal.unfinished_alert().mid == "old"
    journal.finish_alert("old", None)
    assert journal.unfinished_alert().mid == "new"


def test_finish_alert_enqueues_the_callback_with_the_attempts(journal: Journal, clock: Clock) -> None:
    journal.start_alert("m1", PHONES)
    journal.record_attempt("m1", attempt(PHONES[0], "no_answer"))
    journal.record_attempt("m1", attempt(PHONES[1], "answered"))
    assert journal.callback_state("m1") is None
    journal.finish_alert("m1", PHONES[1])
    assert journal.unfinished_alert() is None
    assert journal.callback_state("m1") == "pending"
    (callback,) = journal.pending_callbacks(clock.now)
    assert (callback.mid, callback.resp, callback.tries, callback.next_at) == ("m1", PHONES[1], 0, clock.now)
    assert callback.body == {
        "mid": "m1",
        "resp": PHONES[1],
        "attempts": [attempt(PHONES[0], "no_answer"), attempt(PHONES[1], "answered")],
    }


def test_misuse_is_refused(journal: Journal) -> None:
    with pytest.raises(ValueError, match="never started"):
        journal.record_attempt("ghost", attempt("1", "busy"))
    with pytest.raises(ValueError, match="never started"):
        journal.finish_alert("ghost", None)
    journal.start_alert("m1", ["1"])
    journal.finish_alert("m1", None)
    for action in (
        lambda: journal.start_alert("m1", ["1"]),
        lambda: journal.record_attempt("m1", attempt("1", "busy")),
        lambda: journal.finish_alert("m1", "1"),
    ):
        with pytest.raises(ValueError, match="already finished"):
            action()
    assert len(journal.pending_callbacks(float("inf"))) == 1, "a refused call must not change anything"


def test_unicode_survives(journal: Journal) -> None:
    journal.start_alert("告警-1", ["1"])
    journal.record_attempt("告警-1", {"number": "1", "note": "今天你值班"})
    assert journal.unfinished_alert().attempts == [{"number": "1", "note": "今天你值班"}]


def test_dial_failures_are_counted_across_restarts_until_a_call_is_placed(make_journal: JournalMaker) -> None:
    with make_journal() as first:
        first.start_alert("m1", PHONES)
        assert first.note_dial_failure("m1") == 1
        assert first.note_dial_failure("m1") == 2
    with make_journal() as second:
        assert second.note_dial_failure("m1") == 3
        second.record_attempt("m1", attempt(PHONES[0], "busy"))
        assert second.note_dial_failure("m1") == 1
        with pytest.raises(ValueError, match="never started"):
            second.note_dial_failure("ghost")


def test_restart_alert_forgets_the_attempts_and_the_failures(journal: Journal) -> None:
    journal.start_alert("m1", PHONES)
    journal.record_attempt("m1", attempt(PHONES[0], "busy"))
    journal.note_dial_failure("m1")
    journal.restart_alert("m1")
    assert journal.unfinished_alert() == AlertProgress("m1", PHONES, [])
    assert journal.note_dial_failure("m1") == 1
    journal.finish_alert("m1", None)
    with pytest.raises(ValueError, match="already finished"):
        journal.restart_alert("m1")


# --- alert sources ----------------------------------------------------------------------------------


def test_an_alert_comes_from_the_endpoint_unless_told_otherwise(journal: Journal, clock: Clock) -> None:
    assert journal.start_alert("m1", ["1"]).source == "endpoint"
    journal.finish_alert("m1", None)
    assert [c.source for c in journal.pending_callbacks(clock.now)] == ["endpoint"]


def test_the_source_is_kept_and_copied_onto_the_callback(make_journal: JournalMaker, clock: Clock) -> None:
    with make_journal() as first:
        assert first.start_alert("s1", ["1"], source="sms") == AlertProgress("s1", ("1",), [], "sms")
        first.start_alert("e1", ["2"])
    with make_journal() as second:
        assert second.unfinished_alert().source == "sms"
        assert second.start_alert("s1", ["1"], source="heartbeat").source == "sms", "the first source wins"
        second.finish_alert("s1", "1")
        second.finish_alert("e1", None)
        assert [(c.mid, c.source) for c in second.pending_callbacks(clock.now)] == [("s1", "sms"), ("e1", "endpoint")]


# --- callbacks ----------------------------------------------------------------------------------------


def finished(journal: Journal, mid: str, resp: str | None = None) -> None:
    journal.start_alert(mid, ["1"])
    journal.finish_alert(mid, resp)


def test_callback_retry_schedule(journal: Journal, clock: Clock) -> None:
    finished(journal, "m1")
    assert journal.next_callback_due() == clock.now
    journal.callback_failed("m1", next_at=clock.now + 30)
    assert journal.pending_callbacks(clock.now) == []
    assert journal.next_callback_due() == clock.now + 30
    (due,) = journal.pending_callbacks(clock.now + 30)
    assert due.tries == 1
    journal.callback_failed("m1", next_at=clock.now + 90)
    assert journal.pending_callbacks(clock.now + 90)[0].tries == 2
    journal.callback_delivered("m1")
    assert journal.callback_state("m1") == "delivered"
    assert journal.pending_callbacks(float("inf")) == []
    assert journal.next_callback_due() is None


def test_pending_callbacks_come_oldest_due_first(journal: Journal, clock: Clock) -> None:
    finished(journal, "a")
    finished(journal, "b")
    journal.callback_failed("a", next_at=clock.now + 10)
    assert [c.mid for c in journal.pending_callbacks(clock.now + 10)] == ["b", "a"]


def test_requeue_a_delivered_callback(journal: Journal, clock: Clock) -> None:
    finished(journal, "m1", "1")
    journal.callback_delivered("m1")
    journal.requeue_callback("m1", next_at=clock.now)
    assert journal.callback_state("m1") == "pending"
    assert [c.resp for c in journal.pending_callbacks(clock.now)] == ["1"]


# --- restart --------------------------------------------------------------------------------------------


def test_restart_resumes_the_alert_at_the_next_number(make_journal: JournalMaker) -> None:
    with make_journal() as first:
        first.start_alert("m1", PHONES)
        first.record_attempt("m1", attempt(PHONES[0], "no_answer"))
    with make_journal() as second:
        progress = second.unfinished_alert()
        assert progress is not None and progress.next_index == 1 and progress.phones == PHONES
        assert second.start_alert("m1", PHONES).next_index == 1


def test_callback_stays_pending_across_restart(make_journal: JournalMaker, clock: Clock) -> None:
    with make_journal() as first:
        finished(first, "m1", "1")
        first.callback_failed("m1", next_at=clock.now + 60)
    with make_journal() as second:
        assert second.callback_state("m1") == "pending"
        assert second.next_callback_due() == clock.now + 60
        assert second.pending_callbacks(clock.now + 60)[0].tries == 1


# --- SMS ------------------------------------------------------------------------------------------------


def test_sms_markers(journal: Journal) -> None:
    assert not journal.sms_processed("k1") and journal.sms_state("k1") is None
    journal.mark_sms_dialling("k1", "+8618712345678")
    assert journal.sms_processed("k1") and journal.sms_state("k1") == "dialling"
    journal.mark_sms("k1", "+8618712345678", "answered")
    assert journal.sms_state("k1") == "done"
    journal.mark_sms_dialling("k1")
    assert journal.sms_state("k1") == "done", "a finished record is never downgraded"
    journal.mark_sms("k2", "10086", "refused: sender not allowed")
    assert journal.sms_processed("k2")


def test_dialling_marker_survives_restart(make_journal: JournalMaker) -> None:
    with make_journal() as first:
        first.mark_sms_dialling("k1")
    with make_journal() as second:
        assert second.sms_processed("k1") and second.sms_state("k1") == "dialling"


def test_a_modem_fault_before_the_call_allows_a_retry(journal: Journal) -> None:
    assert journal.sms_fault("unknown") == 0
    journal.mark_sms_dialling("k1", "+8618712345678")
    assert journal.sms_fault("k1") == 1
    assert journal.sms_state("k1") == "retry" and not journal.sms_processed("k1")
    journal.mark_sms_dialling("k1")
    assert journal.sms_state("k1") == "dialling"
    assert journal.sms_fault("k1") == 2
    journal.mark_sms("k1", "+8618712345678", "gave up")
    assert journal.sms_fault("k1") == 2 and journal.sms_state("k1") == "done", "a handled SMS stays handled"


# --- pruning --------------------------------------------------------------------------------------------


def test_old_delivered_callbacks_and_done_sms_are_pruned_on_open(make_journal: JournalMaker, clock: Clock) -> None:
    with make_journal() as first:
        finished(first, "old-delivered")
        first.callback_delivered("old-delivered")
        finished(first, "old-pending")
        first.start_alert("old-unfinished", ["1"])
        first.mark_sms("old-sms", "1", "dialled")
        first.mark_sms_dialling("old-dialling")
    clock.now += 29 * DAY
    with make_journal(keep_days=30) as second:
        assert second.callback_state("old-delivered") == "delivered"
        assert second.sms_processed("old-sms")
        finished(second, "recent")
        second.callback_delivered("recent")
    clock.now += 2 * DAY
    with make_journal(keep_days=30) as third:
        assert third.callback_state("old-delivered") is None
        assert third.callback_state("old-pending") == "pending"
        assert third.callback_state("recent") == "delivered"
        assert third.unfinished_alert().mid == "old-unfinished"
        assert not third.sms_processed("old-sms")
        assert third.sms_processed("old-dialling")


# --- concurrency and crashes ----------------------------------------------------------------------------


def test_two_threads_can_share_a_journal(journal: Journal) -> None:
    journal.start_alert("m1", [str(i) for i in range(200)])
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def attempts() -> None:
        start.wait()
        try:
            for i in range(200):
                journal.record_attempt("m1", {"number": str(i)})
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)

    def sms() -> None:
        start.wait()
        try:
            for i in range(200):
                journal.mark_sms(f"k{i}", "1", "done")
                assert journal.sms_processed(f"k{i}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=attempts), threading.Thread(target=sms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [a["number"] for a in journal.unfinished_alert().attempts] == [str(i) for i in range(200)]


CHILD_WRITES = textwrap.dedent(
    """
    import sys

    journal.start_alert("m1", ["18712345678", "18812345678"])
    journal.record_attempt("m1", {"number": "18712345678", "result": "no_answer"})
    journal.start_alert("m2", ["1"])
    journal.finish_alert("m2", "1")
    journal.mark_sms_dialling("sms-1")
    journal.enqueue_sms("18712345678", "reply", key="out-1")
    print("written", flush=True)
    sys.stdin.read()  # wait to be killed, journal still open
    """
)


def test_writes_survive_sigkill(make_journal: JournalMaker) -> None:
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen(
        [sys.executable, "-c", make_journal.child_source + CHILD_WRITES],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert child.stdout.readline() == "written\n"
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        child.kill()
        child.wait()
        child.stdin.close()
        child.stdout.close()
    with make_journal() as reopened:
        progress = reopened.unfinished_alert()
        assert progress is not None and progress.mid == "m1" and progress.next_index == 1
        assert reopened.callback_state("m2") == "pending"
        assert reopened.sms_state("sms-1") == "dialling"
        assert [s.key for s in reopened.due_sms(float("inf"))] == ["out-1"]
