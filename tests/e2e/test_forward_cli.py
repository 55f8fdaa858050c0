"""``gsmcall forward status|set|cancel`` end to end: the real command against the emulator, for
China Telecom's feature codes (no query answer), GSM codes and AT+CCFC (verified, contradicted),
refusals, and a missing modem; with the exit codes of DESIGN.md section 1."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
from pathlib import Path

from gsmcall.emulator.forwarding import NETWORKS, ForwardingNetwork
from gsmcall.exitcodes import (
    EXIT_CONFIG,
    EXIT_FORWARDING,
    EXIT_INTERRUPTED,
    EXIT_MODEM,
    EXIT_OK,
)
from tests.support.command import gsmcall_command
from tests.support.daemon import Gsmcall, dials, explain
from tests.support.wire import event

N = "13912345678"
CT = {"enabled": True, "set": "*72{number}", "cancel": "*720"}
GSM = {"enabled": True, "set": "**21*{number}#", "cancel": "##21#"}
CCFC = {"enabled": True, "set": "ccfc", "cancel": "ccfc"}


def forward(runner: Gsmcall, *args: str, forwarding: dict | None = None, **extra: object) -> subprocess.CompletedProcess[str]:
    path = runner.config(forwarding=forwarding or {}, **extra)
    return subprocess.run([*gsmcall_command(), "-c", str(path), "forward", *args],
                          capture_output=True, text=True, timeout=60)


def network(name_or_network: str | ForwardingNetwork) -> dict:
    net = NETWORKS[name_or_network] if isinstance(name_or_network, str) else name_or_network
    return {"profile_overrides": {"forwarding": net}}


def test_china_telecom_code_is_set_but_cannot_be_verified_and_status_shows_the_last_change(
        make_emulator, gsmcall_factory) -> None:
    emu = make_emulator("sim7600", **network("china-telecom"))
    runner = gsmcall_factory(emu)
    result = forward(runner, "set", N, forwarding=CT)
    assert result.returncode == EXIT_OK, explain(result)
    assert f"forwarding: set to {N}, cannot verify" in result.stdout
    assert dials(emu) == [f"*72{N}"]
    (call,) = emu.calls
    assert (call.script, call.outcome, call.ended_by) == ("announcement", "answered", "network")
    event(emu, f"forwarding set to {N} by *72{N}", timeout=1)
    record = Path(runner.state_dir) / "forwarding.json"
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    assert json.loads(record.read_text())["verified"] == "cannot-verify"

    status = forward(runner, "status", forwarding=CT)
    assert status.returncode == EXIT_OK, explain(status)
    assert "network: unknown: the network does not answer forwarding queries" in status.stdout
    assert f"last change by gsmcall: set to {N} at " in status.stdout and "(verified: cannot-verify)" in status.stdout
    assert dials(emu) == [f"*72{N}"]  # a status query dials nothing

    cancel = forward(runner, "cancel", forwarding=CT)
    assert cancel.returncode == EXIT_OK and "forwarding: cancelled, cannot verify" in cancel.stdout, explain(cancel)
    assert dials(emu) == [f"*72{N}", "*720"]


def test_gsm_codes_set_verify_and_cancel(make_emulator, gsmcall_factory) -> None:
    emu = make_emulator("ec25")
    runner = gsmcall_factory(emu)
    none = forward(runner, "status", forwarding=GSM)
    assert none.returncode == EXIT_OK, explain(none)
    assert "network: no forwarding\n" in none.stdout
    assert "last change by gsmcall: none recorded" in none.stdout

    result = forward(runner, "set", N, forwarding=GSM)
    assert result.returncode == EXIT_OK, explain(result)
    assert f"forwarding: set to {N}, verified (forwarding to {N} reported by the network)" in result.stdout
    assert emu.calls == []  # a 22.030 string is no call
    assert "AT+CCFC=0,2" in emu.commands()

    status = forward(runner, "status", forwarding=GSM)
    assert status.returncode == EXIT_OK, explain(status)
    assert f"network: forwarding to {N}\n" in status.stdout
    assert f"last change by gsmcall: set to {N} at " in status.stdout and "(verified: yes)" in status.stdout

    cancel = forward(runner, "cancel", forwarding=GSM)
    assert cancel.returncode == EXIT_OK, explain(cancel)
    assert "forwarding: cancelled, verified (no forwarding reported by the network)" in cancel.stdout
    assert [c for c in emu.commands() if c.startswith("ATD")] == [f"ATD**21*{N}#;", "ATD##21#;"]


def test_ccfc_set_is_verified(make_emulator, gsmcall_factory) -> None:
    emu = make_emulator("sim7600")
    result = forward(gsmcall_factory(emu), "set", "+86" + N, forwarding=CCFC)
    assert result.returncode == EXIT_OK and "verified" in result.stdout, explain(result)
    assert f'AT+CCFC=0,3,"+86{N}",145' in emu.commands()


def test_a_query_that_contradicts_the_change_exits_5(make_emulator, gsmcall_factory) -> None:
    emu = make_emulator("generic", **network(ForwardingNetwork(reports="+8613800000000")))
    runner = gsmcall_factory(emu)
    for config in (GSM, CCFC):
        result = forward(runner, "set", N, forwarding=config)
        assert result.returncode == EXIT_FORWARDING, explain(result)
        assert "the network reports forwarding to +8613800000000: NOT done" in result.stdout
    cancel = forward(runner, "cancel", forwarding=GSM)
    assert cancel.returncode == EXIT_FORWARDING and "NOT done" in cancel.stdout, explain(cancel)
    # the status names the contradiction with the change gsmcall recorded
    status = forward(runner, "status", forwarding=GSM)
    assert status.returncode == EXIT_FORWARDING, explain(status)
    assert "(verified: no)" in status.stdout and "contradicts the last change" in status.stdout


def test_a_refused_change_exits_5_and_is_not_recorded(make_emulator, gsmcall_factory) -> None:
    emu = make_emulator("ec25", **network("arrears"))
    runner = gsmcall_factory(emu)
    result = forward(runner, "set", N, forwarding=GSM)
    assert result.returncode == EXIT_FORWARDING, explain(result)
    assert "forwarding: not changed:" in result.stdout and "refused" in result.stdout
    assert not (Path(runner.state_dir) / "forwarding.json").exists()
    status = forward(runner, "status", forwarding=GSM)
    assert status.returncode == EXIT_OK and "none recorded" in status.stdout, explain(status)


def test_a_telecom_sim_in_arrears_has_its_code_call_ended_at_once(make_emulator, gsmcall_factory) -> None:
    emu = make_emulator("sim7600", **network("arrears-telecom"))
    result = forward(gsmcall_factory(emu), "set", N, forwarding=CT)
    assert result.returncode == EXIT_FORWARDING, explain(result)
    assert f"the network ended the call to *72{N} without answering it" in result.stdout
    assert dials(emu) == [f"*72{N}"]


def test_modem_missing_exits_3(make_emulator, gsmcall_factory, tmp_path) -> None:
    runner = gsmcall_factory(make_emulator("generic"))
    result = forward(runner, "status", modem={"port": str(tmp_path / "no-such-modem")})
    assert result.returncode == EXIT_MODEM, explain(result)
    result = forward(runner, "set", N, forwarding=GSM, modem={"port": str(tmp_path / "no-such-modem")})
    assert result.returncode == EXIT_MODEM and "gsmcall: modem:" in result.stderr, explain(result)


def test_changing_needs_forwarding_enabled_and_a_plain_number(make_emulator, gsmcall_factory) -> None:
    emu = make_emulator("generic")
    runner = gsmcall_factory(emu)
    off = forward(runner, "set", N)
    assert off.returncode == EXIT_CONFIG and "forwarding.enabled" in off.stderr, explain(off)
    bad = forward(runner, "set", "*7213912345678", forwarding=GSM)
    assert bad.returncode == EXIT_CONFIG, explain(bad)
    assert [c for c in emu.commands() if c.startswith(("ATD", "AT+CCFC"))] == []
    assert forward(runner, "status").returncode == EXIT_OK  # reading needs no permission


def test_numbers_are_masked_in_the_log(make_emulator, gsmcall_factory) -> None:
    emu = make_emulator("ec25")
    result = forward(gsmcall_factory(emu), "-v", "set", N, forwarding=GSM, log={"level": "DEBUG", "show_numbers": False})
    assert result.returncode == EXIT_OK, explain(result)
    assert "AT> ATD**21*139****5678#;" in result.stderr
    assert N not in result.stderr


def test_sigterm_during_the_code_call_hangs_up_and_says_the_state_is_unknown(make_emulator, gsmcall_factory) -> None:
    long_announcement = ForwardingNetwork(feature_codes=True, mmi=False, ccfc_error=100, query_error=100,
                                          announcement=30.0)
    emu = make_emulator("sim7600", **network(long_announcement))
    runner = gsmcall_factory(emu)
    path = runner.config(forwarding=CT)
    proc = subprocess.Popen([*gsmcall_command(), "-c", str(path), "forward", "set", N],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        emu.wait_for(lambda e: e.kind == "tx" and e.text == "VOICE CALL: BEGIN", timeout=20)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == EXIT_INTERRUPTED, err[-3000:]
    assert "forwarding: interrupted; what the network holds now is unknown" in out
    (call,) = emu.calls
    assert call.ended_by == "host" and emu.active_calls() == []
    assert not (Path(runner.state_dir) / "forwarding.json").exists()
