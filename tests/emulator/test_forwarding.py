"""Call forwarding in the emulator, byte-exact over the pty: AT+CCFC set and query, the 22.030
strings, China Telecom's *72 as an announced call, and the networks that refuse."""

from __future__ import annotations

import time

import pytest

from gsmcall.emulator.cli import _overrides, build_parser
from gsmcall.emulator.forwarding import (
    NETWORKS,
    ForwardingNetwork,
    feature_code_operation,
    mmi_operation,
)
from tests.support.host import L

N = "13912345678"


def read_until(host, end: bytes, timeout: float = 5.0) -> bytes:
    """Everything up to and including ``end``, a byte at a time (no race with late bytes)."""
    data = b""
    while not data.endswith(end):
        chunk = host.read(1, timeout=timeout)
        assert chunk, f"no {end!r} after {data!r}"
        data += chunk
    return data


def ready(connect, emu):
    host = connect(emu)
    host.ok("AT+CMEE=1")
    return host


def test_ccfc_set_query_and_erase(make_emu, connect) -> None:
    emu = make_emu("generic")
    host = ready(connect, emu)
    host.cmd("AT+CCFC=0,2", L("+CCFC: 0,7") + L("OK"))
    host.ok(f'AT+CCFC=0,3,"+86{N}",145')
    host.cmd("AT+CCFC=0,2", L(f'+CCFC: 1,1,"+86{N}",145') + L("OK"))
    host.ok("AT+CCFC=0,4")
    host.cmd("AT+CCFC=0,2", L("+CCFC: 0,7") + L("OK"))
    host.cmd("AT+CCFC=?", L("+CCFC: (0-5)") + L("OK"))
    host.cmd("AT+CCFC=9,2", L("+CME ERROR: 50"))


def test_sim7600_reports_none_active_as_class_255(make_emu, connect) -> None:
    host = ready(connect, make_emu("sim7600"))
    host.cmd("AT+CCFC=0,2", L("+CCFC: 0,255") + L("OK"))


def test_mmi_strings_change_the_forwarding_without_a_call(make_emu, connect) -> None:
    emu = make_emu("generic")
    host = ready(connect, emu)
    host.ok(f"ATD**21*{N}#;")
    host.cmd("AT+CCFC=0,2", L(f'+CCFC: 1,1,"{N}",129') + L("OK"))
    host.ok("ATD##21#;")
    host.cmd("AT+CCFC=0,2", L("+CCFC: 0,7") + L("OK"))
    host.ok("ATD*#06#;")  # another SS string: accepted as before
    assert emu.calls == []
    host.quiet_ok()


def test_china_telecom_feature_code_is_an_announced_call_and_queries_are_refused(make_emu, connect) -> None:
    emu = make_emu("sim7600", profile_overrides={"forwarding": NETWORKS["china-telecom"]})
    host = ready(connect, emu)
    host.send(f"ATD*72{N};\r")
    host.expect(L("OK"))
    host.expect(L("VOICE CALL: BEGIN"), timeout=3)
    assert b"VOICE CALL: END" in read_until(host, L("NO CARRIER"))  # the network released it
    (record,) = emu.calls
    assert (record.outcome, record.script, record.ended_by) == ("answered", "announcement", "network")
    emu.wait_for(lambda e: e.kind == "event" and e.text == f"forwarding set to {N} by *72{N}", timeout=1)
    host.cmd("AT+CCFC=0,2", L("+CME ERROR: 100"))
    host.cmd(f'AT+CCFC=0,3,"{N}",129', L("+CME ERROR: 100"))
    host.cmd(f"ATD**21*{N}#;", L("+CME ERROR: 100"))  # no GSM SS on this network


def test_a_sim_in_arrears_cannot_change_it(make_emu, connect) -> None:
    emu = make_emu("generic", profile_overrides={"forwarding": NETWORKS["arrears"]})
    host = ready(connect, emu)
    host.cmd(f'AT+CCFC=0,3,"{N}",129', L("+CME ERROR: 30"))
    host.cmd(f"ATD**21*{N}#;", L("+CME ERROR: 30"))
    host.cmd("AT+CCFC=0,2", L("+CCFC: 0,7") + L("OK"))


def test_a_telecom_sim_in_arrears_has_the_call_ended_at_once(make_emu, connect) -> None:
    emu = make_emu("generic", profile_overrides={"forwarding": NETWORKS["arrears-telecom"]})
    host = ready(connect, emu)
    host.ok(f"ATD*72{N};")
    host.expect(L("NO CARRIER"), timeout=3)
    (record,) = emu.calls
    assert record.outcome == "unreachable"


def test_a_network_whose_query_contradicts_what_was_set(make_emu, connect) -> None:
    emu = make_emu("generic", profile_overrides={"forwarding": ForwardingNetwork(reports="+8613800000000")})
    host = ready(connect, emu)
    host.ok(f'AT+CCFC=0,3,"{N}",129')
    host.cmd("AT+CCFC=0,2", L('+CCFC: 1,1,"+8613800000000",145') + L("OK"))


def test_the_forwarding_survives_a_modem_reset(make_emu, connect) -> None:
    emu = make_emu("sim800")  # a UART module: the same port before and after the reset
    host = ready(connect, emu)
    host.ok(f'AT+CCFC=0,3,"{N}",129')
    before = time.monotonic()
    emu.reset("test")
    emu.wait_for(lambda e: e.kind == "tx" and e.text == "SMS Ready", timeout=5, since=before)
    host.send("AT+CCFC=0,2\r")  # the boot URCs may still be on their way: read up to the OK
    assert f'\r\n+CCFC: 1,1,"{N}",129\r\n'.encode() in read_until(host, L("OK"))


def test_forwarding_needs_a_registered_modem(make_emu, connect) -> None:
    emu = make_emu("generic", registration=0)
    host = ready(connect, emu)
    host.cmd("AT+CCFC=0,2", L("+CME ERROR: 30"))


@pytest.mark.parametrize(("dial", "kind", "target"), [
    (f"**21*{N}#", "set", N), (f"*21*+86{N}*11#", "set", f"+86{N}"), ("##21#", "cancel", None),
    ("#21#", "cancel", None), ("##002#", "cancel", None), ("*#21#", "query", None),
])
def test_mmi_operations(dial: str, kind: str, target: str | None) -> None:
    operation = mmi_operation(dial)
    assert operation is not None and (operation.kind, operation.target) == (kind, target)


def test_feature_code_operations() -> None:
    assert feature_code_operation("*720").kind == "cancel"
    assert feature_code_operation(f"*72{N}").target == N
    assert feature_code_operation(f"*90{N}") is None and mmi_operation("*#06#") is None


def test_the_emulator_command_line_picks_the_network() -> None:
    args = build_parser().parse_args(["--network", "china-telecom"])
    assert _overrides(args) == {"forwarding": NETWORKS["china-telecom"]}
    assert _overrides(build_parser().parse_args([])) is None
