"""Faults the daemon must survive: garbage, silence, unplug/replug, resets, noise."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import serial

from gsmcall.emulator import Callee
from tests.support.host import Host, L


def test_inject_garbage_and_arbitrary_urc(make_emu, connect):
    emu = make_emu("sim7600")
    host = connect(emu)
    emu.inject(b"\xff\xfe\x00garbage")
    host.expect(b"\xff\xfe\x00garbage")
    emu.urc("+RXDTMF: 8")  # a listed prefix: SIM7600's \r\r\n framing
    host.expect(b"\r\r\n+RXDTMF: 8\r\r\n")
    emu.urc("MISSED_CALL: 08:48AM 18612748499")
    host.expect(L("MISSED_CALL: 08:48AM 18612748499"))
    host.send(b"\xff\xfeAT\r")  # garbage before AT on the host side is skipped
    host.expect(L("OK"))
    assert emu.commands()[-1] == "AT"
    assert any("discarded" in e.text for e in emu.log)


def test_unresponsive_swallows_commands(make_emu, connect):
    emu = make_emu("sim800")
    host = connect(emu)
    emu.set_responsive(False)
    host.send("AT\r")
    emu.wait_for("AT", 1)
    assert host.read(1, timeout=0.2) == b""  # bounded check that nothing answers
    emu.set_responsive(True)
    host.quiet_ok()


def test_unplug_and_replug(make_emu, connect):
    emu = make_emu("ec25", callees={"10086": Callee.answers(after=0.05)}, boot_delay=0.2)
    host = connect(emu)
    host.send("ATD10086;\r")
    host.expect(L("OK"))
    emu.wait_for(lambda e: " answered " in e.text, 2)
    old_target = os.readlink(emu.link)
    emu.unplug()
    assert not os.path.lexists(emu.link)
    with pytest.raises((serial.SerialException, OSError)):
        data = host.port.read(1)  # select says readable, read gives b''/EIO
        if data == b"":
            raise serial.SerialException("read returned no data")
    with pytest.raises((serial.SerialException, OSError)):
        host.port.write(b"AT\r")
        host.port.flush()
    assert emu.active_calls() == [] and emu.calls[0].ended_by == "network"
    host.close()
    emu.replug()
    assert os.path.islink(emu.link) and os.path.exists(os.readlink(emu.link))
    del old_target
    fresh = Host(emu.link)
    try:
        fresh.expect(L("RDY") + L("+CFUN: 1") + L("+CPIN: READY"))
        fresh.read(len(L("+QUSIM: 1") + L("+QIND: SMS DONE") + L("+QIND: PB DONE")))
        fresh.cmd("AT", b"AT\r\r\nOK\r\n")  # settings back to power-on defaults: echo on
    finally:
        fresh.close()


def test_cfun_reset_on_usb_modem_drops_the_port(make_emu, connect):
    emu = make_emu("ec25", reset_delay=0.2)
    host = connect(emu)
    host.cmd("AT+CFUN=1,1", L("OK"))
    emu.wait_for(lambda e: e.text.startswith("unplugged"), 2, kind="event")
    emu.wait_for(lambda e: e.text.startswith("replugged"), 2, kind="event")
    assert os.path.islink(emu.link)


def test_sim800_reset_keeps_the_uart_and_reboots(make_emu, connect):
    emu = make_emu("sim800", reset_delay=0.05)
    host = connect(emu)
    host.cmd("AT+CFUN=1,1", L("OK"))
    host.expect(L("RDY") + L("+CFUN: 1") + L("+CPIN: READY") + L("Call Ready") + L("SMS Ready"))
    host.cmd("AT", b"AT\r\r\nOK\r\n")  # echo back on after the reboot


def test_huawei_periodic_and_interleaved_rssi(make_emu, connect):
    emu = make_emu("huawei", noise_interval=0.1, noise_interleave_every=2)
    host = Host(emu.link)
    try:
        host.expect(L("^RSSI:15"))
        host.cmd("ATE0", b"ATE0\r\r\nOK\r\n")  # command 1
        host.send("AT+CSQ\r")  # command 2: ^RSSI between the (absent) echo and the result
        got = host.port.read_until(b"\r\nOK\r\n")
        assert got.endswith(L("^RSSI:15") + L("+CSQ: 15,99") + L("OK"))
        host.ok("AT^CURC=0")
        emu.set_signal(20)
        # CURC=0: periodic noise stops (bounded check over ~2 noise periods)
        assert host.read(1, timeout=0.25) == b""
        host.ok("AT")
        host.cmd("AT+CSQ", L("+CSQ: 20,99") + L("OK"))
    finally:
        host.close()


def test_wait_for_timeout_shows_log_tail(make_emu):
    emu = make_emu("generic")
    with pytest.raises(TimeoutError) as exc:
        emu.wait_for("ATD", 0.05)
    assert "log tail" in str(exc.value) and "generic emulator" in str(exc.value)


def test_cli_prints_port_and_stops_on_sigterm(tmp_path):
    link = tmp_path / "modem"
    logfile = tmp_path / "emu.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gsmcall.emulator", "--profile", "sim800", "--link", str(link),
         "--callee", "10086=busy:0.05", "--alerting-delay", "0.05", "--sms", "+8613912345678=hello",
         "--log", str(logfile)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line == f"PORT {link}\n"
        host = Host(str(link))
        host.cmd("ATE0", b"ATE0\r\r\nOK\r\n")
        host.cmd("AT+CPMS?", b'\r\n+CPMS: "SM",1,30,"SM",1,30,"SM",1,30\r\n\r\nOK\r\n')
        host.send("ATD10086;\r")
        host.expect(L("OK") + L("BUSY"))
        host.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(5) == 0
    entries = [json.loads(x) for x in logfile.read_text().splitlines()]
    assert any(e["kind"] == "rx" and e["text"] == "ATD10086;" for e in entries)
    assert not link.exists()
