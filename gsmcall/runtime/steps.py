"""The steps a turn of the loop is made of, shared by the daemon and ``--once``.

Each step does one thing with the parts: connect, route what arrived, finish an alert
left unfinished, poll, ring an alert, handle SMS in and out.  When a step runs is the
business of whoever drives them (``Loop`` for the daemon, ``run_once`` for a single
cycle), so the two cannot drift apart in what a step means.
"""

from __future__ import annotations

import logging
import time

from gsmcall.exitcodes import EXIT_ENDPOINT, EXIT_MODEM, EXIT_OK
from gsmcall.intake.alert import Alert
from gsmcall.intake.endpoint import EndpointError
from gsmcall.modem.errors import ModemError
from gsmcall.runtime.parts import Parts

log = logging.getLogger(__name__)


class Steps:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.events = parts.events
        self._kept_while_down: set[str] = set()

    def connect(self) -> None:
        self.parts.supervisor.connect()
        self.after_connect()

    def after_connect(self) -> None:
        if self.parts.settings.sms.enabled:
            self.parts.inbox.request_sweep()  # what arrived while we were down

    def route(self) -> None:
        """Route everything that arrived; a lost port is raised after the rest is routed,
        so a ``+CMTI`` that came with it is not dropped."""
        fault: ModemError | None = None
        for arrival in self.events.drain():
            try:
                self.parts.router.route(arrival)
            except ModemError as exc:
                fault = fault or exc
        if fault is not None:
            raise fault

    def resume(self) -> bool:
        """Finish an alert left unfinished by a crash or a fault; False when stopping."""
        progress = self.parts.journal.unfinished_alert()
        if progress is None:
            return True
        finished = self.parts.escalation.run(progress.mid, progress.phones, progress.source, progress.text)
        if finished:
            self.parts.delivery.deliver()
        return finished

    def poll(self, modem_up: bool = True) -> None:
        """Poll now; the poll timer is set to when the poller wants the next one.

        While the modem is down the poll goes on (DESIGN §3: it is the endpoint's heartbeat
        of its caller, and the watchdog's view of the endpoint): an alert it brings is
        journaled, and the resume step rings it once the modem is back."""
        try:
            alert = self.parts.poller.poll()
        except EndpointError:
            alert = None
        delay = self.parts.poller.next_delay
        if not modem_up:  # "again at once, another may wait" would leave no turn for the reconnect
            delay = max(delay, self.parts.settings.alerts.poll_interval)
        self.events.schedule("poll", time.monotonic() + delay)
        if alert is None:
            return
        if modem_up:
            self.ring(alert)
        else:
            self.parts.journal.start_alert(alert.key, alert.numbers, alert.source, alert.text)
            if alert.key not in self._kept_while_down:  # offered again at every poll: said once
                self._kept_while_down.add(alert.key)
                log.warning("alert %s: the modem is down; it is journaled and rung once the modem is back", alert.key)

    def ring(self, alert: Alert) -> None:
        self.parts.escalation.run(alert.key, alert.numbers, alert.source, alert.text)
        self.parts.delivery.deliver()

    def messages(self) -> None:
        """SMS in (commands) and out (the outbox), while no call is up."""
        self.route()
        if self.parts.settings.sms.enabled:
            self.parts.inbox.work()
        self.parts.outbox.flush(lambda: self.events.stopping)

    def follow(self) -> None:
        """Forwarding follows the roster, between alerts, never during one (``forwarding.follow_roster``)."""
        if self.parts.follower is not None:
            self.parts.follower.work()

    def watch(self) -> None:
        """The watchdog's part of a healthy turn: the keep-alive SMS when due (the ping goes
        with every ``supervisor.alive``)."""
        if self.parts.watchdog is not None:
            self.parts.watchdog.keepalive_if_due()


def run_once(steps: Steps) -> int:
    """One cycle (``--once``): pending results, stored SMS, one poll, at most one alert."""
    p = steps.parts
    try:
        steps.connect()
    except ModemError as exc:
        log.error("modem unavailable: %s", exc)
        return EXIT_MODEM
    code = EXIT_OK
    try:
        if not p.delivery.deliver():
            code = EXIT_ENDPOINT
        steps.route()
        resuming = p.journal.unfinished_alert() is not None
        if not steps.resume():
            return EXIT_OK
        if not resuming:  # at most one alert per run: a resumed one counts
            try:
                alert = p.poller.poll()
            except EndpointError as exc:
                log.error("alert endpoint: %s", exc)
                code = EXIT_ENDPOINT
            else:
                steps.ring(alert) if alert is not None else log.info("no alert")
        if not p.delivery.deliver():
            code = EXIT_ENDPOINT
        steps.messages()  # after the alert: commands stored while we were down
    except ModemError as exc:
        log.error("modem fault: %s; the alert stays journaled and resumes on the next run", exc)
        p.delivery.deliver()  # a result known before the fault (an answer) is reported now
        return EXIT_MODEM
    return code
