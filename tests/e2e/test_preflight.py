"""``gsmcall check`` as a preflight and ``gsmcall status`` beside a running daemon."""

from __future__ import annotations

import json
import socket
import subprocess

from tests.support.command import gsmcall_command
from tests.support.daemon import explain
from tests.support.wire import assert_no_crash


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*gsmcall_command(), *args], capture_output=True, text=True, timeout=60)


def _rows(table: str) -> dict[str, str]:
    return {line.split()[0]: line for line in table.splitlines() if line.strip()}


def test_check_with_an_unwritable_state_dir_fails_and_names_it(make_emulator, gsmcall_factory, endpoint, tmp_path):
    endpoint.set_no_alert()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")  # root may write anywhere, but not under a file
    runner = gsmcall_factory(make_emulator("ec25"))
    result = _run("check", "-c", str(runner.config(state={"dir": str(blocker / "state")})))
    assert result.returncode == 2, explain(result)
    row = _rows(result.stdout)["state.dir"]
    assert "FAIL" in row and str(blocker / "state") in row


def test_check_with_a_held_metrics_port_fails_and_names_it(make_emulator, gsmcall_factory, endpoint):
    endpoint.set_no_alert()
    runner = gsmcall_factory(make_emulator("ec25"))
    with socket.create_server(("127.0.0.1", 0)) as held:
        port = held.getsockname()[1]
        result = _run("check", "-c", str(runner.config(metrics={"listen": f"127.0.0.1:{port}"})))
    assert result.returncode == 2, explain(result)
    row = _rows(result.stdout)["metrics.listen"]
    assert "FAIL" in row and f"127.0.0.1:{port}" in row
    assert "ok" in _rows(result.stdout)["state.dir"]


def test_check_and_status_beside_a_running_daemon_report_its_state(make_emulator, gsmcall_factory, endpoint):
    endpoint.set_no_alert()
    emu = make_emulator("ec25")
    runner = gsmcall_factory(emu)
    config = str(runner.config())
    before = _run("status", "-c", config)
    assert before.returncode == 3 and "no gsmcall is running" in before.stdout, explain(before)
    daemon = runner.start()
    endpoint.wait_for_requests("GET", count=2, timeout=30)  # up, polling, a loop turn done
    check = _run("check", "-c", config)
    assert check.returncode == 0, explain(check) + check.stdout
    rows = _rows(check.stdout)
    assert f"pid {daemon.pid}" in rows["port"] and "held by the running gsmcall" in rows["port"]
    for name in ("daemon", "heartbeat", "modem", "alert", "callbacks"):
        assert rows[name].split()[1] == "ok", (name, check.stdout)
    assert "up" in rows["modem"] and "EC25" in rows["modem"]
    assert "0 pending" in rows["callbacks"] and rows["alert"].endswith("none")
    status = _run("status", "--json", "-c", config)
    assert status.returncode == 0, explain(status)
    report = json.loads(status.stdout)
    assert report["ok"] is True and {c["name"] for c in report["checks"]} >= {"daemon", "heartbeat", "modem"}
    assert runner.stop(daemon) == 0
    after = _run("status", "-c", config)
    assert after.returncode == 3 and "stopped" in after.stdout, explain(after)


# Two gsmcall processes on one port: the second says who holds it and leaves it alone.
def test_second_once_on_a_held_port_exits_3_naming_the_holder(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25")
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    holder = runner.start()
    endpoint.wait_for_requests("GET", 1, timeout=20)  # the first one holds the port
    second = runner.once()
    assert second.returncode == 3, explain(second)
    assert_no_crash(second.stderr)
    assert f"pid {holder.pid}" in second.stderr, explain(second)
    assert holder.poll() is None  # the holder is undisturbed
    assert runner.stop(holder) == 0, runner.daemon_log()


def test_second_daemon_on_a_held_port_exits_3_naming_the_holder(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25")
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    holder = runner.start()
    endpoint.wait_for_requests("GET", 1, timeout=20)
    second = runner.start()
    try:
        code = second.wait(timeout=5)  # opening a held port fails at once
    except subprocess.TimeoutExpired:
        code = None
    out = runner.daemon_log(1)
    assert holder.poll() is None
    assert runner.stop(holder) == 0, runner.daemon_log()
    assert code == 3, out[-4000:]
    assert_no_crash(out)
    assert f"pid {holder.pid}" in out, out[-4000:]
