"""The emulated modem's brain: settings, byte-level input, framed output, boot, SMS delivery.

It knows nothing about threads or file descriptors.  The owner (``core.Emulator``) feeds it the
bytes the host wrote and gives it an ``io`` object to send bytes, log, schedule and reset the
port; the owner also holds the lock around every call, so everything here is single-threaded.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable, Protocol

from .calls import Call, Callee, CallRecord, abort_blocking_dial
from .context import DEFAULT_ICCID, PIN_TRIES, ForwardingState, Settings
from .handlers import dispatch
from .handlers.sms import finish_input
from .hostility import FailRules, LateReports
from .pdu_encode import encode_deliver, tpdu_length
from .profiles import Profile
from .scheduler import Timer
from .sms_store import SmsStore, StorageFull
from .speech import TtsEngine

CTRL_Z, ESC, CR, LF = 0x1A, 0x1B, 0x0D, 0x0A
MAX_LINE = 2048

CME_TEXT = {
    3: "operation not allowed", 4: "operation not supported", 10: "SIM not inserted",
    11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure", 16: "incorrect password",
    20: "memory full", 21: "invalid index", 22: "not found", 30: "no network service",
    50: "Incorrect parameters", 100: "unknown",
}


class ModemIO(Protocol):
    """What the owner lends the modem: the wire, the log, the scheduler and the USB bus."""

    def send(self, data: bytes) -> None: ...
    def log(self, kind: str, text: str) -> None: ...
    def later(self, delay: float, fn: Callable[..., Any], *args: Any) -> Timer: ...
    def power_cycle(self, why: str, unplug: bool) -> None: ...


class Modem:
    """One emulated modem: implements ``context.ModemContext`` for the command handlers."""

    def __init__(
        self,
        io: ModemIO,
        profile: Profile,
        callees: dict[str, Callee] | None = None,
        default_callee: Callee | None = None,
        alerting_delay: float = 0.5,
        pin: str | None = None,
        sim_inserted: bool = True,
        iccid: str = DEFAULT_ICCID,
        registration: int = 1,
        sms_capacity: int | None = None,
        smsc: str = "+8613800100500",
        noise_interval: float | None | bool = True,
        noise_interleave_every: int | None = None,
        reset_delay: float = 1.0,
        end_report_delay: float = 0.0,
    ) -> None:
        self.io = io
        self.profile = profile
        self.callees = dict(callees or {})
        self.default_callee = default_callee or Callee.no_answer()
        self.alerting_delay = alerting_delay
        self.pin = pin
        self.iccid = iccid
        self.sim_inserted = sim_inserted
        self.reg_stat = registration
        self.rssi = profile.rssi
        self.smsc = smsc
        self.noise_interval = profile.noise_interval if noise_interval is True else (noise_interval or None)
        self.interleave_every = (profile.noise_interleave_every if noise_interleave_every is None
                                 else noise_interleave_every)
        self.reset_delay = reset_delay
        self.end_report_delay = end_report_delay  # s between a host hang-up and its end URCs
        self.late_reports = LateReports()  # ended calls whose end report is still to come
        self.fail_rules = FailRules()
        self.forwarding = ForwardingState()  # the network's: kept across resets
        self.store = SmsStore(profile.sms_index_base, sms_capacity or profile.sms_capacity)
        self.settings = Settings.defaults(profile, pin is not None)
        self.responsive = True
        self.active_calls: list[Call] = []
        self.tts = TtsEngine(self)
        self.call_records: list[CallRecord] = []
        self.sent_sms: list[str] = []
        self.commands: list[str] = []
        self.pin_attempts = 0
        self.wrong_pin_attempts = 0
        self.pin_tries_left = PIN_TRIES
        self.message_ref = 0
        self.concat_ref = 0
        self.last_cause: int | None = None
        self.busy_replies = 0
        self._line = bytearray()
        self._prev = 0
        self._input: dict[str, Any] | None = None  # set while the "> " prompt is open
        self._cmd_count = 0
        self._noise_timer: Timer | None = None
        self._generation = 0

    # --- small services used by calls.py and the handlers ---------------------------------
    def cme(self, code: int) -> str:
        """A +CME error in the form AT+CMEE asked for (bare ERROR, numeric, or verbose)."""
        if self.settings.cmee == 0:
            return "ERROR"
        if self.settings.cmee == 2 and code in CME_TEXT:
            return f"+CME ERROR: {CME_TEXT[code]}"
        return f"+CME ERROR: {code}"

    def cms(self, code: int) -> str:
        return f"+CMS ERROR: {code}"  # numeric even with CMEE=2, as in the SIM800 transcript [I]

    def event(self, text: str) -> None:
        self.io.log("event", text)

    def later(self, delay: float, fn: Callable[..., Any], *args: Any) -> Timer:
        return self.io.later(delay, fn, *args)

    def gate(self, name: str) -> bool:
        return bool(getattr(self.settings, name))

    def call_ended(self, call: Call) -> None:
        if call in self.active_calls:
            self.active_calls.remove(call)
        self.tts.call_ended(call)
        self.last_cause = call.record.cause
        self.late_reports.note(call)

    # --- injected faults -------------------------------------------------------------------
    def fail_next(self, prefix: str, reply: str, times: int) -> None:
        self.fail_rules.add(prefix, reply, times)
        self.event(f"the next {times} command(s) starting {prefix!r} will get {reply!r}")

    def _injected_reply(self, cmd: str) -> str | None:
        reply = self.fail_rules.reply_for(cmd)
        if reply is not None:
            self.event(f"injected failure: {cmd!r} answered {reply!r} instead of being handled")
        return reply

    def dtmf(self, key: str) -> None:
        p = self.profile
        if p.dtmf_urc and (p.dtmf_gate is None or self.gate(p.dtmf_gate)):
            self.emit_urc(p.dtmf_urc.format(key=ord(key) if p.dtmf_ascii else key))
        else:
            self.event(f"DTMF {key} not reported (detection not enabled)")

    @property
    def sim_ready(self) -> bool:
        return self.sim_inserted and self.settings.pin_ok and self.cpin_state == "READY"

    @property
    def cpin_state(self) -> str:
        if not self.sim_inserted:
            return "NOT INSERTED"
        if self.pin_tries_left <= 0:
            return "SIM PUK"
        return "READY" if self.settings.pin_ok else "SIM PIN"

    def effective_reg(self) -> int:
        if self.settings.cfun == 0 or not self.sim_ready:
            return 0
        return self.reg_stat

    def reg_line(self, name: str, query: bool) -> str:
        n, stat = self.settings.reg_n[name], self.effective_reg()
        head = f"{name}: {n},{stat}" if query else f"{name}: {stat}"
        if n == 2 and stat in (1, 5):
            head += ',"182D","3071"' if name != "+CEREG" else ',"00C3","0A1B2C3D",7'
        return head

    def set_registration(self, stat: int) -> None:
        before = self.effective_reg()
        self.reg_stat = stat
        self.event(f"registration state {stat}")
        self._reg_changed(before)

    def _reg_changed(self, before: int) -> None:
        if self.effective_reg() == before:
            return
        for name, n in self.settings.reg_n.items():
            if n:
                self.emit_urc(self.reg_line(name, query=False))

    # --- output framing ------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        self.io.send(data)

    def emit_urc(self, text: str) -> None:
        """An unsolicited line, with SIM7600's optional ``\\r\\r\\n`` framing for some prefixes."""
        p = self.profile
        crlf = b"\r\r\n" if p.urc_crcrlf and text.startswith(p.crcrlf_prefixes) else b"\r\n"
        self._send(crlf + text.encode("utf-8") + crlf)
        self.io.log("tx", text)

    def _respond(self, lines: list[str], final: str) -> None:
        if lines:
            self._send(b"\r\n" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
            for line in lines:
                self.io.log("tx", line)
        if not final:  # a reply without a final result code (Wavecom +CPIN?)
            return
        self._send(b"\r\n" + final.encode("utf-8") + b"\r\n")
        self.io.log("tx", final)

    # --- input ---------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Bytes from the host: echo, assemble lines on CR, or collect the SMS body after ``> ``."""
        for b in data:
            if self._input is not None:
                self._feed_input(b)
                continue
            prev, self._prev = self._prev, b
            if b == LF and (prev == CR or not self._line):
                continue  # the LF of a CRLF terminator (or a stray LF) is dropped, not echoed [I]
            taken = abort_blocking_dial(self.active_calls, self.profile, b, self.io.log)
            if taken == "aborted":
                self._line.clear()  # the aborting character starts no command line [I]
            if taken:
                continue
            if self.settings.echo and self.responsive:
                self._send(bytes([b]))
            if b == CR:
                line = bytes(self._line)
                self._line.clear()
                self._handle_line(line)
            elif b in (0x08, 0x7F):
                if self._line:
                    self._line.pop()
            else:
                self._line.append(b)
                if len(self._line) > MAX_LINE:
                    self.event("input line too long, discarded")
                    self._line.clear()

    def _handle_line(self, raw: bytes) -> None:
        text = raw.decode("latin-1")
        pos = text.upper().find("AT")
        if pos < 0:
            if text.strip():
                self.io.log("rx", text)
                self.event(f"ignored input without AT prefix: {raw!r}")
            return
        if pos > 0:
            self.event(f"discarded {raw[:pos]!r} before AT")
        cmd = text[pos:]
        self.commands.append(cmd)
        self.io.log("rx", cmd)
        if not self.responsive:
            self.event(f"unresponsive: swallowed {cmd!r}")
            return
        self._cmd_count += 1
        injected = self._injected_reply(cmd) if self.fail_rules else None
        if injected is not None:
            self._respond([], injected)
            return
        if self.busy_replies > 0:  # Wavecom after AT+CFUN=1: "device busy" [F]
            self.busy_replies -= 1
            self._respond([], self.cme(515))
            return
        every = self.interleave_every
        if (every and self._cmd_count % every == 0 and self.profile.noise_urc
                and (self.profile.noise_gate is None or self.gate(self.profile.noise_gate))):
            self.emit_urc(self.profile.noise_urc.format(rssi=self.rssi))
        reply = dispatch(self, cmd)
        if reply is not None:
            self._respond(*reply)

    def begin_input(self, what: str, length: int | None, da: str | None) -> None:
        self._input = {"what": what, "length": length, "da": da, "buf": bytearray()}
        self._send(b"\r\n> ")
        self.io.log("tx", "> ")

    def _feed_input(self, b: int) -> None:
        assert self._input is not None
        if b == CTRL_Z or b == ESC:
            inp, self._input = self._input, None
            self._prev = 0
            data = bytes(inp["buf"])
            self.io.log("rx", data.decode("latin-1") + ("<Ctrl-Z>" if b == CTRL_Z else "<ESC>"))
            if b == ESC:
                self.event("SMS input cancelled with ESC")
                self._respond([], "OK")  # [I]
            else:
                self._respond(*finish_input(self, inp["what"], data, inp["length"], inp["da"]))
            return
        if self.settings.echo:
            self._send(bytes([b]))  # typed body is echoed with ATE1 [I]
        inp = self._input
        if len(inp["buf"]) < 4096:
            inp["buf"].append(b)

    # --- settings / boot / reset ---------------------------------------------------------
    def reset_settings(self) -> None:
        pin_ok = self.settings.pin_ok
        self.settings = Settings.defaults(self.profile, self.pin is not None)
        self.settings.pin_ok = pin_ok  # ATZ does not re-lock the SIM

    def boot(self, delay: float = 0.0, urcs: bool = True) -> None:
        """Power-on: defaults now, boot URCs after ``delay`` s, then periodic noise.

        pyserial's open() flushes pending input, so a host that opens the port after the URCs
        were sent misses them, as with a real USB modem; a delay lets a test open first.
        """
        self._generation += 1
        self.settings = Settings.defaults(self.profile, self.pin is not None)
        self._line.clear()
        self._input = None
        self.busy_replies = 0
        if urcs:
            if delay > 0:
                self.later(delay, self._boot_urcs, self._generation)
            else:
                self._boot_urcs(self._generation)
        self._start_noise()

    def _boot_urcs(self, generation: int) -> None:
        if generation != self._generation:
            return
        p = self.profile
        for text in p.boot_pre:
            self.emit_urc(text)
        if p.boot_cpin:
            self.emit_urc(f"+CPIN: {self.cpin_state}")
        if self.sim_ready:
            for text in p.boot_post:
                self.emit_urc(text)

    def sim_unlocked(self) -> None:
        """The right PIN went in: what a real modem prints once the SIM is usable."""
        if self.profile.boot_cpin:
            self.emit_urc("+CPIN: READY")
        for text in self.profile.boot_post:
            self.emit_urc(text)
        for name, n in self.settings.reg_n.items():
            if n:
                self.emit_urc(self.reg_line(name, query=False))

    def _start_noise(self) -> None:
        if self._noise_timer:
            self._noise_timer.cancel()
        if self.profile.noise_urc and self.noise_interval:
            self._noise_timer = self.later(self.noise_interval, self._noise, self._generation)

    def _noise(self, generation: int) -> None:
        if generation != self._generation:
            return
        p = self.profile
        if p.noise_urc and (p.noise_gate is None or self.gate(p.noise_gate)):
            self.emit_urc(p.noise_urc.format(rssi=self.rssi))
        self._start_noise()

    def drop_calls(self, why: str) -> None:
        self.late_reports.lose_all(self.event, why)
        for call in list(self.active_calls):
            self.event(f"call {call.number} dropped: {why}")
            call.end("dropped", "network", final=None)

    def reset(self, why: str) -> None:
        """AT+CFUN=1,1 / AT+CRESET: USB modems vanish from the bus and come back; UART ones
        stay put and just print their boot URCs again."""
        self.drop_calls(why)
        if self._noise_timer:
            self._noise_timer.cancel()
        self.event(f"modem reset ({why})")
        self.io.power_cycle(why, unplug=self.profile.usb)

    # --- SMS delivery (network side) -----------------------------------------------------
    def encode(self, sender: str, text: str, when: _dt.datetime | None, concat16: bool, **kw: Any) -> list[str]:
        self.concat_ref = (self.concat_ref + 1) % (65536 if concat16 else 256) or 1
        parts = encode_deliver(sender, text, when, smsc=self.smsc, ref=self.concat_ref, concat16=concat16, **kw)
        return [p.pdu for p in parts]

    def store_pdus(self, pdus: list[str], notify: bool) -> list[int]:
        stored: list[int] = []
        for pdu in pdus:
            mem = self.settings.mems[2]
            if notify and self.settings.cnmi[1] == 2:  # <mt>=2: route straight to the host
                self.emit_urc(f"+CMT: {self.profile.cmgr_alpha},{tpdu_length(pdu)}\r\n{pdu}")
                continue
            try:
                idx = self.store.add(pdu)
            except StorageFull:
                if not notify:
                    raise
                self.event(f"sms store full ({self.store.used}/{self.store.capacity}): message refused")
                urc, gate = self.profile.smsfull_urc, self.profile.smsfull_gate
                if urc and (gate is None or self.gate(gate)):
                    self.emit_urc(urc.format(mem=mem))
                continue
            stored.append(idx)
            self.event(f"sms stored at index {idx}")
            if notify and self.settings.cnmi[1] in (1, 3):
                self.emit_urc(f'+CMTI: "{mem}",{idx}')
        return stored

