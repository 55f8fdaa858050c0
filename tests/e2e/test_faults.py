"""Never lose an alert: the real ``gsmcall`` against faults of the endpoint, the port and the modem.

Every test drives the installed command (daemon or ``--once``) against the emulator on a pty and
the loopback endpoint, and judges by what crossed the wire: the emulator's log of AT commands and
calls, and the endpoint's log of requests.  The invariants, everywhere: no alert lost, no second
callback, no false "nobody answered", no crash (no traceback, the exit codes of the contract).

Waits are on events (``emu.wait_for``, ``endpoint.wait_for_requests``, ``proc.wait``); the only
sleep is the unplugged interval, where the fault itself is elapsed time.
"""

from __future__ import annotations

import signal
import socket
import struct
import threading
import time

import pytest

from gsmcall.emulator import Callee, Emulator
from tests.support.daemon import dials, explain
from tests.support.http_endpoint import ALERT_PATH, EndpointServer
from tests.support.wire import (
    assert_no_crash,
    attempt_results,
    closed_port,
    event,
    lines_with,
    only_post,
    position,
    rx_after,
    wait_for_get_after,
    warning_lines,
)

A, B, C = "18712345678", "18812345678", "13912345678"


# --- helpers -------------------------------------------------------------------------------------


class Relay:
    """A TCP front for the endpoint.  While down, every connection is accepted and reset at once
    (the client sees a connection error; we count them); when up, bytes are relayed both ways."""

    def __init__(self, target_port: int) -> None:
        self._target = target_port
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}{ALERT_PATH}"
        self._cond = threading.Condition()
        self._up = False
        self.dropped = 0
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name="relay", daemon=True)
        self._thread.start()

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes accept() on Linux
        except OSError:
            pass
        self._server.close()
        self._thread.join(timeout=5)
        for sock in self._sockets:
            sock.close()

    def set_up(self) -> None:
        with self._cond:
            self._up = True

    def wait_dropped(self, count: int, timeout: float) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self.dropped >= count, timeout=timeout):
                raise AssertionError(f"expected {count} connection attempt(s) within {timeout}s, got {self.dropped}")

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._cond:
                up = self._up
                if not up:
                    self.dropped += 1
                    self._cond.notify_all()
            if not up:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self._target))
            except OSError:
                client.close()
                continue
            self._sockets += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass


# --- 1. endpoint down, then up ---------------------------------------------------------------------


