"""``gsmcall roster [--days N]``: who is on call now and the handoffs ahead, in local time.

The text is built here, away from argument parsing, so it is tested with a fixed ``now``.
Numbers are shown in full: this is the operator checking the roster they wrote, not a log.
"""

from __future__ import annotations

from datetime import datetime

from gsmcall.exitcodes import EXIT_CONFIG, EXIT_OK
from gsmcall.roster.model import RosterSettings
from gsmcall.roster.oncall import Handoff, handoffs, numbers_to_ring, on_call
from gsmcall.roster.wallclock import wall_time

DEFAULT_DAYS = 14
_CLOCK = "%Y-%m-%d %H:%M"

NO_ROSTER = "gsmcall roster: the config has no roster: section (see DESIGN.md section 7)"


def show_roster(roster: RosterSettings | None, days: int, now: datetime) -> tuple[int, str]:
    """The exit code and the text for ``gsmcall roster``; ``now`` is an aware instant."""
    if roster is None:
        return EXIT_CONFIG, NO_ROSTER
    if days < 0:
        return EXIT_CONFIG, f"gsmcall roster: --days must be 0 or more, got {days}"
    current = on_call(roster, now)
    lines = [
        f"Roster in {roster.timezone.key}, now {_local(roster, now)}",
        f"On call: {_person(roster, current.person)}" + (" (override)" if current.override else ""),
        f"Next: {_person(roster, current.next)}",
        f"An alert now rings: {', '.join(numbers_to_ring(roster, now))}",
        f"Handoffs in the next {days} days:",
    ]
    listed = handoffs(roster, now, days)
    lines += [_handoff(roster, handoff) for handoff in listed] or ["  none"]
    return EXIT_OK, "\n".join(lines)


def _local(roster: RosterSettings, at: datetime) -> str:
    return wall_time(at, roster.timezone).strftime(_CLOCK)


def _person(roster: RosterSettings, who: str) -> str:
    number = roster.number_of(who)
    return who if number == who else f"{who} {number}"


def _handoff(roster: RosterSettings, handoff: Handoff) -> str:
    note = "" if handoff.kind == "rotation" else f" ({handoff.kind})"
    return f"  {_local(roster, handoff.at)}  {_person(roster, handoff.person)}{note}"
