"""The intake's way into the queue, over a real journal: roster numbers at queue time, the
loop woken only for a page to ring, 503 when the journal fails, and a resolve that stops a
ringing page before its next call."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.events import EventQueue
from gsmcall.intake.payloads import parse_alertmanager, parse_generic
from gsmcall.roster.config import parse_roster
from gsmcall.runtime.escalate import Escalation
from gsmcall.runtime.intake_queue import IntakeQueue
from gsmcall.store import JournalError, SqliteJournal

ROSTER = parse_roster({
    "timezone": "Asia/Shanghai",
    "people": {"zhang": "18712340001", "li": "18712340002", "wang": "18712340003"},
    "rotation": {"members": ["zhang", "li"], "start": "2026-12-07 09:00", "shift": "7d"},
    "escalate": ["oncall", "next", "wang"],
    "rounds": 2,
})
# 2026-12-14 10:00 in Shanghai: li's first week.
LI_ON_CALL = datetime(2026, 12, 14, 2, 0, tzinfo=timezone.utc).timestamp()


def alertmanager(status: str, *fingerprints: str) -> dict:
    return {"version": "4", "groupKey": "{}:{alertname=\"HighCPU\"}", "status": status, "alerts": [
        {"status": status, "fingerprint": fp, "labels": {"alertname": "HighCPU"}, "annotations": {"summary": "load"}}
        for fp in fingerprints]}


class Recorder:
    def __init__(self) -> None:
        self.wakes = 0
        self.counts: list[tuple[str, str]] = []

    def wake(self) -> None:
        self.wakes += 1

    def count(self, source: str, outcome: str) -> None:
        self.counts.append((source, outcome))


def queue(journal: SqliteJournal, recorder: Recorder) -> IntakeQueue:
    return IntakeQueue(journal, ROSTER, 3600, recorder.wake, recorder.count, clock=lambda: LI_ON_CALL)


def test_a_page_without_phones_rings_the_roster_as_of_its_arrival(tmp_path: Path) -> None:
    recorder = Recorder()
    with SqliteJournal(tmp_path) as journal:
        assert queue(journal, recorder).accept(parse_alertmanager(alertmanager("firing", "a1")))
        progress = journal.unfinished_alert()
    assert progress is not None
    assert progress.phones == ("18712340002", "18712340001", "18712340003") * 2  # li, then zhang, wang; twice
    assert progress.text == "HighCPU: load"
    assert (recorder.wakes, recorder.counts) == (1, [("alertmanager", "queued")])


def test_the_generic_routes_own_phones_are_rung_as_given(tmp_path: Path) -> None:
    recorder = Recorder()
    with SqliteJournal(tmp_path) as journal:
        queue(journal, recorder).accept(parse_generic({"id": "d1", "text": "disk", "phones": ["13800000001"]}))
        progress = journal.unfinished_alert()
    assert progress is not None and progress.phones == ("13800000001",)


def test_a_repeat_does_not_wake_the_loop(tmp_path: Path) -> None:
    recorder = Recorder()
    with SqliteJournal(tmp_path) as journal:
        intake = queue(journal, recorder)
        intake.accept(parse_alertmanager(alertmanager("firing", "a1")))
        intake.accept(parse_alertmanager(alertmanager("firing", "a1")))
        intake.accept(parse_alertmanager(alertmanager("resolved", "a1")))
    assert recorder.wakes == 1
    assert recorder.counts == [("alertmanager", "queued"), ("alertmanager", "repeat"), ("alertmanager", "resolved")]


def test_a_journal_that_fails_is_a_refusal_not_a_crash(tmp_path: Path) -> None:
    class Broken(SqliteJournal):
        def take_notification(self, notification):  # type: ignore[no-untyped-def]
            raise JournalError("disk full")

    recorder = Recorder()
    with Broken(tmp_path) as journal:
        assert not queue(journal, recorder).accept(parse_generic({"id": "d1"}))
    assert recorder.wakes == 0


def test_a_resolve_during_a_ringing_page_stops_it_before_the_next_call(tmp_path: Path) -> None:
    rung: list[str] = []
    with SqliteJournal(tmp_path) as journal:
        intake = queue(journal, Recorder())
        intake.accept(parse_alertmanager(alertmanager("firing", "a1")))

        def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
            rung.append(number)
            intake.accept(parse_alertmanager(alertmanager("resolved", "a1")))  # arrives during the first call
            return Attempt(number, CallResult.NO_ANSWER)

        progress = journal.unfinished_alert()
        assert progress is not None
        assert Escalation(journal, dial, 0, EventQueue()).run(progress.mid, progress.phones, progress.source)
        [callback] = journal.pending_callbacks(float("inf"))
    assert rung == ["18712340002"]
    assert (callback.resp, callback.body["status"], len(callback.body["attempts"])) == (None, "resolved", 1)


def test_a_page_dropped_after_the_loop_picked_it_is_not_rung(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path) as journal:
        intake = queue(journal, Recorder())
        intake.accept(parse_alertmanager(alertmanager("firing", "a1")))
        progress = journal.unfinished_alert()
        intake.accept(parse_alertmanager(alertmanager("resolved", "a1")))  # before the loop starts it
        assert progress is not None

        def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
            raise AssertionError("a dropped page was rung")

        assert Escalation(journal, dial, 0, EventQueue()).run(progress.mid, progress.phones, progress.source)
        [callback] = journal.pending_callbacks(float("inf"))
    assert callback.body["status"] == "resolved"
