"""``gsmcall dial NUMBER``: place one call through the daemon's own code and print its outcome.

It is the operator's test of the whole call path (init, dial, follow, hang up), so it uses
the same runner and the same stop handling as the daemon: SIGTERM, SIGINT or SIGHUP hang the
call up, print "interrupted" and exit non-zero, since an interrupted call says nothing about
whether the number can be reached.  It exits 0 only when the call was answered, 1 when it
was not (busy, no answer, rejected, unreachable), so a script can test a number with it.
"""

from __future__ import annotations

import sys

from gsmcall.call.outcome import Attempt, CallResult, FaultAfterCall
from gsmcall.call.plan import plan_for_dial
from gsmcall.call.runner import hang_up_all, place_call
from gsmcall.call.session import CallTiming
from gsmcall.config import Settings
from gsmcall.exitcodes import (
    EXIT_INTERRUPTED,
    EXIT_MODEM,
    EXIT_NOT_ANSWERED,
    EXIT_OK,
)
from gsmcall.modem.capabilities.probe import voice_of
from gsmcall.modem.capabilities.voice import Voice
from gsmcall.modem.errors import ModemError, Stopped
from gsmcall.one_shot import MODEM_FAILURES, OneShotModem, failure_code

REACHED = (CallResult.ANSWERED, CallResult.ACKNOWLEDGED)


def run_dial(settings: Settings, number: str, say: str | None = None) -> int:
    modem = OneShotModem(settings)
    modem.stop_on_signals()
    events, channel = modem.events, modem.channel
    voice: Voice | None = None
    plan = None
    attempt: Attempt | None = None
    code = EXIT_OK
    try:
        with modem.opened() as info:
            voice = voice_of(channel, info.profile, info.capabilities)
            plan = plan_for_dial(settings.calls, voice, say)
            attempt = place_call(voice, events, number, CallTiming(settings.calls.ring_timeout, settings.calls.hold), plan)
    except FaultAfterCall as fault:
        attempt, code = fault.attempt, EXIT_MODEM
        print(f"gsmcall: modem: {fault}", file=sys.stderr)
    except Stopped:
        code = EXIT_INTERRUPTED
    except MODEM_FAILURES as exc:
        code = failure_code(exc)
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
        modem.close()
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
