"""The duty roster: rotation, DST, overrides, escalation lists, handoffs, config errors, the CLI text.

Instants are written in UTC and the expected local times worked out by hand, so a wrong
offset or a handoff moved by a DST change fails here with the exact value.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest
import yaml

from gsmcall.config import ConfigError
from gsmcall.roster.config import parse_roster
from gsmcall.roster.model import Override
from gsmcall.roster.oncall import Handoff, handoffs, numbers_to_ring, on_call
from gsmcall.roster.show import show_roster
from gsmcall.roster.wallclock import first_instant

ZHANG, LI, WANG = "18712340001", "18712340002", "18712340003"

# DESIGN.md section 7's example: weekly handoffs on Mondays at 09:00 Shanghai (01:00 UTC).
EXAMPLE = {
    "timezone": "Asia/Shanghai",
    "people": {"zhang": ZHANG, "li": LI, "wang": WANG},
    "rotation": {"members": ["zhang", "li"], "start": "2026-12-07 09:00", "shift": "7d"},
    "overrides": [{"person": "wang", "from": "2026-12-24 18:00", "to": "2026-12-26 09:00"}],
    "escalate": ["oncall", "next", "wang"],
    "rounds": 2,
}


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=timezone.utc)


def roster(**changes: object):
    raw = copy.deepcopy(EXAMPLE)
    raw.update(changes)
    return parse_roster(raw)


def berlin(members: list[str], start: str, shift: str):
    people = {name: f"1380000000{index}" for index, name in enumerate("abc") if name in members}
    return parse_roster({"timezone": "Europe/Berlin", "people": people,
                         "rotation": {"members": members, "start": start, "shift": shift}})


def who(r, at: datetime) -> str:
    return on_call(r, at).person


# --- rotation ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("at", "expected"), [
    (utc(2026, 11, 1), "zhang"),                 # before start: the first member
    (utc(2026, 12, 7, 0, 59, 59), "zhang"),
    (utc(2026, 12, 7, 1), "zhang"),              # start: 09:00 Shanghai
    (utc(2026, 12, 14, 0, 59, 59), "zhang"),
    (utc(2026, 12, 14, 1), "li"),                # one week later, to the second
    (utc(2026, 12, 21, 0, 59, 59), "li"),
    (utc(2026, 12, 21, 1), "zhang"),             # the rotation starts over
    (utc(2027, 3, 1, 1), "zhang"),               # 12 weeks after start: even shift
])
def test_weekly_rotation_hands_off_at_nine_shanghai(at: datetime, expected: str) -> None:
    assert who(roster(overrides=[]), at) == expected


def test_next_at_the_end_of_the_rotation_is_the_first_member() -> None:
    r = roster(rotation={"members": ["zhang", "li", "wang"], "start": "2026-12-07 09:00", "shift": "7d"}, overrides=[])
    third = on_call(r, utc(2026, 12, 21, 1))
    assert (third.person, third.member, third.next) == ("wang", "wang", "zhang")
    assert on_call(r, utc(2026, 12, 14, 1)).next == "wang"
    assert on_call(r, utc(2026, 12, 1)).next == "li"  # before start: first member, then the second


def test_midnight_handoffs_are_listed_in_local_time() -> None:
    r = roster(rotation={"members": ["zhang", "li"], "start": "2026-12-07 00:00", "shift": "1d"}, overrides=[])
    listed = handoffs(r, utc(2026, 12, 7, 4), days=3)  # 12:00 Shanghai
    assert listed == [
        Handoff(utc(2026, 12, 7, 16), "li", "rotation"),      # 2026-12-08 00:00 Shanghai
        Handoff(utc(2026, 12, 8, 16), "zhang", "rotation"),
        Handoff(utc(2026, 12, 9, 16), "li", "rotation"),      # 2026-12-10 00:00, within 3 days
    ]
    assert who(r, utc(2026, 12, 7, 15, 59, 59)) == "zhang"
    assert who(r, utc(2026, 12, 7, 16)) == "li"


# --- DST: Europe/Berlin springs forward on 2026-03-29 01:00 UTC, falls back on 2026-10-25 01:00 UTC

def test_daily_handoff_stays_at_nine_local_across_spring_forward() -> None:
    r = berlin(["a", "b"], "2026-03-27 09:00", "1d")
    listed = handoffs(r, utc(2026, 3, 27, 11), days=4)  # 12:00 CET
    assert [(h.at, h.person) for h in listed] == [
        (utc(2026, 3, 28, 8), "b"),   # 09:00 CET
        (utc(2026, 3, 29, 7), "a"),   # 09:00 CEST: an hour earlier in UTC, none on the clock
        (utc(2026, 3, 30, 7), "b"),
        (utc(2026, 3, 31, 7), "a"),
    ]
    assert who(r, utc(2026, 3, 29, 6, 59, 59)) == "b"
    assert who(r, utc(2026, 3, 29, 7)) == "a"


def test_twelve_hour_shift_spanning_fall_back_lasts_thirteen_hours() -> None:
    r = berlin(["a", "b"], "2026-10-24 09:00", "12h")
    assert who(r, utc(2026, 10, 24, 19)) == "b"           # 21:00 CEST
    assert who(r, utc(2026, 10, 25, 7, 59, 59)) == "b"    # 08:59:59 CET
    assert who(r, utc(2026, 10, 25, 8)) == "a"            # 09:00 CET


def test_handoff_in_the_skipped_hour_happens_at_the_jump() -> None:
    r = berlin(["a", "b", "c"], "2026-03-29 00:30", "1h")
    assert who(r, utc(2026, 3, 29, 0, 59, 59)) == "b"     # 01:59:59 CET
    assert who(r, utc(2026, 3, 29, 1)) == "c"             # 03:00 CEST: the clock passed 02:30
    assert who(r, utc(2026, 3, 29, 1, 29, 59)) == "c"
    assert who(r, utc(2026, 3, 29, 1, 30)) == "a"         # 03:30 CEST


def test_handoff_in_the_repeated_hour_happens_the_first_time_round() -> None:
    r = berlin(["a", "b", "c"], "2026-10-25 00:30", "1h")
    assert who(r, utc(2026, 10, 25, 0, 29, 59)) == "b"
    assert who(r, utc(2026, 10, 25, 0, 30)) == "c"        # 02:30 CEST, the first 02:30
    assert who(r, utc(2026, 10, 25, 1, 30)) == "c"        # 02:30 CET, the second: still c
    assert who(r, utc(2026, 10, 25, 2, 30)) == "a"        # 03:30 CET


def test_shifts_shorter_than_the_jump_stay_in_order() -> None:
    # 02:00, 02:15, ... 03:00 local all happen at the jump; the last of them, 03:00, wins.
    r = berlin(["a", "b"], "2026-03-29 01:30", "15m")
    assert who(r, utc(2026, 3, 29, 0, 59, 59)) == "b"     # 01:45 CET's shift
    assert who(r, utc(2026, 3, 29, 1)) == "a"             # 03:00 CEST is shift 6
    assert who(r, utc(2026, 3, 29, 1, 15)) == "b"         # 03:15 CEST
    assert first_instant(datetime(2026, 3, 29, 2, 30), r.timezone) == utc(2026, 3, 29, 1)


# --- overrides -----------------------------------------------------------------------------------

def test_override_holds_inside_its_range_only() -> None:
    r = roster()
    assert who(r, utc(2026, 12, 24, 9, 59, 59)) == "zhang"   # 17:59:59 Shanghai
    cover = on_call(r, utc(2026, 12, 24, 10))                # 18:00: from is included
    assert (cover.person, cover.member, cover.next) == ("wang", "zhang", "li")
    assert cover.override == Override("wang", datetime(2026, 12, 24, 18), datetime(2026, 12, 26, 9))
    assert who(r, utc(2026, 12, 26, 0, 59, 59)) == "wang"
    assert who(r, utc(2026, 12, 26, 1)) == "zhang"           # 09:00: to is excluded


def test_override_across_a_rotation_handoff_keeps_next_on_the_rotation() -> None:
    r = roster(overrides=[{"person": "wang", "from": "2026-12-27 18:00", "to": "2026-12-29 09:00"}])
    before, after = on_call(r, utc(2026, 12, 28, 0)), on_call(r, utc(2026, 12, 28, 1))
    assert (before.person, before.member, before.next) == ("wang", "zhang", "li")
    assert (after.person, after.member, after.next) == ("wang", "li", "zhang")
    assert handoffs(r, utc(2026, 12, 27), days=3) == [
        Handoff(utc(2026, 12, 27, 10), "wang", "override starts"),
        Handoff(utc(2026, 12, 29, 1), "li", "override ends"),   # the 28th's rotation handoff is not one
    ]


def test_override_by_the_person_on_call_is_still_listed() -> None:
    r = roster(overrides=[{"person": "zhang", "from": "2026-12-08 09:00", "to": "2026-12-09 09:00"}])
    assert handoffs(r, utc(2026, 12, 7, 2), days=3) == [
        Handoff(utc(2026, 12, 8, 1), "zhang", "override starts"),
        Handoff(utc(2026, 12, 9, 1), "zhang", "override ends"),
    ]


# --- escalate and rounds -------------------------------------------------------------------------

def test_escalate_list_rung_rounds_times() -> None:
    assert numbers_to_ring(roster(), utc(2026, 12, 15)) == (LI, ZHANG, WANG, LI, ZHANG, WANG)


def test_during_an_override_a_number_comes_once_per_round() -> None:
    assert numbers_to_ring(roster(), utc(2026, 12, 25)) == (WANG, LI, WANG, LI)


def test_escalate_takes_numbers_and_the_defaults_ring_oncall_then_next_twice() -> None:
    r = roster(escalate=["oncall", "+8613800000000"], rounds=1)
    assert numbers_to_ring(r, utc(2026, 12, 8)) == (ZHANG, "+8613800000000")
    defaults = parse_roster({"timezone": "UTC", "rotation": {"members": ["13800000001", "13800000002"],
                                                             "start": "2026-01-01 00:00", "shift": "1d"}})
    assert (defaults.escalate, defaults.rounds) == (("oncall", "next"), 2)
    assert numbers_to_ring(defaults, utc(2026, 1, 2, 12)) == ("13800000002", "13800000001") * 2
    alone = parse_roster({"timezone": "UTC", "rotation": {"members": ["13800000001"], "start": "2026-01-01 00:00",
                                                          "shift": "1d"}, "rounds": 3})
    assert numbers_to_ring(alone, utc(2026, 5, 1)) == ("13800000001",) * 3


# --- handoffs ------------------------------------------------------------------------------------

def test_handoffs_of_the_design_example() -> None:
    assert handoffs(roster(), utc(2026, 12, 10, 2), days=30) == [
        Handoff(utc(2026, 12, 14, 1), "li", "rotation"),
        Handoff(utc(2026, 12, 21, 1), "zhang", "rotation"),
        Handoff(utc(2026, 12, 24, 10), "wang", "override starts"),
        Handoff(utc(2026, 12, 26, 1), "zhang", "override ends"),
        Handoff(utc(2026, 12, 28, 1), "li", "rotation"),
        Handoff(utc(2027, 1, 4, 1), "zhang", "rotation"),
    ]


def test_handoffs_window_is_after_now_up_to_the_same_local_time_days_later() -> None:
    r = roster(overrides=[])
    assert handoffs(r, utc(2026, 12, 14, 1), days=7) == [Handoff(utc(2026, 12, 21, 1), "zhang", "rotation")]
    assert handoffs(r, utc(2026, 12, 14, 1), days=0) == []
    assert handoffs(r, utc(2026, 11, 1), days=14) == []  # before start the first member stays on


# --- config --------------------------------------------------------------------------------------

def test_parse_gives_typed_settings() -> None:
    r = roster()
    assert r.timezone.key == "Asia/Shanghai"
    assert (r.rotation.members, r.rotation.start, r.rotation.shift) == (
        ("zhang", "li"), datetime(2026, 12, 7, 9), timedelta(days=7))
    assert dict(r.people) == {"zhang": ZHANG, "li": LI, "wang": WANG}
    assert (r.escalate, r.rounds) == (("oncall", "next", "wang"), 2)
    assert parse_roster(None) is None


def test_unquoted_yaml_dates_are_local_times() -> None:
    raw = yaml.safe_load("""
