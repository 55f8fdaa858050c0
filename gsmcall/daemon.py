"""The loop that ties intake, escalation, the modem and the report together.

One thread owns the modem: alerts and SMS commands take turns, so an SMS command waits
for a running alert call and the other way round.  The idle wait is a wait on the modem's
URC stream with the poll interval as its timeout, so a ``+CMTI`` is acted upon at once
and nothing is polled faster than it needs to be.  Faults are handled where they belong:
an endpoint fault is retried with back-off; a modem fault closes the port, reopens it with
back-off, re-initialises it and resumes the unfinished alert from the journal.
"""

from __future__ import annotations

import logging
import threading
import time

from gsmcall import heartbeat, sdnotify
from gsmcall.alerts import Alert, AlertClient, EndpointError
from gsmcall.at.sms_lines import parse_cmti, parse_storage_full
from gsmcall.at.urcs import is_boot_marker
from gsmcall.backoff import Backoff, HealthLog
from gsmcall.call.dialer import CallTiming, hang_up_all, place_call
from gsmcall.call.outcome import Attempt
from gsmcall.config import Settings
from gsmcall.escalation import Escalation
from gsmcall.journal import Journal, JournalError
from gsmcall.metrics import Metrics
from gsmcall.modem.channel import LOST, AtChannel, Signal, UrcStream
from gsmcall.modem.errors import FatalModemError, ModemError, PortBusy, Stopped
from gsmcall.modem.setup import ModemInfo, check_alive, initialise
from gsmcall.sms.inbox import SmsInbox

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_STATE = 2  # the state database failed: like a bad state.dir
EXIT_MODEM = 3
EXIT_ENDPOINT = 4

HEALTH_PROBE_EVERY = 60.0
# Callbacks retry soon at first (a blip), then back off to one every few minutes.
CALLBACK_RETRY_BASE = 1.0
CALLBACK_RETRY_CAP = 300.0
# The port usually returns within seconds of a USB re-enumeration: keep trying often.
MODEM_RETRY_BASE = 0.5
MODEM_RETRY_CAP = 5.0
# A modem that worked this long since its last (re)connect starts its back-off afresh.
MODEM_HEALTHY_AFTER = 60.0


