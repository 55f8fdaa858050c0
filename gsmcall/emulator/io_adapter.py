"""The modem's window on the world (``modem.ModemIO``) made of four plain functions.

The ``Emulator`` owns the pty, the log and the timer thread; it hands the modem logic only
these, so ``modem.py`` stays free of threads and file descriptors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .scheduler import Timer


@dataclass(frozen=True)
class FunctionsIO:
    send: Callable[[bytes], None]
    log: Callable[[str, str], None]
    later: Callable[..., Timer]  # (delay, fn, *args): run fn(*args) under the emulator's lock
    power_cycle: Callable[[str, bool], None]