timezone: Asia/Shanghai
rotation: {members: ["13800000001"], start: 2026-12-07, shift: 12h}
overrides: [{person: "13800000002", from: 2026-12-24 18:00:00, to: "2026-12-25 09:00"}]
""")
    r = parse_roster(raw)
    assert (r.rotation.start, r.rotation.shift) == (datetime(2026, 12, 7), timedelta(hours=12))
    assert r.overrides[0].start == datetime(2026, 12, 24, 18)


def _set(path: str, value: object) -> dict:
    raw = copy.deepcopy(EXAMPLE)
    *parents, last = path.split(".")
    target = raw
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is KeyError:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return raw


@pytest.mark.parametrize(("path", "value", "key"), [
    ("timezone", "Mars/Olympus", "roster.timezone"),
    ("timezone", KeyError, "roster.timezone"),
    ("timezone", "../../etc/passwd", "roster.timezone"),
    ("rotation.shift", "7w", "roster.rotation.shift"),
    ("rotation.shift", 604800, "roster.rotation.shift"),
    ("rotation.shift", "0d", "roster.rotation.shift"),
    ("rotation.shift", KeyError, "roster.rotation.shift"),
    ("rotation.start", "2026/12/07 09:00", "roster.rotation.start"),
    ("rotation.start", "2026-12-07 25:00", "roster.rotation.start"),
    ("rotation.members", [], "roster.rotation.members"),
    ("rotation.members", "zhang", "roster.rotation.members"),
    ("rotation.members.1", "zhao", "roster.rotation.members[1]"),
    ("rotation.members.1", 18712340002, "roster.rotation.members[1]"),
    ("rotation.every", "1w", "roster.rotation.every"),
    ("rotation", KeyError, "roster.rotation"),
    ("rotation", ["zhang"], "roster.rotation"),
    ("people.li", 18712340002, "roster.people.li"),
    ("people.li", "1871234;0002", "roster.people.li"),
    ("people.next", "18712340009", "roster.people.next"),
    ("people", ["zhang"], "roster.people"),
    ("overrides", {"person": "wang"}, "roster.overrides"),
    ("overrides.0.person", "zhao", "roster.overrides[0].person"),
    ("overrides.0.from", KeyError, "roster.overrides[0].from"),
    ("overrides.0.to", "2026-12-24 18:00", "roster.overrides[0].to"),
    ("overrides.0.who", "li", "roster.overrides[0].who"),
    ("escalate.2", "zhao", "roster.escalate[2]"),
    ("escalate", [], "roster.escalate"),
    ("rounds", 0, "roster.rounds"),
    ("rounds", True, "roster.rounds"),
    ("rotaton", {}, "roster.rotaton"),
])
def test_every_bad_value_names_its_key(path: str, value: object, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_roster(_set(path, value))
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}: ")


def test_overlapping_overrides_are_refused() -> None:
    raw = _set("overrides", [{"person": "wang", "from": "2026-12-24 18:00", "to": "2026-12-26 09:00"},
                             {"person": "li", "from": "2026-12-26 08:00", "to": "2026-12-27 09:00"}])
    with pytest.raises(ConfigError) as caught:
        parse_roster(raw)
    assert str(caught.value) == "roster.overrides[1]: overlaps roster.overrides[0]: who is on call then would be a guess"
    raw["overrides"][1]["from"] = "2026-12-26 09:00"  # back to back is fine
    assert len(parse_roster(raw).overrides) == 2


def test_a_roster_that_is_not_a_mapping_names_the_section() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_roster(["zhang", "li"])
    assert caught.value.key == "roster"


# --- gsmcall roster ------------------------------------------------------------------------------

def test_show_prints_who_is_on_call_and_the_handoffs_in_local_time() -> None:
    code, text = show_roster(roster(), 30, utc(2026, 12, 10, 2))
    assert code == 0
    assert text == """\
