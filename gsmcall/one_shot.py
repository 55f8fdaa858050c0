"""A modem opened for one command of the CLI (``gsmcall dial``, ``gsmcall forward``).

Such a command does what the daemon does to get a modem ready (the same ``initialise``, with
SMS off: a one-off command must not take the daemon's messages), and it stops the way the
daemon does: SIGTERM, SIGINT or SIGHUP request a stop on the event queue and wake a dial that
blocks, so the command ends promptly and leaves no call up.  Kept in one place so the commands
open the modem, and report a modem that fails, alike.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from gsmcall.events import EventQueue
from gsmcall.exitcodes import EXIT_MODEM, EXIT_SIM
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import FatalModemError, ModemError, SimLocked
from gsmcall.modem.setup import ModemInfo, initialise
from gsmcall.settings import Settings

# What a command catches around its use of the modem, for ``failure_code``.
MODEM_FAILURES = (ModemError, FatalModemError)


class OneShotModem:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.events = EventQueue()
        self.channel = AtChannel(settings.modem.port, settings.modem.baudrate, settings.modem.command_timeout)

    def stop_on_signals(self) -> None:
        def stop() -> None:
            self.events.request_stop()
            self.channel.wake()  # a dial that blocks until answered is aborted at once

        def on_signal(*_: object) -> None:
            # The handler may have interrupted a lock holder, so a thread does the work.
            threading.Thread(target=stop, daemon=True).start()

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, on_signal)

    @contextmanager
    def opened(self) -> Iterator[ModemInfo]:
        """The port open and the modem initialised; URCs reach ``events`` until the block ends.
        The port stays open after the block (a command may still hang up); ``close`` shuts it."""
        with self.channel.attach(self.events):
            self.channel.open()
            yield initialise(self.channel, self.events, self.settings.modem.profile, self.settings.modem.pin,
                             sms_enabled=False, state_dir=self.settings.state.dir)

    def close(self) -> None:
        self.channel.close()


def failure_code(exc: Exception) -> int:
    """Print why the modem failed the command; the exit code for it (a SIM that needs a
    person has its own, so scripts and systemd stop retrying)."""
    if isinstance(exc, SimLocked):
        print(f"gsmcall: SIM: {exc}", file=sys.stderr)
        return EXIT_SIM
    print(f"gsmcall: modem: {exc}", file=sys.stderr)
    return EXIT_MODEM
