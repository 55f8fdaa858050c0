"""Where the duty number's calls should go now, and whether to change it, pure (DESIGN §8).

With ``forwarding.follow_roster`` the SIM's forwarding follows the person on call.  The
journal keeps the target last applied; the roster says who is on call now.  A change is due
when the two differ, so a handoff missed while the daemon was down is applied at start, a
handoff to the same person changes nothing, and a change that succeeded is never repeated.
A failed change waits out its back-off before the next try.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from gsmcall.roster.model import RosterSettings
from gsmcall.roster.oncall import handoff_at, on_call, shift_index
from gsmcall.roster.wallclock import first_instant


@dataclass(frozen=True)
class Wanted:
    number: str  # where calls should go now
    person: str  # who that is, for the log and the notice
    next_handoff: datetime  # when that may change next (aware, UTC)


def wanted(roster: RosterSettings, now: datetime) -> Wanted:
    person = on_call(roster, now).person
    return Wanted(roster.number_of(person), person, next_change(roster, now))


def next_change(roster: RosterSettings, now: datetime) -> datetime:
    """The first instant after ``now`` at which who is on call may change: the next shift's
    start or an override's start or end (without listing a day of short shifts to find it)."""
    tz = roster.timezone
    candidates = [handoff_at(roster, max(shift_index(roster, now), -1) + 1)]
    for override in roster.overrides:
        candidates += [at for at in (first_instant(override.start, tz), first_instant(override.end, tz)) if at > now]
    return min(candidates)


def change_due(target: str, applied: str | None, retry_at: float | None, now: float) -> bool:
    """True when ``target`` is not what was last applied and no back-off holds it back."""
    return target != applied and (retry_at is None or now >= retry_at)


def seconds_until(at: datetime, now: datetime) -> float:
    return max(0.0, (at - now) / timedelta(seconds=1))
