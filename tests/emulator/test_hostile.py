"""Hostile modem options: end reports that come late after a host hang-up, and injected
command failures (``end_report_delay`` / ``set_end_report_delay`` and ``fail_next``)."""

from __future__ import annotations

import time

import pytest

from gsmcall.emulator import Callee, Emulator
from tests.support.host import L

N = "10086"
DELAY = 0.4


def _t(emu: Emulator, kind: str, text: str, since: float = 0.0) -> float:
    """Time of the first log entry of ``kind`` starting with ``text`` (at or after ``since``)."""
    return next(e.t for e in emu.log if e.kind == kind and e.text.startswith(text) and e.t >= since)


def _answered(emu: Emulator, host, setup: list[str], head: bytes) -> None:
    for line in setup:
        host.ok(line)
    host.send(f"ATD{N};\r")
    host.expect(head)
    emu.wait_for(lambda e: e.kind == "event" and " answered " in e.text, 2)


def test_ec25_chup_ok_and_clcc_at_once_dsci_end_late(make_emu, connect):
    emu = make_emu("ec25", callees={N: Callee.answers(after=0.05)}, end_report_delay=DELAY)
    host = connect(emu)
    _answered(emu, host, ["AT^DSCI=1"], L("OK") + L("^DSCI: 2,0,2,0,10086,129,0")
              + L("^DSCI: 2,0,7,0,10086,129,0") + L("^DSCI: 2,0,3,0,10086,129,0"))
    sent = time.monotonic()
    host.cmd("AT+CHUP", L("OK"), timeout=0.3)  # the OK does not wait for the report
    assert emu.active_calls() == [] and emu.calls[0].ended_by == "host"
    host.cmd("AT+CLCC", b'\r\n+CLCC: 1,0,0,1,0,"",128\r\n\r\nOK\r\n', timeout=0.3)  # only the PS pseudo-call
    assert time.monotonic() - sent < DELAY - 0.1  # all of that came before the end report
    host.expect(L("^DSCI: 2,0,6,0,10086,129,0"), timeout=2)
    late = _t(emu, "tx", "^DSCI: 2,0,6") - _t(emu, "rx", "AT+CHUP")
    assert DELAY - 0.02 <= late <= DELAY + 0.25, late
    assert _t(emu, "tx", "OK", since=_t(emu, "rx", "AT+CHUP")) < _t(emu, "tx", "^DSCI: 2,0,6")
    host.quiet_ok()  # nothing else (no final line after a host hang-up on EC25)


