"""Older families whose ATD blocks: wavecom, zte, qualcomm (facts from python-gsmmodem's
test/fakemodems.py and test/test_modem.py; see the [F]/[T]/[I] tags in emulator/profiles.py).

Byte-exact over a real pty, echo off (the ``connect`` fixture sends ATE0) unless a test says so.
"""

from __future__ import annotations

import time

import pytest

from gsmcall.emulator import Callee, Emulator, PROFILES
from gsmcall.emulator.cli import build_parser
from tests.support.host import Host, L

N = "10086"
NEW = ("wavecom", "zte", "qualcomm")
CAT = "0891683110102105F0040D91688116728494F90008226091908561230C62117684732B53EB5C0F6A59"  # 32-octet TPDU

W5, W2, W6 = L("+WIND: 5,1"), L("+WIND: 2"), L("+WIND: 6,1")


# --- boot and identification ---------------------------------------------------------------

@pytest.mark.parametrize("profile", NEW)
def test_new_profile_prints_nothing_at_boot_echo_on(make_emu, profile):
    emu = make_emu(profile, boot_delay=0.1)
    host = Host(emu.link)
    try:
        assert host.read(1, timeout=0.4) == b""  # no boot URCs (none captured; +WIND off at power-up)
        host.cmd("AT", b"AT\r\r\nOK\r\n")
    finally:
        host.close()


IDENTIFY = {
    "wavecom": [
        ("AT+CGMI", b"\r\n WAVECOM MODEM\r\n\r\nOK\r\n"),
        ("AT+CGMM", b"\r\n MULTIBAND  900E  1800\r\n\r\nOK\r\n"),
        ("AT+CGMR", b"\r\nERROR\r\n"),
        ("AT+CPIN?", b"\r\n+CPIN: READY\r\n"),  # no OK: checked by the AT that follows
        ("AT", b"\r\nOK\r\n"),
        ("AT+WIND?", b"\r\n+WIND: 0\r\n\r\nOK\r\n"),
        ("AT+WIND=50", b"\r\nOK\r\n"),
        ("AT+WIND?", b"\r\n+WIND: 50\r\n\r\nOK\r\n"),
        ("AT+ZPAS?", b"\r\nERROR\r\n"),
        ("AT+CVHU=0", b"\r\nERROR\r\n"),
        ("AT+CLAC", b"\r\nERROR\r\n"),
        ("AT+CREG?", b"\r\n+CREG: 0,1\r\n\r\nOK\r\n"),
        ("AT+CSQ", b"\r\n+CSQ: 18,99\r\n\r\nOK\r\n"),
        ("AT+COPS?", b'\r\n+COPS: 0,0,"CHINA MOBILE"\r\n\r\nOK\r\n'),
    ],
    "zte": [
        ("AT+CGMI", b"\r\nZTE INCORPORATED\r\n\r\nOK\r\n"),
        ("AT+CGMM", b"\r\nK3565-Z\r\n\r\nOK\r\n"),
        ("AT+CGMR", b"\r\nBD_P673A2V1.0.0B09\r\n\r\nOK\r\n"),
        ("AT+CPIN?", b"\r\n+CPIN: READY\r\n\r\nOK\r\n"),
        ("AT+CFUN?", b"\r\n+CFUN: (0-1,4-7),(0-1)\r\n\r\nOK\r\n"),
        ("AT+ZPAS?", b'\r\n+BEARTYPE: "UMTS","CS_PS"\r\n\r\nOK\r\n'),
        ("AT+WIND?", b"\r\nERROR\r\n"),
        ("AT+CVHU=0", b"\r\n+CVHU: (0-1)\r\n\r\nOK\r\n"),
    ],
    "qualcomm": [
        ("AT+CGMI", b"\r\nQUALCOMM INCORPORATED\r\n\r\nOK\r\n"),
        ("AT+CGMM", b"\r\nM6280\r\n\r\nOK\r\n"),
        ("AT+CGMR", b"\r\nM6280_V1.0.0 M6280_V1.0.0 1 [Sep 4 2008 12:00:00]\r\n\r\nOK\r\n"),
        ("AT+CPIN?", b"\r\n+CPIN: READY\r\n\r\nOK\r\n"),
        ("AT+CFUN?", b"\r\n+CFUN: 1\r\n\r\nOK\r\n"),
        ("AT+ZPAS?", b'\r\n+BEARTYPE: "UMTS","CS_PS"\r\n\r\nOK\r\n'),
        ("AT+WIND=50", b"\r\nERROR\r\n"),
        ("AT+CLAC", b"\r\nERROR\r\n"),
        ("AT+CVHU=0", b"\r\n+CVHU: (0-1)\r\n\r\nOK\r\n"),
    ],
}


