"""When the admins hear that a part of alerting is broken, pure: a state and the clock in, an
action out (DESIGN §9).

An alarm that repeats at every failed poll is switched off by the second night; one that
never comes leaves the team believing it is covered.  So a broken part (the alert endpoint,
the SIM) raises one alarm once it has been broken for long enough, and one recovery notice
when it works again, nothing in between.  The state is plain data the caller journals, so
a restart while broken neither forgets the first failure nor alarms a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum


@dataclass(frozen=True)
class Broken:
    """A part failing since ``since`` (wall clock) with ``reason``; ``told`` once alarmed."""

    since: float
    reason: str
    told: bool = False

    def to_json(self) -> dict[str, object]:
        return {"since": self.since, "reason": self.reason, "told": self.told}

    @classmethod
    def from_json(cls, data: object) -> Broken | None:
        """The journaled state, or None for nothing (or something unreadable: start afresh)."""
        if not isinstance(data, dict):
            return None
        since, reason, told = data.get("since"), data.get("reason"), data.get("told")
        if not isinstance(since, (int, float)) or not isinstance(reason, str) or not isinstance(told, bool):
            return None
        return cls(float(since), reason, told)


class Tell(Enum):
    NOTHING = "nothing"
    ALARM = "alarm"  # broken for long enough: tell the admins once
    RECOVERED = "recovered"  # it works again after an alarm


def failed(state: Broken | None, reason: str, now: float, after: float) -> tuple[Broken, Tell]:
    """One more failure: alarm once when it has lasted ``after`` seconds since the first."""
    state = state or Broken(now, reason)
    if state.told or now - state.since < after:
        return replace(state, reason=reason), Tell.NOTHING
    return replace(state, reason=reason, told=True), Tell.ALARM


def succeeded(state: Broken | None) -> tuple[None, Tell]:
    """It works: forget the failure, and say so only if the admins were told of it."""
    return None, Tell.RECOVERED if state is not None and state.told else Tell.NOTHING
