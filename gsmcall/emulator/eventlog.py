"""The emulator's log: what the host sent, what the modem sent, and readable event notes.

It is the test suite's window on the modem, so it is kept apart from the I/O thread: entries
are appended under their own condition variable and ``wait_for`` blocks on it, which lets a
test wait for a command without polling and without holding the modem's lock.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogEntry:
    """One line of the log, stamped with ``time.monotonic()``."""

    t: float
    kind: str  # 'rx' | 'tx' | 'event'
    text: str


class EventLog:
    """Append-only list of ``LogEntry`` with an optional per-entry callback (``on_log``)."""

    def __init__(self, on_log: Callable[[LogEntry], None] | None = None) -> None:
        self._entries: list[LogEntry] = []
        self._cond = threading.Condition(threading.Lock())
        self._on_log = on_log

    def entries(self) -> list[LogEntry]:
        with self._cond:
            return list(self._entries)

    def add(self, kind: str, text: str) -> None:
        entry = LogEntry(time.monotonic(), kind, text)
        logger.debug("%s %s", kind, text)
        with self._cond:
            self._entries.append(entry)
            if self._on_log:
                try:
                    self._on_log(entry)
                except Exception:  # a broken log sink must not kill the modem
                    logger.exception("on_log callback failed")
            self._cond.notify_all()

    def wait_for(self, what: str | Callable[[LogEntry], bool], timeout: float,
                 since: float | None, kind: str) -> LogEntry:
        """Block until an entry matches (see ``Emulator.wait_for``); TimeoutError with the tail."""
        if callable(what):
            pred = what
        else:
            prefix = what.upper()
            pred = lambda e: e.kind == kind and e.text.upper().startswith(prefix)  # noqa: E731
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for entry in self._entries[seen:]:
                    if (since is None or entry.t >= since) and pred(entry):
                        return entry
                seen = len(self._entries)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    tail = "\n".join(f"  {e.t:.3f} {e.kind:5} {e.text}" for e in self._entries[-25:])
                    raise TimeoutError(f"emulator: no log entry matching {what!r} within {timeout}s; log tail:\n{tail}")
                self._cond.wait(remaining)
