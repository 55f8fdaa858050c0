"""Modem profile names for tests and the benchmark, from the one list in gsmcall.

``PUSH_PROFILES``: the families that push call state as URCs; ``PROFILES``: all of them, in
gsmcall's order (the pushing ones first, ``generic``, which polls, last).
"""

from __future__ import annotations

from gsmcall.modem.profiles import PROFILES as _PROFILES

PROFILES: list[str] = list(_PROFILES)
PUSH_PROFILES: list[str] = [p.name for p in _PROFILES.values() if p.voice.pushes_call_state]
