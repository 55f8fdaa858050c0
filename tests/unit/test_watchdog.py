"""The watchdog's rule (policy.alarm), the barring table (at.barring) and the Watchdog over a
real journal: one alarm, one recovery, state across a restart, the keep-alive's keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from gsmcall.at.barring import barring_cause
from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.policy.alarm import Broken, Tell, failed, succeeded
from gsmcall.runtime.watchdog import Watchdog
from gsmcall.settings import WatchdogSettings
from gsmcall.store import SqliteJournal


def test_one_alarm_after_the_delay_then_silence_then_one_recovery() -> None:
    state, tell = failed(None, "HTTP 500", 100.0, 300)
    assert (state, tell) == (Broken(100.0, "HTTP 500"), Tell.NOTHING)
    state, tell = failed(state, "HTTP 502", 399.0, 300)
    assert tell is Tell.NOTHING and state.since == 100.0 and state.reason == "HTTP 502"
    state, tell = failed(state, "HTTP 502", 400.0, 300)
    assert tell is Tell.ALARM and state.told
    assert failed(state, "HTTP 502", 9999.0, 300)[1] is Tell.NOTHING  # no repeats
    assert succeeded(state) == (None, Tell.RECOVERED)
    assert succeeded(Broken(1.0, "x")) == (None, Tell.NOTHING)  # never told: nothing to take back


def test_a_journaled_state_that_is_unreadable_starts_afresh() -> None:
    assert Broken.from_json({"since": "yesterday"}) is None
    assert Broken.from_json(Broken(1.0, "x", True).to_json()) == Broken(1.0, "x", True)


@pytest.mark.parametrize(("text", "barred"), [
    ("+CME ERROR: 32", True),
    ("+CMS ERROR: 10", True),
    ("+CEER: Operator determined barring", True),
    ("+CME ERROR: network not allowed - emergency calls only", True),
    ("+CME ERROR: 30", False),  # no network service: the place, not the subscription
    ("NO CARRIER", False),
    (None, False),
])
def test_barring_causes(text: str | None, barred: bool) -> None:
    assert (barring_cause(text) is not None) is barred


class Outbox:
    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, str]] = {}

    def enqueue(self, number: str, text: str, key: str) -> bool:
        if key in self.keys:
            return False
        self.keys[key] = (number, text)
        return True


def watchdog(tmp_path: Path, outbox: Outbox, clock: list[float], **settings: object) -> Watchdog:
    return Watchdog(WatchdogSettings(admins=("139", "138"), **settings), SqliteJournal(tmp_path), outbox.enqueue,
                    lambda part, event: None, clock=lambda: clock[0])


def test_an_alarm_survives_a_restart_and_the_recovery_follows_once(tmp_path: Path) -> None:
    outbox, clock = Outbox(), [1000.0]
    dog = watchdog(tmp_path, outbox, clock, endpoint_down_after=60)
    dog.poll_failed("HTTP 500")
    clock[0] = 1061.0
    dog.poll_failed("HTTP 500")
    assert [number for number, _ in outbox.keys.values()] == ["139", "138"]
    dog = watchdog(tmp_path, outbox, clock, endpoint_down_after=60)  # a restart while down
    clock[0] = 2000.0
    dog.poll_failed("HTTP 500")
    assert len(outbox.keys) == 2
    dog.poll_succeeded()
    dog.poll_succeeded()
    assert len(outbox.keys) == 4 and all("已恢复" in text for _, text in list(outbox.keys.values())[2:])


def test_a_barred_call_alarms_at_once_and_a_call_that_reaches_the_network_recovers(tmp_path: Path) -> None:
    outbox, clock = Outbox(), [1000.0]
    dog = watchdog(tmp_path, outbox, clock)
    dog.call_placed(Attempt("187", CallResult.FAILED, detail="+CME ERROR: 100"))  # not barring
    assert not outbox.keys and not dog.sim_refused()
    dog.call_placed(Attempt("187", CallResult.FAILED, detail="+CME ERROR: 32"))
    assert len(outbox.keys) == 2 and dog.sim_refused()
    dog.call_placed(Attempt("187", CallResult.NO_ANSWER))
    assert len(outbox.keys) == 4 and not dog.sim_refused()


def test_the_keepalive_goes_to_the_first_admin_once_per_period(tmp_path: Path) -> None:
    outbox, clock = Outbox(), [1000.0]
    dog = watchdog(tmp_path, outbox, clock, keepalive=3600.0)
    dog.keepalive_if_due()
    dog.keepalive_if_due()
    clock[0] = 4599.0
    dog.keepalive_if_due()
    assert [number for number, _ in outbox.keys.values()] == ["139"]
    clock[0] = 4600.0
    dog.keepalive_if_due()
    assert list(outbox.keys) == ["watchdog:keepalive:first", "watchdog:keepalive:1000.0"]
