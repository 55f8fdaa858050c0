"""Retry pacing and quiet failure logging, shared by the endpoint client and the modem supervisor.

A daemon that retries every few seconds must neither hammer a sick server nor fill the log with
one identical line per retry; these two helpers take care of each half.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable


class Backoff:
    """Exponential back-off with full jitter: the n-th delay is uniform in [0, min(cap, base*2^n)].

    Full jitter spreads the retries of several clients that failed at the same moment (one server
    restart) instead of making them retry in lock-step.
    """

    def __init__(self, base: float, cap: float, rng: random.Random | None = None) -> None:
        if base <= 0 or cap < base:
            raise ValueError(f"need 0 < base <= cap, got base={base} cap={cap}")
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()
        self._failures = 0

    @property
    def failures(self) -> int:
        """Delays handed out since the last reset, i.e. consecutive failures."""
        return self._failures

    def next_delay(self) -> float:
        # Stop doubling once past the cap so the exponent cannot grow without bound.
        ceiling = min(self.cap, self.base * 2 ** min(self._failures, 64))
        self._failures += 1
        return self._rng.uniform(0, ceiling)

    def reset(self) -> None:
        self._failures = 0


def format_duration(seconds: float) -> str:
    """``75.4`` -> ``1m15s``: short enough for a log line, exact enough for an outage."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{seconds:.1f}s" if seconds < 10 else f"{secs}s"


class HealthLog:
    """Logs a component's up/down transitions once each, not every failed retry.

    Starts "up" and silent; the first failure logs a WARNING with its reason, later failures while
    down go to DEBUG, and the first success after that logs an INFO line with the outage length.
    """

    def __init__(
        self,
        name: str,
        logger: logging.Logger,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._logger = logger
        self._clock = clock
        self._down_since: float | None = None
        self._failures = 0

    @property
    def is_up(self) -> bool:
        return self._down_since is None

    def failed(self, reason: str) -> bool:
        """Record a failure; True when this one turned the component from up to down."""
        self._failures += 1
        if self._down_since is not None:
            self._logger.debug("%s still down (failure %d): %s", self.name, self._failures, reason)
            return False
        self._down_since = self._clock()
        self._logger.warning("%s down: %s", self.name, reason)
        return True

    def succeeded(self) -> bool:
        """Record a success; True when this one turned the component from down to up."""
        if self._down_since is None:
            return False
        outage = self._clock() - self._down_since
        self._logger.info(
            "%s up again after %s (%d failed attempt%s)", self.name, format_duration(outage), self._failures,
            "" if self._failures == 1 else "s",
        )
        self._down_since = None
        self._failures = 0
        return True
