"""policy.handoff: where the duty number's calls should go, when that changes next, and
whether a forwarding change is due."""

from __future__ import annotations

from datetime import datetime, timezone

from gsmcall.policy.handoff import change_due, next_change, wanted
from gsmcall.roster.config import parse_roster

ROSTER = parse_roster({
    "timezone": "Asia/Shanghai",
    "people": {"zhang": "18712340001", "li": "18712340002", "wang": "18712340003"},
    "rotation": {"members": ["zhang", "li"], "start": "2026-12-07 09:00", "shift": "7d"},
    "overrides": [{"person": "wang", "from": "2026-12-10 18:00", "to": "2026-12-11 09:00"}],
})


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_the_next_change_is_the_next_shift_or_an_override_boundary() -> None:
    assert next_change(ROSTER, utc(2026, 12, 8, 0)) == utc(2026, 12, 10, 10)  # wang's override starts (18:00 +8)
    assert next_change(ROSTER, utc(2026, 12, 10, 12)) == utc(2026, 12, 11, 1)  # and ends
    assert next_change(ROSTER, utc(2026, 12, 11, 2)) == utc(2026, 12, 14, 1)  # li's shift, 09:00 local
    assert next_change(ROSTER, utc(2026, 12, 1)) == utc(2026, 12, 7, 1)  # before start: the first shift


def test_wanted_follows_the_override() -> None:
    assert (wanted(ROSTER, utc(2026, 12, 10, 12)).person, wanted(ROSTER, utc(2026, 12, 10, 12)).number) == (
        "wang", "18712340003")
    assert wanted(ROSTER, utc(2026, 12, 14, 2)).person == "li"


def test_a_change_is_due_only_for_a_new_target_and_after_its_back_off() -> None:
    assert change_due("2", "1", None, 100.0)
    assert not change_due("1", "1", None, 100.0)
    assert not change_due("2", "1", 150.0, 100.0) and change_due("2", "1", 150.0, 150.0)
