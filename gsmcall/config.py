"""Load and validate ``config.yaml`` into frozen, typed settings.

The daemon runs unattended, so every mistake must surface at start-up with a message that names
the offending key by its dotted path (``alerts.poll_interval: ...``), never later as a crash in the
middle of an alert. Defaults live in one place: the dataclass field defaults below.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
import yaml

from gsmcall.config_base import (
    ConfigError,
    duration,
    positive_int,
    reject_unknown,
    type_name,
)
from gsmcall.config_checks import check_follow, check_intake, check_numbers, check_watchdog
from gsmcall.config_forwarding import cancel_string, set_string
from gsmcall.modem.profiles import PROFILES
from gsmcall.roster.config import parse_roster
from gsmcall.settings import (
    AlertSettings,
    CallSettings,
    IntakeSettings,
    LogSettings,
    MetricsSettings,
    ForwardingSettings,
    ModemSettings,
    Settings,
    SmsSettings,
    StateSettings,
    WatchdogSettings,
    split_host_port,
)

PROFILE_CHOICES = ("auto", *PROFILES)


# --- value checks -------------------------------------------------------------------------------
# Each check takes (dotted key, raw YAML value) and returns the typed value or raises ConfigError.

Check = Callable[[str, Any], Any]


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(key, f"must be a string, got {type_name(value)} {value!r}")
    return value


def _nonempty_string(key: str, value: Any) -> str:
    if not _string(key, value).strip():
        raise ConfigError(key, "must not be empty")
    return value


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, f"must be true or false, got {value!r}")
    return value


def _number(minimum: float, inclusive: bool) -> Check:
    bound = f">= {minimum:g}" if inclusive else f"> {minimum:g}"

    def check(key: str, value: Any) -> float:
        # bool is an int subclass: `hold: yes` must not quietly become 1 second.
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or value < minimum or (value == minimum and not inclusive):
            raise ConfigError(key, f"must be a number {bound}, got {value!r}")
        return value

    return check


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(key: str, value: Any) -> str:
        if value not in choices:
            raise ConfigError(key, f"must be one of {' | '.join(choices)}, got {value!r}")
        return value

    return check


def _pin(key: str, value: Any) -> str | None:
    # An unquoted PIN is refused rather than converted: YAML reads `pin: 0123` as the octal
    # number 83, and sending a wrong PIN a few times locks the SIM.
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        written = getattr(value, "written", value)  # as typed: `0123`, not the 83 YAML made of it
        raise ConfigError(key, f'must be quoted so YAML keeps it as written, e.g. pin: "{written}"')
    if not isinstance(value, str) or not re.fullmatch(r"\d{4,8}", value):
        raise ConfigError(key, f"must be a string of 4 to 8 digits, got {value!r}")
    return value


def _url(key: str, value: Any) -> str:
    parts = urlsplit(_string(key, value).strip())
    if parts.scheme not in ("http", "https"):
        raise ConfigError(key, f"must be an http:// or https:// URL, got {value!r}")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ConfigError(key, f"is not a valid URL ({exc}), got {value!r}") from None
    if not host:
        raise ConfigError(key, f"must name a host, got {value!r}")
    return value.strip()


def _headers(key: str, value: Any) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise ConfigError(key, f"must be a mapping of header names to strings, got {value!r}")
    for name, text in value.items():
        if not isinstance(name, str) or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
            raise ConfigError(key, f"{name!r} is not a valid header name")
        if not isinstance(text, str) or any(c in text for c in "\r\n"):
            raise ConfigError(f"{key}.{name}", f"must be a one-line string (quote it), got {text!r}")
    return MappingProxyType(dict(value))


def _string_list(key: str, value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ConfigError(key, f"must be a list of {what}, got {value!r}")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            hint = " (quote it, YAML reads unquoted digits as a number)" if isinstance(item, int) else ""
            raise ConfigError(f"{key}[{index}]", f"must be a non-empty string{hint}, got {item!r}")
    return tuple(value)


def _senders(key: str, value: Any) -> tuple[str, ...]:
    # Parsed properly later, against sms.default_region, in config_checks.check_numbers.
    return _string_list(key, value, "phone numbers")


def _patterns(key: str, value: Any) -> tuple[str, ...]:
    patterns = _string_list(key, value, "regular expressions")
    for index, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{key}[{index}]", f"is not a valid regular expression ({exc}): {pattern!r}") from None
    return patterns


def _region(key: str, value: Any) -> str:
    region = _string(key, value).upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(key, f"must be a two-letter region code such as CN or US, got {value!r}")
    return region


def _directory(key: str, value: Any) -> Path:
    return Path(_nonempty_string(key, value)).expanduser()


def _log_level(key: str, value: Any) -> str:
    level = _string(key, value).upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ConfigError(key, f"must be a logging level (DEBUG, INFO, WARNING, ERROR, CRITICAL), got {value!r}")
    return level


def _speech(key: str, value: Any) -> str:
    try:
        _string(key, value).format(text="", ack_key="")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(key, f"may use only {{text}} and {{ack_key}}, got {value!r} ({exc})") from None
    return value


def _listen(key: str, value: Any) -> str | None:
    if value is None:
        return None
    try:
        split_host_port(_string(key, value))
    except ValueError as exc:
        raise ConfigError(key, f"{exc}, got {value!r}") from None
    return value


def _optional(check: Check) -> Check:
    """``check``, or None for a key written as ``null`` (the default of every optional key)."""
    return lambda key, value: None if value is None else check(key, value)


# The checks for every key; the keys of a section are exactly its dataclass's fields.
SCHEMA: dict[str, tuple[type, dict[str, Check]]] = {
    "modem": (ModemSettings, {
        "port": _nonempty_string,
        "baudrate": positive_int,
        "profile": _one_of(PROFILE_CHOICES),
        "pin": _pin,
        "command_timeout": _number(0, inclusive=False),
    }),
    "alerts": (AlertSettings, {
        "url": _url,
        "poll_interval": _number(0, inclusive=False),
        "timeout": _number(0, inclusive=False),
        "headers": _headers,
        "verify_tls": _boolean,
    }),
    "calls": (CallSettings, {
        "ring_timeout": _number(0, inclusive=False),
        "hold": _number(0, inclusive=True),
        "gap": _number(0, inclusive=True),
        "ack": _one_of(("none", "key")),
        "ack_key": _one_of(tuple("0123456789*#")),
        "ack_timeout": _number(0, inclusive=False),
        "speech": _speech,
        "speech_repeat": positive_int,
        "default_text": _nonempty_string,
        "sms": _one_of(("none", "unanswered", "always")),
    }),
    "sms": (SmsSettings, {
        "enabled": _boolean,
        "keyword": _nonempty_string,
        "allowed_senders": _senders,
        "allowed_targets": _patterns,
        "default_region": _region,
        "reply": _boolean,
    }),
    "state": (StateSettings, {"dir": _directory}),
    "log": (LogSettings, {"level": _log_level, "show_numbers": _boolean}),
    "metrics": (MetricsSettings, {"listen": _listen}),
    "intake": (IntakeSettings, {
        "listen": _listen,
        "token": _optional(_nonempty_string),
        "max_body": positive_int,
        "repeat_after": _number(0, inclusive=True),
        "report_url": _optional(_url),
    }),
    "watchdog": (WatchdogSettings, {
        "admins": _senders,
        "endpoint_down_after": _number(0, inclusive=False),
        "ping_url": _optional(_url),
        "keepalive": _optional(lambda key, value: duration(key, value).total_seconds()),
    }),
    "forwarding": (ForwardingSettings, {
        "enabled": _boolean,
        "set": set_string,
        "cancel": cancel_string,
        "verify": _boolean,
        "follow_roster": _boolean,
        "notify": _boolean,
    }),
}


def _section(name: str, raw: Any) -> Any:
    cls, checks = SCHEMA[name]
    if raw is None:  # `sms:` with nothing under it means "all defaults"
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError(name, f"must be a mapping of keys, got {type_name(raw)} {raw!r}")
    reject_unknown(name, raw, list(checks))
    values = {}
    for spec in dataclasses.fields(cls):
        key = f"{name}.{spec.name}"
        if spec.name in raw:
            values[spec.name] = checks[spec.name](key, raw[spec.name])
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise ConfigError(key, "is required but missing")
    return cls(**values)


def parse_config(raw: Any, base_dir: Path | None = None) -> Settings:
    """Validate an already-parsed YAML document.

    A relative ``state.dir`` is resolved against ``base_dir`` (the config file's directory when
    called from load_config), so the daemon's working directory does not decide where state goes.
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError("(top level)", f"must be a mapping of sections, got {type_name(raw)}")
    reject_unknown("", raw, [*SCHEMA, "roster"])
    sections: dict[str, Any] = {name: _section(name, raw.get(name)) for name in SCHEMA}
    sections["roster"] = parse_roster(raw.get("roster"))
    region = sections["sms"].default_region
    check_numbers("sms.allowed_senders", sections["sms"].allowed_senders, region)
    watchdog = sections["watchdog"]
    sections["watchdog"] = dataclasses.replace(watchdog, admins=check_numbers("watchdog.admins", watchdog.admins, region))
    check_watchdog(sections["watchdog"])
    check_intake(sections["intake"], sections["roster"])
    check_follow(sections["forwarding"], sections["roster"])
    state = sections["state"]
    if base_dir is not None and not state.dir.is_absolute():
        sections["state"] = StateSettings(dir=base_dir / state.dir)
    return Settings(**sections)


class _WrittenInt(int):
    """An unquoted ``pin:`` number with the text it was typed as, for the hint that quotes it."""

    written: str


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice, which plain YAML silently resolves to the last,
    and keeps an unquoted ``pin`` number's text (YAML reads ``0123`` as the octal 83)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        pin = mapping.get("pin")
        if isinstance(pin, int) and not isinstance(pin, bool):
            mapping["pin"] = number = _WrittenInt(pin)
            number.written = next(value.value for key, value in node.value if key.value == "pin")
        return mapping


def load_config(path: str | Path) -> Settings:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), "config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read config file: {exc}") from None
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{where}", f"YAML syntax error: {problem}") from None
    return parse_config(raw, base_dir=path.resolve().parent)
