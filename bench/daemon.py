"""The daemon under test for the benchmark: a real ``gsmcall`` subprocess with a config in a
work directory, and what /proc says it costs (CPU seconds, RSS).  Shared by every section."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import yaml

from gsmcall.emulator import Emulator
from tests.support.command import gsmcall_command

SENDER = "+8613912345678"  # the SMS commands' allowed sender


# --- small helpers ------------------------------------------------------------------------
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of ``pid`` (clock ticks, usually 10 ms)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) in MiB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


# --- the daemon under test --------------------------------------------------------------------
class Daemon:
    def __init__(self, workdir: Path, name: str, config: dict[str, Any]) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.config_path = workdir / f"{name}.yaml"
        self.config_path.write_text(yaml.safe_dump(config, allow_unicode=True))
        self.log_path = workdir / f"{name}.log"
        self._log = open(self.log_path, "w")
        env = dict(os.environ)
        env.pop("GSMCALL_CONFIG", None)
        self.command = [*gsmcall_command(), "-c", str(self.config_path)]
        self.proc = subprocess.Popen(self.command, stdout=self._log, stderr=subprocess.STDOUT, env=env)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-n:])
        except OSError:
            return ""


def daemon_config(emu: Emulator, url: str, state_dir: Path, profile: str, poll_interval: float) -> dict[str, Any]:
    return {
        "modem": {"port": str(emu.link), "profile": profile, "command_timeout": 5},
        "alerts": {"url": url, "poll_interval": poll_interval, "timeout": 10},
        "calls": {"ring_timeout": 15, "hold": 0, "gap": 0},
        "sms": {"enabled": True, "allowed_senders": [SENDER]},
        "state": {"dir": str(state_dir)},
        "log": {"level": "INFO"},
    }


class BenchError(RuntimeError):
    pass


# --- extracting samples from the emulator's log ----------------------------------------------------
def dump_log(emu: Emulator, path: Path) -> None:
    path.write_text("".join(f"{e.t:.6f} {e.kind:5} {e.text!r}\n" for e in emu.log))
