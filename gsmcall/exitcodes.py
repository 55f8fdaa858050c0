"""The exit codes of every ``gsmcall`` command, defined once (DESIGN.md section 1).

Scripts, systemd's ``RestartPreventExitStatus=`` and the docs rely on these numbers, so they
live in one place that the CLI and the loop both import.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NOT_ANSWERED = 1  # gsmcall dial: the call ended without an answer (busy, no answer, rejected)
EXIT_CONFIG = 2  # configuration invalid; also a state database that cannot be used
EXIT_STATE = EXIT_CONFIG
EXIT_MODEM = 3
EXIT_ENDPOINT = 4
EXIT_FORWARDING = 5  # gsmcall forward: the network refused the change or its query contradicts it
# The SIM needs a person: it refused modem.pin (remembered in state.dir, never sent again until
# the PIN in the config changes), asks for a PIN none is configured, or wants its PUK.
# systemd's RestartPreventExitStatus=6 keeps restarts from spending the SIM's attempts.
EXIT_SIM = 6
EXIT_INTERRUPTED = 130  # gsmcall dial/forward stopped by a signal (128 + SIGINT, as shells report it)
