"""The serial channel over a real pseudo-terminal, with the test playing the modem."""

from __future__ import annotations

import logging
import os
import select
import threading
import tty
from collections.abc import Iterator

import pytest

from gsmcall.events import LOST, EventQueue
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import CommandTimeout, ModemGone


class FakeModem:
    def __init__(self) -> None:
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self._slave = slave
        self._buf = b""

    def read_command(self, timeout: float = 5.0) -> bytes:
        while b"\r" not in self._buf:
            ready, _, _ = select.select([self.master], [], [], timeout)
            assert ready, f"no command within {timeout}s (got {self._buf!r})"
            self._buf += os.read(self.master, 1024)
        line, _, self._buf = self._buf.partition(b"\r")
        return line.lstrip(b"\x1b\n")

    def read_bytes(self, count: int, timeout: float = 5.0) -> bytes:
        while len(self._buf) < count:
            ready, _, _ = select.select([self.master], [], [], timeout)
            assert ready, f"no bytes within {timeout}s"
            self._buf += os.read(self.master, 1024)
        data, self._buf = self._buf[:count], self._buf[count:]
        return data

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def modem() -> Iterator[FakeModem]:
    fake = FakeModem()
    yield fake
    fake.close()


@pytest.fixture
def channel(modem: FakeModem) -> Iterator[AtChannel]:
    chan = AtChannel(modem.path, default_timeout=2)
    chan.open()
    yield chan
    chan.close()


def test_command_and_urc_delivery(modem, channel):
    with channel.attach(EventQueue()) as urcs:
        modem.send(b'\r\n+CMTI: "SM",1\r\n')
        _arrived, text = urcs.get(2)
        assert text == '+CMTI: "SM",1'
    reply = []
    worker = threading.Thread(target=lambda: reply.append(channel.command("AT+CSQ")))
    worker.start()
    assert modem.read_command() == b"AT+CSQ"
    modem.send(b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    worker.join(5)
    assert reply[0].lines == ("+CSQ: 20,99",) and reply[0].ok


def test_late_answer_after_a_timeout_is_not_taken_for_the_next_command(modem, channel):
    with pytest.raises(CommandTimeout):
        channel.command("AT+CHUP", timeout=0.2)
    assert modem.read_command() == b"AT+CHUP"
    modem.send(b"\r\nOK\r\n")  # CHUP's answer, too late
    reply = []
    worker = threading.Thread(target=lambda: reply.append(channel.command("AT+CLCC")))
    worker.start()
    assert modem.read_command() == b"AT+CLCC"
    modem.send(b'\r\n+CLCC: 1,0,0,0,0,"1",129\r\n\r\nOK\r\n')
    worker.join(5)
    assert reply[0].lines == ('+CLCC: 1,0,0,0,0,"1",129',)


def test_timed_out_prompt_is_cancelled_with_escape(modem, channel):
    with pytest.raises(CommandTimeout):
        channel.command("AT+CMGS=10", timeout=0.2, payload="00")
    assert modem.read_command() == b"AT+CMGS=10"
    assert modem.read_bytes(1) == b"\x1b"


def test_vanished_port_wakes_waiters(modem, channel):
    with channel.attach(EventQueue()) as urcs:
        modem.close()
        item = urcs.get(5)
        assert item is not None and item[1] is LOST
    with pytest.raises(ModemGone):
        channel.command("AT")


def at_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("AT")]


def test_each_line_received_is_logged_once_however_it_was_read(modem, channel, caplog):
    caplog.set_level(logging.DEBUG, logger="gsmcall.modem.channel")
    reply = []
    worker = threading.Thread(target=lambda: reply.append(channel.command("AT+CLCC")))
    worker.start()
    assert modem.read_command() == b"AT+CLCC"
    for chunk in (b"\r", b'\n+CLCC: 1,0,3,0,0,"1871', b'2345678",129\r', b"\n\r\nOK", b"\r\n"):
        modem.send(chunk)
    worker.join(5)
    assert reply[0].ok
    assert at_lines(caplog) == ["AT> AT+CLCC", 'AT< +CLCC: 1,0,3,0,0,"18712345678",129', "AT< OK"]
    assert all(getattr(r, "gsmcall_at_trace", False) for r in caplog.records if r.getMessage().startswith("AT"))


def test_the_prompt_and_the_payload_are_logged(modem, channel, caplog):
    caplog.set_level(logging.DEBUG, logger="gsmcall.modem.channel")
    reply = []
    worker = threading.Thread(target=lambda: reply.append(channel.command("AT+CMGS=10", payload="0011")))
    worker.start()
    assert modem.read_command() == b"AT+CMGS=10"
    modem.send(b"\r\n> ")
    assert modem.read_bytes(5) == b"0011\x1a"
    modem.send(b"\r\n+CMGS: 7\r\n\r\nOK\r\n")
    worker.join(5)
    assert reply[0].ok
    assert at_lines(caplog) == ["AT> AT+CMGS=10", "AT< > ", "AT> 0011^Z", "AT< +CMGS: 7", "AT< OK"]
