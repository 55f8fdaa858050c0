"""The roster as validated settings: a rotation, overrides, and the escalation list.

Times are naive local wall-clock datetimes in ``timezone``, as they are written in the config:
shifts follow the local clock (a DST change moves no handoff), so the wall time is the truth
and the instant is derived from it (``gsmcall.roster.wallclock``).  A member or an override's
person is a name in ``people`` or a phone number written directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

ONCALL = "oncall"  # escalate entry: whoever is on call at the alert's instant
NEXT = "next"  # escalate entry: the rotation member after the current one
KEYWORDS = (ONCALL, NEXT)


@dataclass(frozen=True)
class Rotation:
    members: tuple[str, ...]
    start: datetime  # local wall-clock time of the first member's first shift
    shift: timedelta  # wall-clock length of every shift


@dataclass(frozen=True)
class Override:
    """``person`` is on call over the local wall-clock range ``[start, end)``."""

    person: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class RosterSettings:
    timezone: ZoneInfo
    rotation: Rotation
    people: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    overrides: tuple[Override, ...] = ()  # never overlapping (the config refuses that)
    escalate: tuple[str, ...] = (ONCALL, NEXT)
    rounds: int = 2

    def number_of(self, who: str) -> str:
        """The number to dial for a member, an override's person or an escalate entry."""
        return self.people.get(who, who)
