"""The dead-man's switch: a GET of ``watchdog.ping_url`` about once a minute while healthy.

Nothing inside a process can report the process's own death, a Pi's lost power or a kernel
hang; a push monitor (healthchecks, Uptime Kuma) that stops hearing the ping can.  So the
ping is sent only from a turn of the loop with the modem up: a stuck loop or a dead modem
stops it, which is the alarm.  The request runs on a thread of its own, one at a time, so a
slow monitor never holds an alert.
"""

from __future__ import annotations

import logging
import threading
import time

import requests

from gsmcall.backoff import HealthLog
from gsmcall.redact import shown_url

log = logging.getLogger(__name__)

PING_EVERY = 60.0


class Pinger:
    def __init__(self, url: str, every: float = PING_EVERY, timeout: float = 10.0) -> None:
        self._url = url
        self._every = every
        self._timeout = timeout
        self._next = 0.0  # monotonic; the first turn pings at once
        self._busy = threading.Lock()
        self._health = HealthLog(f"watchdog.ping_url {shown_url(url)}", log)

    def next_due(self) -> float:
        return self._next

    def turn(self) -> None:
        """Called from a healthy turn of the loop: ping if due and none is in flight."""
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self._every  # also when one is still in flight: that one is skipped
        if not self._busy.acquire(blocking=False):
            return
        threading.Thread(target=self._ping, name="ping", daemon=True).start()

    def _ping(self) -> None:
        try:
            response = requests.get(self._url, timeout=self._timeout, allow_redirects=False)
            if not 200 <= response.status_code < 400:
                self._health.failed(f"HTTP {response.status_code}")
            else:
                self._health.succeeded()
            response.close()
        except requests.RequestException as exc:
            self._health.failed(type(exc).__name__)
        finally:
            self._busy.release()
