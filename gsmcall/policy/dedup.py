"""Whether a firing webhook alert is rung, pure: the rule of DESIGN §6, kept out of the SQL.

Every monitoring source re-sends: Alertmanager repeats each group every ``repeat_interval``,
an HA pair delivers every notification twice, Grafana re-sends on each evaluation.  What
must reach a phone is a *change*: an alert that fires and has not been paged recently.  The
journal knows, for each alert identity, the latest page that covered it; this module decides
from that alone, so the rule can be tested without a database and read in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

PageState = Literal["queued", "ringing", "finished"]


@dataclass(frozen=True)
class LastPage:
    """The latest page that covered an alert: its state and, once finished, when (wall clock)."""

    mid: str
    state: PageState
    finished_at: float | None = None


class Verdict(Enum):
    NEW = "new"  # page it: join the group's queued page or start one
    COVERED = "covered"  # a page that will ring, or is ringing, covers it already
    RECENT = "recent"  # paged and finished less than repeat_after ago (a repeat, or flapping)


def firing_verdict(last: LastPage | None, now: float, repeat_after: float) -> Verdict:
    """What a firing alert deserves, given the latest page that covered it.

    A page that finished (acknowledged, answered, rung out or dropped) less than
    ``repeat_after`` ago covers the alert still: a resolve and a re-fire inside that window
    is flapping, and ringing a person at every flap teaches them to ignore the pager.
    """
    if last is None:
        return Verdict.NEW
    if last.state != "finished":
        return Verdict.COVERED
    assert last.finished_at is not None
    return Verdict.RECENT if now - last.finished_at < repeat_after else Verdict.NEW


def callback_status(resp: str | None, attempts: list[dict[str, object]], resolved: bool) -> str:
    """A finished page's status for ``report_url``: what the number in ``resp`` did
    (acknowledged or answered), else unanswered, or resolved when its alerts resolved first."""
    if resolved:
        return "resolved"
    if resp is None:
        return "unanswered"
    for attempt in reversed(attempts):
        if attempt.get("number") == resp and attempt.get("result") in ("acknowledged", "answered"):
            return str(attempt["result"])
    return "answered"
