"""The heartbeat file: what the container HEALTHCHECK reads instead of the serial port."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gsmcall import heartbeat


def _age(state_dir: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(heartbeat.heartbeat_path(state_dir), (then, then))


def test_missing_heartbeat_is_stale(tmp_path: Path) -> None:
    assert not heartbeat.is_fresh(tmp_path, 180)


def test_touched_heartbeat_is_fresh(tmp_path: Path) -> None:
    heartbeat.touch(tmp_path)
    assert heartbeat.is_fresh(tmp_path, 180)


def test_old_heartbeat_is_stale_and_a_new_touch_revives_it(tmp_path: Path) -> None:
    heartbeat.touch(tmp_path)
    _age(tmp_path, 181)
    assert not heartbeat.is_fresh(tmp_path, 180)
    assert heartbeat.is_fresh(tmp_path, 200)
    heartbeat.touch(tmp_path)
    assert heartbeat.is_fresh(tmp_path, 180)


def test_touch_failure_is_logged_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="gsmcall.heartbeat"):
        heartbeat.touch(tmp_path / "no" / "such" / "dir")
    assert "heartbeat" in caplog.text


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    """The exact command the Dockerfile's HEALTHCHECK runs."""
    return subprocess.run([sys.executable, "-m", "gsmcall.heartbeat", *args], capture_output=True, text=True, timeout=30)


def test_module_command_exit_codes(tmp_path: Path) -> None:
    assert _check(str(tmp_path), "180").returncode == 1
    heartbeat.touch(tmp_path)
    assert _check(str(tmp_path), "180").returncode == 0
    _age(tmp_path, 600)
    stale = _check(str(tmp_path), "180")
    assert stale.returncode == 1
    assert "older than 180s" in stale.stderr


@pytest.mark.parametrize("args", [(), ("/var/lib/gsmcall",), ("/var/lib/gsmcall", "soon")])
def test_module_command_usage_errors(args: tuple[str, ...]) -> None:
    assert _check(*args).returncode == 2
