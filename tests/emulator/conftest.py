"""Fixtures for testing the modem emulator over a real pty with pyserial.

``Host`` reads exactly as many bytes as a check expects (pyserial's read(n) returns as soon as
they are there), so checks are byte-exact and event-driven; "nothing else came" is proved by a
following ``AT`` whose reply must be exactly ``\\r\\nOK\\r\\n``.
"""

from __future__ import annotations

from typing import Callable, Iterator

import pytest
import serial

from gsmcall.emulator import Emulator


class Host:
    def __init__(self, path: str) -> None:
        self.port = serial.Serial(path, 115200, timeout=2)

    def send(self, data: bytes | str) -> None:
        self.port.write(data.encode() if isinstance(data, str) else data)

    def read(self, n: int, timeout: float = 2.0) -> bytes:
        self.port.timeout = timeout
        return self.port.read(n)

    def expect(self, expected: bytes, timeout: float = 2.0) -> None:
        got = self.read(len(expected), timeout)
        assert got == expected, f"\nexpected {expected!r}\n     got {got!r}"

    def cmd(self, line: str, expected: bytes, timeout: float = 2.0) -> None:
        self.send(line + "\r")
        self.expect(expected, timeout)

    def ok(self, line: str) -> None:
        """A command answered by exactly OK (echo off)."""
        self.cmd(line, b"\r\nOK\r\n")

    def quiet_ok(self) -> None:
        """Nothing pending: a plain AT gets exactly OK (needs ATE0)."""
        self.cmd("AT", b"\r\nOK\r\n")

    def close(self) -> None:
        self.port.close()


@pytest.fixture
def make_emu(tmp_path) -> Iterator[Callable[..., Emulator]]:
    made: list[Emulator] = []

    def make(profile: str = "generic", **kw) -> Emulator:
        kw.setdefault("link", str(tmp_path / f"modem{len(made)}"))
        kw.setdefault("noise_interval", None)
        kw.setdefault("noise_interleave_every", 0)
        kw.setdefault("alerting_delay", 0.05)
        emu = Emulator(profile=profile, **kw).start()
        made.append(emu)
        return emu

    yield make
    for emu in made:
        emu.stop()


@pytest.fixture
def connect() -> Iterator[Callable[..., Host]]:
    hosts: list[Host] = []

    def open_host(emu: Emulator, echo_off: bool = True) -> Host:
        host = Host(emu.link)
        hosts.append(host)
        if echo_off:
            host.cmd("ATE0", b"ATE0\r\r\nOK\r\n")
        return host

    yield open_host
    for h in hosts:
        try:
            h.close()
        except Exception:
            pass
