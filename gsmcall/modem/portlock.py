"""Who holds a serial port, so a "port busy" error can name the culprit.

pyserial's ``exclusive=True`` takes an ``flock``; a second gsmcall, or ModemManager
probing the modem, makes it fail.  Naming the process and the usual fix saves the
operator a round of ``fuser`` at 3 a.m.
"""

from __future__ import annotations

import os
from pathlib import Path

_MODEMMANAGER_HINT = (
    "ModemManager probes and keeps modem ports open: stop it (systemctl disable --now ModemManager) "
    'or tag the port with ENV{ID_MM_PORT_IGNORE}="1" in a udev rule (see docs/operations.md)'
)


def port_holders(port: str) -> list[tuple[int, str]]:
    """(pid, command name) of every process with ``port`` open, as far as /proc shows."""
    try:
        target = os.path.realpath(port)
    except OSError:
        return []
    holders: list[tuple[int, str]] = []
    own = os.getpid()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == own:
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.path.realpath(fd) == target:
                    holders.append((int(proc.name), (proc / "comm").read_text().strip()))
                    break
        except OSError:
            continue
    return holders


def describe_holders(port: str) -> str:
    holders = port_holders(port)
    if not holders:
        return "no process visible to us holds it (another user's process, or another container)"
    text = ", ".join(f"pid {pid} ({name})" for pid, name in holders)
    if any(name.lower().startswith("modemmanager") for _pid, name in holders):
        text += f"; {_MODEMMANAGER_HINT}"
    return text
