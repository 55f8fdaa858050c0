"""``gsmcall forward status|set NUMBER|cancel``: read or change the SIM's call forwarding.

It opens the modem as ``gsmcall dial`` does (``one_shot``) and uses the forwarding capability
with the ``forwarding:`` settings.  ``set`` and ``cancel`` print the verified result and exit 0,
or 5 when the network refuses the change or its query contradicts it (DESIGN.md section 1);
"cannot verify" (a network that answers no query) is not a failure.  ``status`` prints the
network's answer, or that it gives none, together with the last change gsmcall made and when
(``forwarding_record``); it exits 0 unless the network's answer contradicts that change.

Changing the forwarding needs ``forwarding.enabled``: the default dial strings are China
Telecom's, and on another carrier ``*72<n>`` is a call to a strange number, so gsmcall changes
nothing until the operator has said which codes this SIM takes.  Reading it is always allowed.
"""

from __future__ import annotations

import logging
import re
import sys
import time

from gsmcall.call.feature import call_end
from gsmcall.call.runner import place_call
from gsmcall.call.session import CallTiming
from gsmcall.events import EventQueue
from gsmcall.exitcodes import EXIT_CONFIG, EXIT_FORWARDING, EXIT_INTERRUPTED, EXIT_OK
from gsmcall.forwarding_record import LastChange, change_of, record
from gsmcall.forwarding_report import current_status
from gsmcall.modem.capabilities.forwarding import (
    CallEnd,
    Forwarding,
    ForwardingRefused,
    ForwardingResult,
    PlaceCall,
    State,
    Verified,
    describe,
)
from gsmcall.modem.capabilities.probe import voice_of
from gsmcall.modem.capabilities.voice import Voice
from gsmcall.modem.errors import Stopped
from gsmcall.one_shot import MODEM_FAILURES, OneShotModem, failure_code
from gsmcall.settings import Settings

log = logging.getLogger(__name__)

_TARGET = re.compile(r"\+?\d{3,20}")


def run_forward(settings: Settings, action: str, number: str | None = None) -> int:
    config = settings.forwarding
    if action != "status" and not config.enabled:
        print("gsmcall: forwarding.enabled: is false; set it, with forwarding.set and forwarding.cancel for this "
              "SIM's carrier, to let gsmcall change the forwarding", file=sys.stderr)
        return EXIT_CONFIG
    if action == "set" and (number is None or not _TARGET.fullmatch(number)):
        print(f"gsmcall: {number!r} is not a number to forward to (digits and a leading +)", file=sys.stderr)
        return EXIT_CONFIG
    modem = OneShotModem(settings)
    modem.stop_on_signals()
    try:
        with modem.opened() as info:
            if action == "status":
                return _status(*current_status(modem.channel, info.profile.forwarding, settings.state.dir))
            voice = voice_of(modem.channel, info.profile, info.capabilities)
            forwarding = Forwarding(modem.channel, info.profile.forwarding,
                                    _feature_call(voice, modem.events, settings.calls.ring_timeout))
            how = config.set if action == "set" else config.cancel
            result = (forwarding.set(how, number, config.verify) if action == "set" and number is not None
                      else forwarding.cancel(how, config.verify))
    except ForwardingRefused as exc:
        print(f"forwarding: not changed: {exc}")
        return EXIT_FORWARDING
    except ValueError as exc:  # a dial string that ATD must not carry, e.g. "*72+86..."
        print(f"gsmcall: forwarding.{action}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except Stopped:
        print("forwarding: interrupted; what the network holds now is unknown")
        return EXIT_INTERRUPTED
    except MODEM_FAILURES as exc:
        return failure_code(exc)
    finally:
        modem.close()
    _keep(settings, change_of(result, how, time.time()))
    print(f"forwarding: {changed(result)}")
    return EXIT_FORWARDING if result.contradicted else EXIT_OK


def _feature_call(voice: Voice, events: EventQueue, ring_timeout: float) -> PlaceCall:
    """Feature codes are placed, followed and hung up by the daemon's own call code."""

    def place(dial: str, limit: float) -> CallEnd:
        attempt = place_call(voice, events, dial, CallTiming(ring_timeout, limit))
        if events.stopping:
            raise Stopped(f"stop requested during the call to {dial}")
        return call_end(attempt)

    return place


def _keep(settings: Settings, change: LastChange) -> None:
    try:
        record(settings.state.dir, change)
    except OSError as exc:
        log.warning("the forwarding change was made but cannot be recorded in state.dir: %s", exc)


def changed(result: ForwardingResult) -> str:
    """One line for a change: what was asked, and what the verification made of it."""
    asked = f"set to {result.target}" if result.state is State.SET else "cancelled"
    if result.verified is Verified.YES:
        return f"{asked}, verified ({describe(result.reported)} reported by the network)"
    if result.verified is Verified.CANNOT:
        return f"{asked}, cannot verify: {result.detail}"
    if result.verified is Verified.UNCHECKED:
        return f"{asked}, not verified (forwarding.verify is false): {result.detail}"
    return f"{asked} was asked, but the network reports {describe(result.reported)}: NOT done ({result.detail})"


def _status(lines: list[str], contradicted: bool) -> int:
    print("\n".join(lines))
    return EXIT_FORWARDING if contradicted else EXIT_OK
