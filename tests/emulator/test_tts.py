"""Text-to-speech into a call, per family, over a real pty: the replies, the end URCs, the
pace, the stop, the refusals, and the record of what the callee heard."""

from __future__ import annotations

import time

import pytest

from gsmcall.emulator import Callee, Emulator
from gsmcall.modem.profiles import identify
from tests.support.host import Host, L

N = "10086"
HELLO = "你好，数据库宕机"  # 8 characters


def hexed(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def in_call(make_emu, connect, profile: str, callee: Callee | None = None, **kw) -> tuple[Emulator, Host]:
    """A connected call to N, numeric CME errors, and nothing left to read."""
    emu = make_emu(profile, callees={N: callee or Callee.answers(after=0.05)}, **kw)
    host = connect(emu)
    host.ok("AT+CMEE=1")
    host.cmd(f"ATD{N};", L("OK"))
    emu.wait_for(lambda e: e.kind == "event" and e.text.endswith("answered by the callee"), 2)
    drain(host)
    return emu, host


def drain(host: Host) -> bytes:
    """Everything pending, up to the OK of a plain AT sent now."""
    host.send("AT\r")
    got = b""
    while not got.endswith(b"\r\nOK\r\n"):
        chunk = host.read(1)
        assert chunk, f"no OK after {got!r}"
        got += chunk
    return got


PLAY = {
    # profile, the probe, the command that speaks HELLO, its reply, the end URC
    "ec25": ("AT+QWTTS=?", f'AT+QWTTS=1,1,1,"{hexed(HELLO)}"', L("OK"), L("+QWTTS: 0")),
    "sim7600": ("AT+CTTS=?", f'AT+CTTS=1,"{hexed(HELLO)}"', L("+CTTS:") + L("OK"), L("+CTTS: 0")),
    "sim800": ("AT+CTTS=?", f'AT+CTTS=1,"{hexed(HELLO)}"', L("OK"), L("+CTTS:0")),
}


@pytest.mark.parametrize("profile", sorted(PLAY))
def test_a_piece_plays_for_its_length_then_ends_with_the_family_urc(make_emu, connect, profile):
    emu, host = in_call(make_emu, connect, profile, profile_overrides={"tts_char_seconds": 0.05})
    if profile == "sim7600":
        host.ok("AT+CDTAM=1")
    probe, command, reply, end = PLAY[profile]
    host.ok(probe)
    started = time.monotonic()
    host.cmd(command, reply)
    host.expect(end, timeout=3)
    took = time.monotonic() - started
    assert 0.3 <= took <= 1.5, took  # 8 characters at 0.05 s
    assert emu.calls[-1].spoken == (HELLO,)
    emu.wait_for(lambda e: e.kind == "event" and e.text == f"spoken {HELLO}", 1)
    host.quiet_ok()


@pytest.mark.parametrize("profile,stop,stopped", [
    ("ec25", "AT+QWTTS=1,0,0", L("OK") + L("+QWTTS: 0")),
    ("sim7600", "AT+CTTS=0", L("+CTTS: 0") + L("OK")),
    ("sim800", "AT+CTTS=0", L("OK")),
])
def test_the_stop_command_ends_the_piece_at_once(make_emu, connect, profile, stop, stopped):
    emu, host = in_call(make_emu, connect, profile, profile_overrides={"tts_char_seconds": 1.0})
    if profile == "sim7600":
        host.ok("AT+CDTAM=1")
    _, command, reply, _ = PLAY[profile]
    host.cmd(command, reply)
    host.cmd(stop, stopped)
    emu.wait_for(lambda e: e.kind == "event" and e.text == "speech stopped (host)", 1)
    host.quiet_ok()  # no end URC after the stop's own reply
    host.cmd(command, reply)  # the engine is free for the next piece
    assert emu.calls[-1].spoken == (HELLO, HELLO)


def test_quectel_refusals(make_emu, connect):
    emu = make_emu("ec25", callees={N: Callee.answers(after=0.05)})
    host = connect(emu)
    host.ok("AT+CMEE=1")
    host.cmd(f'AT+QWTTS=1,1,1,"{hexed(HELLO)}"', L("+CME ERROR: 903"))  # no call
    emu, host = in_call(make_emu, connect, "ec25", profile_overrides={"tts_char_seconds": 1.0})
    host.cmd('AT+QWTTS=1,1,1,""', L("+CME ERROR: 902"))  # empty text
    host.cmd(f'AT+QWTTS=2,1,1,"{hexed(HELLO)}"', L("+CME ERROR: 902"))  # bad mute flag
    host.cmd('AT+QWTTS=1,1,1,"4F60G"', L("+CME ERROR: 902"))  # not UCS2 hex
    host.cmd(f'AT+QWTTS=1,1,1,"{"0041" * 136}"', L("+CME ERROR: 902"))  # over 543 characters
    host.cmd(f'AT+QWTTS=1,1,1,"{hexed(HELLO)}"', L("OK"))
    host.cmd(f'AT+QWTTS=1,1,1,"{hexed(HELLO)}"', L("+CME ERROR: 904"))  # still playing
    assert emu.calls[-1].spoken == (HELLO,)


def test_no_speech_while_only_alerting(make_emu, connect):
    emu = make_emu("sim800", callees={N: Callee.no_answer()})
    host = connect(emu)
    host.ok("AT+CMEE=1")
    host.cmd(f"ATD{N};", L("OK"))
    emu.wait_for(lambda e: e.kind == "event" and e.text == f"call {N} alerting", 2)
    host.cmd(f'AT+CTTS=1,"{hexed(HELLO)}"', L("+CME ERROR: 3"))
    assert emu.calls[-1].spoken == ()


def test_ascii_mode_and_the_sim7600_local_speaker(make_emu, connect):
    emu, host = in_call(make_emu, connect, "sim7600")
    host.cmd('AT+CTTS=2,"disk full"', L("+CTTS:") + L("OK"))  # AT+CDTAM is still 0
    host.expect(L("+CTTS: 0"))
    assert emu.calls[-1].spoken == ()
    emu.wait_for(lambda e: e.kind == "event" and "spoken locally" in e.text, 1)
    host.ok("AT+CDTAM=1")
    host.cmd('AT+CTTS=2,"disk full"', L("+CTTS:") + L("OK"))
    host.expect(L("+CTTS: 0"))
    assert emu.calls[-1].spoken == ("disk full",)


def test_a_call_that_ends_takes_its_speech_with_it(make_emu, connect):
    emu, host = in_call(make_emu, connect, "ec25", Callee.answers(after=0.05, hangup_after=0.4),
                        profile_overrides={"tts_char_seconds": 1.0})
    host.cmd(f'AT+QWTTS=1,1,1,"{hexed(HELLO)}"', L("OK"))
    host.expect(L("NO CARRIER"))
    emu.wait_for(lambda e: e.kind == "event" and e.text == "speech stopped (call ended)", 1)
    host.quiet_ok()
    host.cmd(f'AT+QWTTS=1,1,1,"{hexed(HELLO)}"', L("+CME ERROR: 903"))
    assert emu.calls[-1].spoken == (HELLO,)


@pytest.mark.parametrize("profile,command", [
    ("sim800l", "AT+CTTS=?"), ("huawei", "AT+CTTS=?"), ("huawei", "AT+QWTTS=?"),
    ("ec25", "AT+CTTS=?"), ("sim7600", "AT+QWTTS=?"), ("generic", "AT+CTTS=?"),
])
def test_families_without_that_tts_do_not_know_the_command(make_emu, connect, profile, command):
    emu = make_emu(profile)
    host = connect(emu)
    host.cmd(command, L(emu.profile.unknown_error))


def test_sim800l_still_hears_keys_and_passes_for_a_sim800(make_emu, connect):
    _, host = in_call(make_emu, connect, "sim800l", Callee.answers(after=0.05, press="1", press_after=0.1))
    host.ok("AT+DDET=1,0,0")
    host.expect(L("+DTMF:1"))
    host.cmd("AT+CGMI", L("SIMCOM INCORPORATED") + L("OK"))
    host.cmd("AT+CGMM", L("SIMCOM_SIM800L") + L("OK"))
    assert identify("SIMCOM INCORPORATED", "SIMCOM_SIM800L").name == "sim800"
