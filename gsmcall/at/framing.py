"""Split the modem's byte stream into lines and the SMS ``> `` prompt.

Modems frame lines with ``\\r\\n``, SIMCom LTE firmware sometimes with ``\\r\\r\\n``, and the
echo of a command ends in a lone ``\\r``.  Treating every CR and LF as a terminator and
dropping empty lines covers all three without per-vendor rules.  Bytes are decoded with
replacement so that line noise can never raise in the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

_TERMINATORS = b"\r\n"


@dataclass(frozen=True)
class Line:
    """One complete line from the modem, without its terminators."""

    text: str


@dataclass(frozen=True)
class Prompt:
    """The ``> `` that invites the PDU after ``AT+CMGS=<n>``; it has no line terminator."""


Token = Line | Prompt


class LineFramer:
    """Incremental framer: feed bytes, get tokens."""

    def __init__(self, max_line: int = 4096) -> None:
        self._buf = bytearray()
        self._max_line = max_line
        self.expect_prompt = False

    def feed(self, data: bytes) -> list[Token]:
        tokens: list[Token] = []
        buf = self._buf
        buf.extend(data)
        start = 0
        for i, byte in enumerate(buf):
            if byte in _TERMINATORS:
                if i > start:
                    tokens.append(Line(_decode(buf[start:i])))
                start = i + 1
        del buf[:start]
        if self.expect_prompt and buf.lstrip(b"\x00").startswith(b">"):
            # The prompt is never terminated: recognise it only while a command waits
            # for it, so an ordinary line that starts with '>' is not mistaken for one.
            tokens.append(Prompt())
            buf.clear()
            self.expect_prompt = False
        elif len(buf) > self._max_line:
            # A modem spewing bytes without terminators must not grow memory forever.
            tokens.append(Line(_decode(buf)))
            buf.clear()
        return tokens

    def reset(self) -> None:
        self._buf.clear()
        self.expect_prompt = False


def _decode(raw: bytes | bytearray) -> str:
    return bytes(raw).decode("utf-8", errors="replace").strip("\x00").strip()
