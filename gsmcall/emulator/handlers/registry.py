"""The table from an extended command's name to the function that answers it.

Each area module registers its handlers with ``@handles("+NAME", ...)`` under the literal
command name, so grepping for ``"+CLCC"`` lands on the code that answers ``AT+CLCC``.  A
handler gets the modem (``ModemContext``) and the parsed ``Request`` and returns
``(info_lines, final)``, or None when it has taken over the output itself (the SMS ``> ``
prompt).  The argument helpers sit here because every area parses arguments the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ..context import ModemContext

Reply = Optional[tuple[list[str], str]]


@dataclass(frozen=True)
class Request:
    """One extended command: ``name`` upper-cased with its ``+``/``^``/``$`` prefix, ``op``
    one of exec / read / test / set, and ``args`` split (only for set)."""

    name: str
    op: str
    args: list[str]


Handler = Callable[[ModemContext, Request], Reply]

HANDLERS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    """Register the decorated function for each of ``names``; a name may be claimed once."""

    def register(fn: Handler) -> Handler:
        for name in names:
            if name in HANDLERS:
                raise ValueError(f"{name} already handled by {HANDLERS[name].__name__}")
            HANDLERS[name] = fn
        return fn

    return register


def split_args(s: str) -> list[str]:
    """Split on commas outside double quotes; strip blanks and the quotes."""
    out: list[str] = []
    cur: list[str] = []
    quoted = False
    for ch in s:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur).strip())
    return [a[1:-1] if len(a) >= 2 and a[0] == a[-1] == '"' else a for a in out]


def to_int(s: str, default: int | None = None) -> int:
    """``int(s)``; with a ``default`` a blank or malformed argument means that value instead.

    Without one the ValueError propagates, which the dispatcher turns into CME error 50.
    """
    try:
        return int(s)
    except (TypeError, ValueError):
        if default is None:
            raise
        return default


def query(req: Request, current: str, allowed: str) -> Reply:
    """The read form reports ``current``, the test form ``allowed``, anything else is OK.

    Settings commands answer their two query forms this way, so a handler deals with set
    (and sometimes exec) and ends with ``return query(...)``.
    """
    if req.op == "read":
        return [current], "OK"
    if req.op == "test":
        return [allowed], "OK"
    return [], "OK"
