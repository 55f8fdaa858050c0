"""The loop that owns a modem: one thread, waiting on one event queue and nothing else.

Each turn delivers due results, finishes an alert left unfinished, polls when the poll
timer is due, and only then acts on SMS commands and sends queued SMS, so an alert never
waits behind an SMS.  Between turns it waits on the event queue until the next timer (poll,
probe, a result or an SMS due, systemd's watchdog), so a ``+CMTI`` or SIGTERM is acted upon
at once.  Faults are handled where they belong: the poller backs off from a failing
endpoint; a modem fault makes the supervisor reconnect, and the unfinished alert resumes
from the journal.
"""

from __future__ import annotations

import logging
import threading
import time

from gsmcall import sdnotify
from gsmcall.exitcodes import EXIT_MODEM, EXIT_OK, EXIT_STATE, EXIT_ENDPOINT
from gsmcall.intake.alert import Alert
from gsmcall.intake.endpoint import EndpointError
from gsmcall.modem.errors import FatalModemError, ModemError, PortBusy, Stopped
from gsmcall.runtime.parts import Parts
from gsmcall.store import JournalError

log = logging.getLogger(__name__)


class Loop:
    def __init__(self, parts: Parts, once: bool = False) -> None:
        self.parts = parts
        self.once = once
        self.events = parts.events

    def request_stop(self) -> None:
        """Called from a signal handler, which may have interrupted a thread holding the
        queue's lock: the work is left to a thread of its own."""
        threading.Thread(target=self._stop_now, name="stop", daemon=True).start()

    def _stop_now(self) -> None:
        self.events.request_stop()
        sdnotify.stopping()

    def run(self) -> int:
        try:
            with self.parts.channel.attach(self.events):
                return self._run_once() if self.once else self._run_forever()
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
            self.parts.close()

    def _run_once(self) -> int:
        p = self.parts
        try:
            self._connect()
        except ModemError as exc:
            log.error("modem unavailable: %s", exc)
            return EXIT_MODEM
        code = EXIT_OK
        try:
            if not p.delivery.deliver():
                code = EXIT_ENDPOINT
            self._route()
            resuming = p.journal.unfinished_alert() is not None
            if not self._resume():
                return EXIT_OK
            if not resuming:  # at most one alert per run: a resumed one counts
                try:
                    alert = p.poller.poll()
                except EndpointError as exc:
                    log.error("alert endpoint: %s", exc)
                    code = EXIT_ENDPOINT
                else:
                    self._ring(alert) if alert is not None else log.info("no alert")
            if not p.delivery.deliver():
                code = EXIT_ENDPOINT
            self._messages()  # after the alert: commands stored while we were down
        except ModemError as exc:
            log.error("modem fault: %s; the alert stays journaled and resumes on the next run", exc)
            return EXIT_MODEM
        return code

    def _run_forever(self) -> int:
        p = self.parts
        try:
            self._connect()
        except PortBusy as exc:
            # At start a held port means a second gsmcall or ModemManager: say so and
            # stop, rather than fight over the modem.  Later, a brief holder is waited out.
            log.error("%s", exc)
            return EXIT_MODEM
        except ModemError as exc:
            p.supervisor.down(str(exc))
        self.events.schedule("poll", 0.0)
        while not self.events.stopping:
            if not p.supervisor.up:
                if not p.supervisor.reconnect():
                    continue
                self._after_connect()
            try:
                self._turn()
            except ModemError as exc:
                p.supervisor.down(str(exc))
        return EXIT_OK

    def _turn(self) -> None:
        p = self.parts
        p.supervisor.alive()
        p.delivery.deliver()
        self._route()
        if not self._resume():
            return
        if self.events.due("poll"):
            self._poll()
            return
        self._messages()  # alerts first: an SMS command waits for them
        p.supervisor.probe_if_due()
        p.inbox.expire()
        self._idle_wait()

    # --- pieces ------------------------------------------------------------------------------
    def _connect(self) -> None:
        self.parts.supervisor.connect()
        self._after_connect()

    def _after_connect(self) -> None:
        if self.parts.settings.sms.enabled:
            self.parts.inbox.request_sweep()  # what arrived while we were down

    def _route(self) -> None:
        for arrival in self.events.drain():
            self.parts.router.route(arrival)

    def _resume(self) -> bool:
        """Finish an alert left unfinished by a crash or a fault; False when stopping."""
        progress = self.parts.journal.unfinished_alert()
        if progress is None:
            return True
        finished = self.parts.escalation.run(progress.mid, progress.phones, progress.source)
        if finished:
            self.parts.delivery.deliver()
        return finished

    def _poll(self) -> None:
        try:
            alert = self.parts.poller.poll()
        except EndpointError:
            alert = None
        self.events.schedule("poll", time.monotonic() + self.parts.poller.next_delay)
        if alert is not None:
            self._ring(alert)

    def _ring(self, alert: Alert) -> None:
        self.parts.escalation.run(alert.key, alert.numbers, alert.source)
        self.parts.delivery.deliver()

    def _messages(self) -> None:
        """SMS in (commands) and out (the outbox), while no call is up."""
        self._route()
        if self.parts.settings.sms.enabled:
            self.parts.inbox.work(lambda: self.events.stopping)
        self.parts.outbox.flush()

    def _idle_wait(self) -> None:
        p = self.parts
        self.events.schedule("results", p.delivery.next_due())
        self.events.schedule("outbox", p.outbox.next_due())
        feed_every = sdnotify.watchdog_interval()  # wake in time to feed systemd's watchdog
        self.events.schedule("watchdog", time.monotonic() + feed_every if feed_every is not None else float("inf"))
        arrival = self.events.get(self.events.until_next_timer())
        if arrival is not None:
            p.router.route(arrival)