Roster in Asia/Shanghai, now 2026-12-10 10:00
On call: zhang 18712340001
Next: li 18712340002
An alert now rings: 18712340001, 18712340002, 18712340003, 18712340001, 18712340002, 18712340003
Handoffs in the next 30 days:
  2026-12-14 09:00  li 18712340002
  2026-12-21 09:00  zhang 18712340001
  2026-12-24 18:00  wang 18712340003 (override starts)
  2026-12-26 09:00  zhang 18712340001 (override ends)
  2026-12-28 09:00  li 18712340002
  2027-01-04 09:00  zhang 18712340001"""


def test_show_during_an_override_and_across_dst() -> None:
    code, text = show_roster(roster(), 1, utc(2026, 12, 25))
    assert (code, text.splitlines()[1], text.splitlines()[-1]) == (0, "On call: wang 18712340003 (override)", "  none")
    r = berlin(["13800000001", "13800000002"], "2026-10-24 09:00", "1d")
    lines = show_roster(r, 2, utc(2026, 10, 24, 10))[1].splitlines()  # 12:00 CEST
    assert lines[0] == "Roster in Europe/Berlin, now 2026-10-24 12:00"
    assert lines[-2:] == ["  2026-10-25 09:00  13800000002", "  2026-10-26 09:00  13800000001"]


def test_show_without_a_roster_or_with_negative_days_exits_2() -> None:
    code, text = show_roster(None, 14, utc(2026, 12, 10))
    assert (code, text) == (2, "gsmcall roster: the config has no roster: section (see DESIGN.md section 7)")
    assert show_roster(roster(), -1, utc(2026, 12, 10))[0] == 2
