"""Byte-exact replays of the reference transcripts (modem_transcripts.md) over a real pty."""

from __future__ import annotations

import pytest

from tests.support.host import Host

BOOT = {
    "sim7600": b"\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n",
    "ec25": (b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n"
             b"\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n"),
    "sim800": b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n",
    "huawei": b"\r\n^BOOT:20952548,0,0,0,72\r\n\r\n^SIMST: 255,1\r\n\r\n^SRVST: 0\r\n",
}


@pytest.mark.parametrize("profile", sorted(BOOT))
def test_boot_urcs_then_echo_on(make_emu, profile):
    emu = make_emu(profile, boot_delay=0.3)
    host = Host(emu.link)  # opened before the boot URCs (pyserial flushes input on open)
    try:
        host.expect(BOOT[profile])
        host.cmd("AT", b"AT\r\r\nOK\r\n")  # echo on at power-up, CR echoed
        host.cmd("ATE0", b"ATE0\r\r\nOK\r\n")  # the ATE0 line itself is still echoed
        host.cmd("AT", b"\r\nOK\r\n")
        host.send(b"AT\r\n")  # CRLF terminator: the LF is ignored
        host.expect(b"\r\nOK\r\n")
        host.cmd("ATE1", b"\r\nOK\r\n")
        host.cmd("at+cgmi", b"at+cgmi\r\r\n" + emu.profile.manufacturer.encode() + b"\r\n\r\nOK\r\n")
    finally:
        host.close()


def test_generic_prints_nothing_at_boot(make_emu, connect):
    emu = make_emu("generic")
    host = connect(emu)
    host.quiet_ok()
    assert [e.text for e in emu.log if e.kind == "tx"] == ["OK", "OK"]


def test_sim7600_init_transcript_echo_on(make_emu):
    """Real SIM7600G-H lines (modem_transcripts.md §3.2), echo on."""
    emu = make_emu("sim7600")
    host = Host(emu.link)
    try:
        for cmd, reply in [
            ("AT", b"\r\nOK\r\n"),
            ("ATE1V1", b"\r\nOK\r\n"),
            ("AT+CGMM", b"\r\nSIMCOM_SIM7600G-H\r\n\r\nOK\r\n"),
            ("AT+CGMI", b"\r\nSIMCOM INCORPORATED\r\n\r\nOK\r\n"),
            ("AT+CGMR", b"\r\n+CGMR: LE20B03SIM7600M22\r\n\r\nOK\r\n"),
            ("AT+CGSN", b"\r\n862636050029311\r\n\r\nOK\r\n"),
            ("AT+CIMI", b"\r\n655070216918286\r\n\r\nOK\r\n"),
            ("AT+CPIN?", b"\r\n+CPIN: READY\r\n\r\nOK\r\n"),
            ("AT+CREG?", b"\r\n+CREG: 0,1\r\n\r\nOK\r\n"),
            ("AT+CGREG?", b"\r\n+CGREG: 0,1\r\n\r\nOK\r\n"),
            ("AT+CALM?", b"\r\nERROR\r\n"),
            ("AT+CVHU=0", b"\r\nOK\r\n"),
            ('AT+CPMS="SM","SM","SM"', b"\r\n+CPMS:0,50,0,50,0,50\r\n\r\nOK\r\n"),
        ]:
            host.cmd(cmd, cmd.encode() + b"\r" + reply)
    finally:
        host.close()


def test_sim800_init_transcript(make_emu, connect):
    """modem_transcripts.md §1.1 after ATE0."""
    host = connect(make_emu("sim800"))
    host.ok("AT+CMEE=2")
    host.cmd("AT+CPIN?", b"\r\n+CPIN: READY\r\n\r\nOK\r\n")
    host.cmd("AT+CGMM", b"\r\nSIMCOM_SIM800L\r\n\r\nOK\r\n")
    host.cmd("AT+CGMR", b"\r\nRevision:1418B05SIM800L24\r\n\r\nOK\r\n")
    host.cmd("AT+CIMI", b"\r\n460008184101641\r\n\r\nOK\r\n")
    host.cmd("AT+COPS?", b'\r\n+COPS: 0,0,"CHINA MOBILE"\r\n\r\nOK\r\n')
    host.ok("AT+CLIP=1")
    host.ok("AT+COLP=0")
    host.ok("AT+CLCC=1")
    host.ok("AT+MORING=1")
    host.ok("AT+DDET=1,0,0")
    host.cmd("AT+CVHU=0", b"\r\nERROR\r\n")
    host.cmd("AT+CHUP", b"\r\nERROR\r\n")
    host.ok("AT+CMGF=0")
    host.cmd('AT+CPMS="SM","SM","SM"', b"\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n")
    host.ok("AT+CNMI=2,1,0,0,0")
    host.cmd('AT+QINDCFG="ccinfo",1,0', b"\r\nERROR\r\n")  # Quectel command on a SIMCom