class Daemon:
    def __init__(self, settings: Settings, once: bool = False) -> None:
        self.settings = settings
        self.once = once
        self.stop = threading.Event()
        self.channel = AtChannel(settings.modem.port, settings.modem.baudrate, settings.modem.command_timeout)
        self.journal = Journal(settings.state.dir)
        self.client = AlertClient(settings.alerts)
        self.info: ModemInfo | None = None
        self.metrics = Metrics()
        if settings.metrics.address is not None:
            self.metrics.serve(*settings.metrics.address)
        self.escalation = Escalation(self.journal, self._dial, settings.calls.gap, self.stop)
        self.inbox = SmsInbox(self.channel, settings.sms, self.journal, self._dial, self.metrics.sms_processed)
        self._endpoint_health = HealthLog("alert endpoint", log)
        self._modem_health = HealthLog("modem", log)
        self._callback_health = HealthLog("callback delivery", log)
        self._poll_backoff = Backoff(min(2.0, settings.alerts.poll_interval), max(60.0, settings.alerts.poll_interval))
        self._modem_backoff = Backoff(MODEM_RETRY_BASE, MODEM_RETRY_CAP)
        self._callback_backoff = Backoff(CALLBACK_RETRY_BASE, CALLBACK_RETRY_CAP)
        self._sms_indications: list[int] = []
        self._sweep_needed = False
        self._connected_at = 0.0
        self._next_probe = 0.0
        self._offered_again: str | None = None
        self._verify_modem = False
        self._reconnect_at = 0.0

    def request_stop(self) -> None:
        """Called from a signal handler: finish or cut the current call, then exit 0.

        The handler runs in the main thread, which may hold the channel's lock or a
        queue's at that moment: waking the waiters is left to a thread of its own."""
        self.stop.set()
        threading.Thread(target=self._wake_for_stop, name="stop", daemon=True).start()

    def _wake_for_stop(self) -> None:
        self.channel.interrupt()
        sdnotify.stopping()

    # --- entry points --------------------------------------------------------------------
    def run(self) -> int:
        try:
            with self.channel.subscribe() as urcs:
                return self._run_once(urcs) if self.once else self._run_forever(urcs)
        except FatalModemError as exc:
            log.error("%s", exc)
            return EXIT_MODEM
        except Stopped:
            log.info("stopped while the modem was being initialised")
            return EXIT_OK
        except JournalError as exc:
            log.error("state.dir: %s; stopping so nothing is rung without a record", exc)
            return EXIT_STATE
        finally:
            self._shutdown()

    def _run_once(self, urcs: UrcStream) -> int:
        try:
            self._connect()
        except ModemError as exc:
            log.error("modem unavailable: %s", exc)
            return EXIT_MODEM
        code = EXIT_OK
        try:
            if not self._deliver_callbacks():
                code = EXIT_ENDPOINT
            self._take_urcs(urcs)
            resuming = self.journal.unfinished_alert() is not None
            if not self._resume_alert():
                return EXIT_OK
            if not resuming:  # at most one alert per run: a resumed one counts
                try:
                    alert = self.client.poll()
                except EndpointError as exc:
                    log.error("alert endpoint: %s", exc)
                    code = EXIT_ENDPOINT
                else:
                    if alert is None:
                        log.info("no alert")
                    else:
                        self._take_alert(alert)
            if not self._deliver_callbacks():
                code = EXIT_ENDPOINT
            self._handle_sms(urcs)  # after the alert: commands stored while we were down
        except ModemError as exc:
            log.error("modem fault: %s; the alert stays journaled and resumes on the next run", exc)
            return EXIT_MODEM
        return code

    def _run_forever(self, urcs: UrcStream) -> int:
        try:
            self._connect()
        except PortBusy as exc:
            # At start a held port means a second gsmcall or ModemManager: say so and
            # stop, rather than fight over the modem.  Later, a brief holder is waited out.
            log.error("%s", exc)
            return EXIT_MODEM
        except ModemError as exc:
            self._modem_down(str(exc))
        next_poll = 0.0
        while not self.stop.is_set():
            if self.info is None and not self._reconnect():
                continue
            try:
                self._alive()
                self._deliver_callbacks()
                self._take_urcs(urcs)
                if not self._resume_alert():
                    continue
                now = time.monotonic()
                if now >= next_poll:
                    next_poll = now + self._poll()
                    continue
                self._handle_sms(urcs)  # alerts first: an SMS command waits for them
                if self._verify_modem or now >= self._next_probe:
                    self._probe()
                self.inbox.expire()
                self._idle_wait(urcs, min(next_poll, self._callback_due(), self._next_probe))
            except ModemError as exc:
                self._modem_down(str(exc))
        return EXIT_OK

    # --- pieces --------------------------------------------------------------------------
    def _connect(self) -> None:
        self.channel.close()
        self.channel.open()
        self.info = initialise(self.channel, self.settings.modem, self.settings.sms.enabled)
        hang_up_all(self.channel, self.info.profile)  # a call left up by a crash, or a fault mid-call
        self._connected_at = time.monotonic()
        self._next_probe = self._connected_at + HEALTH_PROBE_EVERY
        self.metrics.modem_up(True)
        self.metrics.registration(self.info.registration)
        self.metrics.signal_dbm(self.info.signal_dbm)
        sdnotify.ready()
        sdnotify.status(f"modem up: {self.info.model or self.info.profile.name}, {self.info.registration}")
        self._sweep_needed = self.settings.sms.enabled

    def _reconnect(self) -> bool:
        """Wait out the back-off, then reconnect.  The back-off is not reset by a reconnect
        that works, only by a modem that then stays healthy, so a fault that recurs on
        every dial (a modem refusing calls) cannot ring or retry in a tight loop."""
        if self.stop.wait(max(0.0, self._reconnect_at - time.monotonic())):
            return False
        try:
            self._connect()
        except ModemError as exc:
            self._modem_health.failed(str(exc))
            self._reconnect_at = time.monotonic() + self._modem_backoff.next_delay()
            return False
        self._modem_health.succeeded()
        return True

    def _modem_down(self, reason: str) -> None:
        self._modem_health.failed(reason)
        if self.info is not None and time.monotonic() - self._connected_at >= MODEM_HEALTHY_AFTER:
            self._modem_backoff.reset()
        self._reconnect_at = time.monotonic() + self._modem_backoff.next_delay()
        self.info = None
        self.channel.close()
        self.metrics.modem_up(False)
        sdnotify.status(f"modem lost: {reason}")

    def _probe(self) -> None:
        """The idle health check: one ``AT`` a minute, so a dead modem is noticed, and after
        a boot URC, to tell a restart (it echoes again) from a late "PB DONE"."""
        self._next_probe = time.monotonic() + HEALTH_PROBE_EVERY
        self._verify_modem = False
        check_alive(self.channel)

    def _alive(self) -> None:
        """Tell systemd and the container's health check that we work: only while the
        modem answers, so a dead modem gets the service restarted."""
        sdnotify.watchdog()
        heartbeat.touch(self.settings.state.dir)

    def _dial(self, number: str) -> Attempt:
        assert self.info is not None
        self._alive()  # a long alert list must not look like a hang
        timing = CallTiming(self.settings.calls.ring_timeout, self.settings.calls.hold)
        attempt = place_call(self.channel, self.info.profile, number, timing, self.stop)
        self.metrics.call_finished(attempt.result.value)
        return attempt

    def _resume_alert(self) -> bool:
        """Finish an alert left unfinished by a crash or a fault; False when stopping."""
        progress = self.journal.unfinished_alert()
        if progress is None:
            return True
        finished = self.escalation.run(progress.mid, progress.phones)
        if finished:
            self._deliver_callbacks()
        return finished

    def _poll(self) -> float:
        """Poll the endpoint once and handle what it gives; returns seconds to the next poll."""
        try:
            alert = self.client.poll()
        except EndpointError as exc:
            self._endpoint_health.failed(str(exc))
            return self._poll_backoff.next_delay() + 1.0
        self._endpoint_health.succeeded()
        self._poll_backoff.reset()
        self.metrics.poll_succeeded(time.time())
        if alert is not None and self._take_alert(alert):
            return 0.0  # there may be another alert waiting
        return self.settings.alerts.poll_interval

    def _take_alert(self, alert: Alert) -> bool:
        """Ring a new alert; True when it was rung (False: it was ours already)."""
        state = self.journal.callback_state(alert.mid)
        if state is None:
            self.escalation.run(alert.mid, alert.phones)
            self._deliver_callbacks()
            return True
        if alert.mid != self._offered_again:
            self._offered_again = alert.mid
            if state == "delivered":
                # Our POST may have been lost on the endpoint's side: report again, never ring again.
                log.warning("alert %s was already rung and reported; posting its result again", alert.mid)
                self.journal.requeue_callback(alert.mid, time.time())
            else:
                log.info("alert %s was already rung; its result is still being delivered", alert.mid)
        self._deliver_callbacks()
        return False

    def _deliver_callbacks(self) -> bool:
        """Post every due callback (in --once, every pending one); True when none is left."""
        for callback in self.journal.pending_callbacks(float("inf") if self.once else time.time()):
            try:
                self.client.post_result(callback.mid, callback.resp, callback.body.get("attempts", []))
            except EndpointError as exc:
                delay = self._callback_backoff.next_delay()
                self.journal.callback_failed(callback.mid, time.time() + delay)
                self._callback_health.failed(f"callback for {callback.mid} not delivered ({exc})")
                continue
            self._callback_backoff.reset()
            self._callback_health.succeeded()
            self.journal.callback_delivered(callback.mid)
            log.info("alert %s reported: %s", callback.mid,
                     f"answered by {callback.resp}" if callback.resp else "nobody answered")
        pending = len(self.journal.pending_callbacks(float("inf")))
        self.metrics.callbacks_pending(pending)
        return pending == 0

    def _callback_due(self) -> float:
        due = self.journal.next_callback_due()
        return float("inf") if due is None else time.monotonic() + max(0.0, due - time.time())

    def _idle_wait(self, urcs: UrcStream, until: float) -> None:
        # Wake in time to feed systemd's watchdog at the interval it asked for.
        feed_every = sdnotify.watchdog_interval()
        if feed_every is not None:
            until = min(until, time.monotonic() + feed_every)
        self._take_urcs(urcs, wait=until - time.monotonic())

    def _take_urcs(self, urcs: UrcStream, wait: float = 0.0) -> None:
        """Handle the URCs that arrived, waiting up to ``wait`` for the first."""
        item = urcs.get(wait)
        while item is not None:
            self._on_urc(*item)
            item = urcs.get(0)

    def _on_urc(self, arrived: float, payload: str | Signal) -> None:
        stale = arrived < self._connected_at  # from before the last (re)initialisation
        if isinstance(payload, Signal):
            if payload is LOST and not stale:
                raise ModemError("modem port lost")
            return
        cmti = parse_cmti(payload)
        if cmti is not None:
            if self.settings.sms.enabled:
                self._sms_indications.append(cmti[1])
        elif parse_storage_full(payload):
            log.warning("the modem's SMS storage is full; sweeping it")
            self._sweep_needed = True
        elif is_boot_marker(payload) and not stale:
            self._verify_modem = True

    def _handle_sms(self, urcs: UrcStream) -> None:
        """Act on the SMS that arrived, including those that came during a call."""
        self._take_urcs(urcs)
        if not self.settings.sms.enabled:
            return
        if self._sweep_needed:
            self._sweep_needed = False
            self.inbox.sweep()
        while self._sms_indications and not self.stop.is_set():
            self.inbox.on_indication(self._sms_indications.pop(0))

    def _shutdown(self) -> None:
        if self.info is not None and self.channel.is_open:
            try:
                hang_up_all(self.channel, self.info.profile)
            except ModemError as exc:
                log.warning("at exit: %s", exc)
        self.channel.close()
        self.client.close()
        self.journal.close()
        self.metrics.close()
