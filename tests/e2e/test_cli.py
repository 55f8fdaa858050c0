"""The command line as an operator types it: options before or after the subcommand, --version."""

from __future__ import annotations

import subprocess

from gsmcall import __version__
from tests.support.command import gsmcall_command


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*gsmcall_command(), *args], capture_output=True, text=True, timeout=30)


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"gsmcall {__version__}"


def test_config_option_after_the_subcommand_is_the_same_as_before(tmp_path) -> None:
    missing = str(tmp_path / "none.yaml")
    before, after = run("-c", missing, "check"), run("check", "-c", missing)
    assert before.returncode == after.returncode == 2
    assert missing in after.stderr and after.stderr == before.stderr


def test_verbose_before_emulator_runs_the_emulator_not_the_daemon() -> None:
    result = run("-v", "emulator", "--help")
    assert result.returncode == 0 and result.stdout.startswith("usage: gsmcall emulator")