def test_endpoint_down_then_up_rings_once_and_logs_one_line_each_way(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", callees={A: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.script_get([(503, "Service Unavailable"), (503, "Service Unavailable")])
    endpoint.queue_alert("m-down", [A])
    with Relay(endpoint.port) as relay:
        proc = runner.start(alerts={"url": relay.url})
        relay.wait_dropped(1, timeout=20)  # a connection error...
        relay.set_up()  # ...then two 503s, then the alert
        post = endpoint.wait_for_post(timeout=30)
        wait_for_get_after(endpoint, post)
        assert runner.stop(proc) == 0, runner.daemon_log()
    out = runner.daemon_log()
    assert_no_crash(out)
    gets = endpoint.gets()
    assert len(gets) >= 3  # two 503s and the alert, at least
    assert only_post(endpoint).params == {"mid": "m-down", "resp": A}
    assert dials(emu) == [A]
    assert len(warning_lines(out, "alert endpoint down")) == 1, lines_with(out, "alert endpoint")
    assert len(warning_lines(out, "alert endpoint")) == 1, lines_with(out, "alert endpoint")
    assert len(lines_with(out, "alert endpoint up again")) == 1, lines_with(out, "alert endpoint")


# --- 2. callback failing, then succeeding -------------------------------------------------------------


def test_callback_retried_until_2xx_posts_once_and_rings_once(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25", callees={A: Callee.busy(after=0.2), B: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-cb", [A, B])
    endpoint.script_post([(500, "boom")] * 3)
    proc = runner.start()
    fourth = endpoint.wait_for_post(count=4, timeout=40)  # 3 x HTTP 500, then the 2xx
    wait_for_get_after(endpoint, fourth)  # the loop went on: it had every chance to post again
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert_no_crash(runner.daemon_log())
    posts = endpoint.posts()
    assert len(posts) == 4, [p.params for p in posts]  # only the last was answered 2xx: no 5th
    assert all(p.params == {"mid": "m-cb", "resp": B} for p in posts)
    assert all(p.json() == posts[0].json() for p in posts)
    assert [(n, r) for n, r in attempt_results(posts[0])][1] == (B, "answered")
    assert dials(emu) == [A, B]  # offered again while the callback was pending: never rung again
    assert len(emu.calls) == 2


def test_pending_callback_neither_hammers_the_endpoint_nor_floods_the_log(make_emulator, gsmcall_factory, endpoint):
    """While a callback fails, the seed's server keeps offering the alert (it is not acknowledged).
    The daemon must poll at its poll interval, not in a loop, and say "down" once, not per retry."""
    emu = make_emulator("sim7600", callees={A: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-flood", [A])
    endpoint.script_post([(500, "boom")] * 2)
    proc = runner.start()
    first = endpoint.wait_for_post(timeout=20)
    started = time.monotonic()
    third = endpoint.wait_for_post(count=3, timeout=30)
    elapsed = time.monotonic() - started
    assert runner.stop(proc) == 0, runner.daemon_log()
    out = runner.daemon_log()
    assert_no_crash(out)
    requests = endpoint.requests
    polls = [r for r in requests[position(requests, first): position(requests, third)] if r.method == "GET"]
    assert len(polls) <= elapsed / 0.3 + 5, f"{len(polls)} GETs in {elapsed:.1f}s with poll_interval 0.3"
    assert len(warning_lines(out, "callback delivery down")) == 1, lines_with(out, "callback delivery")[:6]
    assert len(lines_with(out, "was already rung; its result is still being delivered")) == 1
    assert dials(emu) == [A]


# --- 3. --once: endpoint unreachable, callback not delivered --------------------------------------------


def test_once_with_endpoint_refusing_exits_4_without_calling(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim800", default_callee=Callee.answers(after=0.1))
    result = gsmcall_factory(emu).once(alerts={"url": f"http://127.0.0.1:{closed_port()}{ALERT_PATH}"})
    assert result.returncode == 4, explain(result)
    assert_no_crash(result.stderr)
    assert "refused" in result.stderr.lower(), explain(result)
    assert dials(emu) == []
    assert emu.active_calls() == []


def test_once_undelivered_callback_exits_4_and_next_run_delivers_without_ringing(
    make_emulator, gsmcall_factory, endpoint
):
    emu = make_emulator("sim800", callees={A: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    with EndpointServer() as broken:  # the same server, while it answers every POST with 500
        broken.queue_alert("m-once", [A])
        broken.script_post([(500, "database down")] * 10)
        first = runner.once(alerts={"url": broken.url})
        assert first.returncode == 4, explain(first)
        assert_no_crash(first.stderr)
        assert dials(emu) == [A]
        failed_posts = broken.posts()
        assert failed_posts and all(p.params == {"mid": "m-once", "resp": A} for p in failed_posts)
    endpoint.queue_alert("m-once", [A])  # never acknowledged, so the server still offers it
    second = runner.once()
    assert second.returncode == 0, explain(second)
    assert_no_crash(second.stderr)
    assert only_post(endpoint).params == {"mid": "m-once", "resp": A}
    assert dials(emu) == [A]  # delivered, not rung again


# --- 4. port vanishing mid-call ---------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["sim7600", "ec25"])
def test_port_vanishing_mid_call_rings_the_interrupted_number_again(
    profile, make_emulator, gsmcall_factory, endpoint
):
    emu = make_emulator(profile, callees={A: Callee.answers(after=0.6), B: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-unplug", [A, B])
    proc = runner.start()
    emu.wait_for("ATD" + A, timeout=20)
    event(emu, f"call {A} alerting", timeout=5)
    emu.unplug()  # A rings, nobody has answered yet
    time.sleep(2.0)  # the fault is elapsed time: the port is away for 2 s
    emu.replug()
    replugged = event(emu, "replugged", timeout=1)
    first_command = emu.wait_for(lambda e: e.kind == "rx", since=replugged.t, timeout=12)
    assert first_command.t - replugged.t <= 10.0
    post = endpoint.wait_for_post(timeout=30)
    wait_for_get_after(endpoint, post)
    assert runner.stop(proc) == 0, runner.daemon_log()
    out = runner.daemon_log()
    assert_no_crash(out)
    assert only_post(endpoint).params == {"mid": "m-unplug", "resp": A}
    assert attempt_results(post) == [(A, "answered")]  # the cut call is no attempt
    assert dials(emu) == [A, A]
    assert [c.outcome for c in emu.calls] == ["dropped", "answered"]
    after = rx_after(emu, replugged.t)
    atd = after.index("ATD" + A + ";")
    assert "AT+CLCC" in after[:atd]  # checked for a call left up before dialling again
    assert emu.active_calls() == []
    assert len(warning_lines(out, "modem down")) == 1, lines_with(out, "modem")
    assert len(lines_with(out, "modem up again")) == 1, lines_with(out, "modem")


# --- 5. port vanishing while idle -------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["sim7600", "huawei"])
def test_port_vanishing_while_idle_then_alert_rings_normally(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, callees={A: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    proc = runner.start()
    endpoint.wait_for_requests("GET", 1, timeout=20)  # initialised and idle
    emu.unplug()
    time.sleep(1.0)  # the port is away for a second
    emu.replug()
    replugged = event(emu, "replugged", timeout=1)
    first_command = emu.wait_for(lambda e: e.kind == "rx", since=replugged.t, timeout=12)
    assert first_command.t - replugged.t <= 10.0
    endpoint.queue_alert("m-idle", [A])
    post = endpoint.wait_for_post(timeout=30)
    wait_for_get_after(endpoint, post)
    assert runner.stop(proc) == 0, runner.daemon_log()
    out = runner.daemon_log()
    assert_no_crash(out)
    assert only_post(endpoint).params == {"mid": "m-idle", "resp": A}
    assert dials(emu) == [A]
    assert [c.outcome for c in emu.calls] == ["answered"]
    assert emu.active_calls() == []
    assert len(warning_lines(out, "modem down")) == 1, lines_with(out, "modem")
    assert len(lines_with(out, "modem up again")) == 1, lines_with(out, "modem")


# --- 6. garbage and unknown URCs during calls -------------------------------------------------------------


GARBAGE = [b"\xff\xfe\x00\x80junk\r\n", b"\r\n\xc3\x28\xa0\xa1 half a line", b"\r\n\r\n"]
UNKNOWN_URCS = ["+FOO: 1,2", "^WEIRD", "+CLCC: not,a,call"]


def spray(emu: Emulator) -> None:
    for data in GARBAGE:
        emu.inject(data)
    for text in UNKNOWN_URCS:
        emu.urc(text)


@pytest.mark.parametrize("profile", ["sim7600", "generic"])
def test_garbage_and_unknown_urcs_during_calls_change_no_result(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, callees={A: Callee.busy(after=0.6), B: Callee.answers(after=0.3)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-junk", [A, B])
    proc = runner.start()
    for number in (A, B):
        emu.wait_for("ATD" + number, timeout=20)
        event(emu, f"call {number} alerting", timeout=5)
        spray(emu)  # while it rings: must be neither an answer nor an end
    event(emu, f"call {B} answered", timeout=5)
    spray(emu)  # while it is up
    post = endpoint.wait_for_post(timeout=20)
    wait_for_get_after(endpoint, post)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert_no_crash(runner.daemon_log())
    assert only_post(endpoint).params == {"mid": "m-junk", "resp": B}
    results = attempt_results(post)
    assert [n for n, _ in results] == [A, B]
    assert results[0][1] == "busy" and results[1][1] == "answered", results
    assert [c.outcome for c in emu.calls] == ["busy", "answered"]
    assert dials(emu) == [A, B]
    assert emu.active_calls() == []


def test_answer_in_the_last_poll_interval_before_the_ring_deadline_counts(make_emulator, gsmcall_factory, endpoint):
    """Not a fault of the line, but a false "nobody answered": ``generic`` learns of an answer only
    by polling ``AT+CLCC`` every 0.5 s (at ~0.5, 1.0, 1.5 s), and the callee picks up 1.8 s after
    ATD of a 2 s ring, between the last poll and the deadline."""
    emu = make_emulator("generic", callees={A: Callee.answers(after=1.7)})  # alerting at 0.1 s
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-late", [A])
    result = runner.once(calls={"ring_timeout": 2.0})
    assert result.returncode == 0, explain(result)
    assert_no_crash(result.stderr)
    assert [c.outcome for c in emu.calls] == ["answered"]  # the callee did pick up, before the deadline
    call = emu.calls[0]
    assert call.answered_at - call.dialed_at < 2.0
    assert only_post(endpoint).params == {"mid": "m-late", "resp": A}


# --- 8. SIGKILL mid-alert -----------------------------------------------------------------------------------


@pytest.mark.parametrize("killed_at", [A, B], ids=["first-number", "second-number"])
def test_sigkill_while_ringing_resumes_at_the_ringing_number(killed_at, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(
        "huawei",
        callees={A: Callee.no_answer(), B: Callee.rejects(after=0.8), C: Callee.answers(after=0.2)},
    )
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-kill", [A, B, C])
    proc = runner.start()
    emu.wait_for("ATD" + killed_at, timeout=20)
    event(emu, f"call {killed_at} alerting", timeout=5)
    assert runner.stop(proc, sig=signal.SIGKILL) == -signal.SIGKILL
    assert endpoint.posts() == []
    restarted = runner.start()
    post = endpoint.wait_for_post(timeout=30)
    wait_for_get_after(endpoint, post)
    assert runner.stop(restarted) == 0, runner.daemon_log(1)
    assert_no_crash(runner.daemon_log(0) + runner.daemon_log(1))
    assert only_post(endpoint).params == {"mid": "m-kill", "resp": C}
    results = attempt_results(post)
    assert [n for n, _ in results] == [A, B, C], results
    assert results[0][1] == "no_answer" and results[2][1] == "answered", results
    if killed_at == A:
        assert dials(emu) == [A, A, B, C]
        assert emu.calls[0].ended_by == "host"  # the orphaned call was hung up by the restart
    else:
        assert dials(emu) == [A, B, B, C]  # A, already rung and not answered, is not rung again
    assert emu.active_calls() == []
