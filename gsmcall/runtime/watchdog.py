"""Watch the watcher (DESIGN §9): tell the admins by SMS when alerting itself is broken.

The parts that see a failure call in here (the poller, the caller, the outbox); the rule of
when to tell is ``policy.alarm``; the state lives in the journal's marks, so a restart while
broken neither forgets the first failure nor sends a second alarm; the SMS go through the
durable outbox with keys made of the failure's start, so an alarm and its recovery notice
are each sent once, also across a crash between the two writes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from gsmcall.at.barring import barring_cause
from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.policy.alarm import Broken, Tell, failed, succeeded
from gsmcall.settings import WatchdogSettings
from gsmcall.store import Journal

log = logging.getLogger(__name__)

# Plain data, so a team can read what its admins will get (and change it in one place).
TEXTS = {
    ("endpoint", Tell.ALARM): "gsmcall：告警接口自 {since} 起无法访问（{reason}），新告警无法送达，请检查。",
    ("endpoint", Tell.RECOVERED): "gsmcall：告警接口已恢复（{since} 起中断 {minutes} 分钟）。",
    ("sim", Tell.ALARM): "gsmcall：SIM 卡被网络拒绝（{reason}），可能欠费或停机，告警电话打不出去，请检查。",
    ("sim", Tell.RECOVERED): "gsmcall：SIM 卡已恢复，可以正常呼出（{since} 起受阻 {minutes} 分钟）。",
}
KEEPALIVE_TEXT = "gsmcall：保号短信，值班告警系统运行正常。"

# The network put these calls through to a phone, or refused them before any phone rang.
_REACHED_A_PHONE = frozenset({CallResult.ACKNOWLEDGED, CallResult.ANSWERED, CallResult.NO_ANSWER,
                              CallResult.BUSY, CallResult.REJECTED})
_NOT_CONNECTED = frozenset({CallResult.FAILED, CallResult.UNREACHABLE})

Enqueue = Callable[[str, str, str], bool]  # (number, text, key) -> newly queued
Count = Callable[[str, str], None]  # (what, outcome)
KEEPALIVE_MARK = "watchdog.keepalive"


class Watchdog:
    def __init__(self, settings: WatchdogSettings, journal: Journal, enqueue: Enqueue, count: Count,
                 clock: Callable[[], float] = time.time) -> None:
        self._settings = settings
        self._journal = journal
        self._enqueue = enqueue
        self._count = count
        self._clock = clock
        # What is broken, as journaled: read once, then written through (the watchdog is the
        # marks' only writer), so a poll or a turn costs no journal read.
        self._broken: dict[str, Broken | None] = {}
        self._last: dict[str, object] = {}  # the keep-alive's last time, likewise

    # --- the alert endpoint --------------------------------------------------------------------

    def poll_failed(self, reason: str) -> None:
        self._failed("endpoint", reason, self._settings.endpoint_down_after)

    def poll_succeeded(self) -> None:
        self._succeeded("endpoint")

    # --- the SIM ---------------------------------------------------------------------------------

    def call_placed(self, attempt: Attempt) -> None:
        """A call refused with a barring error (in its result or its release cause), or one
        that reached a phone: only that proves the SIM may call again; an unreachable or
        failed call proves nothing either way."""
        cause = barring_cause(attempt.detail) if attempt.result in _NOT_CONNECTED else None
        if cause is not None:
            log.error("the SIM was refused a call: %s; it may be barred or in debt", cause)
            self._failed("sim", cause, 0.0)
        elif attempt.result in _REACHED_A_PHONE:
            self._succeeded("sim")

    def sms_refused(self, error: str) -> None:
        cause = barring_cause(error)
        if cause is not None:
            log.error("the SIM was refused an SMS: %s; it may be barred or in debt", cause)
            self._failed("sim", cause, 0.0)

    def sms_sent(self) -> None:
        """An SMS went out: a SIM marked refused for its SMS (``+CMS``) may send again."""
        state = self._state("sim")
        if state is not None and state.reason.startswith("+CMS"):
            self._succeeded("sim")

    def sim_refused(self) -> bool:
        """The network refused the SIM's last call with a barring error."""
        return self._state("sim") is not None

    # --- the keep-alive --------------------------------------------------------------------------

    def keepalive_if_due(self) -> None:
        """One SMS to the first admin every ``keepalive``, the first at start when none is on
        record; the key names the previous one, so a crash after queueing it queues no second."""
        every = self._settings.keepalive
        if every is None or not self._settings.admins:
            return
        if "keepalive" not in self._last:
            self._last["keepalive"] = self._journal.mark(KEEPALIVE_MARK)
        last = self._last["keepalive"]
        now = self._clock()
        if isinstance(last, (int, float)) and now - last < every:
            return
        if self._enqueue(self._settings.admins[0], KEEPALIVE_TEXT, f"watchdog:keepalive:{last or 'first'}"):
            log.info("watchdog: keep-alive SMS queued for the first admin")
            self._count("keepalive", "queued")
        self._journal.set_mark(KEEPALIVE_MARK, now)
        self._last["keepalive"] = now

    # --- shared ------------------------------------------------------------------------------------

    def _state(self, part: str) -> Broken | None:
        if part not in self._broken:
            self._broken[part] = Broken.from_json(self._journal.mark(f"watchdog.{part}"))
        return self._broken[part]

    def _record(self, part: str, state: Broken | None) -> None:
        self._journal.set_mark(f"watchdog.{part}", None if state is None else state.to_json())
        self._broken[part] = state

    def _failed(self, part: str, reason: str, after: float) -> None:
        before = self._state(part)
        state, tell = failed(before, reason, self._clock(), after)
        if tell is Tell.ALARM:
            self._tell(part, tell, state)  # queued before "told" is recorded: a crash between queues it again, once
        if state != before:
            self._record(part, state)

    def _succeeded(self, part: str) -> None:
        before = self._state(part)
        if before is None:
            return
        _, tell = succeeded(before)
        if tell is Tell.RECOVERED:
            self._tell(part, tell, before)
        self._record(part, None)

    def _tell(self, part: str, tell: Tell, state: Broken) -> None:
        minutes = max(1, round((self._clock() - state.since) / 60))
        text = TEXTS[(part, tell)].format(since=datetime.fromtimestamp(state.since).strftime("%m-%d %H:%M"),
                                          reason=state.reason[:40], minutes=minutes)
        level = logging.ERROR if tell is Tell.ALARM else logging.INFO
        admins = self._settings.admins
        for admin in admins:
            self._enqueue(admin, text, f"watchdog:{part}:{tell.value}:{state.since:.3f}:{admin}")
        told = f"telling {len(admins)} admin{'' if len(admins) == 1 else 's'} by SMS" if admins else "no watchdog.admins to tell"
        log.log(level, "watchdog: %s %s (%s): %s", part, "broken" if tell is Tell.ALARM else "recovered",
                told, state.reason)
        self._count(part, tell.value)

