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
from gsmcall.roster.oncall import handoffs, on_call


@dataclass(frozen=True)
class Wanted:
    number: str  # where calls should go now
    person: str  # who that is, for the log and the notice
    next_handoff: datetime | None  # when that may change next (aware, UTC)


def wanted(roster: RosterSettings, now: datetime) -> Wanted:
    person = on_call(roster, now).person
    upcoming = handoffs(roster, now, 1) or handoffs(roster, now, 400)
    return Wanted(roster.number_of(person), person, upcoming[0].at if upcoming else None)


def change_due(target: str, applied: str | None, retry_at: float | None, now: float) -> bool:
    """True when ``target`` is not what was last applied and no back-off holds it back."""
    return target != applied and (retry_at is None or now >= retry_at)


def seconds_until(at: datetime | None, now: datetime) -> float | None:
    return None if at is None else max(0.0, (at - now) / timedelta(seconds=1))
