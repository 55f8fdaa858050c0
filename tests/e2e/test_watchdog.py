"""Watching the watcher (DESIGN §9), end to end: the admins' SMS as the emulator received them,
decoded by an independent decoder, the ping URL's hits, and the health headers on the wire."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from gsmcall.emulator import Callee
from tests.support.command import gsmcall_command
from tests.support.daemon import dials, explain
from tests.support.http_endpoint import EndpointServer
from tests.support.intake import wait_until
from tests.support.sms import messages_assembled

ADMINS = ["13900000001", "13900000002"]
A = "18712345678"
DOWN_AFTER = 1.5


def whole_messages(emu) -> int:
    """Messages the phones show whole: a long one counts once all its parts have arrived."""
    return sum(text != "<partial>" for texts in messages_assembled(emu).values() for text in texts)


def test_endpoint_down_one_alarm_per_admin_one_recovery_and_none_again_after_a_restart(
    make_emulator, gsmcall_factory, endpoint
):
    emu = make_emulator("ec25")
    runner = gsmcall_factory(emu)
    watchdog = {"watchdog": {"admins": ADMINS, "endpoint_down_after": DOWN_AFTER}}
    endpoint.set_no_alert()
    proc = runner.start(**watchdog)
    endpoint.wait_for_requests("GET", 2, timeout=20)
    endpoint.misbehave(b"down for maintenance", status=503)
    failing_from = time.monotonic()
    wait_until(lambda: whole_messages(emu) >= 2, 30, "no alarm SMS")
    assert time.monotonic() - failing_from >= DOWN_AFTER  # not before endpoint_down_after
    alarms = messages_assembled(emu)
    assert sorted(alarms) == ADMINS and all(len(t) == 1 and "告警接口" in t[0] and "503" in t[0] for t in alarms.values())
    assert runner.stop(proc) == 0
    restarted = runner.start(**watchdog)  # still down: the restart must not alarm again
    failures_after_restart = len(endpoint.gets())
    endpoint.wait_for_requests("GET", failures_after_restart + 2, timeout=20)
    alarm_pdus = len(emu.sent_sms)
    endpoint.wait_for_requests("GET", len(endpoint.gets()) + 1, timeout=20)
    assert len(emu.sent_sms) == alarm_pdus
    endpoint.behave()
    wait_until(lambda: whole_messages(emu) >= 4, 30, "no recovery SMS")
    assert runner.stop(restarted) == 0, runner.daemon_log(1)
    texts = messages_assembled(emu)
    assert all(len(t) == 2 and "已恢复" in t[1] for t in texts.values()), texts
    assert sum(map(len, texts.values())) == 4


def test_the_health_headers_are_on_every_get_and_post(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25", callees={A: Callee.answers(after=0.2)})
    endpoint.queue_alert("m-h", [A])
    result = gsmcall_factory(emu).once()
    assert result.returncode == 0, explain(result)
    requests = endpoint.requests
    assert {r.method for r in requests} == {"GET", "POST"}
    for request in requests:
        assert request.header("X-Gsmcall-Modem") == "up"
        assert int(request.header("X-Gsmcall-Signal")) < 0  # dBm, e.g. -77


def test_the_endpoint_is_polled_while_the_modem_is_down_and_hears_down(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25", callees={A: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    proc = runner.start()
    endpoint.wait_for_requests("GET", 2, timeout=20)
    emu.unplug()
    wait_until(lambda: any(r.header("X-Gsmcall-Modem") == "down" for r in endpoint.gets()), 20, "no poll while down")
    endpoint.queue_alert("m-down", [A])  # arrives while the modem is away: rung once it is back
    seen = len(endpoint.gets())
    endpoint.wait_for_requests("GET", seen + 1, timeout=20)
    emu.replug()
    post = endpoint.wait_for_post(timeout=30)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert post.params == {"mid": "m-down", "resp": A} and dials(emu) == [A]


@pytest.fixture
def ping_server():
    with EndpointServer() as server:
        yield server


def test_ping_url_is_hit_on_schedule_while_healthy_and_never_while_the_modem_is_away(
    make_emulator, gsmcall_factory, endpoint, ping_server, monkeypatch
):
    monkeypatch.setenv("GSMCALL_PING_EVERY", "0.5")  # the internal knob: 60 s in production
    emu = make_emulator("ec25")
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    started = time.monotonic()
    proc = runner.start(watchdog={"ping_url": ping_server.url})
    ping_server.wait_for_requests("GET", 4, timeout=20)
    assert time.monotonic() - started < 15  # the first within seconds of a healthy start
    emu.unplug()
    wait_until(lambda: any(r.header("X-Gsmcall-Modem") == "down" for r in endpoint.gets()), 20,
               "the daemon did not notice the modem leave")
    during = len(ping_server.gets())
    seen = len(endpoint.gets())
    endpoint.wait_for_requests("GET", seen + 3, timeout=20)  # the daemon lives and polls ...
    assert len(ping_server.gets()) == during  # ... but does not ping while the modem is away
    emu.replug()
    ping_server.wait_for_requests("GET", during + 2, timeout=30)
    assert runner.stop(proc) == 0, runner.daemon_log()


def test_keepalive_is_sent_once_on_schedule_and_not_again_after_a_restart(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25")
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    watchdog = {"watchdog": {"admins": ADMINS, "keepalive": "30d"}}
    proc = runner.start(**watchdog)
    wait_until(lambda: whole_messages(emu) >= 1, 20, "no keep-alive SMS")
    assert runner.stop(proc) == 0
    again = runner.start(**watchdog)
    endpoint.wait_for_requests("GET", len(endpoint.gets()) + 3, timeout=20)
    assert runner.stop(again) == 0
    assert messages_assembled(emu) == {ADMINS[0]: [messages_assembled(emu)[ADMINS[0]][0]]}  # once, to the first admin only
    assert "保号" in messages_assembled(emu)[ADMINS[0]][0]


def test_a_barred_sim_is_told_to_the_admins_and_shown_by_check(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25", callees={A: Callee.fails("+CME ERROR: 32")})  # emergency calls only
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-barred", [A])
    proc = runner.start(watchdog={"admins": ADMINS[:1]})
    wait_until(lambda: whole_messages(emu) >= 1, 30, "no barring SMS")
    assert runner.stop(proc) == 0, runner.daemon_log()
    (text,) = messages_assembled(emu)[ADMINS[0]]
    assert "SIM" in text and "+CME ERROR: 32" in text
    assert "may be barred or in debt" in runner.daemon_log()
    assert endpoint.posts() == []  # a refused dial is not "nobody answered"
    check = subprocess.run([*gsmcall_command(), "-c", str(runner.config(watchdog={"admins": ADMINS[:1]})), "check"],
                           capture_output=True, text=True, timeout=60, env={**os.environ})
    assert check.returncode == 6, explain(check)
    assert "refused by the network" in check.stdout


def test_a_sim_whose_calls_the_network_ends_at_once_for_barring_is_told_not_nobody_answered(
    make_emulator, gsmcall_factory, endpoint
):
    emu = make_emulator("sim7600", callees={A: Callee.barred()})  # NO CARRIER, +CEER: Operator determined barring
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-debt", [A])
    proc = runner.start(watchdog={"admins": ADMINS[:1]})
    wait_until(lambda: whole_messages(emu) >= 1, 30, "no barring SMS")
    emu.set_callee(A, Callee.answers(after=0.2))  # topped up: the next try reaches the phone
    post = endpoint.wait_for_post(timeout=30)
    wait_until(lambda: whole_messages(emu) >= 2, 20, "no recovery SMS")
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert post.params == {"mid": "m-debt", "resp": A}  # never "nobody answered" while barred
    (alarm, recovered) = messages_assembled(emu)["13900000001"]
    assert "Operator determined barring" in alarm and "已恢复" in recovered
