"""What a running daemon says about itself in ``state.dir``, for ``gsmcall status`` and ``check``.

Only one process may own the serial port, so at 3 a.m. an operator cannot ask the modem how
the daemon is doing without stopping alerting.  The daemon therefore writes a small JSON file
(``status.json``) whenever its modem comes up or goes down, and touches the heartbeat file on
every healthy loop turn; a second process reads both, plus the journal, without the modem.
The file is replaced atomically, so a reader never sees half of it.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from gsmcall import heartbeat

log = logging.getLogger(__name__)

FILENAME = "status.json"
# The loop touches the heartbeat at least every poll interval while the modem answers; the
# container's health check allows the same age.
STALE_AFTER = 180.0


@dataclass(frozen=True)
class DaemonState:
    pid: int
    started_at: float
    modem_up: bool
    modem_detail: str
    modem_since: float
    running: bool  # the process is alive and did not record a clean stop
    heartbeat_age: float | None  # seconds; None when there is no heartbeat file

    @property
    def healthy(self) -> bool:
        return (self.running and self.modem_up and self.heartbeat_age is not None
                and self.heartbeat_age <= STALE_AFTER)


class StatusFile:
    """The daemon's side: one instance per process, written on every modem state change."""

    def __init__(self, state_dir: Path) -> None:
        self._path = Path(state_dir) / FILENAME
        self._started_at = time.time()

    def modem_up(self, detail: str) -> None:
        self._write(up=True, detail=detail)

    def modem_down(self, reason: str) -> None:
        self._write(up=False, detail=reason)

    def stopped(self) -> None:
        self._write(up=False, detail="stopped", stopped=True)

    def _write(self, up: bool, detail: str, stopped: bool = False) -> None:
        """A failure is logged, not raised: a full disk must not stop alerts being rung."""
        record = {"pid": os.getpid(), "started_at": self._started_at, "modem_up": up,
                  "modem_detail": detail, "modem_since": time.time(), "stopped": stopped}
        temporary = self._path.with_name(self._path.name + ".tmp")
        try:
            temporary.write_text(json.dumps(record))
            os.replace(temporary, self._path)
        except OSError as exc:
            log.warning("cannot write %s: %s", self._path, exc)


def read_state(state_dir: Path) -> DaemonState | None:
    """The last state a daemon wrote in ``state_dir``, None when none ever ran there (or the
    file is unreadable: it is only a report, never a reason to fail)."""
    try:
        record = json.loads((Path(state_dir) / FILENAME).read_text())
        pid = int(record["pid"])
        state = DaemonState(pid=pid, started_at=float(record["started_at"]), modem_up=bool(record["modem_up"]),
                            modem_detail=str(record["modem_detail"]), modem_since=float(record["modem_since"]),
                            running=not record.get("stopped") and _process_alive(pid),
                            heartbeat_age=_heartbeat_age(state_dir))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.debug("no daemon state in %s: %s", state_dir, exc)
        return None
    return state


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a file this very process left: not another daemon
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, under another user (the gsmcall service user)
    return True


def _heartbeat_age(state_dir: Path) -> float | None:
    try:
        return max(0.0, time.time() - heartbeat.heartbeat_path(state_dir).stat().st_mtime)
    except OSError:
        return None
