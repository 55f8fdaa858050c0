"""Faults a test can inject into the emulated modem: commands that fail on demand, and end
reports that come late after a host hang-up (what loaded modems do).

Kept apart from the modem's normal behaviour so that reading ``modem.py`` shows what a healthy
modem does, and this file what a test can make it do wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


def check_delay(seconds: float) -> float:
    seconds = float(seconds)
    if not seconds >= 0:  # also refuses NaN
        raise ValueError(f"end_report_delay must be >= 0, not {seconds!r}")
    return seconds


@dataclass
class _Rule:
    prefix: str  # upper-case
    reply: str
    left: int


class FailRules:
    """``fail_next`` rules: the next N commands starting with a prefix get a given reply."""

    def __init__(self) -> None:
        self._rules: list[_Rule] = []

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add(self, prefix: str, reply: str, times: int) -> None:
        if not prefix:
            raise ValueError("fail_next needs a command prefix")
        if times < 1:
            raise ValueError("fail_next: times must be at least 1")
        self._rules.append(_Rule(prefix.upper(), reply, times))

    def reply_for(self, command: str) -> str | None:
        """The injected reply for ``command`` (using up one of its rule's times), or None."""
        up = command.upper()
        for rule in self._rules:
            if up.startswith(rule.prefix):
                rule.left -= 1
                self._rules = [r for r in self._rules if r.left > 0]
                return rule.reply
        return None


class _LateCall(Protocol):
    number: str

    @property
    def late_report(self) -> object | None: ...

    def cancel_late_report(self) -> bool: ...


class LateReports:
    """Ended calls whose end report is still to come; a reset or unplug loses them."""

    def __init__(self) -> None:
        self._calls: list[_LateCall] = []

    def note(self, call: _LateCall) -> None:
        self._calls = [c for c in self._calls if c.late_report is not None]
        if call.late_report is not None:
            self._calls.append(call)

    def lose_all(self, event: Callable[[str], None], why: str) -> None:
        for call in self._calls:
            if call.cancel_late_report():
                event(f"call {call.number} late end report lost: {why}")
        self._calls = []
