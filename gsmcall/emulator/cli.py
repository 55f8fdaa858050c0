"""``gsmcall emulator``: run the modem emulator in the foreground.

Prints exactly one line on stdout, ``PORT <path>``, so a script can read where to point
``modem.port``; everything else goes to logging (stderr) or to the ``--log`` jsonl file.
Runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import IO, Iterable

from .calls import Callee
from .context import DEFAULT_ICCID
from .core import Emulator
from .eventlog import LogEntry
from .forwarding import NETWORKS
from .profiles import PROFILES

log = logging.getLogger(__name__)


def parse_callees(items: Iterable[str]) -> dict[str, Callee]:
    """``NUMBER=SPEC`` strings (``--callee``) to a callee table."""
    out: dict[str, Callee] = {}
    for item in items:
        number, sep, spec = item.partition("=")
        if not sep:
            raise ValueError(f"expected NUMBER=SPEC, got {item!r}")
        out[number.strip()] = Callee.parse(spec)
    return out


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gsmcall emulator", description="GSM/LTE modem emulator on a pseudo-terminal")
    p.add_argument("--profile", default="generic", choices=sorted(PROFILES), help="modem family to emulate")
    p.add_argument("--link", default=None, help="symlink path for the pty (default: a new temp dir)")
    p.add_argument("--callee", action="append", default=[], metavar="NUMBER=SPEC",
                   help="script for a dialled number: answer:2, busy:1, noanswer[:60], unreachable, "
                        "reject:1, announce:0.5:2, fail[:ERROR TEXT] (repeatable)")
    p.add_argument("--default-callee", default="noanswer", metavar="SPEC", help="script for other numbers")
    p.add_argument("--alerting-delay", type=float, default=1.0, help="seconds from ATD to alerting")
    p.add_argument("--pin", default=None, help="SIM PIN the modem asks for")
    p.add_argument("--iccid", default=DEFAULT_ICCID, help="the SIM's ICCID (AT+CCID and the vendor forms)")
    p.add_argument("--sms", action="append", default=[], metavar="SENDER=TEXT",
                   help="message stored on the modem at start (repeatable)")
    p.add_argument("--tts-char-seconds", type=float, default=None, metavar="S",
                   help="seconds of speech per character of TTS text (a real module: about 0.1)")
    p.add_argument("--network", default=None, choices=sorted(NETWORKS),
                   help="how the network treats call forwarding (default: the profile's, gsm)")
    p.add_argument("--log", default=None, metavar="FILE", help="write the emulator log as JSON lines")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    return p


def _overrides(args: argparse.Namespace) -> dict[str, object] | None:
    """Profile fields the command line changes: the TTS pace and the forwarding network."""
    overrides: dict[str, object] = {}
    if args.tts_char_seconds is not None:
        overrides["tts_char_seconds"] = args.tts_char_seconds
    if args.network is not None:
        overrides["forwarding"] = NETWORKS[args.network]
    return overrides or None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        callees = parse_callees(args.callee)
        default = Callee.parse(args.default_callee)
        messages = []
        for item in args.sms:
            sender, sep, text = item.partition("=")
            if not sep:
                raise ValueError(f"--sms expects SENDER=TEXT, got {item!r}")
            messages.append((sender.strip(), text))
    except ValueError as exc:
        print(f"gsmcall emulator: {exc}", file=sys.stderr)
        return 2

    sink: IO[str] | None = open(args.log, "a", encoding="utf-8") if args.log else None
    sink_lock = threading.Lock()

    def write_log(entry: LogEntry) -> None:
        if args.verbose and entry.kind == "event":
            log.info("%s", entry.text)
        if sink:
            with sink_lock:
                sink.write(json.dumps({"t": entry.t, "kind": entry.kind, "text": entry.text}, ensure_ascii=False) + "\n")
                sink.flush()

    stop = threading.Event()
    emu = Emulator(profile=args.profile, link=args.link, callees=callees, default_callee=default,
                   pin=args.pin, iccid=args.iccid, alerting_delay=args.alerting_delay, on_log=write_log,
                   profile_overrides=_overrides(args))
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        emu.start()
        for sender, text in messages:
            emu.store_sms(sender, text)
        print(f"PORT {emu.link}", flush=True)
        log.info("emulating %s on %s", args.profile, emu.link)
        while not stop.wait(3600):
            pass
    finally:
        emu.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if sink:
            sink.close()
    return 0
