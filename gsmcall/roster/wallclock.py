"""Between local wall-clock times, which the roster is written in, and instants, which alerts have.

A handoff at a wall time happens at the first instant the local clock shows that time or later.
That one rule settles both DST changes without moving any handoff: a time inside the hour a
spring-forward skips happens at the jump itself, and a time inside the hour an autumn change
repeats happens the first time round.  It also keeps handoffs in order however short the shift,
which a plain ``fold=0`` conversion does not (it puts a skipped 02:30 after a real 03:00).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

_SECOND = timedelta(seconds=1)


def wall_time(at: datetime, tz: tzinfo) -> datetime:
    """The naive local time the clock in ``tz`` shows at the aware instant ``at``."""
    if at.tzinfo is None:
        raise ValueError(f"an instant needs a time zone, got the naive {at.isoformat()}")
    return at.astimezone(tz).replace(tzinfo=None)


def first_instant(wall: datetime, tz: tzinfo) -> datetime:
    """The first instant (aware, UTC) at which the clock in ``tz`` shows ``wall`` or later."""
    earliest = wall.replace(tzinfo=tz, fold=0).astimezone(timezone.utc)
    if wall_time(earliest, tz) == wall:
        return earliest  # the time exists; fold=0 is its first occurrence when it repeats
    # Skipped by a jump forward: fold=1 reads it with the offset after the jump, which lands
    # before the jump, fold=0 with the offset before it, after.  Offsets change on whole
    # seconds, so halving the seconds between finds the jump.
    before, after = wall.replace(tzinfo=tz, fold=1).astimezone(timezone.utc), earliest
    while after - before > _SECOND:
        middle = before + (after - before) // 2
        if wall_time(middle, tz) >= wall:
            after = middle
        else:
            before = middle
    return after
