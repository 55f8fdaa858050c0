"""Call forwarding on the wire, pure: ``+CCFC:`` query lines in, the voice target out; which
kind of dial string a forwarding code is.

27.007 §7.11 answers ``AT+CCFC=<reason>,2`` with one line per class,
``+CCFC: <status>,<class>[,"<number>",<type>[,,,<time>]]``.  Only class 1 (voice) matters to
a pager; ``+CCFC: 0,7`` (the standard, SIM800) and ``+CCFC: 0,255`` (the SIM7600 manual) both
mean nothing is active.  The carriers' codes are of two kinds (reference atcommands.md §5):
22.030 supplementary-service strings end in ``#`` (``**21*<n>#``) and are intercepted by the
modem, never placed as calls; China Telecom's ``*72<n>`` does not end in ``#``, so the modem
places it as an ordinary call that the network answers with an announcement.  Which of the two
a template is decides how the capability sends it, so that rule lives here, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

VOICE_CLASS = 1
TYPE_INTERNATIONAL = 145  # 24.008 type of address with a leading "+"
TYPE_NATIONAL = 129

_CCFC = re.compile(r'^\+CCFC:\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*"?([^",]*)"?\s*(?:,\s*(\d+))?)?.*$')
# 22.030 §6.5.2: a supplementary-service operation is a string of *, # and digits ending in #.
_SUPPLEMENTARY = re.compile(r"^[*#][0-9*#+]*#$")


@dataclass(frozen=True)
class CcfcLine:
    """One ``+CCFC:`` line: ``active`` (status 1) for the classes in the ``classes`` bit mask."""

    active: bool
    classes: int
    number: str | None = None
    number_type: int | None = None

    @property
    def voice(self) -> bool:
        return bool(self.classes & VOICE_CLASS)


@dataclass(frozen=True)
class VoiceForwarding:
    """What a query says about voice calls: forwarded to ``target``, or not (``target`` None)."""

    target: str | None

    @property
    def active(self) -> bool:
        return self.target is not None


def parse_ccfc(line: str) -> CcfcLine | None:
    """The ``+CCFC:`` line's fields; None when the line is not one (or is garbled)."""
    match = _CCFC.match(line.strip())
    if match is None:
        return None
    status, classes, number, number_type = match.groups()
    return CcfcLine(active=status == "1", classes=int(classes), number=number or None,
                    number_type=int(number_type) if number_type else None)


def voice_forwarding(lines: Iterable[str]) -> VoiceForwarding | None:
    """The voice forwarding in a query's response lines; None when they hold no ``+CCFC:``
    line at all (an answer that says nothing, which is not "none active")."""
    parsed = [entry for entry in (parse_ccfc(line) for line in lines) if entry is not None]
    if not parsed:
        return None
    for entry in parsed:
        if entry.active and entry.voice:
            return VoiceForwarding(entry.number or "")
    return VoiceForwarding(None)


def is_supplementary_service(dial: str) -> bool:
    """True for a 22.030 string (``**21*<n>#``, ``##21#``) the modem answers itself; False
    for a feature code (``*72<n>``, ``*720``) that goes out as a call."""
    return _SUPPLEMENTARY.fullmatch(dial) is not None


def number_type(number: str) -> int:
    return TYPE_INTERNATIONAL if number.startswith("+") else TYPE_NATIONAL
