"""What may follow ``ATD``: the one check every path to the modem goes through.

Digits, ``*``, ``#`` and a leading ``+`` only.  Anything else (``;``, ``,``, letters,
quotes, line breaks) could end the dial string and smuggle in another AT command, so an
endpoint's number, an SMS command's number and ``gsmcall dial`` all pass through here.
"""

from __future__ import annotations

import re

_DIALLABLE = re.compile(r"\+?[0-9*#]+")


def is_diallable(number: str) -> bool:
    return _DIALLABLE.fullmatch(number) is not None


def check_diallable(number: str) -> None:
    if not is_diallable(number):
        raise ValueError(f"{number!r} is not a number to dial (digits, *, # and a leading + only)")