def test_huawei_init_transcript(make_emu, connect):
    """Real E1550 trace lines (modem_transcripts.md §4.2)."""
    host = connect(make_emu("huawei"))
    host.cmd("AT+CGMM", b"\r\nE1550\r\n\r\nOK\r\n")
    host.ok("AT+CMEE=1")
    host.cmd("AT+CFUN?", b"\r\n+CFUN: 1\r\n\r\nOK\r\n")
    host.cmd("AT+CPMS?", b'\r\n+CPMS: "SM",0,40,"SM",0,40,"SM",0,40\r\n\r\nOK\r\n')
    host.cmd('AT+CPMS="SM","SM","SM"', b"\r\n+CPMS: 0,40,0,40,0,40\r\n\r\nOK\r\n")
    host.cmd("AT+CMGD=?", b"\r\n+CMGD: (),(0-4)\r\n\r\nOK\r\n")
    host.cmd("AT+CIMI", b"\r\n255071013516311\r\n\r\nOK\r\n")
    host.cmd("AT^CVOICE=?", b"\r\n^CVOICE:(0)\r\n\r\nOK\r\n")
    host.cmd("AT^CVOICE?", b"\r\n^CVOICE:0,8000,16,20\r\n\r\nOK\r\n")
    host.cmd("AT+COPS?", b'\r\n+COPS: 0,0,"Ukrtelecom",2\r\n\r\nOK\r\n')
    host.ok("AT^DDSETEX=2")
    host.ok("AT^CURC=1")
    host.cmd("AT+FOO", b"\r\nCOMMAND NOT SUPPORT\r\n")


def test_ec25_clcc_lists_lte_pseudo_call_and_errors(make_emu, connect):
    host = connect(make_emu("ec25"))
    host.cmd("AT+CGMM", b"\r\nEC25\r\n\r\nOK\r\n")
    host.cmd("ATI", b"\r\nQuectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G\r\n\r\nOK\r\n")
    host.cmd("AT+CLCC", b'\r\n+CLCC: 1,0,0,1,0,"",128\r\n\r\nOK\r\n')
    host.cmd("AT+CEREG?", b"\r\n+CEREG: 0,1\r\n\r\nOK\r\n")
    host.cmd('AT+CPMS="ME","ME","ME"', b"\r\n+CPMS: 0,255,0,255,0,255\r\n\r\nOK\r\n")
    host.cmd("AT+CSCS=\"XX\"", b"\r\nERROR\r\n")
    host.ok("AT+CMEE=2")
    host.cmd("AT+CSCS=\"XX\"", b"\r\n+CME ERROR: Incorrect parameters\r\n")
    host.cmd("AT^CURC=0", b"\r\nERROR\r\n")  # Huawei command on a Quectel


def test_pin_required_wrong_then_right(make_emu, connect):
    emu = make_emu("sim800", pin="1234", boot_urcs=False)
    host = connect(emu)
    host.cmd("AT+CPIN?", b"\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")
    host.cmd("AT+CMGF=0", b"\r\n+CMS ERROR: 311\r\n")
    host.cmd('AT+CPIN="0000"', b"\r\nERROR\r\n")
    host.ok("AT+CMEE=2")
    host.cmd('AT+CPIN="1111"', b"\r\n+CME ERROR: incorrect password\r\n")
    assert emu.wrong_pin_attempts == 2
    host.ok("AT+CMEE=1")
    host.cmd('AT+CPIN="1234"', b"\r\nOK\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n")
    host.cmd("AT+CPIN?", b"\r\n+CPIN: READY\r\n\r\nOK\r\n")
    assert (emu.pin_attempts, emu.wrong_pin_attempts) == (3, 2)


def test_no_sim(make_emu, connect):
    host = connect(make_emu("sim7600", sim_inserted=False, boot_urcs=False))
    host.ok("AT+CMEE=2")
    host.cmd("AT+CPIN?", b"\r\n+CME ERROR: SIM not inserted\r\n")
    host.ok("AT+CMEE=1")
    host.cmd("AT+CPIN?", b"\r\n+CME ERROR: 10\r\n")


def test_registration_changes_and_urcs(make_emu, connect):
    emu = make_emu("ec25", register_after=0.2)
    host = connect(emu)
    host.cmd("AT+CREG?", b"\r\n+CREG: 0,2\r\n\r\nOK\r\n")
    host.ok("AT+CREG=2")
    host.expect(b'\r\n+CREG: 1,"182D","3071"\r\n')  # registers after 0.2 s
    host.cmd("AT+CREG?", b'\r\n+CREG: 2,1,"182D","3071"\r\n\r\nOK\r\n')
    emu.set_registration(3)
    host.expect(b"\r\n+CREG: 3\r\n")
    host.cmd("AT+COPS?", b"\r\n+COPS: 0\r\n\r\nOK\r\n")
