"""A slow or hostile alert endpoint against the real daemon: it must neither freeze nor crash it.

The poll runs on the loop that owns the modem, so an endpoint that trickles its reply, sends a
body without end or nests its JSON past the decoder's stack would, unbounded, hold back every
SMS command and alert behind it.  Each test points the daemon at such an endpoint, delivers an
SMS command meanwhile (dialled within one bounded poll), then lets the endpoint behave and
expects its alert rung and reported exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from gsmcall.emulator import Callee
from tests.support.wire import assert_no_crash, lines_with, only_post, wait_for_get_after, warning_lines
from tests.support.daemon import dials
from tests.support.http_endpoint import Body, Endless, Trickle

A = "18712345678"
DUTY = "18612748499"
FORWARD = "*7218712345678"
TIMEOUT = 1.0  # alerts.timeout: what bounds a hostile poll, and so how long a command waits
# Besides the poll under way, an SMS command waits for reading it from the modem: well under 1 s.
COMMAND_SLACK = 1.0
CONFIG = {"alerts": {"timeout": TIMEOUT}, "sms": {"allowed_senders": [DUTY]}}

# How the endpoint misbehaves, and the reason the daemon's one "down" line must give.
HOSTILE: dict[str, tuple[Callable[[], Body], str]] = {
    "trickle": (lambda: Trickle(interval=0.2), f"no answer within {TIMEOUT:g}s"),
    "endless": (Endless, "over the 1 MiB limit"),
    "nested": (lambda: b"[" * 100_000, "nested too deeply"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_endpoint_neither_freezes_nor_crashes_the_daemon(kind, make_emulator, gsmcall_factory, endpoint):
    make_reply, reason = HOSTILE[kind]
    emu = make_emulator(
        "sim7600", callees={A: Callee.answers(after=0.2), FORWARD: Callee.announcement(after=0.2, duration=0.4)}
    )
    endpoint.misbehave(make_reply())
    runner = gsmcall_factory(emu)
    proc = runner.start(**CONFIG)
    endpoint.wait_for_requests("GET", count=1, timeout=20)  # initialised, and in its first hostile poll

    delivered = time.monotonic()
    emu.deliver_sms("+86" + DUTY, f"|{FORWARD}|autocall|x")
    atd = emu.wait_for("ATD" + FORWARD, timeout=10)
    assert atd.t - delivered < TIMEOUT + COMMAND_SLACK, f"command dialled {atd.t - delivered:.2f}s after it came"
    emu.wait_for(lambda e: e.kind == "rx" and e.text.startswith("AT+CMGD"), timeout=10)  # command done
    assert proc.poll() is None, runner.daemon_log()

    endpoint.queue_alert("m-after", [A])
    endpoint.behave()
    post = endpoint.wait_for_post(timeout=15)
    wait_for_get_after(endpoint, post)  # round the loop once more: every chance to post again
    assert runner.stop(proc) == 0, runner.daemon_log()

    out = runner.daemon_log()
    assert_no_crash(out)
    assert "RecursionError" not in out
    assert only_post(endpoint).params == {"mid": "m-after", "resp": A}
    assert dials(emu) == [FORWARD, A]
    down = warning_lines(out, "alert endpoint down")
    assert len(down) == 1 and reason in down[0], lines_with(out, "alert endpoint")
    assert len(lines_with(out, "alert endpoint up again")) == 1, lines_with(out, "alert endpoint")
