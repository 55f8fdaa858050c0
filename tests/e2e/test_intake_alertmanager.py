"""The webhook intake fed by the real Prometheus Alertmanager (DESIGN §6): alerts posted to
Alertmanager's API, its webhook (with a bearer token) to gsmcall's ``/alertmanager``, and what
went over the wire: the numbers the emulator saw in ATD, the results posted to ``report_url``.

Where a test must know when a notification reached gsmcall, Alertmanager sends it through a
relay (tests.e2e.alertmanager.WebhookRecorder with ``forward``) that records each one with the
status gsmcall answered.  The first test has no relay: Alertmanager talks to gsmcall directly.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest

from gsmcall.emulator import Callee, Emulator
from tests.e2e.alertmanager import (
    Alertmanager,
    Received,
    WebhookRecorder,
    require_binary,
)
from tests.support.daemon import Gsmcall, dials
from tests.support.intake import LI, request, start_intake
from tests.support.wire import assert_no_crash, event

TOKEN = "am-s3cret"
HOST_DOWN = {"alertname": "HostDown", "severity": "critical", "instance": "db1:9100"}
HOST_DOWN_2 = {**HOST_DOWN, "instance": "db2:9100"}
GROUP = '{}:{alertname="HostDown"}'  # group_by: [alertname] under the root route
BLOCK, SENTINEL = "13900000001", "13900000002"  # numbers generic /alerts pages ring
# Calls held open until the test presses the key: the modem stays busy exactly as long as needed.
HELD = {"ack": "key", "ack_timeout": 30, "speech_repeat": 1, "hold": 0.2}


@pytest.fixture
def binary() -> str:
    return require_binary()


def test_harness_firing_repeat_and_resolved_reach_the_webhook(tmp_path, binary) -> None:
    with WebhookRecorder() as hook, Alertmanager(tmp_path / "am", hook.url(), token="t0ken", binary=binary) as am:
        posted = time.monotonic()
        am.fire(HOST_DOWN, summary="db1 不可达")
        first = hook.nth(1, what="notifications")
        note = first.json()
        assert note["version"] == "4" and note["status"] == "firing" and note["receiver"] == "gsmcall"
        assert note["groupKey"] == GROUP, note["groupKey"]
        (alert,) = note["alerts"]
        assert re.fullmatch(r"[0-9a-f]{16}", alert["fingerprint"]), alert
        assert alert["status"] == "firing" and alert["labels"] == HOST_DOWN
        assert alert["annotations"] == {"summary": "db1 不可达"}
        assert first.header("Authorization") == "Bearer t0ken" and first.path == "/hook"

        second = hook.nth(2, what="notifications")
        repeat = second.json()
        assert repeat["groupKey"] == GROUP and repeat["status"] == "firing"
        assert [a["fingerprint"] for a in repeat["alerts"]] == [alert["fingerprint"]]
        assert second.at - first.at >= 2.0 - 0.1, second.at - first.at  # not before repeat_interval

        am.resolve(HOST_DOWN)
        resolved = hook.nth(1, lambda r: r.json()["status"] == "resolved", what="resolved notifications").json()
        assert resolved["groupKey"] == GROUP
        (gone,) = resolved["alerts"]
        assert gone["fingerprint"] == alert["fingerprint"] and gone["status"] == "resolved"
        print(f"first after {first.at - posted:.2f}s, repeat after {second.at - first.at:.2f}s")
    assert am.proc is None


# --- Alertmanager -> gsmcall -> the modem ----------------------------------------------------------


@dataclass
class Setup:
    emu: Emulator
    runner: Gsmcall
    base: str  # gsmcall's intake
    am: Alertmanager
    relay: WebhookRecorder | None  # what Alertmanager sent, and gsmcall's answers
    reports: WebhookRecorder  # report_url

    def notifications(self, count: int, status: str = "firing", timeout: float = 15.0,
                      when: Callable[[Received], bool] = lambda r: True) -> Received:
        """The ``count``-th notification of ``status`` (that ``when`` holds for), once answered."""
        assert self.relay is not None
        return self.relay.nth(count, lambda r: r.json()["status"] == status and when(r), timeout,
                              f"{status} notifications")

    def report(self, key: str, timeout: float = 20.0, count: int = 1) -> dict[str, Any]:
        """The ``count``-th result posted to report_url for the pages of ``key`` (groupKey or
        generic id), and no more than that many."""
        got = self.reports.nth(count, lambda r: r.json().get("key") == key, timeout, f"reports for {key}").json()
        assert len([r for r in self.reports.bodies() if r.get("key") == key]) == count, self.reports.bodies()
        return got

    def page(self, page_id: str, number: str) -> None:
        """A generic page (``POST /alerts``) ringing ``number``."""
        assert request(self.base, "/alerts", {"id": page_id, "text": f"{page_id} 测试", "phones": [number]},
                       token=TOKEN)[0] == 202


@pytest.fixture
def intake(tmp_path, binary, make_emulator, gsmcall_factory) -> Iterator[Callable[..., Setup]]:
    with ExitStack() as stack:
        def run(callees: dict[str, Callee], relay: bool = True, calls: dict[str, Any] | None = None,
                **intake: Any) -> Setup:
            emu = make_emulator("sim7600", callees=callees)
            runner = gsmcall_factory(emu)
            reports = stack.enter_context(WebhookRecorder())
            _, base = start_intake(runner, report_url=reports.url("/report"), token=TOKEN, calls=calls or {},
                                   intake=intake)
            hop = stack.enter_context(WebhookRecorder(forward=base)) if relay else None
            hook = (hop.url("/alertmanager") if hop else base + "/alertmanager")
            am = stack.enter_context(Alertmanager(tmp_path / "am", hook, token=TOKEN, binary=binary))
            return Setup(emu, runner, base, am, hop, reports)

        yield run


def fingerprints(notification: Received) -> list[str]:
    return [a["fingerprint"] for a in notification.json()["alerts"]]


def test_an_alertmanager_alert_rings_the_on_call_person(intake) -> None:
    s = intake({LI: Callee.answers(after=0.2)}, relay=False)
    s.am.fire(HOST_DOWN, summary="db1 不可达")
    s.emu.wait_for("ATD" + LI, timeout=15)
    report = s.report(GROUP)
    assert re.fullmatch(r"alertmanager#\d+", report["mid"]), report
    assert report["source"] == "alertmanager" and report["status"] == "answered" and report["resp"] == LI
    assert [(a["number"], a["result"]) for a in report["attempts"]] == [(LI, "answered")]
    assert dials(s.emu) == [LI]  # the on-call person, and only them: they answered
    assert_no_crash(s.runner.daemon_log())


def test_an_ha_pair_of_alertmanagers_rings_once(intake, tmp_path, binary) -> None:
    s = intake({LI: Callee.answers(after=0.2), SENTINEL: Callee.busy(after=0.2)})
    with WebhookRecorder(forward=s.base) as relay2, \
            Alertmanager(tmp_path / "am2", relay2.url("/alertmanager"), token=TOKEN, binary=binary) as am2:
        s.am.fire(HOST_DOWN, summary="db1 不可达")
        s.emu.wait_for("ATD" + LI, timeout=15)
        # The peer (its own process, the same alert) delivers later, as a clustered peer does
        # after its peer_timeout: the page is ringing by then.
        am2.fire(HOST_DOWN, summary="db1 不可达")
        mine, peer = s.notifications(1), relay2.nth(1, what="notifications from the peer")
        assert mine.answer == 202 and peer.answer == 202
        assert peer.json()["groupKey"] == GROUP and fingerprints(peer) == fingerprints(mine)
        s.page("sentinel", SENTINEL)
        s.emu.wait_for("ATD" + SENTINEL, timeout=15)
    assert dials(s.emu) == [LI, SENTINEL]
    assert s.report(GROUP)["status"] == "answered"


def test_a_repeat_notification_rings_nobody(intake) -> None:
    s = intake({LI: Callee.answers(after=0.2), SENTINEL: Callee.busy(after=0.2)})
    s.am.fire(HOST_DOWN, summary="db1 不可达")
    assert s.notifications(1).answer == 202
    assert s.report(GROUP)["status"] == "answered"
    finished = s.reports.received[0].at
    repeat = s.notifications(2)  # repeat_interval (2 s) elapsed: Alertmanager sends the group again
    assert repeat.answer == 202
    assert repeat.at > finished, "the repeat came before the page finished: not the case under test"
    assert fingerprints(repeat) == fingerprints(s.notifications(1))
    # A page queued after the repeat is rung next: had the repeat started a page, LI came first.
    s.page("sentinel", SENTINEL)
    s.emu.wait_for("ATD" + SENTINEL, timeout=15)
    assert dials(s.emu) == [LI, SENTINEL]
    assert s.report(GROUP)["status"] == "answered"  # still the one report


def test_an_alert_that_resolves_and_fires_again_within_repeat_after_rings_nobody(intake) -> None:
    s = intake({LI: Callee.answers(after=0.2), SENTINEL: Callee.busy(after=0.2)})
    s.am.fire(HOST_DOWN, summary="db1 不可达")
    assert s.report(GROUP)["status"] == "answered"
    s.am.resolve(HOST_DOWN)
    assert s.notifications(1, "resolved").answer == 202
    s.am.fire(HOST_DOWN, summary="db1 不可达")  # flapping: a new group in Alertmanager, the same alert
    refired = s.notifications(1, when=lambda r: r.at > s.notifications(1, "resolved").at)
    assert refired.answer == 202 and fingerprints(refired) == fingerprints(s.notifications(1))
    s.page("sentinel", SENTINEL)
    s.emu.wait_for("ATD" + SENTINEL, timeout=15)
    assert dials(s.emu) == [LI, SENTINEL]


def test_a_repeat_after_a_restart_rings_nobody(intake) -> None:
    s = intake({LI: Callee.answers(after=0.2), SENTINEL: Callee.busy(after=0.2)})
    s.am.fire(HOST_DOWN, summary="db1 不可达")
    assert s.report(GROUP)["status"] == "answered"
    assert s.runner.stop(s.runner.procs[0]) == 0  # SIGTERM: what it knows is in the journal only
    restarted = time.monotonic()
    _, s.base = start_intake(s.runner, report_url=s.reports.url("/report"), token=TOKEN)
    assert s.relay is not None
    s.relay.forward = s.base  # Alertmanager's webhook reaches the new process
    repeat = s.notifications(1, when=lambda r: r.at > restarted and r.answer == 202)
    assert fingerprints(repeat) == fingerprints(s.notifications(1))
    s.page("sentinel", SENTINEL)
    s.emu.wait_for("ATD" + SENTINEL, timeout=15)
    assert dials(s.emu) == [LI, SENTINEL]
    assert_no_crash(s.runner.daemon_log(1))


def test_a_repeat_later_than_repeat_after_rings_again(intake) -> None:
    s = intake({LI: Callee.answers(after=0.2)}, repeat_after=1)
    s.am.fire(HOST_DOWN, summary="db1 不可达")
    first = s.report(GROUP)
    finished = s.reports.received[0].at
    repeat = s.notifications(2)
    assert repeat.answer == 202 and repeat.at - finished > 1, "the repeat came within repeat_after"
    second = s.report(GROUP, count=2)
    assert second["status"] == "answered" and second["mid"] != first["mid"]
    assert dials(s.emu) == [LI, LI]


def test_a_page_whose_alerts_resolve_while_it_rings_stops_before_its_next_call(intake) -> None:
    s = intake({LI: Callee.no_answer()}, calls={"ring_timeout": 5})
    s.am.fire(HOST_DOWN, summary="db1 不可达")
    s.emu.wait_for("ATD" + LI, timeout=15)
    s.am.resolve(HOST_DOWN)
    assert s.notifications(1, "resolved").answer == 202
    assert [c.number for c in s.emu.active_calls()] == [LI], "the resolve came after LI's call: not the case"
    report = s.report(GROUP)
    assert report["status"] == "resolved" and not report.get("resp"), report
    assert [(a["number"], a["result"]) for a in report["attempts"]] == [(LI, "no_answer")]
    assert dials(s.emu) == [LI]  # zhang and wang, next on the escalate list, are never rung


def test_an_alert_resolved_before_its_call_is_never_rung(intake) -> None:
    s = intake({BLOCK: Callee.answers(after=0.2), LI: Callee.answers(after=0.2), SENTINEL: Callee.busy(after=0.2)},
               calls=HELD)
    s.page("backup", BLOCK)  # rings first and holds the modem until the key below
    event(s.emu, "spoken backup", timeout=15)
    s.am.fire(HOST_DOWN, summary="db1 不可达")
    assert s.notifications(1).answer == 202  # queued behind the held call
    s.am.resolve(HOST_DOWN)
    assert s.notifications(1, "resolved").answer == 202  # ... and resolved while still queued
    s.page("sentinel", SENTINEL)
    s.emu.dtmf("1")  # the held call is acknowledged: the modem is free again
    s.emu.wait_for("ATD" + SENTINEL, timeout=15)
    assert dials(s.emu) == [BLOCK, SENTINEL]  # never LI
    report = s.report(GROUP)
    assert report["status"] == "resolved" and report["attempts"] == [] and report["source"] == "alertmanager"
    assert not report.get("resp")
    assert s.report("backup")["status"] == "acknowledged"
    assert_no_crash(s.runner.daemon_log())


def test_an_alert_that_fires_in_a_queued_group_joins_its_page(intake) -> None:
    s = intake({BLOCK: Callee.answers(after=0.2), LI: Callee.answers(after=0.2, press="1", press_after=0.5)},
               calls=HELD)
    s.page("backup", BLOCK)
    event(s.emu, "spoken backup", timeout=15)
    s.am.fire(HOST_DOWN, summary="db1 不可达")
    assert s.notifications(1).answer == 202
    s.am.fire(HOST_DOWN, HOST_DOWN_2, summary="db 不可达")
    joined = s.notifications(2)
    assert joined.answer == 202 and len(joined.json()["alerts"]) == 2  # one group, two alerts now
    s.emu.dtmf("1")
    report = s.report(GROUP)
    assert report["status"] == "acknowledged" and report["resp"] == LI
    assert dials(s.emu) == [BLOCK, LI]  # one call for both alerts
    spoken = "".join(p for call in s.emu.calls if call.number == LI for p in call.spoken)
    assert "HostDown" in spoken and "共2条告警" in spoken, spoken
