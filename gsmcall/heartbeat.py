"""Liveness that a health check can read without touching the modem.

Only one process may own the serial port, so a container health check cannot ask the modem
whether the daemon is alive.  Instead the daemon touches a file in its state directory on
every loop iteration, and the check (``python -m gsmcall.heartbeat DIR MAX_AGE``, exit 0
when fresh, 1 when stale) looks at how old the file is.  A hung loop stops touching it.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

FILENAME = "heartbeat"


def heartbeat_path(state_dir: Path) -> Path:
    return Path(state_dir) / FILENAME


def touch(state_dir: Path) -> None:
    """Mark the daemon alive now.

    A failure is logged, not raised: a full or read-only disk must not stop alerts from
    being rung; the health check will report the daemon unhealthy instead.
    """
    try:
        heartbeat_path(state_dir).touch()
    except OSError as exc:
        log.warning("cannot touch the heartbeat file: %s", exc)


def is_fresh(state_dir: Path, max_age: float) -> bool:
    """True when the daemon touched the heartbeat no more than ``max_age`` seconds ago."""
    try:
        mtime = heartbeat_path(state_dir).stat().st_mtime
    except OSError:
        return False
    return time.time() - mtime <= max_age


def main(argv: list[str]) -> int:
    """``python -m gsmcall.heartbeat STATE_DIR MAX_AGE``: 0 fresh, 1 stale or missing, 2 usage."""
    if len(argv) != 2:
        sys.stderr.write("usage: python -m gsmcall.heartbeat STATE_DIR MAX_AGE_SECONDS\n")
        return 2
    try:
        max_age = float(argv[1])
    except ValueError:
        sys.stderr.write(f"MAX_AGE_SECONDS must be a number, got {argv[1]!r}\n")
        return 2
    if is_fresh(Path(argv[0]), max_age):
        return 0
    sys.stderr.write(f"gsmcall heartbeat in {argv[0]} is missing or older than {max_age:g}s\n")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
