"""The polled endpoint's callback: ``POST <url>?mid=<mid>[&resp=<number>]`` (the seed's)."""

from __future__ import annotations

from gsmcall.intake.endpoint import AlertClient, EndpointError
from gsmcall.report.delivery import ReportError
from gsmcall.store import PendingCallback


class EndpointReporter:
    def __init__(self, client: AlertClient) -> None:
        self._client = client

    def send(self, callback: PendingCallback) -> None:
        try:
            self._client.post_result(callback.mid, callback.resp, callback.body.get("attempts", []))
        except EndpointError as exc:
            raise ReportError(str(exc)) from exc
