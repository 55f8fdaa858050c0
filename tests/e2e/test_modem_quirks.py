"""Modem misbehaviour the daemon must see for what it is: never "nobody answered"."""

from __future__ import annotations

from gsmcall.emulator import Callee
from gsmcall.emulator.profiles import get_profile
from tests.support.daemon import dials, explain
from tests.support.wire import (
    assert_no_crash,
    attempt_results,
    event,
    only_post,
    wait_for_get_after,
)

A, B = "18712345678", "18812345678"


def test_reboot_during_a_call_is_a_fault_and_the_number_is_rung_again(make_emulator, gsmcall_factory, endpoint):
    # A SIM800 browning out on the call's current peak reboots: its UART stays, the call
    # drops, it prints its boot URCs and echoes commands again.
    emu = make_emulator("sim800", callees={A: Callee.answers(after=1.0)}, reset_delay=0.2)
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-boot", [A])
    proc = runner.start(calls={"ring_timeout": 5})
    first = emu.wait_for("ATD" + A, timeout=20)
    emu.reset()
    emu.wait_for("ATD" + A, timeout=30, since=first.t + 0.001)
    post = endpoint.wait_for_post(timeout=30)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert post.params == {"mid": "m-boot", "resp": A}
    assert [a["result"] for a in post.json()["attempts"]] == ["answered"]  # the dropped call is no attempt
    assert "it restarted and lost its settings" in runner.daemon_log()
    assert len(endpoint.posts()) == 1


def test_late_boot_urc_is_not_taken_for_a_restart(make_emulator, gsmcall_factory, endpoint):
    # SIM7600s print "PB DONE" seconds after RDY, possibly after we initialised them.
    emu = make_emulator("sim7600", callees={A: Callee.answers(after=0.8)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-late", [A])
    proc = runner.start(calls={"ring_timeout": 5})
    emu.wait_for("ATD" + A, timeout=20)
    emu.urc("PB DONE")
    post = endpoint.wait_for_post(timeout=20)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert post.params == {"mid": "m-late", "resp": A}
    assert dials(emu) == [A] and emu.calls[0].outcome == "answered"


def test_lost_registration_is_a_fault_not_unreachable_numbers(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25", callees={A: Callee.answers(after=0.2), B: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    proc = runner.start()
    endpoint.wait_for_requests("GET", 1, timeout=20)
    emu.set_registration(0)  # the network is gone: ATD answers NO CARRIER at once
    endpoint.queue_alert("m-noreg", [A, B])
    dialled = emu.wait_for("ATD" + A, timeout=20)
    reinit = emu.wait_for("ATE0", timeout=10, since=dialled.t)  # a fault: re-initialising
    emu.wait_for("AT+CREG?", timeout=10, since=reinit.t)  # waiting for the network
    assert endpoint.posts() == []
    assert dials(emu) == [A]
    emu.set_registration(1)
    post = endpoint.wait_for_post(timeout=30)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert post.params == {"mid": "m-noreg", "resp": A}  # not "nobody answered", not B
    assert [a["result"] for a in post.json()["attempts"]] == ["answered"]


def test_firmware_without_call_state_urcs_falls_back_to_polling(make_emulator, gsmcall_factory, endpoint):
    ec25 = get_profile("ec25")
    emu = make_emulator("ec25", callees={A: Callee.answers(after=0.5)},
                        profile_overrides={"extra_commands": ec25.extra_commands - {"^DSCI"}})
    endpoint.queue_alert("m-dsci", [A])
    result = gsmcall_factory(emu).once()
    assert result.returncode == 0, explain(result)
    assert "polling AT+CLCC during calls" in result.stderr
    assert endpoint.posts()[0].params == {"mid": "m-dsci", "resp": A}
    assert "AT+CLCC" in emu.commands()[emu.commands().index("ATD" + A + ";"):]
    assert dials(emu) == [A]


def test_modem_refusing_every_call_never_reports_nobody_answered(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25", callees={A: Callee.fails("+CME ERROR: 30")})  # no network service
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-refused", [A])
    proc = runner.start()
    dial = emu.wait_for(f"ATD{A};", timeout=20)
    for _ in range(3):  # three refusals, then the list is restarted
        dial = emu.wait_for(f"ATD{A};", timeout=20, since=dial.t + 0.001)
    assert endpoint.posts() == []
    emu.set_callee(A, Callee.answers(after=0.2))  # the network is back
    post = endpoint.wait_for_post(timeout=30)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert post.params == {"mid": "m-refused", "resp": A}
    assert "the modem refused to dial every number" in runner.daemon_log()
    dial_times = [e.t for e in emu.log if e.kind == "rx" and e.text == f"ATD{A};"]
    assert dial_times[3] - dial_times[0] > 0.5  # retried with back-off, not in a tight loop


def test_answered_then_modem_fails_the_answer_stands_and_the_call_is_hung_up(
    make_emulator, gsmcall_factory, endpoint
):
    emu = make_emulator("sim7600", callees={A: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-ansfault", [A])
    proc = runner.start(calls={"hold": 1.0})
    emu.wait_for(lambda e: e.kind == "event" and e.text.startswith(f"call {A} answered"), timeout=20)
    emu.set_responsive(False)  # the modem freezes during the hold: hanging up fails
    emu.wait_for(lambda e: e.kind == "event" and "swallowed 'ATH'" in e.text, timeout=20)
    emu.set_responsive(True)
    post = endpoint.wait_for_post(timeout=30)
    emu.wait_for(lambda e: e.kind == "event" and e.text.startswith(f"call {A} ended by host"), timeout=30)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert post.params == {"mid": "m-ansfault", "resp": A}
    assert dials(emu) == [A]
    assert emu.active_calls() == []


# A modem that stops answering is recovered, and the alert is rung.
def test_unresponsive_modem_recovers_and_the_alert_is_rung(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", callees={A: Callee.answers(after=0.3)})
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    proc = runner.start()
    endpoint.wait_for_requests("GET", 1, timeout=20)
    emu.wait_for("AT+CMGL=4", timeout=20)  # the start-up SMS sweep is done: idle
    emu.set_responsive(False)
    muted = event(emu, "modem unresponsive", timeout=1)
    endpoint.queue_alert("m-mute", [A])
    swallowed = event(emu, "unresponsive: swallowed", timeout=20, since=muted.t)  # the daemon hit the fault
    assert "'AT'" in swallowed.text  # the check before dialling, not ATD: found in seconds
    emu.set_responsive(True)
    post = endpoint.wait_for_post(timeout=60)
    wait_for_get_after(endpoint, post)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert_no_crash(runner.daemon_log())
    assert only_post(endpoint).params == {"mid": "m-mute", "resp": A}  # never "nobody answered"
    assert attempt_results(post) == [(A, "answered")]
    assert dials(emu) == [A]
    assert [c.outcome for c in emu.calls] == ["answered"]
    assert emu.active_calls() == []
