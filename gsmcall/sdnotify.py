"""A minimal sd_notify client: tell systemd we are ready, alive, or stopping.

The protocol is one datagram of ``KEY=value`` lines sent to the AF_UNIX socket named in
``$NOTIFY_SOCKET`` (a leading ``@`` names an abstract socket).  It is small enough to speak
with the standard library, which spares the daemon a dependency on python-systemd (a C
extension that is awkward to install in a venv or a slim container).  Without
``$NOTIFY_SOCKET`` (not started by systemd, or ``Type=`` is not ``notify``) every call
does nothing, so callers never need to check.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


def _socket_address() -> str | None:
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return None
    if address.startswith("@"):
        return "\0" + address[1:]
    return address


def notify(message: str) -> bool:
    """Send one notification; True when it was sent.

    A failure is logged and swallowed: a missed notification is for systemd to judge (the
    watchdog restarts us if they stop for good), never a reason to stop ringing people.
    """
    address = _socket_address()
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(message.encode(), address)
    except OSError as exc:
        log.warning("sd_notify %r to %s failed: %s", message, os.environ.get("NOTIFY_SOCKET"), exc)
        return False
    return True


def ready() -> bool:
    """Start-up is complete: systemd considers the service started only after this."""
    return notify("READY=1")


def watchdog() -> bool:
    """Keep-alive; systemd restarts the service when none arrives within ``WatchdogSec``."""
    return notify("WATCHDOG=1")


def status(text: str) -> bool:
    """A one-line status shown by ``systemctl status``."""
    return notify("STATUS=" + " ".join(text.splitlines()))


def stopping() -> bool:
    """Shutdown has begun (a call may still be ending): systemd shows the unit as stopping."""
    return notify("STOPPING=1")


def watchdog_interval() -> float | None:
    """Seconds between two ``watchdog()`` calls, or None when no watchdog is armed.

    Half of ``$WATCHDOG_USEC``, as sd_watchdog_enabled(3) advises, so one late loop
    iteration does not cost a restart.  ``$WATCHDOG_PID``, when set, must be our pid: the
    variables may have leaked from a parent process.
    """
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        value = int(usec)
    except ValueError:
        log.warning("ignoring WATCHDOG_USEC=%r: not an integer", usec)
        return None
    return value / 2_000_000 if value > 0 else None
