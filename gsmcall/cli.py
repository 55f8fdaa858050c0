"""The ``gsmcall`` command: argument parsing, exit codes and wiring; nothing else."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path

from gsmcall import __version__, diagnosis
from gsmcall.config import ConfigError, Settings, load_config
from gsmcall.diagnosis import CheckItem
from gsmcall.dialstring import is_diallable
from gsmcall.exitcodes import EXIT_CONFIG, EXIT_OK
from gsmcall.logsetup import configure
from gsmcall.modem.profiles import PROFILES
from gsmcall.store import JournalError

log = logging.getLogger("gsmcall")

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


def _global_options(defaults: bool) -> argparse.ArgumentParser:
    """-c and -v, accepted before or after the subcommand (``gsmcall check -c cfg``).  On the
    subcommands they default to SUPPRESS, so one given before the subcommand is kept."""
    options = argparse.ArgumentParser(add_help=False)
    default = {} if defaults else {"default": argparse.SUPPRESS}
    options.add_argument("-c", "--config", **default,
                         help="config file (default: $GSMCALL_CONFIG, ./config.yaml, /etc/gsmcall/config.yaml)")
    options.add_argument("-v", "--verbose", action="store_true", **default, help="log every AT command and HTTP request")
    return options


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gsmcall", description="Ring on-call engineers through a GSM/LTE modem.",
                                     parents=[_global_options(defaults=True)])
    parser.add_argument("--version", action="version", version=f"gsmcall {__version__}")
    parser.add_argument("--once", action="store_true", help="run one cycle (callbacks, stored SMS, one poll, one alert) and exit")
    sub = parser.add_subparsers(dest="command")
    options = _global_options(defaults=False)
    check = sub.add_parser("check", parents=[options], help="preflight: state.dir, listen ports, modem, SIM, endpoint; exit 0 when all is well")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    status = sub.add_parser("status", parents=[options],
                            help="the running daemon's state from state.dir, without the modem; exit 0 when healthy")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    dial = sub.add_parser("dial", parents=[options], help="place one call and print its outcome")
    dial.add_argument("number")
    dial.add_argument("--say", metavar="TEXT", default=None,
                      help="with calls.ack: key, speak TEXT after the answer and wait for the ack key")
    forward = sub.add_parser("forward", parents=[options], help="read or change the SIM's call forwarding")
    what = forward.add_subparsers(dest="forward_action", required=True, metavar="status|set NUMBER|cancel")
    what.add_parser("status", parents=[options], help="what the network says, and the last change gsmcall made")
    what.add_parser("set", parents=[options], help="forward every call to NUMBER (forwarding.set)").add_argument("number")
    what.add_parser("cancel", parents=[options], help="cancel the forwarding (forwarding.cancel)")
    roster = sub.add_parser("roster", parents=[options], help="who is on call now and the next handoffs, in local time")
    roster.add_argument("--days", type=int, default=14, help="how many days of handoffs to list (default 14)")
    demo = sub.add_parser("demo", help="emulator + local endpoint + one full cycle, no hardware needed")
    demo.add_argument("--profile", default="ec25", choices=list(PROFILES))
    sub.add_parser("emulator", help="run the bundled modem emulator on a pseudo-terminal (see gsmcall emulator -h)")
    return parser


def _emulator_args(args: list[str]) -> list[str] | None:
    """The emulator's own arguments when the subcommand is ``emulator`` (after any global
    options, e.g. ``gsmcall -v emulator``), else None.  The emulator parses its own."""
    rest = list(args)
    while rest and rest[0] in ("-v", "--verbose", "--once"):
        rest.pop(0)
    return rest[1:] if rest[:1] == ["emulator"] else None


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    emulator_args = _emulator_args(args_list)
    if emulator_args is not None:
        from gsmcall.emulator.cli import main as emulator_main

        return emulator_main(emulator_args)
    args = _parser().parse_args(args_list)
    if args.command == "demo":
        return _demo(args.profile)
    try:
        settings = load_config(_config_path(args.config))
    except ConfigError as exc:
        print(f"gsmcall: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    configure(settings.log.level, settings.log.show_numbers, args.verbose)
    if args.command == "check":
        return _check(settings, args.json)
    if args.command == "status":
        return _status(settings, args.json)
    if args.command == "roster":
        return _roster(settings, args.days)
    if args.command == "dial":
        return _dial(settings, args.number, args.say)
    if args.command == "forward":
        return _forward(settings, args.forward_action, getattr(args, "number", None))
    return _run_daemon(settings, args.once)


def _run_daemon(settings: Settings, once: bool) -> int:
    from gsmcall.memory import cap_malloc_arenas
    from gsmcall.runtime.loop import Loop
    from gsmcall.runtime.parts import ListenError, build

    cap_malloc_arenas()  # before the threads start

    try:
        daemon = Loop(build(settings, once), once=once)
    except JournalError as exc:
        log.error("state.dir: %s", exc)
        return EXIT_CONFIG
    except ListenError as exc:
        log.error("%s", exc)
        return EXIT_CONFIG
    # SIGHUP (a dropped SSH session, `systemctl reload` without a reload) stops like SIGTERM:
    # the call in progress is hung up and the alert resumes on the next start.
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: daemon.request_stop())
    log.info("gsmcall starting (%s)", "one cycle" if once else "daemon")
    code = daemon.run()
    log.info("gsmcall exiting with %d", code)
    return code


def _check(settings: Settings, as_json: bool) -> int:
    from gsmcall.check import run_checks

    return _print_items(run_checks(settings), as_json)


def _status(settings: Settings, as_json: bool) -> int:
    from gsmcall.status import daemon_items

    return _print_items(daemon_items(settings.state.dir), as_json)


def _print_items(items: list[CheckItem], as_json: bool) -> int:
    print(json.dumps(diagnosis.as_json(items), ensure_ascii=False, indent=2) if as_json
          else diagnosis.format_table(items))
    return diagnosis.exit_code(items)


def _roster(settings: Settings, days: int) -> int:
    from gsmcall.roster.show import show_roster

    code, text = show_roster(settings.roster, days, datetime.now(timezone.utc))
    print(text, file=sys.stdout if code == EXIT_OK else sys.stderr)
    return code


def _dial(settings: Settings, number: str, say: str | None) -> int:
    from gsmcall.dial import run_dial

    if not is_diallable(number):
        print(f"gsmcall: {number!r} is not a number to dial (digits, *, # and a leading +)", file=sys.stderr)
        return EXIT_CONFIG
    return run_dial(settings, number, say)


def _forward(settings: Settings, action: str, number: str | None) -> int:
    from gsmcall.forward import run_forward

    return run_forward(settings, action, number)


def _demo(profile: str) -> int:
    from gsmcall.demo import run_demo

    configure("WARNING", show_numbers=True)
    print(f"gsmcall demo: a {profile} modem emulator and an alert endpoint on 127.0.0.1, one full cycle\n")
    code, timeline = run_demo(profile)
    print("\n".join(timeline))
    print(f"\ndaemon exit code {code}: " + ("the first number answered but pressed no key (voicemail), the second "
                                          "heard the alert and pressed 1: acknowledged and reported; "
                                          "the SMS command was dialled" if code == EXIT_OK else "something went wrong"))
    return code


if __name__ == "__main__":
    sys.exit(main())
