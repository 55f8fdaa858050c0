"""The exit codes of every ``gsmcall`` command, defined once (DESIGN.md section 1).

Scripts, systemd's ``RestartPreventExitStatus=`` and the docs rely on these numbers, so they
live in one place that the CLI and the loop both import.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CONFIG = 2  # configuration invalid; also a state database that cannot be used
EXIT_STATE = EXIT_CONFIG
EXIT_MODEM = 3
EXIT_ENDPOINT = 4
EXIT_INTERRUPTED = 130  # gsmcall dial stopped by a signal (128 + SIGINT, as shells report it)
