"""Build the daemon's parts from the settings, each with only what it needs.

The loop gets them as one ``Parts`` value, so a unit test can hand it fakes instead (a
journal in a temporary directory, a scripted dial, a fake endpoint) and drive the loop
without a serial port.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gsmcall.call.outcome import Attempt, CallInterrupted, OnAcknowledged
from gsmcall.call.plan import plan_for
from gsmcall.call.runner import place_call
from gsmcall.call.session import CallTiming
from gsmcall.config import AlertSettings, CallSettings, Settings
from gsmcall.events import EventQueue
from gsmcall.forwarding_report import status_sms
from gsmcall.intake.alert import ENDPOINT
from gsmcall.intake.endpoint import AlertClient
from gsmcall.intake.payloads import INTAKE_SOURCES
from gsmcall.intake.poller import EndpointPoller
from gsmcall.intake.server import IntakeServer
from gsmcall.messaging.inbox import SmsInbox
from gsmcall.messaging.outbox import Outbox
from gsmcall.metrics_off import MetricsOff
from gsmcall.modem.capabilities.sms import send_pdu
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import ModemError
from gsmcall.report.delivery import Delivery, Reporter
from gsmcall.report.endpoint import EndpointReporter
from gsmcall.report.intake import IntakeReporter
from gsmcall.runtime.alert_sms import AlertSms
from gsmcall.runtime.escalate import Escalation
from gsmcall.runtime.follow import FollowRoster
from gsmcall.runtime.intake_queue import IntakeQueue
from gsmcall.runtime.ping import PING_EVERY, Pinger
from gsmcall.runtime.router import Router
from gsmcall.runtime.supervisor import ModemSupervisor
from gsmcall.runtime.watchdog import Watchdog
from gsmcall.store import Journal, open_journal

if TYPE_CHECKING:
    from gsmcall.metrics import Metrics


class ListenError(Exception):
    """A configured server address cannot be bound; the message names the key."""

    def __init__(self, key: str, listen: str | None, exc: OSError) -> None:
        super().__init__(f"{key}: cannot listen on {listen}: {exc.strerror or exc}")


class Caller:
    """The one way the daemon places a call: through the modem the supervisor holds, never
    sooner than ``gap`` seconds after the previous call ended, whichever alert or SMS
    command that was (a network that sees call after call flags the SIM; a callee gets a
    moment to call back)."""

    def __init__(self, supervisor: ModemSupervisor, events: EventQueue, calls: CallSettings,
                 on_attempt: Callable[[Attempt], None]) -> None:
        """``on_attempt`` hears every call's outcome (the metrics, the watchdog's SIM check)."""
        self._supervisor = supervisor
        self._events = events
        self._calls = calls
        self._timing = CallTiming(calls.ring_timeout, calls.hold)
        self._gap = calls.gap
        self._on_attempt = on_attempt
        self.last_ended: float | None = None

    def ack_required(self) -> bool:
        """Only the ack key ends an escalation: ``calls.ack: key`` and a modem that hears
        keys (one that cannot degrades to the seed's rule, and says so at start)."""
        voice = self._supervisor.voice
        return self._calls.ack == "key" and (voice is None or voice.keys is not None)

    def __call__(self, number: str, text: str | None = None, on_acknowledged: OnAcknowledged | None = None) -> Attempt:
        """An alert's call: spoken and acknowledged as ``calls.ack`` says."""
        return self._place(number, text, True, on_acknowledged)

    def plain(self, number: str) -> Attempt:
        """An SMS command's call (``*72...`` reaches the network, not a person): no ack."""
        return self._place(number, None, False, None)

    def feature(self, dial: str, limit: float) -> Attempt:
        """A forwarding feature code (``*72<n>``): the network's announcement, held up to
        ``limit`` seconds, with the same gap as every other call."""
        return self._place(dial, None, False, None, CallTiming(self._calls.ring_timeout, limit))

    def _place(self, number: str, text: str | None, acknowledged: bool,
               on_acknowledged: OnAcknowledged | None, timing: CallTiming | None = None) -> Attempt:
        if self.last_ended is not None and not self._events.pause_until(self.last_ended + self._gap):
            raise CallInterrupted(f"stopped before dialling {number}")
        voice = self._supervisor.voice
        if voice is None:
            raise ModemError("the modem is down")
        self._supervisor.alive()  # a long alert list must not look like a hang
        try:
            ack = plan_for(self._calls, voice, text) if acknowledged else None
            attempt = place_call(voice, self._events, number, timing or self._timing, ack, on_acknowledged)
        finally:
            self.last_ended = time.monotonic()
        self._on_attempt(attempt)
        return attempt


@dataclass
class Parts:
    settings: Settings
    events: EventQueue
    channel: AtChannel
    journal: Journal
    client: AlertClient
    metrics: Metrics
    supervisor: ModemSupervisor
    poller: EndpointPoller
    delivery: Delivery
    outbox: Outbox
    inbox: SmsInbox
    escalation: Escalation
    router: Router
    intake: IntakeServer | None = None
    watchdog: Watchdog | None = None
    follower: FollowRoster | None = None

    def close(self) -> None:
        if self.intake is not None:
            self.intake.close()  # before the journal: a request in flight gets its answer or a 503
        self.supervisor.shutdown()
        self.client.close()
        self.journal.close()
        self.metrics.close()


def build(settings: Settings, once: bool) -> Parts:
    """Raises JournalError (state.dir) or ListenError (metrics.listen, intake.listen) before anything runs."""
    events = EventQueue()
    channel = AtChannel(settings.modem.port, settings.modem.baudrate, settings.modem.command_timeout)
    journal = open_journal(settings.state.dir)
    try:
        metrics = _metrics(settings)
    except OSError as exc:
        journal.close()
        raise ListenError("metrics.listen", settings.metrics.listen, exc) from exc
    supervisor = ModemSupervisor(channel, events, settings, metrics, _pinger(settings))
    client = AlertClient(settings.alerts, health=supervisor.health_headers)
    # The watchdog sends through the outbox, which tells it of refusals: built in that order.
    watchdog = Watchdog(settings.watchdog, journal, lambda *sms: outbox.enqueue(*sms), metrics.watchdog_event)
    outbox = Outbox(journal, lambda pdu, length: send_pdu(channel, pdu, length),
                    on_refused=watchdog.sms_refused, on_sent=watchdog.sms_sent)
    try:
        intake = None if once else _serve_intake(settings, journal, events, metrics, supervisor)
    except OSError as exc:
        journal.close()
        metrics.close()
        raise ListenError("intake.listen", settings.intake.listen, exc) from exc

    def attempted(attempt: Attempt) -> None:
        metrics.call_finished(attempt.result.value)
        watchdog.call_placed(attempt)

    caller = Caller(supervisor, events, settings.calls, attempted)
    inbox = SmsInbox(channel, settings.sms, journal, caller.plain, metrics.sms_processed, outbox,
                     stopping=lambda: events.stopping,
                     forwarding_status=lambda: status_sms(channel, supervisor.info and supervisor.info.profile.forwarding,
                                                          settings.state.dir))
    return Parts(
        settings=settings, events=events, channel=channel, journal=journal, client=client, metrics=metrics,
        supervisor=supervisor,
        poller=EndpointPoller(client, journal, settings.alerts, lambda ts: _poll_ok(metrics, watchdog, ts),
                              watchdog.poll_failed),
        delivery=Delivery(journal, _reporters(settings, client), metrics.callbacks_pending, everything=once),
        outbox=outbox, inbox=inbox,
        escalation=Escalation(journal, caller, settings.calls.gap, events, lambda: caller.last_ended,
                              caller.ack_required, AlertSms(outbox, settings.calls.sms, settings.calls.default_text)),
        router=Router(supervisor, inbox, settings.sms.enabled),
        intake=intake,
        watchdog=watchdog,
        follower=_follower(settings, journal, supervisor, caller, outbox, metrics),
    )


def _follower(settings: Settings, journal: Journal, supervisor: ModemSupervisor, caller: Caller, outbox: Outbox,
              metrics: Metrics) -> FollowRoster | None:
    """The roster's forwarding follower, with ``forwarding.follow_roster`` (config insists on a roster)."""
    if not settings.forwarding.follow_roster or settings.roster is None:
        return None
    return FollowRoster(settings.forwarding, settings.roster, journal, supervisor, caller.feature, outbox.enqueue,
                        metrics.forwarding, settings.state.dir)


def _metrics(settings: Settings) -> Metrics:
    """Served metrics with ``metrics.listen``; else ones that drop every call, without
    importing prometheus_client at all (memory on a small Pi). OSError: cannot be bound."""
    if settings.metrics.address is None:
        return MetricsOff()  # type: ignore[return-value]  # takes every Metrics call
    from gsmcall.metrics import Metrics as Served

    metrics = Served()
    metrics.serve(*settings.metrics.address)
    return metrics


def _poll_ok(metrics: Metrics, watchdog: Watchdog, ts: float) -> None:
    metrics.poll_succeeded(ts)
    watchdog.poll_succeeded()


def _pinger(settings: Settings) -> Pinger | None:
    """``watchdog.ping_url``'s pinger; ``GSMCALL_PING_EVERY`` (seconds) is the tests' knob."""
    url = settings.watchdog.ping_url
    every = float(os.environ.get("GSMCALL_PING_EVERY", PING_EVERY))
    return None if url is None else Pinger(url, every, settings.alerts.timeout)


def _reporters(settings: Settings, client: AlertClient) -> dict[str, Reporter]:
    """The endpoint's alerts report to its callback; webhook pages to ``report_url`` and the log."""
    intake = settings.intake
    report_client = None
    if intake.report_url is not None:
        alerts = settings.alerts
        report_client = AlertClient(AlertSettings(intake.report_url, timeout=alerts.timeout, verify_tls=alerts.verify_tls))
    pages = IntakeReporter(report_client)
    return {ENDPOINT: EndpointReporter(client), **{source: pages for source in INTAKE_SOURCES}}


def _serve_intake(settings: Settings, journal: Journal, events: EventQueue, metrics: Metrics,
                  supervisor: ModemSupervisor) -> IntakeServer | None:
    """The webhook intake, when ``intake.listen`` is set; OSError when it cannot be bound."""
    intake = settings.intake
    if intake.address is None:
        return None
    queue = IntakeQueue(journal, settings.roster, intake.repeat_after, events.intake, metrics.intake_notification)
    server = IntakeServer(*intake.address, queue.accept, token=intake.token, healthy=supervisor.healthy,
                          max_body=intake.max_body)
    server.serve()
    return server
