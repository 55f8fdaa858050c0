"""Modem misbehaviour the daemon must see for what it is: never "nobody answered"."""

from __future__ import annotations

from gsmcall.emulator import Callee
from gsmcall.emulator.profiles import get_profile
from tests.e2e.conftest import dials, explain

A, B = "18712345678", "18812345678"


def test_reboot_during_a_call_is_a_fault_and_the_number_is_rung_again(make_emulator, gsmcall_factory, endpoint):
    # A SIM800 browning out on the call's current peak prints its boot URCs; its UART stays.
    emu = make_emulator("sim800", callees={A: Callee.answers(after=1.0)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-boot", [A])
    proc = runner.start(calls={"ring_timeout": 5})
    first = emu.wait_for("ATD" + A, timeout=20)
    emu.urc("RDY")
    emu.wait_for("ATD" + A, timeout=30, since=first.t + 0.001)
    post = endpoint.wait_for_post(timeout=30)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert post.params == {"mid": "m-boot", "resp": A}
    assert "modem restarted during the call (RDY)" in runner.daemon_log()
    assert len(endpoint.posts()) == 1


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
