"""The intake's promises under stress, against the real daemon (DESIGN §6): a 202 means durable
(a SIGKILL right after it loses nothing, and the restart rings it exactly once), and the same
notification delivered twice (an Alertmanager HA pair) while the modem is busy is one page.

The modem is kept busy deterministically: a first page's call waits for the acknowledgement
key (``calls.ack: key``) until the test presses it with ``Emulator.dtmf``.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

import pytest

from gsmcall.emulator import Callee
from tests.e2e.alertmanager import WebhookRecorder
from tests.support.daemon import dials
from tests.support.intake import LI, request, start_intake
from tests.support.wire import assert_no_crash, event

TOKEN = "cr4sh-token"
BLOCK, SENTINEL = "13700000001", "13700000002"
HELD = {"ack": "key", "ack_timeout": 30, "speech_repeat": 1, "hold": 0.2}
GROUP = '{}/{severity="critical"}:{alertname="HostDown"}'
NOTIFICATION = {  # DESIGN's reference §1.1: the second notification of a group, one alert resolved
    "version": "4", "groupKey": GROUP, "truncatedAlerts": 0, "status": "firing", "receiver": "gsmcall",
    "notification_reason": "some alerts resolved", "groupLabels": {"alertname": "HostDown"},
    "commonLabels": {"alertname": "HostDown", "severity": "critical", "job": "node"},
    "commonAnnotations": {}, "externalURL": "http://am.example:9093",
    "alerts": [
        {"status": "resolved", "labels": {"alertname": "HostDown", "severity": "critical", "job": "node", "instance": "db1:9100"},
         "annotations": {"summary": "db1 不可达"}, "startsAt": "2026-11-30T01:02:03Z", "endsAt": "2026-11-30T01:12:03Z",
         "generatorURL": "http://prom:9090/graph?g0.expr=up%3D%3D0", "fingerprint": "4c3a1f0e9d2b7a65"},
        {"status": "firing", "labels": {"alertname": "HostDown", "severity": "critical", "job": "node", "instance": "db2:9100"},
         "annotations": {"summary": "db2 不可达"}, "startsAt": "2026-11-30T01:05:00Z", "endsAt": "0001-01-01T00:00:00Z",
         "generatorURL": "http://prom:9090/graph?g0.expr=up%3D%3D0", "fingerprint": "9b77e0c1d4a2f310"},
    ],
}


def presses(after: float = 0.5) -> Callee:
    return Callee.answers(after=0.2, press="1", press_after=after)


def reports_for(reports: WebhookRecorder, key: str) -> list[dict[str, Any]]:
    return [r for r in reports.bodies() if r.get("key") == key]


def hold_the_modem(base: str, emu) -> None:
    """A generic page to BLOCK, whose answered call waits for the key until ``emu.dtmf("1")``."""
    assert request(base, "/alerts", {"id": "backup", "text": "backup 失败", "phones": [BLOCK]}, token=TOKEN)[0] == 202
    event(emu, "spoken backup", timeout=15)


def test_a_sigkill_right_after_the_202_loses_nothing_and_the_restart_rings_once(make_emulator, gsmcall_factory):
    emu = make_emulator("sim7600", callees={BLOCK: Callee.answers(after=0.2), LI: presses()})
    runner = gsmcall_factory(emu)
    with WebhookRecorder() as reports:
        proc, base = start_intake(runner, report_url=reports.url("/report"), token=TOKEN, calls=HELD)
        hold_the_modem(base, emu)
        status, reason = request(base, "/alertmanager", NOTIFICATION, token=TOKEN)
        proc.send_signal(signal.SIGKILL)  # right after the 202: nothing else may have happened
        assert status == 202, reason
        assert proc.wait(timeout=10) == -signal.SIGKILL
        assert dials(emu) == [BLOCK]  # the alert had not been rung yet: only the journal has it
        assert reports.bodies() == []

        emu.set_callee(BLOCK, presses())  # the restart resumes the unfinished backup page first
        _, base = start_intake(runner, report_url=reports.url("/report"), token=TOKEN, calls=HELD)
        report = reports.nth(1, lambda r: r.json().get("key") == GROUP, 30, "a report for the group").json()
        assert report["status"] == "acknowledged" and report["resp"] == LI, report
        assert report["source"] == "alertmanager" and report["mid"].startswith("alertmanager#")
        # Exactly once: a page queued after the report is the next call, and no second LI.
        assert request(base, "/alerts", {"id": "sentinel", "phones": [SENTINEL]}, token=TOKEN)[0] == 202
        emu.wait_for("ATD" + SENTINEL, timeout=15)
        assert dials(emu).count(LI) == 1, dials(emu)
        assert dials(emu)[-2:] == [LI, SENTINEL], dials(emu)
        assert reports_for(reports, GROUP) == [report]
        assert_no_crash(runner.daemon_log(1))


def test_a_page_queued_during_a_call_is_dialled_as_soon_as_the_call_ends(make_emulator, gsmcall_factory):
    emu = make_emulator("sim7600", callees={BLOCK: Callee.answers(after=0.2), LI: presses()})
    runner = gsmcall_factory(emu)
    with WebhookRecorder() as reports:
        # Polling once a minute: a page that waited for the loop's next timer would wait a minute.
        _, base = start_intake(runner, report_url=reports.url("/report"), token=TOKEN, calls=HELD,
                               alerts={"poll_interval": 60})
        hold_the_modem(base, emu)
        assert request(base, "/alertmanager", NOTIFICATION, token=TOKEN)[0] == 202  # its wake-up meets a call
        emu.dtmf("1")
        ended = event(emu, f"call {BLOCK} ended", timeout=10)
        dialled = emu.wait_for("ATD" + LI, timeout=20)
        assert dialled.t - ended.t < 5, dialled.t - ended.t  # calls.gap is 0.1 s; the next poll is 60 s away
        assert reports.nth(1, lambda r: r.json().get("key") == GROUP, 15, "the page's report").json()["resp"] == LI


def deliver_twice_at_once(base: str) -> list[int]:
    """An HA pair: both Alertmanagers deliver the same notification at the same moment."""
    answers: list[int] = []
    start = threading.Barrier(2)

    def deliver() -> None:
        start.wait(5)
        answers.append(request(base, "/alertmanager", NOTIFICATION, token=TOKEN)[0])

    senders = [threading.Thread(target=deliver) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(10)
    return answers


@pytest.mark.parametrize("during", ["another page's call", "its own page's call"])
def test_the_same_notification_twice_during_a_call_is_one_page(make_emulator, gsmcall_factory, during):
    emu = make_emulator("sim7600", callees={BLOCK: Callee.answers(after=0.2), LI: Callee.answers(after=0.2),
                                            SENTINEL: Callee.busy(after=0.2)})
    runner = gsmcall_factory(emu)
    with WebhookRecorder() as reports:
        _, base = start_intake(runner, report_url=reports.url("/report"), token=TOKEN, calls=HELD)
        if during == "another page's call":  # the copies find the group's page queued
            hold_the_modem(base, emu)
            assert deliver_twice_at_once(base) == [202, 202]
            rung = [BLOCK, LI]
        else:  # the first copy is being rung (LI's call waits for the key) when the second comes
            assert request(base, "/alertmanager", NOTIFICATION, token=TOKEN)[0] == 202
            event(emu, "spoken HostDown", timeout=15)
            assert deliver_twice_at_once(base) == [202, 202]
            rung = [LI]
        assert request(base, "/alerts", {"id": "sentinel", "phones": [SENTINEL]}, token=TOKEN)[0] == 202
        emu.dtmf("1")  # the call in progress is acknowledged: the queue is rung, oldest first
        if during == "another page's call":
            event(emu, "spoken HostDown", timeout=15)
            emu.dtmf("1")
        emu.wait_for("ATD" + SENTINEL, timeout=20)
        assert dials(emu) == [*rung, SENTINEL]  # one call to LI for every copy
        sentinel = reports.nth(1, lambda r: r.json().get("key") == "sentinel", 15, "the sentinel's report").json()
        assert sentinel["status"] == "unanswered"
        (report,) = reports_for(reports, GROUP)
        assert report["status"] == "acknowledged" and report["resp"] == LI
        assert_no_crash(runner.daemon_log())
