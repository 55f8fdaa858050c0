"""The escalation runner over a real journal with scripted dial results."""

from __future__ import annotations


import pytest

from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.policy.escalation import MAX_FAILURES_PER_NUMBER
from gsmcall.runtime.escalate import Escalation
from gsmcall.events import EventQueue
from gsmcall.store import SqliteJournal as Journal
from gsmcall.modem.errors import ModemError


def scripted(results: dict[str, CallResult], log: list[str]):
    def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
        log.append(number)
        return Attempt(number, results[number])

    return dial


def test_stops_at_the_first_answer(tmp_path):
    rung: list[str] = []
    with Journal(tmp_path) as journal:
        dial = scripted({"A": CallResult.NO_ANSWER, "B": CallResult.ANSWERED}, rung)
        assert Escalation(journal, dial, 0, EventQueue()).run("m", ("A", "B", "A"))
        (callback,) = journal.pending_callbacks(float("inf"))
    assert rung == ["A", "B"] and callback.resp == "B"


def test_answer_journaled_before_a_crash_is_reported_without_ringing(tmp_path):
    with Journal(tmp_path) as journal:
        journal.start_alert("m", ("A", "B", "C"))
        journal.record_attempt("m", Attempt("A", CallResult.NO_ANSWER).to_json())
        journal.record_attempt("m", Attempt("B", CallResult.ANSWERED).to_json())
    rung: list[str] = []
    with Journal(tmp_path) as journal:  # the restart
        progress = journal.unfinished_alert()
        assert Escalation(journal, scripted({}, rung), 0, EventQueue()).run(progress.mid, progress.phones)
        (callback,) = journal.pending_callbacks(float("inf"))
    assert rung == [] and callback.resp == "B"


def test_a_number_the_modem_keeps_refusing_is_given_up_across_runs(tmp_path):
    rung: list[str] = []
    dial = scripted({"BAD": CallResult.FAILED, "OK": CallResult.ANSWERED}, rung)
    for _ in range(MAX_FAILURES_PER_NUMBER - 1):  # each --once run is a new process
        with Journal(tmp_path) as journal, pytest.raises(ModemError):
            Escalation(journal, dial, 0, EventQueue()).run("m", ("BAD", "OK"))
    with Journal(tmp_path) as journal:
        assert Escalation(journal, dial, 0, EventQueue()).run("m", ("BAD", "OK"))
        (callback,) = journal.pending_callbacks(float("inf"))
    assert rung == ["BAD"] * MAX_FAILURES_PER_NUMBER + ["OK"]
    assert callback.resp == "OK"
    assert [a["result"] for a in callback.body["attempts"]] == ["failed", "answered"]


def test_every_number_refused_is_a_modem_fault_not_nobody_answered(tmp_path):
    rung: list[str] = []
    dial = scripted({"A": CallResult.FAILED, "B": CallResult.FAILED}, rung)
    with Journal(tmp_path) as journal:
        for _ in range(2 * (MAX_FAILURES_PER_NUMBER - 1)):  # the last refusal of each is recorded
            with pytest.raises(ModemError, match="could not dial"):
                Escalation(journal, dial, 0, EventQueue()).run("m", ("A", "B"))
        with pytest.raises(ModemError, match="refused to dial every number"):
            Escalation(journal, dial, 0, EventQueue()).run("m", ("A", "B"))
        assert journal.pending_callbacks(float("inf")) == []
        assert journal.unfinished_alert().next_index == 0  # the whole list is rung again later


def test_fault_after_an_answer_reports_the_answer_then_raises(tmp_path):
    from gsmcall.call.outcome import FaultAfterCall

    def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
        raise FaultAfterCall(Attempt(number, CallResult.ANSWERED), "hang-up timed out")

    with Journal(tmp_path) as journal:
        with pytest.raises(FaultAfterCall):
            Escalation(journal, dial, 0, EventQueue()).run("m", ("A", "B"))
        (callback,) = journal.pending_callbacks(float("inf"))
        assert callback.resp == "A" and journal.unfinished_alert() is None


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs."""


def test_a_crash_after_the_ack_key_reports_the_ack_and_rings_nobody_else(tmp_path):
    def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
        if number == "A":
            return Attempt("A", CallResult.ANSWERED)  # voicemail: answered, no key
        on_acknowledged(Attempt("B", CallResult.ACKNOWLEDGED))
        raise Killed  # killed between the key press and the hang-up

    with Journal(tmp_path) as journal:
        with pytest.raises(Killed):
            Escalation(journal, dial, 0, EventQueue(), ack_required=lambda: True).run("m", ("A", "B", "C"))
    rung: list[str] = []
    with Journal(tmp_path) as journal:
        progress = journal.unfinished_alert()
        assert [a["result"] for a in progress.attempts] == ["answered", "acknowledged"]
        again = scripted({"C": CallResult.NO_ANSWER}, rung)
        assert Escalation(journal, again, 0, EventQueue(), ack_required=lambda: True).run(progress.mid, progress.phones)
        (callback,) = journal.pending_callbacks(float("inf"))
    assert rung == [] and callback.resp == "B"


def test_a_crash_during_the_speech_rings_that_number_again(tmp_path):
    def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
        raise Killed  # killed while A was being spoken to: not acknowledged

    with Journal(tmp_path) as journal:
        with pytest.raises(Killed):
            Escalation(journal, dial, 0, EventQueue(), ack_required=lambda: True).run("m", ("A", "B"))
    rung: list[str] = []
    with Journal(tmp_path) as journal:
        progress = journal.unfinished_alert()
        again = scripted({"A": CallResult.ACKNOWLEDGED}, rung)
        assert Escalation(journal, again, 0, EventQueue(), ack_required=lambda: True).run(progress.mid, progress.phones)
        (callback,) = journal.pending_callbacks(float("inf"))
    assert rung == ["A"] and callback.resp == "A"


def test_the_early_record_is_not_written_twice(tmp_path):
    def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
        on_acknowledged(Attempt(number, CallResult.ACKNOWLEDGED))
        return Attempt(number, CallResult.ACKNOWLEDGED, duration=2.0)

    with Journal(tmp_path) as journal:
        assert Escalation(journal, dial, 0, EventQueue(), ack_required=lambda: True).run("m", ("A", "B"))
        (callback,) = journal.pending_callbacks(float("inf"))
    assert callback.resp == "A" and [a["number"] for a in callback.body["attempts"]] == ["A"]