@pytest.mark.parametrize("profile", NEW)
def test_identify_transcript(make_emu, connect, profile):
    host = connect(make_emu(profile))
    for cmd, reply in IDENTIFY[profile]:
        host.cmd(cmd, reply)


def test_wavecom_cpin_sim_pin_has_no_ok(make_emu, connect):
    emu = make_emu("wavecom", pin="1234")
    host = connect(emu)
    host.cmd("AT+CPIN?", b"\r\n+CPIN: SIM PIN\r\n")
    host.ok('AT+CPIN="1234"')
    host.cmd("AT+CPIN?", b"\r\n+CPIN: READY\r\n")
    host.quiet_ok()


def test_wavecom_busy_after_cfun1(make_emu, connect):
    host = connect(make_emu("wavecom"))
    host.ok("AT+CMEE=1")
    host.ok("AT+CFUN=1")
    host.cmd("AT", b"\r\n+CME ERROR: 515\r\n")
    host.cmd("AT+CSQ", b"\r\n+CME ERROR: 515\r\n")
    host.quiet_ok()


@pytest.mark.parametrize("profile", NEW)
def test_new_profiles_selectable_and_in_cli(make_emu, profile):
    assert profile in PROFILES
    emu = make_emu(profile)
    assert isinstance(emu, Emulator) and emu.profile is PROFILES[profile]
    assert build_parser().parse_args(["--profile", profile]).profile == profile


# --- calls ---------------------------------------------------------------------------------

WIND50 = ["AT+WIND=50"]