def test_no_delay_by_default_the_end_urc_follows_the_ok(make_emu, connect):
    """The counter-check: without the option the same hang-up reports at once."""
    emu = make_emu("ec25", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    _answered(emu, host, ["AT^DSCI=1"], L("OK") + L("^DSCI: 2,0,2,0,10086,129,0")
              + L("^DSCI: 2,0,7,0,10086,129,0") + L("^DSCI: 2,0,3,0,10086,129,0"))
    host.cmd("AT+CHUP", L("OK") + L("^DSCI: 2,0,6,0,10086,129,0"), timeout=0.3)
    assert _t(emu, "tx", "^DSCI: 2,0,6") - _t(emu, "rx", "AT+CHUP") < 0.1


def test_huawei_cend_late_with_the_client_end_cause(make_emu, connect):
    emu = make_emu("huawei", callees={N: Callee.answers(after=0.05)}, end_report_delay=DELAY)
    host = connect(emu)
    _answered(emu, host, [], L("OK") + L("^ORIG:1,0") + L("^CONF:1") + L("^CONN:1,0"))
    host.ok("AT+CVHU=0")
    host.cmd("ATH", L("OK"), timeout=0.3)
    assert emu.active_calls() == []
    assert host.read(1, timeout=DELAY - 0.15) == b""  # bounded check: nothing before the delay
    host.expect(L("^CEND:1,0,29,16"), timeout=2)
    assert _t(emu, "tx", "^CEND:1") - _t(emu, "rx", "ATH") >= DELAY - 0.02
    host.quiet_ok()


def test_sim800_ath_end_before_ok_becomes_ok_first(make_emu, connect):
    """SIM800 puts +CLCC ...,6 before ATH's OK; delayed, the OK comes first."""
    emu = make_emu("sim800", callees={N: Callee.answers(after=0.05)}, end_report_delay=DELAY)
    host = connect(emu)

    def clcc(stat: int) -> bytes:
        return b'\r\n+CLCC: 1,0,%d,0,0,"10086",129,""\r\n' % stat

    _answered(emu, host, ["AT+CLCC=1"], L("OK") + clcc(2) + clcc(3) + clcc(0))
    host.cmd("ATH", L("OK"), timeout=0.3)
    host.cmd("AT+CLCC", L("OK"), timeout=0.3)
    host.expect(clcc(6), timeout=2)
    host.quiet_ok()


def test_sim7600_ath_end_and_no_carrier_both_late(make_emu, connect):
    emu = make_emu("sim7600", callees={N: Callee.answers(after=0.05)}, end_report_delay=DELAY)
    host = connect(emu)
    _answered(emu, host, ["AT+CVHU=0"], L("OK") + L("VOICE CALL: BEGIN"))
    host.cmd("ATH", L("OK"), timeout=0.3)
    host.cmd("AT+CLCC", L("OK"), timeout=0.3)
    host.expect(L("VOICE CALL: END: 000000") + L("NO CARRIER"), timeout=2)
    assert _t(emu, "tx", "NO CARRIER") - _t(emu, "rx", "ATH") >= DELAY - 0.02
    host.quiet_ok()


def test_setter_turns_the_delay_on_and_off(make_emu, connect):
    emu = make_emu("huawei", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    emu.set_end_report_delay(0.3)
    _answered(emu, host, [], L("OK") + L("^ORIG:1,0") + L("^CONF:1") + L("^CONN:1,0"))
    host.cmd("AT+CHUP", L("OK"), timeout=0.2)
    host.expect(L("^CEND:1,0,29,16"), timeout=2)
    emu.set_end_report_delay(0)
    _answered(emu, host, [], L("OK") + L("^ORIG:1,0") + L("^CONF:1") + L("^CONN:1,0"))
    host.cmd("AT+CHUP", L("OK") + L("^CEND:1,0,29,16"), timeout=0.3)
    with pytest.raises(ValueError):
        emu.set_end_report_delay(-1)


def test_a_new_call_may_start_before_the_old_end_report(make_emu, connect):
    """The hard case for a host: the old call's ^DSCI ...,6 arrives while the next call (same
    id on EC25) is already dialling."""
    emu = make_emu("ec25", callees={N: Callee.answers(after=0.05), "10010": Callee.answers(after=0.8)},
                   end_report_delay=DELAY)
    host = connect(emu)
    _answered(emu, host, ["AT^DSCI=1"], L("OK") + L("^DSCI: 2,0,2,0,10086,129,0")
              + L("^DSCI: 2,0,7,0,10086,129,0") + L("^DSCI: 2,0,3,0,10086,129,0"))
    host.cmd("AT+CHUP", L("OK"), timeout=0.3)
    host.cmd("ATD10010;", L("OK") + L("^DSCI: 2,0,2,0,10010,129,0") + L("^DSCI: 2,0,7,0,10010,129,0"),
             timeout=0.3)
    host.expect(L("^DSCI: 2,0,6,0,10086,129,0"), timeout=2)  # the old call's end, late
    host.expect(L("^DSCI: 2,0,3,0,10010,129,0"), timeout=2)  # the new call answers after it
    assert [c.number for c in emu.active_calls()] == ["10010"]


def test_network_ends_are_not_delayed(make_emu, connect):
    emu = make_emu("ec25", callees={N: Callee.busy(after=0.05)}, end_report_delay=DELAY)
    host = connect(emu)
    host.ok("AT^DSCI=1")
    host.send(f"ATD{N};\r")
    host.expect(L("OK") + L("^DSCI: 2,0,2,0,10086,129,0") + L("^DSCI: 2,0,7,0,10086,129,0")
                + L("^DSCI: 2,0,6,0,10086,129,0") + L("BUSY"), timeout=0.35)


def test_a_reset_loses_the_pending_end_report(make_emu, connect):
    emu = make_emu("sim800", callees={N: Callee.answers(after=0.05)}, end_report_delay=0.3, reset_delay=0.1)
    host = connect(emu)
    _answered(emu, host, ["AT+CLCC=1"], L("OK") + b'\r\n+CLCC: 1,0,2,0,0,"10086",129,""\r\n'
              + b'\r\n+CLCC: 1,0,3,0,0,"10086",129,""\r\n' + b'\r\n+CLCC: 1,0,0,0,0,"10086",129,""\r\n')
    host.cmd("ATH", L("OK"), timeout=0.3)
    emu.reset()
    emu.wait_for(lambda e: e.kind == "event" and "late end report lost" in e.text, 1)
    host.expect(L("RDY") + L("+CFUN: 1") + L("+CPIN: READY") + L("Call Ready") + L("SMS Ready"), timeout=2)
    assert host.read(1, timeout=0.4) == b""  # the +CLCC ...,6 never comes
    assert not any(e.text.startswith('+CLCC: 1,0,6') for e in emu.log)


# --- fail_next -----------------------------------------------------------------------------

def test_fail_next_answers_the_reply_once_then_handles_again(make_emu, connect):
    emu = make_emu("sim7600", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    host.send(f"ATD{N};\r")
    host.expect(L("OK") + L("VOICE CALL: BEGIN"))
    emu.fail_next("AT+CLCC")
    host.quiet_ok()  # other commands are untouched
    host.cmd("at+clcc", L("+CME ERROR: 100"))  # case-insensitive, the reply is the only line
    host.cmd("AT+CLCC", b'\r\n+CLCC: 1,0,0,0,0,"10086",129\r\n\r\nOK\r\n')
    entries = [(e.kind, e.text) for e in emu.log]
    i = entries.index(("rx", "at+clcc"))
    assert entries[i + 1][0] == "event" and "injected failure" in entries[i + 1][1]
    assert entries[i + 2] == ("tx", "+CME ERROR: 100")


def test_fail_next_times_reply_and_prefix_matching(make_emu, connect):
    emu = make_emu("ec25", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    emu.fail_next("ATD", "NO CARRIER", times=2)
    host.cmd(f"ATD{N};", L("NO CARRIER"))
    host.cmd(f"ATD{N};", L("NO CARRIER"))
    assert emu.calls == [] and emu.active_calls() == []  # not handled: no call was placed
    host.cmd(f"ATD{N};", L("OK"))
    assert [c.number for c in emu.active_calls()] == [N]
    emu.fail_next("AT+CLCC", "ERROR")
    host.cmd("AT+CLCC=1", L("ERROR"))  # a prefix: the set form matches too
    assert not emu.settings.clcc_urc
    with pytest.raises(ValueError):
        emu.fail_next("AT+CLCC", times=0)
    with pytest.raises(ValueError):
        emu.fail_next("")


def test_fail_next_rules_queue_up(make_emu, connect):
    emu = make_emu("generic")
    host = connect(emu)
    emu.fail_next("AT+CSQ", "+CME ERROR: 1")
    emu.fail_next("AT+CSQ", "+CME ERROR: 2")
    host.cmd("AT+CSQ", L("+CME ERROR: 1"))
    host.cmd("AT+CSQ", L("+CME ERROR: 2"))
    host.cmd("AT+CSQ", L("+CSQ: 18,99") + L("OK"))
