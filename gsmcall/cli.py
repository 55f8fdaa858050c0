"""The ``gsmcall`` command: argument parsing, exit codes and wiring; nothing else."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from gsmcall.config import ConfigError, Settings, load_config
from gsmcall.journal import JournalError
from gsmcall.logsetup import configure

log = logging.getLogger("gsmcall")

EXIT_CONFIG = 2
DEFAULT_PATHS = (Path("config.yaml"), Path("/etc/gsmcall/config.yaml"))


def _config_path(given: str | None) -> Path:
    if given:
        return Path(given)
    env = os.environ.get("GSMCALL_CONFIG")
    if env:
        return Path(env)
    for path in DEFAULT_PATHS:
        if path.exists():
            return path
    return DEFAULT_PATHS[0]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gsmcall", description="Ring on-call engineers through a GSM/LTE modem.")
    parser.add_argument("-c", "--config", help="config file (default: $GSMCALL_CONFIG, ./config.yaml, /etc/gsmcall/config.yaml)")
    parser.add_argument("--once", action="store_true", help="run one cycle (callbacks, stored SMS, one poll, one alert) and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every AT command and reply")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("emulator", help="run the bundled modem emulator on a pseudo-terminal", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["emulator"]:
        from gsmcall.emulator.cli import main as emulator_main

        return emulator_main(args_list[1:])
    args = _parser().parse_args(args_list)
    try:
        settings = load_config(_config_path(args.config))
    except ConfigError as exc:
        print(f"gsmcall: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    configure(settings.log.level, settings.log.show_numbers, args.verbose)
    return _run_daemon(settings, args.once)


def _run_daemon(settings: Settings, once: bool) -> int:
    from gsmcall.daemon import Daemon

    try:
        daemon = Daemon(settings, once=once)
    except JournalError as exc:
        log.error("state.dir: %s", exc)
        return EXIT_CONFIG
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: daemon.request_stop())
    log.info("gsmcall starting (%s)", "one cycle" if once else "daemon")
    code = daemon.run()
    log.info("gsmcall exiting with %d", code)
    return code


if __name__ == "__main__":
    sys.exit(main())
