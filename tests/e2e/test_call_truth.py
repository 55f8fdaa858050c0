"""The truth about who was reached: other calls' events, hostile modem lines, signals.

The real ``gsmcall`` against the emulator on a pty and the loopback endpoint; each test
judges by what crossed the wire (the emulator's dials and calls, the endpoint's POSTs).
"""

from __future__ import annotations

import signal

from gsmcall.emulator import Callee, Emulator
from tests.support.daemon import dials, explain

A, B = "18712345678", "18812345678"
SENDER = "+8613800000001"


def alerting(emu: Emulator, number: str, timeout: float = 20.0) -> None:
    emu.wait_for(lambda e: e.kind == "event" and e.text == f"call {number} alerting", timeout=timeout)


def test_a_waiting_call_that_gives_up_during_an_alert_does_not_end_it(make_emulator, gsmcall_factory, endpoint):
    """Huawei numbers calls: the alert call is 1; someone calls the SIM (call 2), waits and
    gives up (^CEND:2). That end is not the alert call's: A answers and is reported."""
    emu = make_emulator("huawei", callees={A: Callee.answers(after=1.0), B: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-wait", [A, B])
    proc = runner.start()
    alerting(emu, A)
    for line in ("RING", '+CLIP: "13900000000",129,,,,0', "^CEND:2,0,104,16"):
        emu.urc(line)
    post = endpoint.wait_for_post(timeout=20)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert post.params == {"mid": "m-wait", "resp": A}
    assert dials(emu) == [A]
    assert "^CEND:2,0,104,16 is about another call" in runner.daemon_log()


def test_an_index_thousands_of_digits_long_is_ignored(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", callees={A: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    proc = runner.start()
    endpoint.wait_for_requests("GET", 1, timeout=20)
    emu.urc('+CMTI: "SM",' + "9" * 5000)
    emu.urc("^CEND:" + "7" * 5000 + ",0,104,16")
    endpoint.queue_alert("m-after", [A])
    post = endpoint.wait_for_post(timeout=20)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert "Traceback" not in runner.daemon_log()
    assert post.params == {"mid": "m-after", "resp": A}


def test_sighup_mid_call_hangs_up_and_exits_cleanly_then_the_alert_resumes(make_emulator, gsmcall_factory, endpoint):
    """A dropped SSH session sends SIGHUP: it stops like SIGTERM, never leaving a call up."""
    emu = make_emulator("ec25", callees={A: Callee.no_answer(), B: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-hup", [A, B])
    proc = runner.start(calls={"ring_timeout": 30})
    alerting(emu, A)
    assert runner.stop(proc, sig=signal.SIGHUP) == 0, runner.daemon_log()
    assert emu.active_calls() == [] and emu.calls[0].ended_by == "host"
    assert endpoint.posts() == []  # stopping is not "nobody answered"
    result = runner.once()
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [A, A, B]
    (post,) = endpoint.posts()
    assert post.params == {"mid": "m-hup", "resp": B}


def test_gap_holds_between_alerts_too(make_emulator, gsmcall_factory, endpoint):
    """calls.gap is between any two calls: the second alert's first call waits for it."""
    emu = make_emulator("sim800", callees={A: Callee.answers(after=0.1), B: Callee.answers(after=0.1)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-1", [A])
    endpoint.queue_alert("m-2", [B])
    proc = runner.start(calls={"gap": 1.0})
    endpoint.wait_for_post(count=2, timeout=30)
    assert runner.stop(proc) == 0, runner.daemon_log()
    (first, second) = emu.calls
    assert first.number == A and second.number == B
    assert second.dialed_at - first.ended_at >= 1.0


DUTY = "18612748499"
FORWARD = "*7218712345678"


def test_sigterm_during_an_sms_commands_call_dials_it_again_after_restart(make_emulator, gsmcall_factory, endpoint):
    """A forwarding command cut short by a stop was not carried out: it is not recorded as
    done, the message stays on the SIM, and the next run dials it again."""
    emu = make_emulator("sim7600", callees={FORWARD: Callee.no_answer()})
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    sms = {"sms": {"allowed_senders": [DUTY]}}
    proc = runner.start(calls={"ring_timeout": 30}, **sms)
    endpoint.wait_for_requests("GET", 1, timeout=20)
    emu.deliver_sms("+86" + DUTY, f"|{FORWARD}|autocall|今天你值班")
    alerting(emu, FORWARD)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert emu.active_calls() == [] and len(emu.sms_store) == 1  # kept for the next run
    emu.set_callee(FORWARD, Callee.announcement(after=0.1, duration=0.3))
    result = runner.once(**sms)
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [FORWARD, FORWARD]
    assert emu.calls[-1].outcome == "answered" and emu.sms_store == {}


def test_gsmcall_dial_interrupted_says_so_and_exits_non_zero(make_emulator, gsmcall_factory):
    import subprocess

    from tests.support.command import gsmcall_command

    emu = make_emulator("ec25", callees={A: Callee.no_answer()})
    runner = gsmcall_factory(emu)
    proc = subprocess.Popen([*gsmcall_command(), "-c", str(runner.config(calls={"ring_timeout": 30})), "dial", A],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    alerting(emu, A)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130, (out, err)
    assert out.strip() == f"{A}: interrupted"
    assert emu.active_calls() == [] and emu.calls[0].ended_by == "host"
