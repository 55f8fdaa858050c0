"""Scripted callees and the outgoing-call state machine.

A dialled number maps to a ``Callee`` script (answers, busy, no answer, ...).  ``Call`` runs
that script on the emulator's scheduler and reports each transition through the profile's URC
table, so the same script yields SIM800 ``+CLCC``/``MO RING`` lines, EC25 ``^DSCI``, SIM7600
``VOICE CALL:`` or Huawei ``^ORIG/^CONF/^CONN/^CEND`` without any per-family code here.

Timing convention: ``alerting_delay`` counts from ATD; ``answers/busy/rejects(after)`` and
``no_answer(network_timeout)`` count from the start of alerting; ``unreachable(after)`` and
``announcement(after)`` count from ATD (they never alert).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from .profiles import Profile
from .scheduler import Timer

# 24.008 cause and Huawei ^CEND end_status for each end reason.
# 104 = network end, 29 = client (we) ended.  Unreachable: 18 "no user responding" [I].
END_CAUSES: dict[str, tuple[int, int]] = {
    "busy": (104, 17),
    "no_answer": (104, 19),
    "rejected": (104, 21),
    "unreachable": (104, 18),
    "remote_hangup": (104, 16),
    "host": (29, 16),
    "dropped": (104, 31),
}

@dataclass(frozen=True)
class Callee:
    """What the far end (or the network) does when this number is dialled."""

    kind: str
    after: float = 1.0
    hangup_after: float | None = None
    network_timeout: float = 60.0
    duration: float = 2.0
    error: str = "+CME ERROR: 30"
    press: str | None = None
    press_after: float = 1.0
    cause: int | None = None  # the 24.008 release cause reported (AT+CEER), if not the reason's own

    @classmethod
    def answers(cls, after: float = 1.0, hangup_after: float | None = None,
                press: str | None = None, press_after: float = 1.0) -> "Callee":
        """Alerting, then a person answers after ``after`` s; stays up until someone hangs up.

        ``press`` makes the callee press that DTMF key ``press_after`` s after answering.
        """
        return cls("answers", after=after, hangup_after=hangup_after, press=press, press_after=press_after)

    @classmethod
    def busy(cls, after: float = 1.0) -> "Callee":
        """Alerting, then the far end is busy ``after`` s later (17 "User busy")."""
        return cls("busy", after=after)

    @classmethod
    def no_answer(cls, network_timeout: float = 60.0) -> "Callee":
        """Alerting until the network gives up ``network_timeout`` s later (19 "no answer")."""
        return cls("no_answer", network_timeout=network_timeout)

    @classmethod
    def unreachable(cls, after: float = 0.5) -> "Callee":
        """Never alerts: the network ends the call ``after`` s from ATD (switched off, no coverage)."""
        return cls("unreachable", after=after)

    @classmethod
    def barred(cls, after: float = 0.2) -> "Callee":
        """A SIM in debt or suspended: the network ends every call at once, before any
        alerting, with cause 8 "Operator determined barring" [I]."""
        return cls("unreachable", after=after, cause=8)

    @classmethod
    def rejects(cls, after: float = 1.0) -> "Callee":
        """Alerting, then the callee declines ``after`` s later (21 "Call rejected")."""
        return cls("rejects", after=after)

    @classmethod
    def announcement(cls, after: float = 0.5, duration: float = 2.0) -> "Callee":
        """The network itself answers (e.g. China Telecom ``*72`` codes) and releases later."""
        return cls("announcement", after=after, duration=duration)

    @classmethod
    def fails(cls, error: str = "+CME ERROR: 30") -> "Callee":
        return cls("fails", error=error)

    @classmethod
    def parse(cls, spec: str) -> "Callee":
        """CLI form: ``answer[:after[:hangup_after]]``, ``busy[:after]``, ``noanswer[:timeout]``,
        ``unreachable[:after]``, ``reject[:after]``, ``announce[:after[:duration]]``,
        ``fail[:error text]``."""
        name, _, rest = spec.strip().partition(":")
        name = name.lower().replace("_", "").replace("-", "")
        if name in ("fail", "fails"):
            return cls.fails(rest) if rest else cls.fails()
        nums = [float(x) for x in rest.split(":") if x != ""] if rest else []
        table: dict[str, Callable[..., Callee]] = {
            "answer": cls.answers, "answers": cls.answers,
            "busy": cls.busy,
            "noanswer": cls.no_answer,
            "unreachable": cls.unreachable,
            "reject": cls.rejects, "rejects": cls.rejects,
            "announce": cls.announcement, "announcement": cls.announcement,
        }
        if name not in table:
            raise ValueError(f"unknown callee spec {spec!r}")
        return table[name](*nums)


@dataclass
class CallRecord:
    """What happened to one ATD, for test assertions.

    ``outcome``: None while undecided, then answered | busy | no_answer | rejected |
    unreachable | failed | cancelled (host hung up before an answer) | dropped (modem
    reset/unplug).  A network announcement is ``answered`` too (the line connected, which is
    all a modem can see); ``script`` tells which callee script ran ('announcement').
    ``ended_by``: 'host' | 'network' | None.  ``spoken``: each TTS piece the far end was
    played (or began to be: a stop or the call's end may cut it short), decoded, in order.
    """

    number: str
    outcome: str | None = None
    dialed_at: float = 0.0
    alerting_at: float | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    ended_by: str | None = None
    script: str = ""
    cause: int | None = None
    spoken: tuple[str, ...] = ()

    def snapshot(self) -> "CallRecord":
        return dataclasses.replace(self)


class CallHost(Protocol):
    profile: Profile

    def gate(self, name: str) -> bool: ...
    def emit_urc(self, text: str) -> None: ...
    def event(self, text: str) -> None: ...
    def later(self, delay: float, fn: Callable[..., Any], *args: Any) -> Timer: ...
    def call_ended(self, call: "Call") -> None: ...
    def dtmf(self, key: str) -> None: ...


_CLCC_STAT = {"dialing": 2, "alerting": 3, "active": 0}


def hhmmss(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}{s % 3600 // 60:02d}{s % 60:02d}"


class Call:
    def __init__(self, host: CallHost, number: str, callee: Callee, alerting_delay: float, call_id: int) -> None:
        self.host = host
        self.number = number
        self.callee = callee
        self.alerting_delay = alerting_delay
        self.id = call_id
        self.phase = "dialing"
        self.record = CallRecord(number=number, dialed_at=time.monotonic(), script=callee.kind)
        self._timers: list[Timer] = []
        # True while a blocking ATD (profile.atd_blocks) still waits for its result code
        self.blocking = False
        # the timed end report of a call the host hung up with ``report_delay`` (until it is sent)
        self.late_report: Timer | None = None

    # --- helpers -------------------------------------------------------------------------
    @property
    def ended(self) -> bool:
        return self.phase == "ended"

    @property
    def num_type(self) -> int:
        return 145 if self.number.startswith("+") else 129

    def _after(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        self._timers.append(self.host.later(delay, fn, *args))

    def _fields(self, reason: str | None = None) -> dict[str, Any]:
        dur = 0.0
        if self.record.answered_at is not None:
            dur = (self.record.ended_at or time.monotonic()) - self.record.answered_at
        end_status, cause = END_CAUSES.get(reason or "", (0, 0))
        return dict(id=self.id, n=self.number, type=self.num_type, alpha=self.host.profile.clcc_alpha,
                    hhmmss=hhmmss(dur), dur=int(dur), end_status=end_status, cause=cause)

    def _report(self, event: str, reason: str | None = None) -> None:
        fields = self._fields(reason)
        connected = self.record.answered_at is not None
        for rule in self.host.profile.call_urcs.get(event, ()):
            if rule.gate and not self.host.gate(rule.gate):
                continue
            if rule.connected is not None and rule.connected != connected:
                continue
            if reason in rule.skip_reasons:
                continue
            self.host.emit_urc(rule.template.format(**fields))

    def clcc_line(self) -> str:
        return '+CLCC: {id},0,{stat},0,0,"{n}",{type}{alpha}'.format(
            stat=_CLCC_STAT[self.phase], **self._fields())

    # --- script ----------------------------------------------------------------------------
    def start(self) -> None:
        """Called after ATD's OK has been queued (or, on blocking-ATD profiles, instead of it):
        run the callee script."""
        self.blocking = self.host.profile.atd_blocks
        self._after(0.0, self._dialing)
        c = self.callee
        if c.kind in ("unreachable",):
            self._after(c.after, self.end, "unreachable", "network")
        elif c.kind == "announcement":
            self._after(c.after, self._connect)
        else:
            self._after(self.alerting_delay, self._alert)

    def _dialing(self) -> None:
        self.host.event(f"call {self.number} dialing ({self.callee.kind})")
        self._report("dialing")

    def _alert(self) -> None:
        if self.ended:
            return
        self.phase = "alerting"
        self.record.alerting_at = time.monotonic()
        self.host.event(f"call {self.number} alerting")
        self._report("alerting")
        c = self.callee
        if c.kind == "answers":
            self._after(c.after, self._connect)
        elif c.kind == "busy":
            self._after(c.after, self.end, "busy", "network")
        elif c.kind == "rejects":
            self._after(c.after, self.end, "rejected", "network")
        elif c.kind == "no_answer":
            self._after(c.network_timeout, self.end, "no_answer", "network")

    def _connect(self) -> None:
        if self.ended:
            return
        self.phase = "active"
        self.record.answered_at = time.monotonic()
        self.record.outcome = "answered"
        who = "by the network (announcement)" if self.callee.kind == "announcement" else "by the callee"
        self.host.event(f"call {self.number} answered {who}")
        self._report("connected")
        if self.blocking:  # the answer completes the blocked ATD
            self.blocking = False
            self.host.emit_urc(self.host.profile.answer_final)
        c = self.callee
        if c.kind == "announcement":
            self._after(c.duration, self.end, "remote_hangup", "network")
        elif c.hangup_after is not None:
            self._after(c.hangup_after, self.end, "remote_hangup", "network")
        if c.press:
            self._after(c.press_after, self._press, c.press)

    def _press(self, keys: str) -> None:
        if self.phase == "active":
            for k in keys:
                self.host.dtmf(k)

    def end(self, reason: str, by: str, final: str | None | bool = True, report_delay: float = 0.0) -> None:
        """Finish the call.  ``final`` True: the profile's final code for ``reason``;
        a string: that line; None/False: nothing after the end URCs.

        ``report_delay`` > 0: the call is over at once (gone from AT+CLCC, the record closed)
        but its end URCs and that final line are sent only ``report_delay`` s later, as a
        loaded modem does after a host hang-up (``Emulator(end_report_delay=...)``).
        """
        if self.ended:
            return
        for t in self._timers:
            t.cancel()
        rec = self.record
        rec.ended_at = time.monotonic()
        rec.ended_by = by
        rec.cause = self.callee.cause or END_CAUSES.get(reason, (0, 0))[1]
        if rec.outcome is None:
            rec.outcome = {"busy": "busy", "no_answer": "no_answer", "rejected": "rejected",
                           "unreachable": "unreachable", "host": "cancelled"}.get(reason, "dropped")
        self.host.event(f"call {self.number} ended by {by} ({reason}, outcome {rec.outcome})")
        self.blocking = False
        if reason != "dropped":
            if report_delay > 0:
                self.host.event(f"call {self.number} end report delayed by {report_delay:g}s")
                self.late_report = self.host.later(report_delay, self._end_report, reason, final, True)
            else:
                self._end_report(reason, final)
        self.phase = "ended"
        self.host.call_ended(self)

    def _end_report(self, reason: str, final: str | None | bool, late: bool = False) -> None:
        """The end URCs and the final line for ``reason`` (see ``end``)."""
        if late:
            if self.late_report is None:  # cancelled by a reset or unplug meanwhile
                return
            self.late_report = None
            self.host.event(f"call {self.number} late end report")
        prof = self.host.profile
        line = prof.end_finals.get(reason) if final is True else final
        line = line.format(**self._fields(reason)) if line else None
        if line and prof.end_final_first:
            self.host.emit_urc(line)
        self._report("ended", reason)
        if line and not prof.end_final_first:
            self.host.emit_urc(line)

    def cancel_late_report(self) -> bool:
        """Forget a pending late end report (the modem reset); True if there was one."""
        timer, self.late_report = self.late_report, None
        if timer is None:
            return False
        timer.cancel()
        return True


def abort_blocking_dial(calls: list[Call], profile: Profile, b: int, log: Callable[[str, str], None]) -> str:
    """While a blocking ATD runs, any character aborts it (V.250): "aborted", or "ignored"
    within the profile's ``abort_guard`` after the ATD line (V.250 5.6.1 allows for a DTE that
    appends a line feed), or "" when no dial is running and ``b`` is ordinary input.  The
    aborting character is not echoed [I]."""
    call = next((c for c in calls if c.blocking), None)
    if call is None:
        return ""
    if time.monotonic() - call.record.dialed_at < profile.abort_guard:
        log("event", f"ignored {bytes([b])!r} right after ATD (V.250 abort guard)")
        return "ignored"
    log("rx", f"<abort {bytes([b])!r}>")
    log("event", f"ATD{call.number}; aborted by a character from the host")
    call.end("host", "host", final=profile.abort_final)
    return "aborted"
