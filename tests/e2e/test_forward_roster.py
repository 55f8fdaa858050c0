"""Forwarding that follows the roster (``forwarding.follow_roster``), end to end: the real daemon
against the emulator's GSM network, with a shift every few seconds, judged by the commands
the emulator received (the set codes, the verifying queries, every dial) and its calls."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from gsmcall.emulator import Callee
from tests.support.daemon import dials
from tests.support.sms import messages_assembled

ZHANG, LI = "13900000011", "13900000022"
SHIFT = 4  # seconds
GSM = {"enabled": True, "set": "**21*{number}#", "cancel": "##21#", "verify": True, "follow_roster": True}
A = "18712345678"


def roster_now(shift: int = SHIFT) -> tuple[dict, datetime]:
    """A roster whose shifts started at this minute (UTC), ``shift`` seconds each."""
    start = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    return {"timezone": "UTC", "people": {"zhang": ZHANG, "li": LI},
            "rotation": {"members": ["zhang", "li"], "start": start.strftime("%Y-%m-%d %H:%M"), "shift": f"{shift}s"},
            "escalate": ["oncall"], "rounds": 1}, start


def on_call_at(start: datetime, at: datetime, shift: int) -> str:
    return (ZHANG, LI)[int((at - start).total_seconds() // shift) % 2]


def sets(emu) -> list[tuple[float, str]]:
    return [(e.t, e.text[8:-2]) for e in emu.log if e.kind == "rx" and e.text.startswith("ATD**21*")]


def wait_for_sets(emu, count: int, timeout: float = 20) -> list[tuple[float, str]]:
    deadline = time.monotonic() + timeout
    while len(sets(emu)) < count:
        assert time.monotonic() < deadline, f"expected {count} forwarding changes, got {sets(emu)}"
        time.sleep(0.05)
    return sets(emu)


def test_each_handoff_forwards_to_the_new_person_verified_and_an_alert_call_comes_first(
    make_emulator, gsmcall_factory, endpoint
):
    emu = make_emulator("ec25", callees={A: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    roster, start = roster_now()
    proc = runner.start(forwarding={**GSM, "notify": True}, roster=roster, calls={"hold": SHIFT + 1.0})
    first = wait_for_sets(emu, 1)
    endpoint.queue_alert("m-handoff", [A])  # its call is held past the next handoff
    changes = wait_for_sets(emu, 3, timeout=4 * SHIFT + 10)
    deadline = time.monotonic() + 10
    while set(messages_assembled(emu)) != {ZHANG, LI} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runner.stop(proc) == 0, runner.daemon_log()
    notices = messages_assembled(emu)  # notify: each new target is told, by SMS
    assert set(notices) == {ZHANG, LI} and all("值班" in text for texts in notices.values() for text in texts)
    targets = [number for _, number in changes]
    assert targets[0] == first[0][1] and all(a != b for a, b in zip(targets, targets[1:]))  # each handoff, once
    assert set(targets) == {ZHANG, LI}
    commands = [e for e in emu.log if e.kind == "rx"]
    for t, _ in changes:  # each change is read back
        assert any(c.text == "AT+CCFC=0,2" and c.t > t for c in commands)
    assert [d for d in dials(emu) if not d.startswith("**21*")] == [A]  # nothing else dialled
    (call,) = emu.calls
    assert not any(call.dialed_at <= t <= call.ended_at for t, _ in sets(emu))  # no change during the alert's call
    assert call.ended_at - call.answered_at > SHIFT  # the call did span a handoff, which waited for it to end
    assert "forwarding: now to" in runner.daemon_log()


def test_a_handoff_missed_while_stopped_is_applied_once_at_start(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25")
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    shift = 8  # room for a slow start under load before the next handoff
    roster, start = roster_now(shift)
    proc = runner.start(forwarding=GSM, roster=roster)
    wait_for_sets(emu, 1)
    assert runner.stop(proc) == 0, runner.daemon_log(0)
    first_run = sets(emu)  # one change, or two when a handoff came meanwhile
    before = first_run[-1][1]
    now = datetime.now(timezone.utc)
    handoff = start + timedelta(seconds=((now - start).total_seconds() // shift + 1) * shift)
    if on_call_at(start, handoff, shift) == before:  # stopped just after a handoff it had not applied yet
        handoff += timedelta(seconds=shift)
    time.sleep(max(0.0, (handoff - now).total_seconds()) + 0.3)  # stopped across the handoff: wall time must pass
    missed = on_call_at(start, datetime.now(timezone.utc), shift)
    assert missed != before
    again = runner.start(forwarding=GSM, roster=roster)
    started = time.monotonic()
    changes = wait_for_sets(emu, len(first_run) + 1, timeout=shift)
    assert runner.stop(again) == 0, runner.daemon_log(1)
    applied_at, target = changes[len(first_run)]
    assert target == missed and applied_at - started < shift - 0.3  # applied at start, not at a later handoff
    assert [number for _, number in sets(emu)[len(first_run):]].count(missed) == 1
