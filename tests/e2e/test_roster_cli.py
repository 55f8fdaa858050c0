"""``gsmcall roster`` as an operator runs it: the config file, the output, the exit codes."""

from __future__ import annotations

import subprocess

import yaml

from tests.support.command import gsmcall_command

ROSTER = {
    "timezone": "Asia/Shanghai",
    "people": {"zhang": "18712340001", "li": "18712340002", "wang": "18712340003"},
    "rotation": {"members": ["zhang", "li"], "start": "2020-01-06 09:00", "shift": "7d"},
    "escalate": ["oncall", "next", "wang"],
    "rounds": 2,
}


def roster(tmp_path, section, *args: str) -> subprocess.CompletedProcess[str]:
    config = {"modem": {"port": "/dev/null"}, "alerts": {"url": "http://127.0.0.1:9/alert/phone"},
              "state": {"dir": str(tmp_path / "state")}}
    if section is not None:
        config["roster"] = section
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return subprocess.run([*gsmcall_command(), "roster", "-c", str(path), *args],
                          capture_output=True, text=True, timeout=30)


def test_roster_prints_who_is_on_call_and_weekly_handoffs(tmp_path) -> None:
    result = roster(tmp_path, ROSTER, "--days", "21")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "zhang" in out and "li" in out
    handoffs = [line for line in out.splitlines() if " 09:00" in line]
    assert len(handoffs) == 3, out  # one each week, at 09:00 local, for 21 days
    assert "18712340003" in out  # the escalate list rings wang too


def test_a_bad_roster_names_the_key_and_exits_2(tmp_path) -> None:
    bad = {**ROSTER, "rotation": {**ROSTER["rotation"], "members": ["zhang", "nobody"]}}
    result = roster(tmp_path, bad)
    assert result.returncode == 2
    assert "roster.rotation.members[1]" in result.stderr


def test_no_roster_says_so_and_exits_2(tmp_path) -> None:
    result = roster(tmp_path, None)
    assert result.returncode == 2 and "roster" in result.stderr
