"""Where a webhook page's result goes: ``intake.report_url`` when set, always the log.

Alertmanager and Grafana have no way to take a result back, so the log (and the metrics)
are the record an operator reads; a team that wants it in a chat or a ticket points
``report_url`` at something that takes the JSON body (``mid``, ``source``, ``key``,
``status``, ``resp``, ``attempts``).  Delivery retries it like the endpoint's callback, across
restarts, until a 2xx.
"""

from __future__ import annotations

import logging

from gsmcall.intake.endpoint import AlertClient, EndpointError
from gsmcall.report.delivery import ReportError
from gsmcall.store import PendingCallback

log = logging.getLogger(__name__)


class IntakeReporter:
    def __init__(self, client: AlertClient | None) -> None:
        """``client`` posts to ``report_url``; None: the log is the only record."""
        self._client = client

    def send(self, callback: PendingCallback) -> None:
        body = callback.body
        status = body.get("status", "unanswered")
        who = f" by {callback.resp}" if callback.resp else ""  # the log filter masks it
        if self._client is None:
            log.info("page %s (%s %s): %s%s", callback.mid, body.get("source"), body.get("key"), status, who)
            return
        try:
            self._client.post_json(body)
        except EndpointError as exc:
            raise ReportError(str(exc)) from exc
