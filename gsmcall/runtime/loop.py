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
from gsmcall.exitcodes import EXIT_MODEM, EXIT_OK, EXIT_SIM, EXIT_STATE
from gsmcall.modem.errors import (
    FatalModemError,
    ModemError,
    PortBusy,
    SimLocked,
    Stopped,
)
from gsmcall.redact import shown_url
from gsmcall.runtime.parts import Parts
from gsmcall.runtime.steps import Steps, run_once
from gsmcall.store import JournalError

log = logging.getLogger(__name__)


class Loop:
    def __init__(self, parts: Parts, once: bool = False) -> None:
        self.parts = parts
        self.once = once
        self.events = parts.events
        self.steps = Steps(parts)
        self._ready_said = False

    def request_stop(self) -> None:
        """Called from a signal handler, which may have interrupted a thread holding the
        queue's lock: the work is left to a thread of its own."""
        threading.Thread(target=self._stop_now, name="stop", daemon=True).start()

    def _stop_now(self) -> None:
        self.events.request_stop()
        self.parts.channel.wake()  # a dial that blocks until answered is aborted at once
        sdnotify.stopping()

    def run(self) -> int:
        try:
            with self.parts.channel.attach(self.events):
                return run_once(self.steps) if self.once else self._run_forever()
        except SimLocked as exc:
            log.error("%s", exc)
            return EXIT_SIM
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

    def _run_forever(self) -> int:
        supervisor = self.parts.supervisor
        try:
            self.steps.connect()
            self._say_ready()
        except PortBusy as exc:
            # At start a held port means a second gsmcall or ModemManager: say so and
            # stop, rather than fight over the modem.  Later, a brief holder is waited out.
            log.error("%s", exc)
            return EXIT_MODEM
        except ModemError as exc:
            supervisor.down(str(exc))
        self.events.schedule("poll", 0.0)
        while not self.events.stopping:
            if not supervisor.up:
                if not self._while_down():
                    continue
                self.steps.after_connect()
                self._say_ready()
            try:
                self._turn()
            except ModemError as exc:
                supervisor.down(str(exc))
        return EXIT_OK

    def _while_down(self) -> bool:
        """Wait for the next reconnect attempt, polling the endpoint when its timer comes
        first; True once the modem is back."""
        supervisor = self.parts.supervisor
        if not self.events.pause_until(min(supervisor.reconnect_at, self.events.timer("poll"))):
            return False
        if self.events.due("poll"):
            self.steps.poll(modem_up=False)
            self.parts.delivery.deliver()  # a result known before the fault needs no modem
            return False
        return supervisor.reconnect()

    def _say_ready(self) -> None:
        """The one INFO line an operator waits for after a start: the modem is up and polling
        begins.  A recovery says only that polling resumed; the supervisor said the rest."""
        if self._ready_said:
            log.info("modem back; polling again")
            return
        self._ready_said = True
        alerts = self.parts.settings.alerts
        log.info("ready: polling %s every %g s", shown_url(alerts.url, query=False), alerts.poll_interval)

    def _turn(self) -> None:
        p, steps = self.parts, self.steps
        p.supervisor.alive()
        p.delivery.deliver()
        steps.route()
        if p.watchdog is not None and p.watchdog.sim_refused():
            # The network refuses this SIM's calls: the alert below will fail again, so the
            # admins' SMS (and anything else queued) goes first, while SMS may still work.
            p.outbox.flush(lambda: self.events.stopping)
        if not steps.resume():
            return
        if p.journal.unfinished_alert() is not None:
            return  # more queued (webhook pages): oldest first, so the poll waits its turn
        if self.events.due("poll"):
            steps.poll()
            return
        steps.messages()  # alerts first: an SMS command waits for them
        steps.follow()  # and so does a handoff's forwarding change
        steps.watch()
        p.supervisor.probe_if_due()
        p.inbox.expire()
        self._idle_wait()

    def _idle_wait(self) -> None:
        p = self.parts
        self.events.schedule("results", p.delivery.next_due())
        self.events.schedule("outbox", p.outbox.next_due())
        self.events.schedule("handoff", p.follower.next_due() if p.follower is not None else float("inf"))
        pinger = p.supervisor.pinger
        self.events.schedule("ping", pinger.next_due() if pinger is not None else float("inf"))
        feed_every = sdnotify.watchdog_interval()  # wake in time to feed systemd's watchdog
        self.events.schedule("watchdog", time.monotonic() + feed_every if feed_every is not None else float("inf"))
        if self.events.has_aside():
            return  # a step set something aside (a +CMTI during an SMS command's call): next turn
        if p.journal.unfinished_alert() is not None:
            return  # a webhook page queued while this turn ran (its wake-up was routed away): ring it now
        arrival = self.events.get(self.events.until_next_timer())
        if arrival is not None:
            p.router.route(arrival)
