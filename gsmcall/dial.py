"""``gsmcall dial NUMBER``: place one call through the daemon's own code and print its outcome.

It is the operator's test of the whole call path (init, dial, follow, hang up), so it uses
the same runner and the same stop handling as the daemon: SIGTERM, SIGINT or SIGHUP hang the
call up, print "interrupted" and exit non-zero, since an interrupted call says nothing about
whether the number can be reached.  It exits 0 only when the call was answered, 1 when it
was not (busy, no answer, rejected, unreachable), so a script can test a number with it.
"""

from __future__ import annotations

import signal
import sys
import threading

from gsmcall.call.outcome import Attempt, CallResult, FaultAfterCall
from gsmcall.call.plan import plan_for_dial
from gsmcall.call.runner import hang_up_all, place_call
from gsmcall.call.session import CallTiming
from gsmcall.config import Settings
from gsmcall.events import EventQueue
from gsmcall.exitcodes import (
    EXIT_INTERRUPTED,
    EXIT_MODEM,
    EXIT_NOT_ANSWERED,
    EXIT_OK,
    EXIT_SIM,
)
from gsmcall.modem.capabilities.probe import voice_of
from gsmcall.modem.capabilities.voice import Voice
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import FatalModemError, ModemError, SimLocked, Stopped
from gsmcall.modem.setup import initialise

REACHED = (CallResult.ANSWERED, CallResult.ACKNOWLEDGED)


def run_dial(settings: Settings, number: str, say: str | None = None) -> int:
    events = EventQueue()
    channel = AtChannel(settings.modem.port, settings.modem.baudrate, settings.modem.command_timeout)

    def stop() -> None:
        events.request_stop()
        channel.wake()  # a dial that blocks until answered is aborted at once

    def on_signal(*_: object) -> None:
        # The handler may have interrupted a lock holder, so a thread does the work.
        threading.Thread(target=stop, daemon=True).start()

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_signal)
    voice: Voice | None = None
    plan = None
    attempt: Attempt | None = None
    code = EXIT_OK
    try:
        with channel.attach(events):
            channel.open()
            info = initialise(channel, events, settings.modem.profile, settings.modem.pin, sms_enabled=False,
                              state_dir=settings.state.dir)
            voice = voice_of(channel, info.profile, info.capabilities)
            plan = plan_for_dial(settings.calls, voice, say)
            attempt = place_call(voice, events, number, CallTiming(settings.calls.ring_timeout, settings.calls.hold), plan)
    except FaultAfterCall as fault:
        attempt, code = fault.attempt, EXIT_MODEM
        print(f"gsmcall: modem: {fault}", file=sys.stderr)
    except Stopped:
        code = EXIT_INTERRUPTED
    except SimLocked as exc:
        print(f"gsmcall: SIM: {exc}", file=sys.stderr)
        code = EXIT_SIM
    except (ModemError, FatalModemError) as exc:
        print(f"gsmcall: modem: {exc}", file=sys.stderr)
        code = EXIT_MODEM
    if events.stopping and (attempt is None or attempt.result not in REACHED):
        code = EXIT_INTERRUPTED
    elif code == EXIT_OK and attempt is not None and attempt.result not in REACHED:
        code = EXIT_NOT_ANSWERED
    try:
        if code not in (EXIT_OK, EXIT_NOT_ANSWERED) and voice is not None and channel.is_open:
            hang_up_all(voice, events)  # leave no call up behind us
    except ModemError as exc:
        print(f"gsmcall: a call may still be up: {exc}", file=sys.stderr)
    finally:
        channel.close()
    if code == EXIT_INTERRUPTED:
        print(f"{number}: interrupted")
    elif attempt is not None:
        print(_describe(number, attempt, plan is not None and plan.key is not None))
    return code


def _describe(number: str, attempt: Attempt, acked: bool) -> str:
    times = ", ".join(f"{k.replace('_', ' ')} {v:.1f}s" for k, v in attempt.to_json().items()
                      if k in ("alerting_after", "answered_after", "duration") and isinstance(v, float))
    result = "answered (no key)" if attempt.result is CallResult.ANSWERED and acked else attempt.result.value
    return (f"{number}: {result}" + (f" ({times})" if times else "")
            + (f" - {attempt.detail}" if attempt.detail else ""))
