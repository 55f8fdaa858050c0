"""Modem failures, by what the daemon must do about them."""

from __future__ import annotations

from gsmcall.events import LOST, STOP


class ModemError(Exception):
    """Something is wrong with the modem; the daemon re-initialises it and carries on."""


class ModemGone(ModemError):
    """The serial port vanished or cannot be opened (USB re-enumeration, unplug)."""


class CommandTimeout(ModemError):
    """A command got no final result in time; ``lines`` holds what did arrive."""

    def __init__(self, command: str, timeout: float, lines: tuple[str, ...] = ()) -> None:
        super().__init__(f"{command} got no answer within {timeout:g}s")
        self.command = command
        self.lines = lines


class ModemRestarted(ModemError):
    """The modem echoes commands again after ATE0, or printed its boot URCs: it restarted
    (a brown-out, a firmware crash) and lost every setting we made."""


class PortBusy(ModemGone):
    """Another process holds the port."""


class FatalModemError(Exception):
    """Retrying cannot help (wrong SIM PIN, PUK needed): exit and tell the operator."""


class SimLocked(FatalModemError):
    """The SIM needs a person (a refused or remembered-refused PIN, no PIN configured, PUK):
    exits with its own code so systemd stops restarting."""


class Stopped(Exception):
    """The daemon was asked to stop while waiting on the modem (SIGTERM during init)."""


def raise_for_signal(payload: object, during: str) -> None:
    """The one place that turns a lost port or a stop request on the event queue into its
    exception, so every wait reacts to them the same way."""
    if payload is LOST:
        raise ModemGone(f"modem port lost {during}")
    if payload is STOP:
        raise Stopped(f"stop requested {during}")
