"""Soak: alerts back to back with mixed callees and two unplugs of the modem.

Every alert must get exactly one callback naming the right person, whatever came before it
(late end reports of the previous call, a reconnect in the middle of a call), and the
daemon's memory must not grow with the number of alerts.  CI runs a short version; set
``GSMCALL_SOAK_ALERTS=30`` (or more) for the full one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gsmcall.emulator import Callee, Emulator

ALERTS = int(os.environ.get("GSMCALL_SOAK_ALERTS", "6"))


def plan(i: int) -> tuple[str, str, dict[str, Callee], str]:
    """Alert ``i``: its two numbers, their callees, and who must be reported."""
    first, second = f"1390000{i:04d}", f"1380000{i:04d}"
    kind = i % 3
    if kind == 0:
        callees = {first: Callee.answers(after=0.1), second: Callee.answers(after=0.1)}
        return first, second, callees, first
    first_callee = Callee.busy(after=0.1) if kind == 1 else Callee.no_answer()
    return first, second, {first: first_callee, second: Callee.answers(after=0.1)}, second


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def unplug_while_ringing(emu: Emulator, number: str) -> None:
    emu.wait_for(lambda e: e.kind == "event" and e.text == f"call {number} alerting", timeout=60)
    emu.unplug()
    time.sleep(1.0)  # the fault itself is elapsed time
    emu.replug()


@pytest.mark.parametrize("profile", ["ec25", "huawei"])
def test_alerts_back_to_back_with_unplugs_are_each_reported_once_and_right(
    profile, make_emulator, gsmcall_factory, endpoint
):
    plans = [plan(i) for i in range(ALERTS)]
    callees: dict[str, Callee] = {}
    for _, _, c, _ in plans:
        callees.update(c)
    emu = make_emulator(profile, callees=callees)
    runner = gsmcall_factory(emu)
    for i, (first, second, _, _) in enumerate(plans):
        endpoint.queue_alert(f"soak-{i}", [first, second])
    proc = runner.start(calls={"gap": 0})  # the hardest case: the next call at once
    endpoint.wait_for_post(count=1, timeout=60)
    baseline = rss_kib(proc.pid)
    for k in (ALERTS // 3, 2 * ALERTS // 3):
        first, second, _, resp = plans[k]
        unplug_while_ringing(emu, second if resp == second else first)
    endpoint.wait_for_post(count=ALERTS, timeout=60 + 6 * ALERTS)
    grown = rss_kib(proc.pid) - baseline
    assert runner.stop(proc) == 0, runner.daemon_log()
    log = runner.daemon_log()
    assert "Traceback" not in log
    posts = [p.params for p in endpoint.posts()]
    assert posts == [{"mid": f"soak-{i}", "resp": plans[i][3]} for i in range(ALERTS)]
    assert emu.active_calls() == []
    assert grown < 4096, f"RSS grew by {grown} KiB over {ALERTS} alerts"
