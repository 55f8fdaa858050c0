"""gsmcall.backoff: retry pacing with full jitter, and failure logging that says each
transition once instead of once per retry."""

from __future__ import annotations

import logging
import random

import pytest

from gsmcall.backoff import Backoff, HealthLog, format_duration


def test_backoff_is_full_jitter_under_a_doubling_ceiling_up_to_the_cap() -> None:
    rng = random.Random(7)
    backoff = Backoff(base=2, cap=30, rng=rng)
    delays = [backoff.next_delay() for _ in range(8)]
    ceilings = [2, 4, 8, 16, 30, 30, 30, 30]
    reference = random.Random(7)
    assert delays == [reference.uniform(0, c) for c in ceilings]
    assert backoff.failures == 8


def test_backoff_reset_starts_again_from_base() -> None:
    backoff = Backoff(base=1, cap=1000, rng=random.Random(1))
    for _ in range(50):
        assert 0 <= backoff.next_delay() <= 1000
    backoff.reset()
    assert backoff.failures == 0
    assert backoff.next_delay() <= 1


def test_backoff_is_deterministic_with_a_seeded_rng() -> None:
    first = Backoff(1, 60, random.Random(3))
    second = Backoff(1, 60, random.Random(3))
    assert [first.next_delay() for _ in range(10)] == [second.next_delay() for _ in range(10)]


def test_backoff_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        Backoff(base=0, cap=10)
    with pytest.raises(ValueError):
        Backoff(base=10, cap=5)


def test_health_log_logs_each_transition_once(caplog: pytest.LogCaptureFixture) -> None:
    now = [100.0]
    health = HealthLog("endpoint", logging.getLogger("test.health"), clock=lambda: now[0])
    caplog.set_level(logging.DEBUG, logger="test.health")
    assert health.succeeded() is False and health.is_up
    assert health.failed("HTTP 500") is True
    assert health.failed("HTTP 500") is False
    assert health.failed("connection refused") is False
    now[0] += 83
    assert health.succeeded() is True
    assert health.succeeded() is False
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.levelno > logging.DEBUG]
    assert lines == [
        (logging.WARNING, "endpoint down: HTTP 500"),
        (logging.INFO, "endpoint up again after 1m23s (3 failed attempts)"),
    ]


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.04, "0.0s"), (3.31, "3.3s"), (42, "42s"), (83, "1m23s"), (7322, "2h02m02s")]
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
