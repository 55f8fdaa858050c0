"""The escalation policy: given an alert's plan, its attempts so far and the clock, the next
step.  Pure: no journal, no modem, no sleeping; the runtime carries the steps out.

The plan is the alert's list of numbers in order (a number may appear again to ring that
person again).  The escalation stops at the first attempt that satisfies the stop rule
(``stops_escalation``); acknowledgement by key press will change that one function.  A
modem that refused every number is broken, not "nobody answered": the list is rung again
once it works.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gsmcall.call.outcome import CallResult

# A number the modem refuses this many times in a row (ERROR to ATD while the modem is
# otherwise healthy) is recorded as failed so one bad entry cannot stall the whole list.
MAX_FAILURES_PER_NUMBER = 3


@dataclass(frozen=True)
class Ring:
    index: int
    number: str


@dataclass(frozen=True)
class WaitUntil:
    """Leave ``gap`` seconds between two calls: not before monotonic time ``until``."""

    until: float


@dataclass(frozen=True)
class Finish:
    """The alert is over: ``resp`` reached it, or None when the list was rung out."""

    resp: str | None


@dataclass(frozen=True)
class RingAgainLater:
    """No attempt reached the network: forget them and ring the whole list after recovery."""


Step = Ring | WaitUntil | Finish | RingAgainLater


def stops_escalation(result: CallResult, ack_required: bool = False) -> bool:
    """The stop rule: an acknowledgement always ends the escalation; an answer ends it too
    (the seed's rule) unless an ack key is required and the modem can hear keys."""
    return result is CallResult.ACKNOWLEDGED or (result is CallResult.ANSWERED and not ack_required)


def next_step(
    numbers: Sequence[str],
    attempts: Sequence[Mapping[str, Any]],
    now: float,
    last_call_ended: float | None = None,
    gap: float = 0.0,
    ack_required: bool = False,
) -> Step:
    """``attempts`` are journaled attempt records (``number``, ``result``), in order."""
    for attempt in attempts:
        if stops_escalation(CallResult(attempt["result"]), ack_required):
            return Finish(attempt["number"])
    index = len(attempts)
    if index < len(numbers):
        if last_call_ended is not None and now < last_call_ended + gap:
            return WaitUntil(last_call_ended + gap)
        return Ring(index, numbers[index])
    if not any(CallResult(a["result"]).reached_network for a in attempts):
        return RingAgainLater()
    return Finish(None)


def give_up_on_number(refusals: int) -> bool:
    """After a refused ATD (``failed``): True to record it and move on, False to treat it as
    a modem fault and try the same number again after recovery."""
    return refusals >= MAX_FAILURES_PER_NUMBER
