"""Keep the modem usable: connect, notice faults, reconnect with back-off, probe when idle.

A fault closes the port and marks the modem down; the loop then calls ``reconnect``, which
waits out the back-off on the event queue (so SIGTERM still ends it at once), reopens,
re-initialises and hangs up anything a crash or a fault left up.  The back-off is reset
only once the modem has stayed healthy for a while, so a fault that recurs on every dial
(a modem refusing calls) is not retried in a tight loop.  systemd's watchdog and the
container's heartbeat are fed only while the modem answers.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from gsmcall import heartbeat, sdnotify
from gsmcall.backoff import Backoff, HealthLog
from gsmcall.call.runner import hang_up_all
from gsmcall.config import Settings
from gsmcall.daemon_status import StatusFile
from gsmcall.events import EventQueue
from gsmcall.modem.capabilities.probe import voice_of
from gsmcall.modem.capabilities.voice import Voice
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import ModemError
from gsmcall.modem.health import check_alive
from gsmcall.modem.setup import ModemInfo, initialise
from gsmcall.runtime.ping import Pinger

if TYPE_CHECKING:
    from gsmcall.metrics import Metrics

log = logging.getLogger(__name__)

PROBE_EVERY = 60.0
# The port usually returns within seconds of a USB re-enumeration: keep trying often.
RETRY_BASE = 0.5
RETRY_CAP = 5.0
# A modem that worked this long since its last (re)connect starts its back-off afresh.
HEALTHY_AFTER = 60.0


# An idle turn comes at least once per PROBE_EVERY, and a call re-asserts it before each dial.
HEALTHY_WITHIN = 180.0


class ModemSupervisor:
    def __init__(self, channel: AtChannel, events: EventQueue, settings: Settings, metrics: Metrics,
                 pinger: Pinger | None = None) -> None:
        """``pinger``: watchdog.ping_url's, pinged from ``alive`` (so also between the calls of a
        long escalation or a queue of pages), never while the modem is down."""
        self.channel = channel
        self._events = events
        self._settings = settings
        self._metrics = metrics
        self._backoff = Backoff(RETRY_BASE, RETRY_CAP)
        self._health = HealthLog("modem", log)
        self._reconnect_at = 0.0
        self.info: ModemInfo | None = None
        self.voice: Voice | None = None
        self.connected_at = 0.0
        self.verify_needed = False  # a boot URC came: tell a restart from a late "PB DONE"
        self._status = StatusFile(settings.state.dir)
        self._warned_no_keys = False
        self._alive_at: float | None = None
        self.pinger = pinger
        self._status.modem_down("starting")

    @property
    def up(self) -> bool:
        return self.info is not None

    def connect(self) -> None:
        """Open and initialise; raises ModemError (retry), FatalModemError or Stopped."""
        self.channel.close()
        self._events.forget_lost_port()
        self.channel.open()
        info = initialise(self.channel, self._events, self._settings.modem.profile, self._settings.modem.pin,
                          self._settings.sms.enabled, state_dir=self._settings.state.dir)
        voice = voice_of(self.channel, info.profile, info.capabilities)
        hang_up_all(voice, self._events)  # a call left up by a crash, or a fault mid-call
        self.info, self.voice = info, voice
        self.connected_at = time.monotonic()
        self._events.schedule("probe", self.connected_at + PROBE_EVERY)
        log.info("modem capabilities: %s", info.capabilities.describe())
        if self._settings.calls.ack == "key" and voice.keys is None and not self._warned_no_keys:
            self._warned_no_keys = True
            log.warning("calls.ack is key but this modem cannot hear keys: an answer ends the escalation "
                        "(reported as answered, never acknowledged)")
        self._metrics.modem_up(True)
        self._metrics.capabilities(info.capabilities.flags())
        self._metrics.registration(info.registration)
        self._metrics.signal_dbm(info.signal_dbm)
        sdnotify.ready()
        summary = f"{info.model or info.profile.name}, {info.registration}"
        sdnotify.status(f"modem up: {summary}")
        self._status.modem_up(summary + (f", {info.signal_dbm:.0f} dBm" if info.signal_dbm is not None else ""))

    @property
    def reconnect_at(self) -> float:
        """Monotonic time the back-off allows the next reconnect attempt."""
        return self._reconnect_at

    def reconnect(self) -> bool:
        """Reconnect (the loop waited out the back-off); False when it failed again."""
        try:
            self.connect()
        except ModemError as exc:
            self._health.failed(str(exc))
            self._reconnect_at = time.monotonic() + self._backoff.next_delay()
            return False
        self._health.succeeded()
        return True

    def down(self, reason: str) -> None:
        self._health.failed(reason)
        if self.info is not None and time.monotonic() - self.connected_at >= HEALTHY_AFTER:
            self._backoff.reset()
        self._reconnect_at = time.monotonic() + self._backoff.next_delay()
        self.info = self.voice = None
        self.channel.close()
        self._metrics.modem_up(False)
        sdnotify.status(f"modem lost: {reason}")
        self._status.modem_down(reason)

    def probe_if_due(self) -> None:
        """The idle health check: one ``AT`` a minute, so a dead modem is noticed, and after
        a boot URC, to tell a restart (it echoes again) from a late "PB DONE"."""
        if not (self.verify_needed or self._events.due("probe")):
            return
        self._events.schedule("probe", time.monotonic() + PROBE_EVERY)
        self.verify_needed = False
        check_alive(self.channel)

    def alive(self) -> None:
        """Tell systemd and the container's health check that we work: only while the
        modem answers, so a dead modem gets the service restarted."""
        sdnotify.watchdog()
        heartbeat.touch(self._settings.state.dir)
        self._alive_at = time.monotonic()
        if self.pinger is not None:
            self.pinger.turn()

    def health_headers(self) -> dict[str, str]:
        """DESIGN §3's headers on every request to the endpoint: the modem up or down, and
        the signal in dBm when known, so the seed's server can watch its caller."""
        headers = {"X-Gsmcall-Modem": "up" if self.up else "down"}
        if self.info is not None and self.info.signal_dbm is not None:
            headers["X-Gsmcall-Signal"] = str(round(self.info.signal_dbm))
        return headers

    def healthy(self) -> bool:
        """What the intake's ``/healthz`` says: the loop said it works within ``HEALTHY_WITHIN``
        (every turn does, and every call it places), so a stuck loop or a dead modem is a 503."""
        return self.up and self._alive_at is not None and time.monotonic() - self._alive_at < HEALTHY_WITHIN

    def shutdown(self) -> None:
        if self.voice is not None and self.channel.is_open:
            try:
                hang_up_all(self.voice, self._events)
            except ModemError as exc:
                log.warning("at exit: %s", exc)
        self.channel.close()
        self._status.stopped()
