"""Poll the alert endpoint (the seed's protocol) and hand over only alerts not yet rung.

Polling is paced here: the poll interval while all is well, back-off while the endpoint
fails (one "down" and one "up again" log line, not one per retry), and at once again after
a new alert, since another may be waiting.  The seed's server offers an alert until its
callback arrives, so an alert we already rang is never rung again: its result is posted
again if it was delivered (the endpoint may have lost our POST), and waits otherwise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from gsmcall.backoff import Backoff, HealthLog
from gsmcall.config import AlertSettings
from gsmcall.intake.alert import Alert
from gsmcall.intake.endpoint import AlertClient, EndpointError
from gsmcall.store import Journal

log = logging.getLogger(__name__)


class EndpointPoller:
    def __init__(
        self, client: AlertClient, journal: Journal, settings: AlertSettings, on_success: Callable[[float], None],
        on_failure: Callable[[str], None] = lambda reason: None,
    ) -> None:
        """``on_success`` gets the wall time of each poll the endpoint answered, ``on_failure``
        each failure's reason (the watchdog counts how long the endpoint has been failing)."""
        self._client = client
        self._journal = journal
        self._interval = settings.poll_interval
        self._on_success = on_success
        self._on_failure = on_failure
        self._backoff = Backoff(min(2.0, settings.poll_interval), max(60.0, settings.poll_interval))
        self._health = HealthLog("alert endpoint", log)
        self._offered_again: str | None = None
        self.next_delay = 0.0  # seconds from the last poll to the next

    def poll(self) -> Alert | None:
        """A new alert to ring, or None (nothing to call, or an alert rung before).

        Raises EndpointError when the endpoint could not be used; ``next_delay`` is then
        the back-off."""
        try:
            alert = self._client.poll()
        except EndpointError as exc:
            self._health.failed(str(exc))
            self._on_failure(exc.reason)
            self.next_delay = self._backoff.next_delay() + 1.0
            raise
        self._health.succeeded()
        self._backoff.reset()
        self._on_success(time.time())
        self.next_delay = self._interval
        if alert is None:
            return None
        if self._journal.callback_state(alert.key) is None:
            self.next_delay = 0.0  # there may be another alert waiting
            return alert
        self._offered_again_note(alert.key)
        return None

    def _offered_again_note(self, key: str) -> None:
        if key == self._offered_again:
            return
        self._offered_again = key
        if self._journal.callback_state(key) == "delivered":
            # Our POST may have been lost on the endpoint's side: report again, never ring again.
            log.warning("alert %s was already rung and reported; posting its result again", key)
            self._journal.requeue_callback(key, time.time())
        else:
            log.info("alert %s was already rung; its result is still being delivered", key)
