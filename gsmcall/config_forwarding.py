"""The ``forwarding.set`` and ``forwarding.cancel`` checks (DESIGN.md section 8).

Each is either ``ccfc`` (``AT+CCFC``) or a carrier's dial string; the string ends up after
``ATD``, so it is held to the same characters as any number dialled, and ``set`` must say where
the number goes.  Kept out of ``gsmcall.config`` so that file only lists the section.
"""

from __future__ import annotations

from typing import Any

from gsmcall.config_base import ConfigError, type_name
from gsmcall.dialstring import NUMBER_FIELD, from_template
from gsmcall.modem.capabilities.forwarding import CCFC

_SAMPLE = "13912345678"


def set_string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(key, f"must be a string, got {type_name(value)} {value!r}")
    if value == CCFC:
        return value
    if NUMBER_FIELD not in value:
        raise ConfigError(key, f'must contain {NUMBER_FIELD} (e.g. "*72{{number}}", "**21*{{number}}#") or be ccfc, '
                               f"got {value!r}")
    try:
        from_template(value, _SAMPLE)
    except ValueError:
        raise ConfigError(key, f"may hold only digits, * and # around {NUMBER_FIELD}, got {value!r}") from None
    return value


def cancel_string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(key, f"must be a string, got {type_name(value)} {value!r}")
    if value == CCFC:
        return value
    if NUMBER_FIELD in value:
        raise ConfigError(key, f"cancels every forwarding, so it takes no {NUMBER_FIELD}, got {value!r}")
    try:
        from_template(value)
    except ValueError:
        raise ConfigError(key, f'must be ccfc or a dial string of digits, * and # (e.g. "*720", "##21#"), '
                               f"got {value!r}") from None
    return value
