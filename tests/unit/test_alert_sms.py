"""calls.sms through the escalation and a real journal's outbox: once per number per alert."""

from __future__ import annotations

from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.events import EventQueue
from gsmcall.messaging.outbox import Outbox
from gsmcall.runtime.alert_sms import AlertSms
from gsmcall.runtime.escalate import Escalation
from gsmcall.store import SqliteJournal as Journal


def run(tmp_path, mode: str, results: dict[str, CallResult], phones: tuple[str, ...], text: str | None = "磁盘满"):
    def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
        return Attempt(number, results[number])

    with Journal(tmp_path) as journal:
        sms = AlertSms(Outbox(journal, lambda pdu, length: None), mode, "您有一条新的告警")
        Escalation(journal, dial, 0, EventQueue(), sms=sms).run("m1", phones, text=text)
        return [(s.number, s.text) for s in journal.due_sms(float("inf"))]


def test_unanswered_texts_every_number_rung_once(tmp_path) -> None:
    queued = run(tmp_path, "unanswered", {"A": CallResult.NO_ANSWER, "B": CallResult.BUSY}, ("A", "B", "A"))
    assert queued == [("A", "磁盘满"), ("B", "磁盘满")]


def test_unanswered_sends_nothing_when_someone_answered(tmp_path) -> None:
    assert run(tmp_path, "unanswered", {"A": CallResult.NO_ANSWER, "B": CallResult.ANSWERED}, ("A", "B")) == []


def test_always_texts_each_number_as_it_is_rung(tmp_path) -> None:
    queued = run(tmp_path, "always", {"A": CallResult.NO_ANSWER, "B": CallResult.ANSWERED}, ("A", "B", "C"), text=None)
    assert queued == [("A", "您有一条新的告警"), ("B", "您有一条新的告警")]


def test_none_sends_nothing(tmp_path) -> None:
    assert run(tmp_path, "none", {"A": CallResult.NO_ANSWER}, ("A",)) == []


def test_a_resumed_alert_does_not_queue_a_number_twice(tmp_path) -> None:
    def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
        if number == "B":
            raise KeyboardInterrupt  # stands for a crash while B rings
        return Attempt(number, CallResult.NO_ANSWER)

    with Journal(tmp_path) as journal:
        sms = AlertSms(Outbox(journal, lambda pdu, length: None), "always", "x")
        try:
            Escalation(journal, dial, 0, EventQueue(), sms=sms).run("m1", ("A", "B"), text="t")
        except KeyboardInterrupt:
            pass
        again = Escalation(journal, lambda n, t=None, a=None: Attempt(n, CallResult.NO_ANSWER), 0, EventQueue(), sms=sms)
        progress = journal.unfinished_alert()
        assert again.run(progress.mid, progress.phones, text=progress.text)
        assert [s.number for s in journal.due_sms(float("inf"))] == ["A", "B"]
