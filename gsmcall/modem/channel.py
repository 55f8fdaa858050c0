"""The AT channel: one serial port, one reader thread, one command at a time.

The reader thread is the only place that reads the port.  It feeds bytes to the pure
``AtProtocol``, completes the waiting command, and copies every URC to each subscriber's
queue, so a caller waits on a queue (an event) rather than sleeping and polling.  The
thread survives any byte sequence (decoding replaces what is not UTF-8); a vanished port
ends it and wakes every waiter with ``ModemGone``.

With ``-v`` every line received is logged once, as framed (``AT< +CSQ: 20,99``), and every
command and payload sent (``AT> AT+CSQ``), marked as AT traffic for the log's mask.

URCs go to the sinks attached with ``attach`` (in the daemon: its one event queue), so the
channel knows nothing of who consumes them or of any other kind of event.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Protocol

import serial

from gsmcall.at.framing import LineFramer, Prompt
from gsmcall.at.protocol import (
    CTRL_Z,
    ESC,
    AtProtocol,
    Command,
    Completed,
    Response,
    SendPayload,
    Urc,
)
from gsmcall.modem.errors import CommandTimeout, ModemGone, ModemRestarted, PortBusy
from gsmcall.modem.portlock import describe_holders
from gsmcall.redact import AT_TRACE, hide_secrets

log = logging.getLogger(__name__)


# After a timeout the modem may still send the late answer.  Before the next command the
# line must have been quiet this long (bounded), so that answer is dropped as stray and
# not taken for the next command's.
RESYNC_QUIET = 0.3
RESYNC_MAX = 2.0
# Any character aborts a running command (ITU-T V.250 6.3.1); the modem's answer to that
# (NO CARRIER or OK) is awaited this long.
ABORT = b"\r"
ABORT_GRACE = 3.0
# V.250 5.6.1: characters within 125 ms of the command line's end may be ignored (a DTE's
# trailing line feed), so an abort waits that long after the command was sent.
ABORT_GUARD = 0.2


class UrcSink(Protocol):
    """Where the reader thread delivers: must be quick and thread-safe (a queue's put)."""

    def urc(self, text: str) -> None: ...

    def port_lost(self) -> None: ...


class AtTrace:
    """The ``-v`` view of the port: one log line per line received, whatever the read chunks.

    ``AtProtocol`` frames the same bytes for itself and does not hand its lines out, so the
    trace frames them again with the same framer; it is fed only while DEBUG is on, so a
    quiet daemon pays nothing for it."""

    def __init__(self) -> None:
        self._framer = LineFramer()

    def reset(self) -> None:
        self._framer.reset()

    def sent(self, text: str, prompt_expected: bool = False) -> None:
        """A command line (or a payload) written; ``prompt_expected`` as the protocol's."""
        self._framer.expect_prompt = prompt_expected
        log.debug("AT> %s", hide_secrets(text), extra=AT_TRACE)

    def received(self, data: bytes) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        for token in self._framer.feed(data):
            log.debug("AT< %s", "> " if isinstance(token, Prompt) else token.text, extra=AT_TRACE)


class AtChannel:
    def __init__(self, port: str, baudrate: int = 115200, default_timeout: float = 5.0) -> None:
        self.port = port
        self.baudrate = baudrate
        self.default_timeout = default_timeout
        self._serial: serial.Serial | None = None
        self._protocol = AtProtocol()
        self._trace = AtTrace()
        self._state_lock = threading.Lock()
        self._command_lock = threading.Lock()
        self._done = threading.Condition(self._state_lock)
        self._response: Response | None = None
        self._sinks: list[UrcSink] = []
        self._reader: threading.Thread | None = None
        self._lost = threading.Event()
        self._last_rx = 0.0
        self._desynced = False
        self.echo_off = False  # set once ATE0 took effect; an echo after that is a restart

    # --- lifecycle -----------------------------------------------------------------------
    def open(self) -> None:
        try:
            ser = serial.Serial(self.port, self.baudrate, timeout=None, exclusive=True)
        except serial.SerialException as exc:
            if "lock" in str(exc).lower():
                raise PortBusy(f"{self.port} is held by another program: {describe_holders(self.port)}") from exc
            raise ModemGone(f"cannot open {self.port}: {exc}") from exc
        except OSError as exc:
            raise ModemGone(f"cannot open {self.port}: {exc}") from exc
        with self._state_lock:
            self._protocol.reset()
            self._trace.reset()
            self._response = None
            self._serial = ser
            self._lost.clear()
            self._desynced = False
            self.echo_off = False
        self._reader = threading.Thread(target=self._read_loop, args=(ser,), name="at-reader", daemon=True)
        self._reader.start()
        log.debug("opened %s", self.port)

    def close(self) -> None:
        with self._state_lock:
            ser, self._serial = self._serial, None
        if ser is None:
            return
        try:
            ser.cancel_read()
            ser.close()
        except (OSError, serial.SerialException) as exc:
            log.debug("closing %s: %s", self.port, exc)
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=2)

    @property
    def is_open(self) -> bool:
        return self._serial is not None and not self._lost.is_set()

    # --- commands ------------------------------------------------------------------------
    def command(self, text: str, timeout: float | None = None, payload: str | None = None,
                abort_when: Callable[[], bool] | None = None) -> Response:
        """Send one command and return its response (whatever its final result).

        Raises ``CommandTimeout`` when no final result comes in time and ``ModemGone``
        when the port is lost before or during the command.  With ``abort_when`` (a dial
        that blocks until the call is answered or ends), the command is aborted instead
        when its timeout passes or ``abort_when()`` turns true (checked whenever
        ``wake`` is called): one character aborts a running command (V.250), and the
        modem's answer to that comes back as the response, marked ``aborted``.
        """
        command = Command(text, timeout if timeout is not None else self.default_timeout, payload)
        aborted = False
        with self._command_lock:
            if self._desynced:
                self._resync()
            with self._state_lock:
                ser = self._serial
                if ser is None or self._lost.is_set():
                    raise ModemGone(f"{self.port} is not open")
                self._response = None
                data = self._protocol.start(command)
            self._trace.sent(text, prompt_expected=command.payload is not None)
            self._write(ser, data)
            sent_at = time.monotonic()
            deadline = sent_at + command.timeout
            with self._done:
                while self._response is None:
                    if self._lost.is_set():
                        self._protocol.abandon()
                        raise ModemGone(f"{self.port} vanished during {text}")
                    remaining = deadline - time.monotonic()
                    if abort_when is not None and not aborted and (remaining <= 0 or abort_when()):
                        early = sent_at + ABORT_GUARD - time.monotonic()
                        if early > 0:  # a character this soon after the command line is ignored
                            self._done.wait(early)
                            continue
                        aborted = True
                        log.debug("AT> (abort %s)", hide_secrets(text), extra=AT_TRACE)
                        try:  # not _write: the state lock is held here; the reader notices a lost port
                            ser.write(ABORT)
                        except (OSError, serial.SerialException) as exc:
                            log.debug("abort of %s not written: %s", text, exc)
                        deadline = time.monotonic() + ABORT_GRACE
                        continue
                    if remaining <= 0:
                        lines, cancel = self._protocol.abandon()
                        self._desynced = True
                        break
                    self._done.wait(remaining)
                else:
                    response, self._response = self._response, None
                    if response.echoed and self.echo_off:
                        raise ModemRestarted(f"the modem echoed {text}: it restarted and lost its settings")
                    return replace(response, aborted=True) if aborted else response
            if cancel:
                self._write(ser, cancel)  # out of a text-input prompt we never got to fill
            log.debug("AT timeout %s (got %s)", hide_secrets(text), lines, extra=AT_TRACE)
            raise CommandTimeout(text, command.timeout, lines)

    def wake(self) -> None:
        """Let a running command re-check its ``abort_when`` (after a stop request)."""
        with self._done:
            self._done.notify_all()

    def cancel_input(self) -> None:
        """ESC: ends a text-input prompt a previous process may have left the modem in."""
        with self._command_lock:
            if self._serial is not None:
                self._write(self._serial, ESC)

    def _resync(self) -> None:
        """Let a late answer to a timed-out command arrive (and be dropped) first."""
        start = time.monotonic()
        deadline = start + RESYNC_MAX
        with self._done:
            while not self._lost.is_set():
                now = time.monotonic()
                quiet_from = max(self._last_rx, start) + RESYNC_QUIET
                if now >= quiet_from or now >= deadline:
                    break
                self._done.wait(min(quiet_from, deadline) - now)
            self._desynced = False

    # --- URCs ----------------------------------------------------------------------------
    @contextmanager
    def attach(self, sink: UrcSink) -> Iterator[UrcSink]:
        """Deliver every URC (and the loss of the port) to ``sink`` while the block runs."""
        with self._state_lock:
            self._sinks.append(sink)
            lost = self._lost.is_set()
        if lost:
            sink.port_lost()
        try:
            yield sink
        finally:
            with self._state_lock:
                self._sinks.remove(sink)

    # --- internals -----------------------------------------------------------------------
    def _write(self, ser: serial.Serial, data: bytes) -> None:
        try:
            ser.write(data)
        except (OSError, serial.SerialException) as exc:
            self._on_lost(f"write failed: {exc}")
            raise ModemGone(f"{self.port}: write failed: {exc}") from exc

    def _read_loop(self, ser: serial.Serial) -> None:
        while True:
            try:
                data = ser.read(max(1, ser.in_waiting))
            except (OSError, serial.SerialException, TypeError, AttributeError) as exc:
                # TypeError/AttributeError: pyserial's own internals after close().
                if self._serial is ser:
                    self._on_lost(str(exc))
                return
            if not data:
                if self._serial is not ser:
                    return
                continue
            self._on_bytes(ser, data)

    def _on_bytes(self, ser: serial.Serial, data: bytes) -> None:
        self._trace.received(data)
        with self._state_lock:
            self._last_rx = time.monotonic()
            events = self._protocol.receive(data)
            self._done.notify_all()
            for event in events:
                if isinstance(event, Completed):
                    self._response = event.response
                elif isinstance(event, Urc):
                    for sink in self._sinks:
                        sink.urc(event.text)
        for event in events:
            if isinstance(event, SendPayload):
                self._trace.sent(event.data.removesuffix(CTRL_Z).decode("ascii", errors="replace") + "^Z")
                try:
                    ser.write(event.data)
                except (OSError, serial.SerialException) as exc:
                    self._on_lost(f"write failed: {exc}")

    def _on_lost(self, reason: str) -> None:
        if self._lost.is_set():
            return
        log.warning("modem port %s lost: %s", self.port, reason)
        with self._state_lock:
            self._lost.set()
            self._done.notify_all()
            sinks = list(self._sinks)
        for sink in sinks:
            sink.port_lost()
