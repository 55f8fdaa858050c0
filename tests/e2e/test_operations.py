"""The operator's commands end to end: demo, check, dial, and the metrics endpoint."""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.request

from gsmcall.emulator import Callee
from tests.support.command import gsmcall_command
from tests.support.daemon import dials, explain

A = "18712345678"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_runs_a_full_cycle_with_no_hardware(tmp_path):
    result = subprocess.run([*gsmcall_command(), "demo"], capture_output=True, text=True, timeout=90, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "call 18712345678 answered by the callee" in out  # voicemail: no key, so the next is rung
    assert out.count("spoken 数据库主库宕机。确认请按1。") == 2
    assert "call 18812345678 answered by the callee" in out
    assert "POST callback {'mid': '60d536885fa2a8643fa4d3a0', 'resp': '18812345678'}" in out
    assert "call *7218812345678 answered by the network" in out
    assert out.index("POST callback") < out.index("call *7218812345678 dialing")  # alerts first


def test_check_prints_the_table_and_exits_0(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600")
    endpoint.set_no_alert()
    runner = gsmcall_factory(emu)
    result = subprocess.run([*gsmcall_command(), "-c", str(runner.config()), "check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, explain(result)
    table = result.stdout
    for row in ("port", "modem", "firmware", "profile", "SIM", "registration", "operator", "signal", "SMS storage", "endpoint"):
        assert any(line.startswith(row) and " ok " in line for line in table.splitlines()), (row, table)
    assert "sim7600" in table and "dBm" in table and "answers: no alert" in table
    assert "3 PIN attempts left" in table  # AT+CPINR
    assert dials(emu) == []


def test_check_json_and_failures(make_emulator, gsmcall_factory, endpoint, tmp_path):
    emu = make_emulator("ec25")
    runner = gsmcall_factory(emu)
    endpoint.script_get([(500, "down")])
    result = subprocess.run([*gsmcall_command(), "-c", str(runner.config()), "check", "--json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 4, explain(result)
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert [c["name"] for c in report["checks"] if not c["ok"]] == ["endpoint"]
    config = runner.config(modem={"port": str(tmp_path / "no-such-port")})
    missing = subprocess.run([*gsmcall_command(), "-c", str(config), "check"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 3, explain(missing)
    assert "no-such-port" in missing.stdout and "FAIL" in missing.stdout


def test_dial_prints_the_outcome_and_exits_0_only_when_answered(make_emulator, gsmcall_factory):
    B = "18812345678"
    emu = make_emulator("huawei", callees={A: Callee.busy(after=0.2), B: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    result = subprocess.run([*gsmcall_command(), "-c", str(runner.config()), "dial", A],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, explain(result)
    assert result.stdout.startswith(f"{A}: busy")
    answered = subprocess.run([*gsmcall_command(), "dial", B, "-c", str(runner.config())],
                              capture_output=True, text=True, timeout=60)
    assert answered.returncode == 0, explain(answered)
    assert answered.stdout.startswith(f"{B}: answered")
    assert dials(emu) == [A, B]
    bad = subprocess.run([*gsmcall_command(), "-c", str(runner.config()), "dial", "123;ATH"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and dials(emu) == [A, B]


def test_metrics_endpoint_serves_the_series(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim800", callees={A: Callee.answers(after=0.2)})
    emu.set_signal(20)  # -113 + 2*20 = -73 dBm
    runner = gsmcall_factory(emu)
    port = _free_port()
    endpoint.queue_alert("m-metrics", [A])
    proc = runner.start(metrics={"listen": f"127.0.0.1:{port}"})
    endpoint.wait_for_post(timeout=20)
    endpoint.wait_for_requests("GET", count=2, timeout=10)  # polled again after the alert
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert 'gsmcall_calls_total{result="answered"} 1.0' in text
    assert "gsmcall_callbacks_pending 0.0" in text
    assert "gsmcall_modem_up 1.0" in text
    assert 'gsmcall_registration{state="home"} 1.0' in text
    assert "gsmcall_signal_dbm -73.0" in text
    assert 'gsmcall_sms_total{outcome="refused"} 0.0' in text
    last_poll = [line for line in text.splitlines() if line.startswith("gsmcall_last_poll_success_timestamp_seconds ")]
    assert last_poll and float(last_poll[0].split()[1]) > 1.7e9


def test_bad_config_exits_2_naming_the_key(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("modem:\n  port: /dev/ttyUSB2\nalerts:\n  url: http://127.0.0.1:9/alert/phone\n  poll_intervall: 3\n")
    result = subprocess.run([*gsmcall_command(), "-c", str(config), "--once"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "alerts.poll_intervall" in result.stderr and "poll_interval" in result.stderr


def test_sigterm_during_a_call_hangs_up_and_the_alert_resumes(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", callees={A: Callee.no_answer(), "18812345678": Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-term", [A, "18812345678"])
    proc = runner.start(calls={"ring_timeout": 30})
    emu.wait_for(lambda e: e.kind == "event" and e.text == f"call {A} alerting", timeout=20)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert emu.active_calls() == [] and emu.calls[0].ended_by == "host"
    assert endpoint.posts() == []  # stopping is not "nobody answered"
    result = runner.once()  # the next run rings the interrupted number again
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [A, A, "18812345678"]
    (post,) = endpoint.posts()
    assert post.params == {"mid": "m-term", "resp": "18812345678"}


def test_sigterm_while_waiting_for_the_network_exits_promptly(make_emulator, gsmcall_factory):
    emu = make_emulator("ec25", registration=2)  # searching, forever
    runner = gsmcall_factory(emu)
    proc = runner.start()
    first = emu.wait_for("AT+CREG?", timeout=20)
    emu.wait_for("AT+CREG?", timeout=10, since=first.t + 0.001)  # it waits and asks again
    assert runner.stop(proc, timeout=5) == 0, runner.daemon_log()
    assert "not registered on the network yet (searching" in runner.daemon_log()
    assert dials(emu) == []
