"""``Emulator``: the public face of the modem emulator.

One background thread owns the pty master: it select()s on the master and on a wake-up pipe,
with the scheduler's next deadline as the timeout, so timed call progress, periodic noise and
host input are all handled by the same thread without polling.  Test code calls the API from
its own thread; state changes happen under one lock, and anything that touches the master fd
(unplug/replug) is handed to the I/O thread so the fd is never closed under select().

The log (``emu.log``) is the test suite's window: every command line received (``rx``), every
line sent (``tx``) and readable ``event`` notes, stamped with ``time.monotonic()``.
"""

from __future__ import annotations

import datetime as _dt
import errno
import logging
import os
import select
import shutil
import tempfile
import threading
import time
from typing import Any, Callable

from .calls import Callee, CallRecord
from .context import DEFAULT_ICCID
from .eventlog import EventLog, LogEntry
from .modem import Modem
from .profiles import Profile, get_profile
from .hostility import check_delay
from .io_adapter import FunctionsIO
from .pty_port import PtyPort
from .scheduler import Scheduler, WakePipe

__all__ = ["Emulator", "LogEntry"]  # LogEntry is re-exported: callers have always found it here

logger = logging.getLogger(__name__)


class Emulator:
    """A GSM/LTE modem on a pseudo-terminal, reachable through the symlink ``link``.

    ``profile``: generic | sim800 | ec25 | sim7600 | huawei | wavecom | zte | qualcomm (or a
    Profile object); the last three block on ATD until the call is answered or ends.
    ``callees``: number as dialled (what follows ATD, minus ';') -> Callee script.
    Keyword extras: ``sim_inserted``, ``iccid`` (AT+CCID and the vendor forms), ``registration``
    (CREG stat), ``register_after`` (s until registered; searching before), ``sms_capacity``,
    ``smsc``, ``noise_interval`` (Huawei ^RSSI period, None/False off), ``noise_interleave_every``
    (0 off), ``reset_delay`` (s a reset keeps the port away), ``boot_urcs``, ``boot_delay`` (s from
    pty creation to the boot URCs; pyserial flushes input on open, so tests that check them open first),
    ``profile_overrides`` (dict of Profile fields), ``on_log`` (callback for each LogEntry, e.g. a jsonl writer),
    ``end_report_delay`` (s; see ``set_end_report_delay``).  ``fail_next`` makes commands fail.
    """

    def __init__(
        self,
        profile: str | Profile = "generic",
        link: str | None = None,
        callees: dict[str, Callee] | None = None,
        default_callee: Callee | None = None,
        pin: str | None = None,
        alerting_delay: float = 0.5,
        *,
        sim_inserted: bool = True,
        iccid: str = DEFAULT_ICCID,
        registration: int = 1,
        register_after: float | None = None,
        sms_capacity: int | None = None,
        smsc: str = "+8613800100500",
        noise_interval: float | None | bool = True,
        noise_interleave_every: int | None = None,
        reset_delay: float = 1.0,
        boot_urcs: bool = True,
        boot_delay: float = 0.0,
        profile_overrides: dict[str, Any] | None = None,
        on_log: Callable[[LogEntry], None] | None = None,
        end_report_delay: float = 0.0,
    ) -> None:
        prof = profile if isinstance(profile, Profile) else get_profile(profile)
        if profile_overrides:
            prof = prof.with_overrides(**profile_overrides)
        self.profile = prof
        self._tmpdir: str | None = None
        if link is None:
            self._tmpdir = tempfile.mkdtemp(prefix="gsmcall-emu-")
            link = os.path.join(self._tmpdir, "modem")
        self._port = PtyPort(link)
        self._lock = threading.RLock()
        self._events = EventLog(on_log)
        self._wakeup = WakePipe()
        self._sched = Scheduler(self._wakeup.wake)
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._boot_urcs = boot_urcs
        self._register_after = register_after
        self._registration = registration
        self.reset_delay = reset_delay
        self.boot_delay = boot_delay
        self._modem = Modem(
            self._modem_io(), prof, callees=callees, default_callee=default_callee, alerting_delay=alerting_delay,
            pin=pin, sim_inserted=sim_inserted, registration=2 if register_after else registration,
            sms_capacity=sms_capacity, smsc=smsc, noise_interval=noise_interval,
            noise_interleave_every=noise_interleave_every, reset_delay=reset_delay,
            end_report_delay=check_delay(end_report_delay), iccid=iccid,
        )

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> "Emulator":
        with self._lock:
            self._port.open()
            self._log_entry("event", f"{self.profile.name} emulator on {self._port.slave_name} via {self.link}")
            self._boot()
            self._port.flush()  # boot URCs reach the pty before start() returns: deterministic for tests
        if self._register_after:
            self.set_registration(self._registration, after=self._register_after)
        self._thread = threading.Thread(target=self._run, name=f"modem-emulator-{self.profile.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
        self._wakeup.wake()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._sched.clear()
        self._port.close(remove_link=True)
        self._wakeup.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        self._log_entry("event", "emulator stopped")

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- properties ------------------------------------------------------------------------
    @property
    def link(self) -> str:
        return self._port.link

    @property
    def slave_name(self) -> str | None:
        return self._port.slave_name

    @property
    def plugged(self) -> bool:
        return self._port.is_open

    @property
    def log(self) -> list[LogEntry]:
        return self._events.entries()

    def commands(self) -> list[str]:
        with self._lock:
            return list(self._modem.commands)

    @property
    def calls(self) -> list[CallRecord]:
        with self._lock:
            return [r.snapshot() for r in self._modem.call_records]

    def active_calls(self) -> list[CallRecord]:
        with self._lock:
            return [c.record.snapshot() for c in self._modem.active_calls]

    @property
    def sms_store(self) -> dict[int, str]:
        with self._lock:
            return {i: s.pdu for i, s in sorted(self._modem.store.slots.items())}

    def sms_stat(self, index: int) -> int | None:
        with self._lock:
            slot = self._modem.store.get(index)
            return slot.stat if slot else None

    @property
    def sent_sms(self) -> list[str]:
        with self._lock:
            return list(self._modem.sent_sms)

    @property
    def pin_attempts(self) -> int:
        return self._modem.pin_attempts

    @property
    def wrong_pin_attempts(self) -> int:
        return self._modem.wrong_pin_attempts

    @property
    def settings(self) -> Any:
        """The modem's current volatile settings (echo, cmee, cvhu, clcc_urc, ...)."""
        with self._lock:
            return self._modem.settings

    # --- waiting ---------------------------------------------------------------------------
    def wait_for(self, what: str | Callable[[LogEntry], bool], timeout: float = 5.0,
                 since: float | None = None, kind: str = "rx") -> LogEntry:
        """Block until a log entry matches.

        A string matches entries of ``kind`` (default 'rx', i.e. a command the host sent) that
        start with it, case-insensitively; a callable is a predicate on LogEntry.  Entries older
        than ``since`` (a monotonic time) are ignored.  Raises TimeoutError with the log tail.
        The predicate runs under the emulator's lock: it must not call the emulator.
        """
        return self._events.wait_for(what, timeout, since, kind)

    # --- SMS -------------------------------------------------------------------------------
    def store_sms(self, sender: str, text: str, when: _dt.datetime | None = None,
                  concat16: bool = False, **kw: Any) -> list[int]:
        """Put a message (split if needed) into the modem's memory silently (as if it arrived
        while the daemon was down).  Raises sms_store.StorageFull when it does not fit."""
        with self._lock:
            return self._modem.store_pdus(self._modem.encode(sender, text, when, concat16, **kw), notify=False)

    def store_pdu(self, pdu_hex: str, stat: int = 0) -> int:
        with self._lock:
            idx = self._modem.store.add(pdu_hex, stat)
            self._log_entry("event", f"sms pdu stored at index {idx}")
            return idx

    def deliver_sms(self, sender: str, text: str, when: _dt.datetime | None = None,
                    concat16: bool = False, **kw: Any) -> list[int]:
        """A message arrives now: stored with one +CMTI per part (or refused with the profile's
        storage-full URC).  Returns the indices actually stored."""
        with self._lock:
            return self._modem.store_pdus(self._modem.encode(sender, text, when, concat16, **kw), notify=True)

    def deliver_pdu(self, pdu_hex: str) -> list[int]:
        with self._lock:
            return self._modem.store_pdus([pdu_hex.strip().upper()], notify=True)

    def set_sms_capacity(self, capacity: int) -> None:
        with self._lock:
            self._modem.store.capacity = capacity

    # --- faults and network ------------------------------------------------------------------
    def urc(self, text: str) -> None:
        with self._lock:
            self._modem.emit_urc(text)

    def inject(self, data: bytes) -> None:
        """Raw bytes to the host, unframed (garbage, partial lines, invalid UTF-8...)."""
        with self._lock:
            self._enqueue(bytes(data))
            self._log_entry("tx", f"<raw {bytes(data)!r}>")

    def dtmf(self, key: str) -> None:
        """The callee presses keys now (reported only if the host enabled detection)."""
        with self._lock:
            for k in key:
                self._modem.dtmf(k)

    def reset(self, why: str = "power glitch") -> None:
        """The modem restarts on its own (a brown-out on a call's current peak): calls drop,
        settings are lost; USB modems leave the bus for ``reset_delay``, UART ones stay."""
        with self._lock:
            self._modem.reset(why)

    def set_responsive(self, flag: bool) -> None:
        with self._lock:
            self._modem.responsive = flag
            self._log_entry("event", "modem responsive" if flag else "modem unresponsive (commands swallowed)")

    def set_registration(self, stat: int, after: float | None = None) -> None:
        if after:
            self._sched.call_later(after, self._locked, self._modem.set_registration, stat)
        else:
            with self._lock:
                self._modem.set_registration(stat)

    def set_signal(self, rssi: int) -> None:
        with self._lock:
            self._modem.rssi = rssi

    def set_end_report_delay(self, seconds: float) -> None:
        """From now on, a call the host hangs up (ATH, AT+CHUP, AT+QHUP, AT+HVOIC) is over at
        once (OK, gone from AT+CLCC) but its end URCs (^DSCI ...,6, ^CEND, +CLCC ...,6,
        VOICE CALL: END ...) and end result line arrive ``seconds`` later, as on a loaded
        modem.  0 restores the immediate report.  A reset or unplug meanwhile loses them."""
        seconds = check_delay(seconds)
        with self._lock:
            self._modem.end_report_delay = seconds
            self._log_entry("event", f"end report delay {seconds:g}s")

    def fail_next(self, command_prefix: str, reply: str = "+CME ERROR: 100", times: int = 1) -> None:
        """The next ``times`` commands whose text starts with ``command_prefix`` (case-insensitive,
        e.g. "AT+CLCC", which also matches "AT+CLCC=1") get ``reply`` as their only response, a
        final result line sent verbatim, instead of being handled.  Rules armed earlier are
        consumed first when several match."""
        with self._lock:
            self._modem.fail_next(command_prefix, reply, times)

    def set_callee(self, number: str, callee: Callee) -> None:
        with self._lock:
            self._modem.callees[number] = callee

    def unplug(self) -> None:
        """Like pulling the USB cable: the master closes, the symlink goes away, calls drop."""
        self._in_loop(self._do_unplug)

    def replug(self) -> None:
        """A new pty appears behind the same symlink path; the modem boots afresh."""
        self._in_loop(self._do_replug)

    # --- internals -------------------------------------------------------------------------
    def _modem_io(self) -> FunctionsIO:
        return FunctionsIO(send=self._enqueue, log=self._log_entry, power_cycle=self._power_cycle,
                           later=lambda delay, fn, *args: self._sched.call_later(delay, self._locked, fn, *args))

    def _boot(self) -> None:
        self._modem.boot(self.boot_delay, urcs=self._boot_urcs)

    def _do_unplug(self) -> None:
        with self._lock:
            if not self._port.is_open:
                return
            self._modem.drop_calls("unplugged")
            self._port.close(remove_link=True)
            self._log_entry("event", "unplugged (pty master closed, symlink removed)")

    def _do_replug(self) -> None:
        with self._lock:
            if self._port.is_open:
                return
            self._port.open()
            self._log_entry("event", f"replugged as {self._port.slave_name}")
            self._boot()
            self._port.flush()

    def _power_cycle(self, why: str, unplug: bool) -> None:
        if unplug:
            self._do_unplug()
            self._sched.call_later(self.reset_delay, self._do_replug)
        else:
            self._sched.call_later(self.reset_delay, self._locked, self._boot)

    def _in_loop(self, fn: Callable[[], None]) -> None:
        if self._thread is None or not self._thread.is_alive() or threading.current_thread() is self._thread:
            fn()
            return
        done = threading.Event()

        def run() -> None:
            try:
                fn()
            finally:
                done.set()

        self._sched.call_later(0.0, run)
        if not done.wait(5.0):
            raise TimeoutError("emulator I/O thread did not respond")

    def _locked(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            return fn(*args)

    def _enqueue(self, data: bytes) -> None:
        if self._port.queue(data):
            self._wakeup.wake()

    def _log_entry(self, kind: str, text: str) -> None:
        self._events.add(kind, text)

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
                master = self._port.master
                wlist = [master] if master is not None and self._port.pending else []
            rlist = [self._wakeup.fd] + ([master] if master is not None else [])
            timeout = self._sched.timeout(time.monotonic())
            try:
                r, w, _ = select.select(rlist, wlist, [], timeout)
            except OSError as exc:
                if exc.errno in (errno.EBADF, errno.EINTR):
                    continue
                raise
            if self._wakeup.fd in r:
                self._wakeup.drain()
            if master is not None and master in r:
                data = self._port.read()
                if data:
                    with self._lock:
                        self._modem.feed(data)
            if w:
                with self._lock:
                    self._port.flush()
            for timer in self._sched.pop_due(time.monotonic()):
                try:
                    timer.fn(*timer.args)
                except Exception:
                    logger.exception("emulator event failed")
                    self._log_entry("event", "internal error in a timed event (see logging)")

