"""The table ``gsmcall check`` and ``gsmcall status`` print, and the exit code it maps to.

Both commands answer "is alerting working?" line by line; each line knows which area it
belongs to, so a failure exits with that area's code (DESIGN.md section 1) and a script can
tell a SIM that needs a person from an endpoint that is down.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from gsmcall.exitcodes import EXIT_CONFIG, EXIT_ENDPOINT, EXIT_MODEM, EXIT_OK, EXIT_SIM

# The first failing area in this order decides the exit code.
_EXIT_BY_AREA = (("config", EXIT_CONFIG), ("sim", EXIT_SIM), ("modem", EXIT_MODEM), ("endpoint", EXIT_ENDPOINT))


@dataclass(frozen=True)
class CheckItem:
    name: str
    ok: bool
    value: str
    area: str  # "config", "sim", "modem" or "endpoint": which exit code a failure maps to


def exit_code(items: list[CheckItem]) -> int:
    failed = {item.area for item in items if not item.ok}
    return next((code for area, code in _EXIT_BY_AREA if area in failed), EXIT_OK)


def format_table(items: list[CheckItem]) -> str:
    width = max(len(item.name) for item in items)
    return "\n".join(f"{item.name:<{width}}  {'ok  ' if item.ok else 'FAIL'}  {item.value}" for item in items)


def as_json(items: list[CheckItem]) -> dict[str, object]:
    return {"ok": all(item.ok for item in items), "checks": [asdict(item) for item in items]}
