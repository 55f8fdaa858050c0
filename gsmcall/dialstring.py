"""What may follow ``ATD``: the one check every path to the modem goes through.

Digits, ``*``, ``#`` and a leading ``+`` only.  Anything else (``;``, ``,``, letters,
quotes, line breaks) could end the dial string and smuggle in another AT command, so an
endpoint's number, an SMS command's number and ``gsmcall dial`` all pass through here.
``from_template`` fills a carrier's forwarding code (``*72{number}``) under the same rule, and
``same_number`` says whether a number a modem reports (a call's, a forwarding target's) can be
one we dialled or set.
"""

from __future__ import annotations

import re

_DIALLABLE = re.compile(r"\+?[0-9*#]+")
NUMBER_FIELD = "{number}"


def is_diallable(number: str) -> bool:
    return _DIALLABLE.fullmatch(number) is not None


def check_diallable(number: str) -> None:
    if not is_diallable(number):
        raise ValueError(f"{number!r} is not a number to dial (digits, *, # and a leading + only)")


def from_template(template: str, number: str | None = None) -> str:
    """``template`` with ``{number}`` replaced; raises ValueError unless both are something
    ``ATD`` may carry (digits, ``*``, ``#``; the number may start with ``+``, which then sits
    inside the string, as in ``**21*+8613912345678#``).

    Plain replacement, not ``str.format``: a template is the operator's text, and braces
    other than ``{number}`` must be refused, not interpreted."""
    if NUMBER_FIELD in template and number is None:
        raise ValueError(f"{template!r} needs a number")
    check_diallable(template.replace(NUMBER_FIELD, "0"))
    if number is not None and NUMBER_FIELD in template:
        check_diallable(number)
    return template.replace(NUMBER_FIELD, number or "")


def same_number(reported: str | None, dialled: str) -> bool:
    """Whether a number a modem reports for a call can be the one we dialled.  Modems add or
    drop the country code or trunk prefix, so the shorter of the two must end the longer; a
    missing or short number (a code, an empty field) says nothing against it."""
    digits = "".join(ch for ch in reported or "" if ch.isdigit())
    ours = "".join(ch for ch in dialled if ch.isdigit())
    if len(digits) < 7 or len(ours) < 7:
        return True
    shorter = min(len(digits), len(ours))
    return digits[-shorter:] == ours[-shorter:]
