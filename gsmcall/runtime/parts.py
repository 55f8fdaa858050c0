"""Build the daemon's parts from the settings, each with only what it needs.

The loop gets them as one ``Parts`` value, so a unit test can hand it fakes instead (a
journal in a temporary directory, a scripted dial, a fake endpoint) and drive the loop
without a serial port.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from gsmcall.call.outcome import Attempt, CallInterrupted, OnAcknowledged
from gsmcall.call.plan import plan_for
from gsmcall.call.runner import place_call
from gsmcall.call.session import CallTiming
from gsmcall.config import CallSettings, Settings
from gsmcall.events import EventQueue
from gsmcall.forwarding_report import status_sms
from gsmcall.intake.alert import ENDPOINT
from gsmcall.intake.endpoint import AlertClient
from gsmcall.intake.poller import EndpointPoller
from gsmcall.messaging.inbox import SmsInbox
from gsmcall.messaging.outbox import Outbox
from gsmcall.metrics import Metrics
from gsmcall.modem.capabilities.sms import send_pdus
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import ModemError
from gsmcall.report.delivery import Delivery
from gsmcall.report.endpoint import EndpointReporter
from gsmcall.runtime.alert_sms import AlertSms
from gsmcall.runtime.escalate import Escalation
from gsmcall.runtime.router import Router
from gsmcall.runtime.supervisor import ModemSupervisor
from gsmcall.store import Journal, open_journal


class Caller:
    """The one way the daemon places a call: through the modem the supervisor holds, never
    sooner than ``gap`` seconds after the previous call ended, whichever alert or SMS
    command that was (a network that sees call after call flags the SIM; a callee gets a
    moment to call back)."""

    def __init__(self, supervisor: ModemSupervisor, events: EventQueue, calls: CallSettings,
                 metrics: Metrics) -> None:
        self._supervisor = supervisor
        self._events = events
        self._calls = calls
        self._timing = CallTiming(calls.ring_timeout, calls.hold)
        self._gap = calls.gap
        self._metrics = metrics
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

    def _place(self, number: str, text: str | None, acknowledged: bool,
               on_acknowledged: OnAcknowledged | None) -> Attempt:
        if self.last_ended is not None and not self._events.pause_until(self.last_ended + self._gap):
            raise CallInterrupted(f"stopped before dialling {number}")
        voice = self._supervisor.voice
        if voice is None:
            raise ModemError("the modem is down")
        self._supervisor.alive()  # a long alert list must not look like a hang
        try:
            ack = plan_for(self._calls, voice, text) if acknowledged else None
            attempt = place_call(voice, self._events, number, self._timing, ack, on_acknowledged)
        finally:
            self.last_ended = time.monotonic()
        self._metrics.call_finished(attempt.result.value)
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

    def close(self) -> None:
        self.supervisor.shutdown()
        self.client.close()
        self.journal.close()
        self.metrics.close()


def build(settings: Settings, once: bool) -> Parts:
    """Raises JournalError (state.dir) or OSError (metrics.listen) before anything runs."""
    events = EventQueue()
    channel = AtChannel(settings.modem.port, settings.modem.baudrate, settings.modem.command_timeout)
    journal = open_journal(settings.state.dir)
    metrics = Metrics()
    try:
        if settings.metrics.address is not None:
            metrics.serve(*settings.metrics.address)
    except OSError:
        journal.close()
        raise
    client = AlertClient(settings.alerts)
    outbox = Outbox(journal, lambda parts: send_pdus(channel, parts))
    supervisor = ModemSupervisor(channel, events, settings, metrics)
    caller = Caller(supervisor, events, settings.calls, metrics)
    inbox = SmsInbox(channel, settings.sms, journal, caller.plain, metrics.sms_processed, outbox,
                     stopping=lambda: events.stopping,
                     forwarding_status=lambda: status_sms(channel, supervisor.info and supervisor.info.profile.forwarding,
                                                          settings.state.dir))
    return Parts(
        settings=settings, events=events, channel=channel, journal=journal, client=client, metrics=metrics,
        supervisor=supervisor,
        poller=EndpointPoller(client, journal, settings.alerts, metrics.poll_succeeded),
        delivery=Delivery(journal, {ENDPOINT: EndpointReporter(client)}, metrics.callbacks_pending, everything=once),
        outbox=outbox, inbox=inbox,
        escalation=Escalation(journal, caller, settings.calls.gap, events, lambda: caller.last_ended,
                              caller.ack_required, AlertSms(outbox, settings.calls.sms, settings.calls.default_text)),
        router=Router(supervisor, inbox, settings.sms.enabled),
    )
