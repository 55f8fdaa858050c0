"""What may follow ``ATD``: the one check every path to the modem goes through.

Digits, ``*``, ``#`` and a leading ``+`` only.  Anything else (``;``, ``,``, letters,
quotes, line breaks) could end the dial string and smuggle in another AT command, so an
endpoint's number, an SMS command's number and ``gsmcall dial`` all pass through here.
``same_number`` is here too: whether a number a modem reports (a call's, a forwarding
target's) can be one we dialled or set.
"""

from __future__ import annotations

import re

_DIALLABLE = re.compile(r"\+?[0-9*#]+")


def is_diallable(number: str) -> bool:
    return _DIALLABLE.fullmatch(number) is not None


def check_diallable(number: str) -> None:
    if not is_diallable(number):
        raise ValueError(f"{number!r} is not a number to dial (digits, *, # and a leading + only)")


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
