"""Scripted callees: what each profile emits for answered / busy / no-answer and other calls."""

from __future__ import annotations

import pytest

from gsmcall.emulator import Callee

N = "10086"


def clcc(stat: int, alpha: bytes = b"", crcrlf: bool = False) -> bytes:
    f = b"\r\r\n" if crcrlf else b"\r\n"
    return f + b'+CLCC: 1,0,%d,0,0,"10086",129' % stat + alpha + f


def L(text: str) -> bytes:  # noqa: N802 - one framed line
    return b"\r\n" + text.encode() + b"\r\n"


S800 = ["AT+CLCC=1", "AT+MORING=1"]
EC25 = ["AT^DSCI=1"]
S7600 = ["AT+CLCC=1"]
A = b',""'

CASES = {
    # profile, setup, callee, bytes after "ATD10086;" (OK included)
    "sim800-answered": ("sim800", S800, Callee.answers(after=0.05),
                        L("OK") + clcc(2, A) + L("MO RING") + clcc(3, A) + L("MO CONNECTED") + clcc(0, A)),
    "sim800-busy": ("sim800", S800, Callee.busy(after=0.05),
                    L("OK") + clcc(2, A) + L("MO RING") + clcc(3, A) + clcc(6, A) + L("BUSY")),
    "sim800-noanswer": ("sim800", S800, Callee.no_answer(network_timeout=0.1),
                        L("OK") + clcc(2, A) + L("MO RING") + clcc(3, A) + clcc(6, A) + L("NO ANSWER")),
    "sim800-remote-hangup": ("sim800", [], Callee.answers(after=0.05, hangup_after=0.05), L("OK") + L("NO CARRIER")),
    "ec25-answered": ("ec25", EC25, Callee.answers(after=0.05),
                      L("OK") + L("^DSCI: 2,0,2,0,10086,129,0") + L("^DSCI: 2,0,7,0,10086,129,0")
                      + L("^DSCI: 2,0,3,0,10086,129,0")),
    "ec25-busy": ("ec25", EC25, Callee.busy(after=0.05),
                  L("OK") + L("^DSCI: 2,0,2,0,10086,129,0") + L("^DSCI: 2,0,7,0,10086,129,0")
                  + L("^DSCI: 2,0,6,0,10086,129,0") + L("BUSY")),
    "ec25-noanswer-ccinfo": ("ec25", ['AT+QINDCFG="ccinfo",1,0'], Callee.no_answer(network_timeout=0.1),
                             L("OK") + L('+QIND: "ccinfo",2,0,2,0,0,"10086",129')
                             + L('+QIND: "ccinfo",2,0,3,0,0,"10086",129')
                             + L('+QIND: "ccinfo",2,0,-1,0,0,"10086",129') + L("NO CARRIER")),
    "sim7600-answered": ("sim7600", S7600, Callee.answers(after=0.05),
                         L("OK") + clcc(2, crcrlf=True) + clcc(3, crcrlf=True) + L("VOICE CALL: BEGIN")
                         + clcc(0, crcrlf=True)),
    "sim7600-busy": ("sim7600", S7600, Callee.busy(after=0.05),
                     L("OK") + clcc(2, crcrlf=True) + clcc(3, crcrlf=True) + clcc(6, crcrlf=True) + L("BUSY")),
    "sim7600-noanswer": ("sim7600", [], Callee.no_answer(network_timeout=0.1),
                         L("OK") + L("VOICE CALL: END") + L("NO CARRIER")),
    "sim7600-announcement": ("sim7600", [], Callee.announcement(after=0.05, duration=0.1),
                             L("OK") + L("VOICE CALL: BEGIN") + L("VOICE CALL: END: 000000") + L("NO CARRIER")),
    "huawei-answered": ("huawei", [], Callee.answers(after=0.05), L("OK") + L("^ORIG:1,0") + L("^CONF:1") + L("^CONN:1,0")),
    "huawei-busy": ("huawei", [], Callee.busy(after=0.05),
                    L("OK") + L("^ORIG:1,0") + L("^CONF:1") + L("^CEND:1,0,104,17")),
    "huawei-noanswer": ("huawei", [], Callee.no_answer(network_timeout=0.1),
                        L("OK") + L("^ORIG:1,0") + L("^CONF:1") + L("^CEND:1,0,104,19")),
    "huawei-rejected": ("huawei", [], Callee.rejects(after=0.05),
                        L("OK") + L("^ORIG:1,0") + L("^CONF:1") + L("^CEND:1,0,104,21")),
    "huawei-unreachable": ("huawei", [], Callee.unreachable(after=0.05), L("OK") + L("^ORIG:1,0") + L("^CEND:1,0,104,18")),
    "generic-answered": ("generic", [], Callee.answers(after=0.05), L("OK")),
    "generic-busy": ("generic", [], Callee.busy(after=0.05), L("OK") + L("BUSY")),
    "generic-noanswer": ("generic", [], Callee.no_answer(network_timeout=0.1), L("OK") + L("NO CARRIER")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_call_progress_bytes(make_emu, connect, case):
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
    host.quiet_ok()  # nothing else was sent


def test_generic_host_polls_clcc(make_emu, connect):
    emu = make_emu("generic", callees={N: Callee.answers(after=0.3)}, alerting_delay=0.2)
    host = connect(emu)
    host.ok(f"ATD{N};")
    host.cmd("AT+CLCC", b'\r\n+CLCC: 1,0,2,0,0,"10086",129\r\n\r\nOK\r\n')
    emu.wait_for(lambda e: e.text.endswith("alerting"), 2, kind="event")
    host.cmd("AT+CLCC", b'\r\n+CLCC: 1,0,3,0,0,"10086",129\r\n\r\nOK\r\n')
    emu.wait_for(lambda e: " answered " in e.text, 2)
    host.cmd("AT+CLCC", b'\r\n+CLCC: 1,0,0,0,0,"10086",129\r\n\r\nOK\r\n')
    host.ok("ATH")
    host.cmd("AT+CLCC", b"\r\nOK\r\n")
    rec = emu.calls[0]
    assert (rec.outcome, rec.ended_by) == ("answered", "host")
    assert rec.dialed_at < rec.alerting_at < rec.answered_at < rec.ended_at
    host.cmd("AT+CEER", b"\r\n+CEER: Normal call clearing\r\n\r\nOK\r\n")


def test_sim800_ath_ends_call_clcc_before_ok(make_emu, connect):
    emu = make_emu("sim800", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    host.ok("AT+CLCC=1")
    host.send(f"ATD{N};\r")
    host.expect(L("OK") + clcc(2, A) + clcc(3, A) + clcc(0, A))
    host.cmd("ATH", clcc(6, A) + L("OK"))
    assert emu.active_calls() == []
    assert emu.calls[0].ended_by == "host"


def test_sim7600_ath_ignored_until_cvhu0_and_chup(make_emu, connect):
    emu = make_emu("sim7600", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    host.send(f"ATD{N};\r")
    host.expect(L("OK") + L("VOICE CALL: BEGIN"))
    host.ok("ATH")  # CVHU=1 by default: OK, but the call goes on
    assert len(emu.active_calls()) == 1
    host.cmd("AT+CVHU?", b"\r\n+CVHU: 1\r\n\r\nOK\r\n")
    host.cmd("AT+CHUP", L("VOICE CALL: END: 000000") + L("OK"))
    assert emu.active_calls() == []
    # second call: CVHU=0 makes ATH work; OK first, then END and NO CARRIER (real log order)
    host.ok("AT+CVHU=0")
    host.send(f"ATD{N};\r")
    host.expect(L("OK") + L("VOICE CALL: BEGIN"))
    host.cmd("ATH", L("OK") + L("VOICE CALL: END: 000000") + L("NO CARRIER"))
    assert [c.ended_by for c in emu.calls] == ["host", "host"]


def test_ec25_ath_respects_cvhu_and_chup_works(make_emu, connect):
    emu = make_emu("ec25", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    host.ok("AT^DSCI=1")
    host.ok("AT+CVHU=1")
    host.send(f"ATD{N};\r")
    host.expect(L("OK") + L("^DSCI: 2,0,2,0,10086,129,0") + L("^DSCI: 2,0,7,0,10086,129,0")
                + L("^DSCI: 2,0,3,0,10086,129,0"))
    host.ok("ATH")
    assert len(emu.active_calls()) == 1
    host.cmd("AT+CLCC", b'\r\n+CLCC: 1,0,0,1,0,"",128\r\n+CLCC: 2,0,0,0,0,"10086",129\r\n\r\nOK\r\n')
    host.cmd("AT+CHUP", L("OK") + L("^DSCI: 2,0,6,0,10086,129,0"))
    assert emu.active_calls() == []


def test_huawei_chup_client_end_with_duration(make_emu, connect):
    emu = make_emu("huawei", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    host.ok("ATH")  # no call: OK
    host.send(f"ATD{N};\r")
    host.expect(L("OK") + L("^ORIG:1,0") + L("^CONF:1") + L("^CONN:1,0"))
    host.ok("ATH")  # ignored: CVHU defaults to 1
    host.cmd("AT+CHUP", L("OK") + L("^CEND:1,0,29,16"))
    assert emu.calls[0].outcome == "answered"


def test_host_hangs_up_while_alerting_is_cancelled(make_emu, connect):
    emu = make_emu("sim800", default_callee=Callee.no_answer())
    host = connect(emu)
    host.send("ATD13912345678;\r")
    host.expect(L("OK"))
    emu.wait_for(lambda e: e.text.endswith("alerting"), 2)
    host.ok("ATH")
    rec = emu.calls[0]
    assert (rec.number, rec.outcome, rec.ended_by, rec.answered_at) == ("13912345678", "cancelled", "host", None)


def test_failures_data_call_and_ss_strings(make_emu, connect):
    emu = make_emu("ec25", callees={"112": Callee.fails()})
    host = connect(emu)
    host.cmd("ATD112;", b"\r\nERROR\r\n")
    host.ok("AT+CMEE=1")
    host.cmd("ATD112;", b"\r\n+CME ERROR: 30\r\n")
    host.cmd("ATD13912345678", b"\r\nNO CARRIER\r\n")  # no ';' -> data call, refused
    host.ok("ATD**21*+8613912345678#;")  # supplementary service string, no call
    assert [c.outcome for c in emu.calls] == ["failed", "failed"]
    assert emu.active_calls() == []
    assert emu.commands()[-2:] == ["ATD13912345678", "ATD**21*+8613912345678#;"]


def test_announcement_star72_on_sim800(make_emu, connect):
    emu = make_emu("sim800", callees={"*7213912345678": Callee.announcement(after=0.05, duration=0.1)})
    host = connect(emu)
    host.ok("AT+MORING=1")
    host.send("ATD*7213912345678;\r")
    host.expect(L("OK") + L("MO CONNECTED") + L("NO CARRIER"))
    rec = emu.calls[0]
    assert (rec.outcome, rec.script, rec.ended_by, rec.alerting_at) == ("answered", "announcement", "network", None)


def test_callee_presses_key(make_emu, connect):
    emu = make_emu("ec25", callees={N: Callee.answers(after=0.05, press="1", press_after=0.05)})
    host = connect(emu)
    host.ok("AT+QTONEDET=1")
    host.send(f"ATD{N};\r")
    host.expect(L("OK") + L("+QTONEDET: 49"))


def test_callee_text_specs():
    assert Callee.parse("answer:2") == Callee.answers(after=2)
    assert Callee.parse("busy:1") == Callee.busy(after=1)
    assert Callee.parse("noanswer") == Callee.no_answer()
    assert Callee.parse("unreachable") == Callee.unreachable()
    assert Callee.parse("reject:1") == Callee.rejects(after=1)
    assert Callee.parse("announce:0.5:2") == Callee.announcement(after=0.5, duration=2)
    assert Callee.parse("fail") == Callee.fails()
    assert Callee.parse("fail:+CME ERROR: 3") == Callee.fails("+CME ERROR: 3")
    with pytest.raises(ValueError):
        Callee.parse("explode")