CASES = {
    # profile, setup, callee, every byte after "ATD10086;\r" (the ATD's own result included)
    "wavecom-answered": ("wavecom", WIND50, Callee.answers(after=0.05), W5 + W2 + L("OK")),
    "wavecom-remote-hangup": ("wavecom", WIND50, Callee.answers(after=0.05, hangup_after=0.05),
                              W5 + W2 + L("OK") + L("NO CARRIER") + W6),
    "wavecom-busy": ("wavecom", WIND50, Callee.busy(after=0.05), W5 + W2 + L("BUSY") + W6),
    "wavecom-noanswer": ("wavecom", WIND50, Callee.no_answer(network_timeout=0.1), W5 + W2 + L("NO ANSWER") + W6),
    "wavecom-rejected": ("wavecom", WIND50, Callee.rejects(after=0.05), W5 + W2 + L("NO CARRIER") + W6),
    "wavecom-unreachable": ("wavecom", WIND50, Callee.unreachable(after=0.05), W5 + L("NO CARRIER") + W6),
    "wavecom-announcement": ("wavecom", WIND50, Callee.announcement(after=0.05, duration=0.1),
                             W5 + L("OK") + L("NO CARRIER") + W6),
    "wavecom-answered-wind-off": ("wavecom", [], Callee.answers(after=0.05), L("OK")),
    "wavecom-busy-wind-off": ("wavecom", [], Callee.busy(after=0.05), L("BUSY")),
    "zte-answered": ("zte", [], Callee.answers(after=0.05), L("CONNECT")),
    "zte-remote-hangup": ("zte", [], Callee.answers(after=0.05, hangup_after=0.05), L("CONNECT") + L("HANGUP: 1")),
    "zte-rejected": ("zte", [], Callee.rejects(after=0.05), L("OK")),
    "zte-busy": ("zte", [], Callee.busy(after=0.05), L("BUSY")),
    "zte-noanswer": ("zte", [], Callee.no_answer(network_timeout=0.1), L("NO ANSWER")),
    "zte-unreachable": ("zte", [], Callee.unreachable(after=0.05), L("NO CARRIER")),
    "zte-announcement": ("zte", [], Callee.announcement(after=0.05, duration=0.1), L("CONNECT") + L("HANGUP: 1")),
    "qualcomm-answered": ("qualcomm", [], Callee.answers(after=0.05), L("CONNECT")),
    "qualcomm-remote-hangup": ("qualcomm", [], Callee.answers(after=0.05, hangup_after=0.05),
                               L("CONNECT") + L("HANGUP: 1")),
    "qualcomm-rejected": ("qualcomm", [], Callee.rejects(after=0.05), L("HANGUP: 1")),
    "qualcomm-busy": ("qualcomm", [], Callee.busy(after=0.05), L("BUSY")),
    "qualcomm-noanswer": ("qualcomm", [], Callee.no_answer(network_timeout=0.1), L("NO ANSWER")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_blocking_call_bytes(make_emu, connect, case):
    profile, setup, callee, expected = CASES[case]
    emu = make_emu(profile, callees={N: callee})
    host = connect(emu)
    for cmd in setup:
        host.ok(cmd)
    host.send(f"ATD{N};\r")
    host.expect(expected)
    if callee.kind == "answers" and callee.hangup_after is None:
        emu.wait_for(lambda e: e.kind == "event" and " answered" in e.text, 2)
        assert emu.calls[-1].outcome == "answered"
        assert len(emu.active_calls()) == 1
    else:
        emu.wait_for(lambda e: e.kind == "event" and "ended by" in e.text, 2)
        assert emu.active_calls() == []
        assert emu.calls[-1].ended_by == "network"
    host.quiet_ok()  # nothing else was sent, and the modem takes commands again


@pytest.mark.parametrize("profile,result", [("wavecom", b"\r\nOK\r\n"), ("zte", b"\r\nCONNECT\r\n"),
                                            ("qualcomm", b"\r\nCONNECT\r\n")])
def test_atd_sends_nothing_until_answered(make_emu, connect, profile, result):
    emu = make_emu(profile, callees={N: Callee.answers(after=0.6)})
    host = connect(emu)
    host.send(f"ATD{N};\r")
    emu.wait_for(lambda e: e.kind == "event" and e.text.endswith("alerting"), 2)
    assert host.read(1, timeout=0.3) == b""  # ATD still running: no OK yet
    assert emu.calls[-1].outcome is None and len(emu.active_calls()) == 1
    host.expect(result, timeout=3)
    assert emu.calls[-1].outcome == "answered"
    host.quiet_ok()


def test_wavecom_ath_after_answer_reports_release(make_emu, connect):
    emu = make_emu("wavecom", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    host.ok("AT+WIND=50")
    host.send(f"ATD{N};\r")
    host.expect(W5 + W2 + L("OK"))
    host.cmd("ATH", L("OK") + W6)
    assert emu.active_calls() == [] and emu.calls[-1].ended_by == "host"


def test_zte_ath_after_connect(make_emu, connect):
    emu = make_emu("zte", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    host.send(f"ATD{N};\r")
    host.expect(L("CONNECT"))
    host.ok("ATH")
    host.quiet_ok()
    assert emu.active_calls() == [] and emu.calls[-1].ended_by == "host"


def test_blocking_atd_failure_answers_at_once(make_emu, connect):
    emu = make_emu("zte", callees={"112": Callee.fails()})
    host = connect(emu)
    host.cmd("ATD112;", b"\r\nERROR\r\n")
    host.cmd("ATD13912345678", b"\r\nNO CARRIER\r\n")  # data call refused
    assert [c.outcome for c in emu.calls] == ["failed"]


# --- abort by a character during ATD (V.250) -------------------------------------------------

ABORT = {"wavecom": L("NO CARRIER") + W6, "zte": L("NO CARRIER"), "qualcomm": L("NO CARRIER")}


def _dial_and_wait(emu, host):
    host.send(f"ATD{N};\r")
    emu.wait_for(lambda e: e.kind == "event" and e.text.endswith("alerting"), 2)
    time.sleep(0.2)  # past V.250's 125 ms guard after the command line


@pytest.mark.parametrize("profile", NEW)
def test_character_aborts_dial(make_emu, connect, profile):
    emu = make_emu(profile, default_callee=Callee.no_answer())
    host = connect(emu)
    if profile == "wavecom":
        host.ok("AT+WIND=50")
    _dial_and_wait(emu, host)
    if profile == "wavecom":
        host.expect(W5 + W2)  # the dial's own progress URCs
    host.send(b"x")
    host.expect(ABORT[profile])
    assert emu.active_calls() == []
    rec = emu.calls[-1]
    assert (rec.outcome, rec.ended_by, rec.answered_at) == ("cancelled", "host", None)
    host.quiet_ok()  # the aborting character started no command line
    # the call is gone: a new dial is accepted (and blocks again)
    host.send(f"ATD{N};\r")
    emu.wait_for(lambda e: e.kind == "event" and e.text.endswith("alerting"), 2, since=rec.ended_at)
    assert len(emu.active_calls()) == 1


def test_at_line_aborts_zte_dial_and_rest_is_ignored(make_emu, connect):
    emu = make_emu("zte", default_callee=Callee.no_answer())
    host = connect(emu)
    _dial_and_wait(emu, host)
    host.send(b"AT\r")  # 'A' aborts; the leftover "T" line has no AT prefix
    host.expect(L("NO CARRIER"))
    host.quiet_ok()
    assert emu.calls[-1].outcome == "cancelled"


def test_abort_guard_and_crlf_do_not_abort(make_emu, connect):
    emu = make_emu("wavecom", default_callee=Callee.no_answer())
    host = connect(emu)
    host.send(f"ATD{N};\r\n ")  # LF of the terminator, then a byte within the 125 ms guard
    emu.wait_for(lambda e: e.kind == "event" and e.text.endswith("alerting"), 2)
    assert host.read(1, timeout=0.3) == b""
    assert len(emu.active_calls()) == 1
    host.send(b"A")
    host.expect(L("NO CARRIER"))  # +WIND off: no +WIND: 6,1
    assert emu.active_calls() == []


# --- SMS: +CMGR header and two-memory AT+CPMS -----------------------------------------------

@pytest.mark.parametrize("profile", ["zte", "qualcomm"])
def test_cmgr_header_without_status(make_emu, connect, profile):
    emu = make_emu(profile)
    host = connect(emu)
    assert emu.store_pdu(CAT) == 1
    host.ok("AT+CMGF=0")
    host.cmd("AT+CMGR=1", b"\r\n+CMGR: ,,32\r\n" + CAT.encode() + b"\r\n\r\nOK\r\n")  # cf. "+CMGR: ,,27"
    assert emu.sms_stat(1) == 1  # still marked read


def test_wavecom_cmgr_keeps_status(make_emu, connect):
    """No +CMGR was captured from a Wavecom: it keeps the 27.005 header [I]."""
    emu = make_emu("wavecom")
    host = connect(emu)
    assert emu.store_pdu(CAT) == 1
    host.ok("AT+CMGF=0")
    host.cmd("AT+CMGR=1", b"\r\n+CMGR: 0,,32\r\n" + CAT.encode() + b"\r\n\r\nOK\r\n")


def test_wavecom_cpms_two_memories(make_emu, connect):
    emu = make_emu("wavecom")
    for i in range(14):  # the capture had 14 of 50 used
        emu.store_pdu(CAT)
    host = connect(emu)
    host.cmd("AT+CPMS=?", b'\r\n+CPMS: (("SM","BM","SR"),("SM"))\r\n\r\nOK\r\n')
    host.cmd('AT+CPMS="SM","SM","SR"', b"\r\nERROR\r\n")
    host.cmd('AT+CPMS="SM","SM"', b"\r\n+CPMS: 14,50,14,50\r\n\r\nOK\r\n")
    host.cmd('AT+CPMS="SM","SR"', b"\r\nERROR\r\n")  # <mem2> is SM only
    host.cmd("AT+CPMS?", b'\r\n+CPMS: "SM",14,50,"SM",14,50\r\n\r\nOK\r\n')


@pytest.mark.parametrize("profile", ["zte", "qualcomm"])
def test_zte_family_cpms_takes_two_or_three(make_emu, connect, profile):
    host = connect(make_emu(profile))
    lst = b'("ME","MT","SM","SR")'
    host.cmd("AT+CPMS=?", b"\r\n+CPMS: " + lst + b"," + lst + b"," + lst + b"\r\n\r\nOK\r\n")
    host.cmd('AT+CPMS="SM","SM"', b"\r\n+CPMS: 0,50,0,50,0,50\r\n\r\nOK\r\n")
    host.cmd('AT+CPMS="SM","SM","SR"', b"\r\n+CPMS: 0,50,0,50,0,50\r\n\r\nOK\r\n")
