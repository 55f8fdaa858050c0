"""Older USB dongles whose ATD blocks until the call is answered or ends (Wavecom, ZTE,
Qualcomm), found by ``modem.profile: auto``: the ring timeout and SIGTERM abort the dial,
and each family's way of saying "answered" and "declined" is read right."""

from __future__ import annotations

import time

import pytest

from gsmcall.emulator import Callee, Emulator
from tests.support.daemon import dials, explain

A, B = "18712345678", "18812345678"
BLOCKING = ["wavecom", "zte", "qualcomm"]


def alerting(emu: Emulator, number: str, timeout: float = 20.0) -> None:
    emu.wait_for(lambda e: e.kind == "event" and e.text == f"call {number} alerting", timeout=timeout)


@pytest.mark.parametrize("profile", BLOCKING)
def test_the_ring_timeout_aborts_the_blocking_dial_and_the_next_number_is_rung(
    profile, make_emulator, gsmcall_factory, endpoint
):
    emu = make_emulator(profile, callees={A: Callee.no_answer(), B: Callee.answers(after=0.3)})
    endpoint.queue_alert("m-block", [A, B])
    result = gsmcall_factory(emu).once(calls={"ring_timeout": 2})
    assert result.returncode == 0, explain(result)
    assert f"profile {profile}" in result.stderr
    assert dials(emu) == [A, B]
    first, second = emu.calls
    assert first.ended_by == "host" and 1.5 <= first.ended_at - first.dialed_at <= 4.0
    assert second.outcome == "answered"
    (post,) = endpoint.posts()
    assert post.params == {"mid": "m-block", "resp": B}
    assert [a["result"] for a in post.json()["attempts"]] == ["no_answer", "answered"]


@pytest.mark.parametrize("profile", BLOCKING)
def test_a_declined_call_is_rejected_not_answered(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, callees={A: Callee.rejects(after=1.0), B: Callee.answers(after=0.3)})
    endpoint.queue_alert("m-rej", [A, B])
    result = gsmcall_factory(emu).once()
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [A, B]
    (post,) = endpoint.posts()
    assert post.params == {"mid": "m-rej", "resp": B}
    assert [a["result"] for a in post.json()["attempts"]] == ["rejected", "answered"]


@pytest.mark.parametrize("profile", BLOCKING)
def test_sigterm_during_a_blocking_dial_stops_within_a_second(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, callees={A: Callee.no_answer()})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-term", [A])
    proc = runner.start(calls={"ring_timeout": 30})
    alerting(emu, A)
    signalled = time.monotonic()
    assert runner.stop(proc, timeout=10) == 0, runner.daemon_log()
    (call,) = emu.calls
    assert call.ended_by == "host" and call.ended_at - signalled <= 1.0
    assert emu.active_calls() == [] and endpoint.posts() == []  # stopping is not "nobody answered"
