"""Prometheus metrics: what the daemon did and how the modem is doing.

Every instance has its own ``CollectorRegistry``, so tests (and, later, several modems) can
hold several without name clashes in the process-wide default registry.  Without
``metrics.listen`` the daemon uses ``metrics_off.MetricsOff`` instead, which drops every
call and spares the memory ``prometheus_client`` takes; call sites need no ``if metrics:``.
"""

from __future__ import annotations

import logging
import math
import socket
import socketserver
import threading

from prometheus_client import CollectorRegistry, Counter, Gauge, MetricsHandler

from gsmcall.call.outcome import CallResult
from gsmcall.redact import mask_number

log = logging.getLogger(__name__)

SMS_OUTCOMES = ("dialled", "refused", "not_command", "undecodable", "failed", "status")


class _MetricsServer(socketserver.ThreadingTCPServer):
    """A thread per scrape, so one stuck client cannot block the others; IPv4 or IPv6."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, host: str, port: int, registry: CollectorRegistry) -> None:
        self.address_family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        super().__init__((host, port), MetricsHandler.factory(registry))


class Metrics:
    """The daemon's metrics, updated from the daemon thread and scraped from the HTTP threads."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._calls = Counter("gsmcall_calls", "Calls placed, by result.", ["result"], registry=self.registry)
        self._callbacks_pending = Gauge(
            "gsmcall_callbacks_pending", "Alert results not yet delivered to the endpoint.", registry=self.registry
        )
        self._sms = Counter("gsmcall_sms", "SMS handled, by outcome.", ["outcome"], registry=self.registry)
        self._modem_up = Gauge("gsmcall_modem_up", "1 while the modem is initialised and answering.", registry=self.registry)
        self._registration = Gauge(
            "gsmcall_registration", "1 for the modem's current network registration state.", ["state"], registry=self.registry
        )
        self._signal = Gauge("gsmcall_signal_dbm", "Received signal strength in dBm; NaN when unknown.", registry=self.registry)
        self._last_poll = Gauge(
            "gsmcall_last_poll_success_timestamp_seconds",
            "Unix time of the last poll the alert endpoint answered.",
            registry=self.registry,
        )
        self._capability = Gauge(
            "gsmcall_modem_capability", "1 when the modem has the capability (probed at init), else 0.",
            ["capability"], registry=self.registry,
        )
        self._intake = Counter(
            "gsmcall_intake_notifications", "Webhook notifications taken, by source and what they did to the queue"
            " (queued: a new page; joined: a queued page; repeat: already paged; resolved).",
            ["source", "outcome"], registry=self.registry,
        )
        self._watchdog = Counter(
            "gsmcall_watchdog_events", "What the watchdog told the admins (alarm, recovered) or queued"
            " (keepalive), by part: endpoint, sim, keepalive.", ["part", "event"], registry=self.registry,
        )
        self._forwarding_changes = Counter(
            "gsmcall_forwarding_changes", "Forwarding changes made for the roster, by result (done, refused,"
            " contradicted).", ["result"], registry=self.registry,
        )
        self._forwarding_target = Gauge(
            "gsmcall_forwarding_target", "1 for the duty number's current forwarding target (masked) and how it"
            " was verified (yes, no, cannot-verify, not-checked).", ["target", "verified"], registry=self.registry,
        )
        self._forwarding_at = Gauge(
            "gsmcall_forwarding_last_change_timestamp_seconds", "Unix time of the last forwarding change tried.",
            registry=self.registry,
        )
        # Series that exist from the start read 0 instead of being absent, so rate() and
        # absent-series alerts work before the first event.
        for result in CallResult:
            self._calls.labels(result.value)
        for outcome in SMS_OUTCOMES:
            self._sms.labels(outcome)
        self._signal.set(math.nan)
        self._state: str | None = None
        self._server: _MetricsServer | None = None

    def call_finished(self, result: str) -> None:
        """Count one finished call; ``result`` is a ``CallResult`` value, e.g. ``answered``."""
        self._calls.labels(result).inc()

    def intake_notification(self, source: str, outcome: str) -> None:
        self._intake.labels(source, outcome).inc()

    def forwarding(self, target: str, verified: str, at: float, result: str) -> None:
        """One forwarding change tried; a done one replaces the target series."""
        self._forwarding_changes.labels(result).inc()
        self._forwarding_at.set(at)
        if result == "done":
            self._forwarding_target.clear()
            self._forwarding_target.labels(mask_number(target), verified).set(1)

    def watchdog_event(self, part: str, event: str) -> None:
        self._watchdog.labels(part, event).inc()

    def callbacks_pending(self, n: int) -> None:
        self._callbacks_pending.set(n)

    def sms_processed(self, outcome: str) -> None:
        """Count one handled SMS; ``outcome`` is one of ``SMS_OUTCOMES``."""
        self._sms.labels(outcome).inc()

    def modem_up(self, up: bool) -> None:
        self._modem_up.set(1 if up else 0)

    def registration(self, state: str) -> None:
        """Set the current state to 1 and the previous one to 0 (an enum as gauges)."""
        if self._state is not None and self._state != state:
            self._registration.labels(self._state).set(0)
        self._registration.labels(state).set(1)
        self._state = state

    def signal_dbm(self, dbm: float | None) -> None:
        """``None`` (``+CSQ: 99``, not known) is exported as NaN, not as a fake number."""
        self._signal.set(math.nan if dbm is None else dbm)

    def capabilities(self, flags: dict[str, bool]) -> None:
        """What the probe found, e.g. ``{"speech": False, "key_detection": True}``."""
        for name, present in flags.items():
            self._capability.labels(name).set(1 if present else 0)

    def poll_succeeded(self, ts: float) -> None:
        self._last_poll.set(ts)

    def serve(self, host: str, port: int) -> tuple[str, int]:
        """Serve ``/metrics`` on ``host:port`` from a daemon thread; returns the bound address.

        Port 0 picks a free port.  IPv6 literals (``::1``) work.  An address that cannot be
        bound raises OSError at once, so a bad ``metrics.listen`` is seen at start-up.
        """
        self._server = _MetricsServer(host, port, self.registry)
        bound = self._server.server_address[:2]
        threading.Thread(target=self._server.serve_forever, name="metrics-http", daemon=True).start()
        log.info("serving Prometheus metrics on %s port %d", bound[0], bound[1])
        return bound[0], bound[1]

    def close(self) -> None:
        """Stop serving (no-op when not serving)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
