"""Who is on call at an instant, whom an alert raised then rings, and the handoffs ahead.

Pure functions of the roster and an aware instant.  The rotation's k-th handoff is the first
instant the local clock shows ``start + k * shift`` (``wallclock.first_instant``); whoever's
handoff came last is on call, the first member before ``start``.  An override holds over
``[from, to)`` and replaces only who is on call: ``next`` stays the member after the rotation's
current one, so an escalation during a holiday cover still reaches the rotation.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from gsmcall.roster.model import NEXT, ONCALL, Override, RosterSettings
from gsmcall.roster.wallclock import first_instant, wall_time

# More than any two UTC offsets differ (-12h to +14h): the most that counting shifts on the
# local clock can be off from counting them on the timeline.
_MAX_OFFSET_CHANGE = timedelta(hours=27)

HandoffKind = Literal["rotation", "override starts", "override ends"]


@dataclass(frozen=True)
class OnCall:
    person: str  # a name in people, or a number: who ``oncall`` rings
    member: str  # the rotation's current member (``person`` unless an override holds)
    next: str  # the rotation member after ``member``: who ``next`` rings
    override: Override | None


@dataclass(frozen=True)
class Handoff:
    at: datetime  # aware, UTC
    person: str  # who is on call from ``at``
    kind: HandoffKind


def handoff_at(roster: RosterSettings, index: int) -> datetime:
    """The instant the rotation's ``index``-th shift starts (0: the first member's first)."""
    rotation = roster.rotation
    return first_instant(rotation.start + index * rotation.shift, roster.timezone)


def shift_index(roster: RosterSettings, at: datetime) -> int:
    """The index of the rotation's shift holding at ``at``; -1 before ``start``.

    The local clock gives the index to within the largest offset change; handoffs are in
    order, so a bisection over that window finds it exactly, a DST change or not.
    """
    rotation = roster.rotation
    estimate = (wall_time(at, roster.timezone) - rotation.start) // rotation.shift
    slack = _MAX_OFFSET_CHANGE // rotation.shift + 1
    window = range(estimate - slack, estimate + slack + 1)
    return window[bisect_right(window, at, key=lambda index: handoff_at(roster, index)) - 1]


def active_override(roster: RosterSettings, at: datetime) -> Override | None:
    for override in roster.overrides:
        if first_instant(override.start, roster.timezone) <= at < first_instant(override.end, roster.timezone):
            return override
    return None


def on_call(roster: RosterSettings, at: datetime) -> OnCall:
    members = roster.rotation.members
    index = max(shift_index(roster, at), 0)  # before start: the first member
    member = members[index % len(members)]
    override = active_override(roster, at)
    return OnCall(
        person=override.person if override else member,
        member=member,
        next=members[(index + 1) % len(members)],
        override=override,
    )


def numbers_to_ring(roster: RosterSettings, at: datetime) -> tuple[str, ...]:
    """The plan for an alert raised at ``at``: the escalate list resolved, ``rounds`` times.

    A number comes once per round, at its first place: ``[oncall, next, wang]`` while wang
    covers is wang then the rotation's next, not wang twice in a row.
    """
    now = on_call(roster, at)
    round_: list[str] = []
    for entry in roster.escalate:
        who = now.person if entry == ONCALL else now.next if entry == NEXT else entry
        number = roster.number_of(who)
        if number not in round_:
            round_.append(number)
    return tuple(round_) * roster.rounds


def handoffs(roster: RosterSettings, now: datetime, days: int) -> list[Handoff]:
    """Every change of who is on call after ``now`` up to the same local time ``days`` later,
    override starts and ends included even when the person stays the same."""
    tz = roster.timezone
    end = first_instant(wall_time(now, tz) + timedelta(days=days), tz)
    moments = {first_instant(wall, tz) for override in roster.overrides for wall in (override.start, override.end)}
    index = shift_index(roster, now) + 1
    while (moment := handoff_at(roster, index)) <= end:
        moments.add(moment)
        index += 1
    listed: list[Handoff] = []
    before = on_call(roster, now)
    for moment in sorted(m for m in moments if now < m <= end):
        current = on_call(roster, moment)
        if (current.person, current.override) != (before.person, before.override):
            listed.append(Handoff(moment, current.person, _kind(before, current)))
        before = current
    return listed


def _kind(before: OnCall, current: OnCall) -> HandoffKind:
    if current.override is not None and current.override != before.override:
        return "override starts"
    if before.override is not None and current.override != before.override:
        return "override ends"
    return "rotation"
