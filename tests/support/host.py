"""A host on the emulator's pty, through pyserial.

``Host`` reads exactly as many bytes as a check expects (pyserial's read(n) returns as soon as
they are there), so checks are byte-exact and event-driven; "nothing else came" is proved by a
following ``AT`` whose reply must be exactly ``\\r\\nOK\\r\\n``.
"""

from __future__ import annotations

import serial


def L(text: str) -> bytes:  # noqa: N802 - one framed line
    return b"\r\n" + text.encode() + b"\r\n"


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
