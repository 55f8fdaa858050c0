"""Validate the ``roster:`` section of config.yaml into ``RosterSettings`` (DESIGN.md section 7).

In the style of ``gsmcall.config``: every mistake is a ``ConfigError`` naming its dotted key
(``roster.rotation.members[1]``), found at start-up rather than when an alert should have rung
someone.  A roster that names a person nobody defined, or two overrides that disagree about
the same hour, would page the wrong phone at night, so both are refused here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gsmcall.config_base import (
    ConfigError,
    duration,
    positive_int,
    reject_unknown,
    type_name,
)
from gsmcall.dialstring import is_diallable
from gsmcall.roster.model import KEYWORDS, Override, RosterSettings, Rotation

TIME_FORMAT = "%Y-%m-%d %H:%M"


def _mapping(key: str, value: Any, known: list[str]) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(key, f"must be a mapping of keys, got {type_name(value)} {value!r}")
    reject_unknown(key, value, known)
    return value


def _required(key: str, section: Mapping[Any, Any], name: str) -> Any:
    if name not in section:
        raise ConfigError(f"{key}.{name}", "is required but missing")
    return section[name]


def _timezone(key: str, value: Any) -> ZoneInfo:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, f"must be a time zone name such as Asia/Shanghai, got {value!r}")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(key, f"is not a known time zone (IANA name such as Asia/Shanghai), got {value!r}") from None


def _local_time(key: str, value: Any) -> datetime:
    """A local wall-clock time: ``"2026-12-07 09:00"`` as written, or what YAML made of an
    unquoted ``2026-12-07`` (a date) or ``2026-12-07 09:00:00`` (a naive datetime)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ConfigError(key, f"must be a local time in roster.timezone, without an offset, got {value}")
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.strptime(value, TIME_FORMAT)
    except (TypeError, ValueError):
        raise ConfigError(key, f'must be a local time "YYYY-MM-DD HH:MM", got {value!r}') from None


def _number(key: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ConfigError(key, f'must be quoted so YAML keeps it as written, e.g. "{value}"')
    if not isinstance(value, str) or not is_diallable(value):
        raise ConfigError(key, f"must be a number to dial (digits, *, # and a leading +), got {value!r}")
    return value


def _people(key: str, value: Any) -> Mapping[str, str]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        raise ConfigError(key, f"must be a mapping of names to numbers, got {type_name(value)} {value!r}")
    for name, number in value.items():
        if not isinstance(name, str) or not name.strip() or name in KEYWORDS:
            raise ConfigError(f"{key}.{name}", f"must be a name other than {' and '.join(KEYWORDS)}")
        _number(f"{key}.{name}", number)
    return MappingProxyType(dict(value))


def _who(key: str, value: Any, people: Mapping[str, str], keywords: tuple[str, ...] = ()) -> str:
    """A member, an override's person or an escalate entry: a name in people, a number to
    dial, or (escalate only) one of the keywords."""
    if isinstance(value, str) and (value in people or value in keywords or is_diallable(value)):
        return value
    also = f", {' or '.join(keywords)}" if keywords else ""
    hint = " (quote a number, YAML reads unquoted digits as a number)" if isinstance(value, int) else ""
    raise ConfigError(key, f"is neither a name in roster.people{also} nor a number to dial{hint}, got {value!r}")


def _who_list(key: str, value: Any, people: Mapping[str, str], keywords: tuple[str, ...] = ()) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(key, f"must be a non-empty list of names or numbers, got {value!r}")
    return tuple(_who(f"{key}[{index}]", item, people, keywords) for index, item in enumerate(value))


def _rotation(key: str, raw: Any, people: Mapping[str, str]) -> Rotation:
    section = _mapping(key, raw, ["members", "start", "shift"])
    return Rotation(
        members=_who_list(f"{key}.members", _required(key, section, "members"), people),
        start=_local_time(f"{key}.start", _required(key, section, "start")),
        shift=duration(f"{key}.shift", _required(key, section, "shift")),
    )


def _overrides(key: str, raw: Any, people: Mapping[str, str]) -> tuple[Override, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(key, f"must be a list of {{person, from, to}}, got {type_name(raw)} {raw!r}")
    overrides: list[Override] = []
    for index, item in enumerate(raw):
        at = f"{key}[{index}]"
        section = _mapping(at, item, ["person", "from", "to"])
        override = Override(
            person=_who(f"{at}.person", _required(at, section, "person"), people),
            start=_local_time(f"{at}.from", _required(at, section, "from")),
            end=_local_time(f"{at}.to", _required(at, section, "to")),
        )
        if override.end <= override.start:
            raise ConfigError(f"{at}.to", f"must be after {at}.from")
        for earlier, other in enumerate(overrides):
            if override.start < other.end and other.start < override.end:
                raise ConfigError(at, f"overlaps {key}[{earlier}]: who is on call then would be a guess")
        overrides.append(override)
    return tuple(overrides)


def parse_roster(raw: Any) -> RosterSettings | None:
    """The ``roster:`` section, or None when there is none (or it is empty)."""
    if raw is None:
        return None
    key = "roster"
    section = _mapping(key, raw, ["timezone", "people", "rotation", "overrides", "escalate", "rounds"])
    people = _people(f"{key}.people", section.get("people"))
    optional: dict[str, Any] = {}
    if "escalate" in section:
        optional["escalate"] = _who_list(f"{key}.escalate", section["escalate"], people, KEYWORDS)
    if "rounds" in section:
        optional["rounds"] = positive_int(f"{key}.rounds", section["rounds"])
    return RosterSettings(
        timezone=_timezone(f"{key}.timezone", _required(key, section, "timezone")),
        rotation=_rotation(f"{key}.rotation", _required(key, section, "rotation"), people),
        people=people,
        overrides=_overrides(f"{key}.overrides", section.get("overrides"), people),
        **optional,
    )
