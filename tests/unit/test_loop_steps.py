"""The loop's turn and ``--once`` driven with injected fakes: no serial port, no HTTP.

A real journal, the real escalation runner, router and result delivery; a scripted dial, a
scripted poller and recording fakes for the modem supervisor, the SMS inbox and outbox.
What is checked is the order the steps run in and what each outcome makes of the exit code.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import pytest

from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.events import EventQueue
from gsmcall.exitcodes import EXIT_ENDPOINT, EXIT_MODEM, EXIT_OK
from gsmcall.intake.alert import Alert
from gsmcall.intake.endpoint import EndpointError
from gsmcall.modem.errors import ModemError
from gsmcall.report.delivery import Delivery
from gsmcall.runtime.escalate import Escalation
from gsmcall.runtime.loop import Loop
from gsmcall.runtime.parts import Parts
from gsmcall.runtime.router import Router
from gsmcall.store import SqliteJournal


class Recorder:
    def __init__(self) -> None:
        self.log: list[str] = []


class FakeSupervisor:
    def __init__(self, rec: Recorder) -> None:
        self.rec, self.up, self.connected_at, self.verify_needed = rec, True, 0.0, False
        self.pinger = None

    def connect(self) -> None:
        self.rec.log.append("connect")

    def alive(self) -> None: ...

    def probe_if_due(self) -> None: ...

    def down(self, reason: str) -> None:
        self.rec.log.append(f"down: {reason}")
        self.up = False

    def shutdown(self) -> None:
        self.rec.log.append("shutdown")


class FakeInbox:
    def __init__(self, rec: Recorder) -> None:
        self.rec, self.indexes = rec, []

    def request_sweep(self) -> None:
        self.rec.log.append("sweep requested")

    def indicated(self, index: int) -> None:
        self.indexes.append(index)

    def work(self) -> None:
        self.rec.log.append(f"sms work {self.indexes}")

    def expire(self) -> None: ...


class FakeOutbox:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec

    def flush(self, stopping: Any) -> None:
        self.rec.log.append("outbox flush")

    def next_due(self) -> float:
        return float("inf")


class FakePoller:
    def __init__(self, rec: Recorder, replies: list[Alert | None | Exception]) -> None:
        self.rec, self.replies, self.next_delay = rec, replies, 10.0

    def poll(self) -> Alert | None:
        self.rec.log.append("poll")
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


class FakeReporter:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec

    def send(self, callback: Any) -> None:
        self.rec.log.append(f"report {callback.mid} resp={callback.resp}")


class Closable:
    def close(self) -> None: ...


class FakeChannel:
    @contextmanager
    def attach(self, sink: Any) -> Iterator[Any]:
        yield sink


def make_parts(tmp: Path, rec: Recorder, replies: list[Alert | None | Exception],
               results: dict[str, CallResult | Exception], once: bool = True) -> Parts:
    events = EventQueue()
    journal = SqliteJournal(tmp)

    def dial(number: str, text: str | None = None, on_acknowledged=None) -> Attempt:
        rec.log.append(f"dial {number}")
        result = results[number]
        if isinstance(result, Exception):
            raise result
        return Attempt(number, result)

    supervisor, inbox = FakeSupervisor(rec), FakeInbox(rec)
    return Parts(
        settings=SimpleNamespace(sms=SimpleNamespace(enabled=True)), events=events, channel=FakeChannel(),
        journal=journal, client=Closable(), metrics=Closable(), supervisor=supervisor,
        poller=FakePoller(rec, replies),
        delivery=Delivery(journal, {"endpoint": FakeReporter(rec)}, lambda n: None, everything=once),
        outbox=FakeOutbox(rec), inbox=inbox, escalation=Escalation(journal, dial, 0, events),
        router=Router(supervisor, inbox, sms_enabled=True),
    )  # type: ignore[arg-type]


def test_once_rings_reports_then_handles_sms(tmp_path: Path) -> None:
    rec = Recorder()
    parts = make_parts(tmp_path, rec, [Alert("m1", ("A", "B"))], {"A": CallResult.BUSY, "B": CallResult.ANSWERED})
    assert Loop(parts, once=True).run() == EXIT_OK
    assert rec.log == ["connect", "sweep requested", "poll", "dial A", "dial B", "report m1 resp=B",
                       "sms work []", "outbox flush", "shutdown"]


def test_once_with_the_endpoint_down_rings_nobody_and_exits_4(tmp_path: Path) -> None:
    rec = Recorder()
    parts = make_parts(tmp_path, rec, [EndpointError("GET x: refused")], {})
    assert Loop(parts, once=True).run() == EXIT_ENDPOINT
    assert not any(entry.startswith("dial") for entry in rec.log)
    assert "sms work []" in rec.log  # an endpoint fault does not hold up SMS commands


def test_once_modem_fault_keeps_the_alert_for_the_next_run(tmp_path: Path) -> None:
    rec = Recorder()
    parts = make_parts(tmp_path, rec, [Alert("m1", ("A", "B"))], {"A": ModemError("port gone")})
    assert Loop(parts, once=True).run() == EXIT_MODEM
    with SqliteJournal(tmp_path) as journal:
        progress = journal.unfinished_alert()
        assert progress is not None and progress.mid == "m1" and progress.next_index == 0
        assert journal.pending_callbacks(float("inf")) == []


def test_once_resumes_an_unfinished_alert_instead_of_polling(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path) as journal:
        journal.start_alert("old", ("A", "B"))
        journal.record_attempt("old", Attempt("A", CallResult.NO_ANSWER).to_json())
    rec = Recorder()
    parts = make_parts(tmp_path, rec, [], {"B": CallResult.ANSWERED})
    assert Loop(parts, once=True).run() == EXIT_OK
    assert "poll" not in rec.log and rec.log.count("dial B") == 1 and "dial A" not in rec.log
    assert "report old resp=B" in rec.log


def test_a_turn_routes_a_cmti_that_came_during_the_call_to_the_inbox_after_it(tmp_path: Path) -> None:
    rec = Recorder()
    parts = make_parts(tmp_path, rec, [], {"A": CallResult.ANSWERED}, once=False)
    events = parts.events
    events.urc('+CMTI: "SM",7')  # arrived while the alert was being rung
    parts.journal.start_alert("m1", ("A",))
    events.schedule("poll", float("inf"))
    events.schedule("probe", 0.0)  # so the turn's idle wait ends at once
    Loop(parts)._turn()  # resumes the alert, then routes and handles SMS
    assert rec.log.index("dial A") < rec.log.index("sms work [7]")


@pytest.mark.parametrize("payload", ["RDY", "+CPIN: READY"])
def test_boot_urcs_ask_the_supervisor_to_check_for_a_restart(tmp_path: Path, payload: str) -> None:
    rec = Recorder()
    parts = make_parts(tmp_path, rec, [], {}, once=False)
    parts.supervisor.connected_at = -1.0
    parts.events.urc(payload)
    Loop(parts).steps.route()
    assert parts.supervisor.verify_needed is (payload == "RDY")
