"""What every config section's validation shares: the error that names the key, and the
checks used by more than one section (``gsmcall.config`` and ``gsmcall.roster.config``).

A leaf module, so a section parsed in its own package imports these without importing the
whole config loader (which imports the sections).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

_DURATION = re.compile(r"([1-9][0-9]*)([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class ConfigError(Exception):
    """A configuration problem; the message starts with the dotted key (or the file) at fault."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def positive_int(key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(key, f"must be a whole number > 0, got {value!r}")
    return value


def duration(key: str, value: Any) -> timedelta:
    """A span written ``<n>s|m|h|d`` (DESIGN §1): ``roster.rotation.shift``, ``watchdog.keepalive``."""
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(key, f"must be a duration <n>s|m|h|d such as 12h or 7d, got {value!r}")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def reject_unknown(path: str, given: Mapping[Any, Any], known: list[str]) -> None:
    for key in given:
        if key not in known:
            dotted = f"{path}.{key}" if path else str(key)
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known)})"
            raise ConfigError(dotted, f"unknown key{hint}")
