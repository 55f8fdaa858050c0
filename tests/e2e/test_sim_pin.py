"""A wrong SIM PIN never locks the SIM, however often the daemon is started again.

systemd (``Restart=always``) and Docker restart the daemon whatever its exit code, and three
wrong PINs lock a SIM until its PUK is typed.  The real ``gsmcall`` is started again and again
against one emulated SIM, as they would start it; what reached the SIM is judged by the
emulator's own counters and event log.
"""

from __future__ import annotations

import subprocess

import pytest

from gsmcall.exitcodes import EXIT_OK, EXIT_SIM
from gsmcall.modem.pin_memory import FILENAME
from tests.support.daemon import dials
from tests.support.wire import assert_no_crash, event, lines_with

RIGHT, WRONG, OTHER = "1234", "0000", "1111"
NUMBER = "18712345678"


def start_refused(runner, pin: str) -> str:
    """One start with ``modem.pin: pin``, which must end on its own with exit 6; its log."""
    n = len(runner.procs)
    proc = runner.start(modem={"pin": pin})
    code = proc.wait(timeout=60)
    out = runner.daemon_log(n)
    assert code == EXIT_SIM, out[-4000:]
    assert_no_crash(out)
    return out


def wrong_pins(emu) -> list[str]:
    """The emulator's own note of each wrong PIN its SIM was given."""
    return [e.text.split(",")[0] for e in emu.log if e.kind == "event" and e.text.startswith("wrong SIM PIN")]


def test_restarts_with_a_wrong_pin_cost_one_attempt_and_a_new_pin_one_more(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", pin=RIGHT)
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    logs = [start_refused(runner, WRONG) for _ in range(3)]
    assert (emu.pin_attempts, emu.wrong_pin_attempts) == (1, 1)
    assert wrong_pins(emu) == ["wrong SIM PIN (failure 1)"]
    assert any("2 attempts left" in line for line in lines_with(logs[0], "refused modem.pin"))
    assert all(lines_with(out, "refused this modem.pin at") for out in logs[1:])
    assert (runner.state_dir / FILENAME).exists()

    start_refused(runner, OTHER)  # the operator typed another PIN: it gets its one try
    start_refused(runner, OTHER)
    assert (emu.pin_attempts, emu.wrong_pin_attempts) == (2, 2)
    assert wrong_pins(emu) == ["wrong SIM PIN (failure 1)", "wrong SIM PIN (failure 2)"]

    proc = runner.start(modem={"pin": RIGHT})  # and the right one starts the daemon
    event(emu, "SIM PIN accepted", timeout=30)
    endpoint.wait_for_requests("GET", 1, timeout=30)
    assert runner.stop(proc) == EXIT_OK, runner.daemon_log(len(runner.procs) - 1)
    assert (emu.pin_attempts, emu.wrong_pin_attempts) == (3, 2)
    # The DEBUG log with numbers shown (the test config) traces every AT command, never a PIN.
    everything = "".join(runner.daemon_log(n) for n in range(len(runner.procs)))
    assert "AT+CPIN=<hidden>" in everything
    assert not any(f'"{pin}"' in everything for pin in (WRONG, OTHER, RIGHT))
    assert not (runner.state_dir / FILENAME).exists()


@pytest.mark.parametrize("profile", ["ec25", "huawei"])
def test_the_vendor_forms_tell_the_attempts_left(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, pin=RIGHT)
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    first = start_refused(runner, WRONG)
    start_refused(runner, WRONG)
    assert wrong_pins(emu) == ["wrong SIM PIN (failure 1)"]
    assert any("2 attempts left" in line for line in lines_with(first, "refused modem.pin"))


@pytest.mark.parametrize("mode", ["once", "daemon"])
def test_wrong_pin_exits_6_after_exactly_one_attempt(mode, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", pin="1234")
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-pin", [NUMBER])
    if mode == "once":
        result = runner.once(modem={"pin": "0000"})
        code, out = result.returncode, result.stderr
    else:
        proc = runner.start(modem={"pin": "0000"})
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        out = runner.daemon_log()
    assert code == 6, out[-4000:]  # EXIT_SIM: the SIM needs a person, systemd stops restarting
    assert_no_crash(out)
    assert "modem.pin" in out and "PIN" in out, out[-4000:]
    assert emu.pin_attempts == 1
    assert emu.wrong_pin_attempts == 1
    assert dials(emu) == []
    assert endpoint.posts() == []
