"""A loaded modem: end reports that come late after the daemon hangs up, and a +CME ERROR to
the AT+CLCC that confirms an answer.

The real ``gsmcall`` against the emulator on a pty and the loopback endpoint; each test
judges by what crossed the wire (the emulator's dials, calls and log, the endpoint's POSTs).
"""

from __future__ import annotations

import threading

import pytest

from gsmcall.emulator import Callee, Emulator
from tests.support.daemon import dials, explain

A, B, C = "18712345678", "18812345678", "13912345678"
LATE = 0.4

# what each profile reports when the host hung up its call
END_URC = {"ec25": "^DSCI: 2,0,6,", "huawei": "^CEND:1,"}


def late_end_reports(emu: Emulator, profile: str) -> list[float]:
    """For each host hang-up of an answered call, seconds from the hang-up command to the
    call's end URC in the emulator's log."""
    hangups = [e.t for e in emu.log if e.kind == "rx" and e.text.upper() in ("ATH", "AT+CHUP", "AT+QHUP")]
    ends = [e.t for e in emu.log if e.kind == "tx" and e.text.startswith(END_URC[profile])]
    return [min(t for t in ends if t >= h) - h for h in hangups if any(t >= h for t in ends)]


@pytest.mark.parametrize("gap", [0, 0.1], ids=["gap0", "gap0.1"])
@pytest.mark.parametrize("profile", ["ec25", "huawei"])
def test_back_to_back_alerts_with_the_previous_calls_end_urcs_late(profile, gap, make_emulator,
                                                                   gsmcall_factory, endpoint):
    """m1's call is answered and hung up; its end URC comes 0.4 s later, while m2's first call
    (same call id on these modems) is already being dialled.  That end is not m2's call:
    B answers and is reported."""
    emu = make_emulator(profile, callees={A: Callee.answers(after=0.2), B: Callee.answers(after=0.3),
                                          C: Callee.answers(after=0.2)},
                        end_report_delay=LATE)
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m1", [A])
    endpoint.queue_alert("m2", [B, C])
    proc = runner.start(calls={"gap": gap})
    try:
        endpoint.wait_for_post(count=2, timeout=30)
    finally:
        code = runner.stop(proc)
    log = runner.daemon_log()
    assert code == 0, log
    assert [p.params for p in endpoint.posts()] == [{"mid": "m1", "resp": A}, {"mid": "m2", "resp": B}], log
    assert dials(emu) == [A, B], log
    assert [a["result"] for a in endpoint.posts()[1].json()["attempts"]] == ["answered"], log
    assert emu.active_calls() == []
    # the fault really was there: each hang-up's end URC came ~0.4 s after the hang-up
    delays = late_end_reports(emu, profile)
    assert len(delays) == 2 and all(LATE - 0.02 <= d <= LATE + 0.3 for d in delays), delays


def test_a_cme_error_to_the_confirming_clcc_after_a_known_answer(make_emulator, gsmcall_factory, endpoint):
    """The answer is known (VOICE CALL: BEGIN); the AT+CLCC that follows gets +CME ERROR.
    The answer is still reported, once; a fault after the result exits 3; the next run
    rings nobody again."""
    emu = make_emulator("sim7600", callees={A: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-clcc", [A])
    armed = threading.Event()

    def arm() -> None:
        emu.wait_for(f"ATD{A};", timeout=30)
        emu.fail_next("AT+CLCC")  # the daemon's connect-time AT+CLCC came before the ATD
        armed.set()

    t = threading.Thread(target=arm, daemon=True)
    t.start()
    result = runner.once(calls={"hold": 0.2})
    t.join(5)
    assert armed.is_set()
    injected = [e for e in emu.log if e.kind == "event" and e.text.startswith("injected failure")]
    assert len(injected) == 1, [e.text for e in emu.log[-40:]]  # the fault really hit a CLCC
    assert emu.calls[0].answered_at is not None and injected[0].t > emu.calls[0].answered_at  # a known answer
    assert result.returncode == 3, explain(result)
    (post,) = endpoint.posts()
    assert post.params == {"mid": "m-clcc", "resp": A}, explain(result)
    assert dials(emu) == [A]
    assert emu.active_calls() == []

    again = runner.once(calls={"hold": 0.2})
    assert again.returncode == 0, explain(again)
    assert dials(emu) == [A]  # nothing rung again
    assert len(endpoint.posts()) == 1  # nothing more posted


@pytest.mark.parametrize("profile", ["ec25", "huawei"])
def test_an_end_urc_later_than_the_daemons_wait_is_not_the_next_calls(profile, make_emulator,
                                                                       gsmcall_factory, endpoint):
    """As above, but m1's end URC comes 1.4 s after the hang-up: after the daemon stopped
    waiting for it and after m2's first call has named itself (same call id).  It is still not
    m2's: EC25's ^DSCI names A's number, Huawei's ^CEND says this side hung up, which the
    daemon has not done for m2's call."""
    late = 1.4
    emu = make_emulator(profile, callees={A: Callee.answers(after=0.2), B: Callee.answers(after=1.0),
                                          C: Callee.answers(after=0.2)},
                        end_report_delay=late)
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m1", [A])
    endpoint.queue_alert("m2", [B, C])
    proc = runner.start(calls={"gap": 0, "ring_timeout": 3})
    try:
        endpoint.wait_for_post(count=2, timeout=30)
    finally:
        code = runner.stop(proc)
    log = runner.daemon_log()
    # the setting this test is about: m1's end really came while B's call was up
    first_end = next(e.t for e in emu.log if e.kind == "tx" and e.text.startswith(END_URC[profile]))
    b_call = next(c for c in emu.calls if c.number == B)
    assert b_call.alerting_at is not None and b_call.alerting_at < first_end < (b_call.answered_at or 1e9)
    assert code == 0, log
    assert [p.params for p in endpoint.posts()] == [{"mid": "m1", "resp": A}, {"mid": "m2", "resp": B}], log
    assert dials(emu) == [A, B], log
    assert emu.active_calls() == []
