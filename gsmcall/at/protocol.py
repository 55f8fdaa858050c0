"""The AT command/response protocol, without I/O (sans-IO, in the manner of h11).

``AtProtocol.start()`` turns a command into bytes to write; ``receive()`` turns bytes read
into events.  Nothing here sleeps, reads or writes, so every framing and ordering quirk
can be tested by feeding bytes: echo, URCs in the middle of a response, the ``> ``
prompt, stray results after a timeout.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from gsmcall.at.framing import Line, LineFramer, Prompt
from gsmcall.at.results import CALL_END_KINDS, FinalResult, parse_final
from gsmcall.at.urcs import is_urc, response_prefix

log = logging.getLogger(__name__)

CTRL_Z = b"\x1a"
ESC = b"\x1b"


@dataclass(frozen=True)
class Command:
    """One AT command.  ``payload`` is sent after the ``> `` prompt (``AT+CMGS``)."""

    text: str
    timeout: float = 5.0
    payload: str | None = None


@dataclass(frozen=True)
class Response:
    command: Command
    lines: tuple[str, ...]
    final: FinalResult
    # The modem echoed the command: after ATE0 that means it restarted and lost its settings.
    echoed: bool = False
    # We aborted the command (a blocking dial at its ring timeout or on a stop): the final
    # result is the modem's answer to the abort, not the call's outcome.
    aborted: bool = False

    @property
    def ok(self) -> bool:
        return self.final.ok

    def first(self, prefix: str) -> str | None:
        """The value after ``prefix`` on the first line that starts with it."""
        for line in self.lines:
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        return None


@dataclass(frozen=True)
class Urc:
    text: str


@dataclass(frozen=True)
class Completed:
    response: Response


@dataclass(frozen=True)
class SendPayload:
    """The modem showed its prompt: the I/O layer writes ``data`` now."""

    data: bytes


Event = Urc | Completed | SendPayload


@dataclass
class _Running:
    command: Command
    prefix: str | None
    lines: list[str] = field(default_factory=list)
    echoed: bool = False


class ProtocolError(RuntimeError):
    pass


class AtProtocol:
    def __init__(self) -> None:
        self._framer = LineFramer()
        self._running: _Running | None = None

    @property
    def busy(self) -> bool:
        return self._running is not None

    def start(self, command: Command) -> bytes:
        if self._running is not None:
            raise ProtocolError(f"{command.text!r} started while {self._running.command.text!r} runs")
        data = command.text.encode("ascii", errors="strict") + b"\r"  # may raise: before any state change
        self._running = _Running(command, response_prefix(command.text))
        self._framer.expect_prompt = command.payload is not None
        return data

    def abandon(self) -> tuple[tuple[str, ...], bytes]:
        """Forget the running command (it timed out): its lines so far, and bytes to write.

        A command waiting for its payload leaves the modem in text-input mode, which
        only ESC ends; the bytes returned are that ESC.  A late final result for the
        command is dropped as stray when no command is running as it arrives."""
        running, self._running = self._running, None
        self._framer.expect_prompt = False
        if running is None:
            return (), b""
        return tuple(running.lines), (ESC if running.command.payload is not None else b"")

    def reset(self) -> None:
        """Start afresh on a reopened port."""
        self._framer.reset()
        self._running = None

    def receive(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        for token in self._framer.feed(data):
            if isinstance(token, Prompt):
                running = self._running
                if running is not None and running.command.payload is not None:
                    events.append(SendPayload(running.command.payload.encode("ascii") + CTRL_Z))
                continue
            event = self._on_line(token)
            if event is not None:
                events.append(event)
        return events

    def _on_line(self, line: Line) -> Event | None:
        text = line.text
        running = self._running
        if running is None:
            final = parse_final(text)
            if final is not None and final.kind not in CALL_END_KINDS:
                # An OK/ERROR with no command: the late answer to a command we gave up on.
                log.debug("stray final result %r dropped", text)
                return None
            return Urc(text)
        command = running.command
        if text == command.text or (command.payload is not None and text == command.payload):
            running.echoed = True  # echo: ATE1 is every modem's power-up state
            return None
        if text == ">" and command.payload is not None and self._framer.expect_prompt:
            # The prompt, but followed by a line break in the same read (a URC came right
            # after it): the framer saw a line, not the unterminated "> ".
            self._framer.expect_prompt = False
            return SendPayload(command.payload.encode("ascii") + CTRL_Z)
        if running.prefix and text.upper().startswith(running.prefix):
            running.lines.append(text)
            return None
        final = parse_final(text)
        if final is not None and final.kind in CALL_END_KINDS and not _ends_with_call_result(command):
            # A call ended while another command ran: the end belongs to the call, and
            # that command's own result is still to come.
            return Urc(text)
        if final is not None:
            self._running = None
            self._framer.expect_prompt = False
            return Completed(Response(command, tuple(running.lines), final, running.echoed))
        if is_urc(text):
            return Urc(text)
        running.lines.append(text)
        return None


def _ends_with_call_result(command: Command) -> bool:
    """Only dialling and answering can end in NO CARRIER/BUSY/NO ANSWER/NO DIALTONE."""
    head = command.text[:3].upper()
    return head.startswith("ATD") or head.startswith("ATA") or head.startswith("ATO")
