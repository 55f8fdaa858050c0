"""Runs the real ``gsmcall`` command for a test: a config with fast timings pointing at an
emulator and a loopback HTTP endpoint, and what crossed the wire afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import yaml

from gsmcall.emulator import Emulator
from tests.support.command import gsmcall_command
from tests.support.http_endpoint import EndpointServer

# Fast timings: a test call rings for seconds, not the 40 s of production.
FAST = {
    "calls": {"ring_timeout": 1.5, "hold": 0.2, "gap": 0.1},
    "alerts": {"poll_interval": 0.3, "timeout": 2},
}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class Gsmcall:
    """Writes a config for one test and runs gsmcall with it."""

    def __init__(self, tmp: Path, emulator: Emulator, endpoint: EndpointServer) -> None:
        self.tmp = tmp
        self.emulator = emulator
        self.endpoint = endpoint
        self.state_dir = tmp / "state"
        self.procs: list[subprocess.Popen[str]] = []

    def config(self, **extra: Any) -> Path:
        base = {
            "modem": {"port": str(self.emulator.link), "profile": "auto", "command_timeout": 3},
            "alerts": {"url": self.endpoint.url},
            "state": {"dir": str(self.state_dir)},
            "log": {"level": "DEBUG", "show_numbers": True},
        }
        data = _merge(_merge(base, FAST), extra)
        path = self.tmp / "config.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        return path

    def once(self, timeout: float = 60, **extra: Any) -> subprocess.CompletedProcess[str]:
        path = self.config(**extra)
        return subprocess.run(
            [*gsmcall_command(), "-c", str(path), "--once"],
            capture_output=True, text=True, timeout=timeout, env=_env(),
        )

    def start(self, **extra: Any) -> subprocess.Popen[str]:
        path = self.config(**extra)
        log = open(self.tmp / f"daemon{len(self.procs)}.log", "w")
        proc = subprocess.Popen([*gsmcall_command(), "-c", str(path)], stdout=log, stderr=subprocess.STDOUT,
                                text=True, env=_env())
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[str], sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        proc.send_signal(sig)
        return proc.wait(timeout=timeout)

    def daemon_log(self, n: int = 0) -> str:
        return (self.tmp / f"daemon{n}.log").read_text()

    def cleanup(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("GSMCALL_CONFIG", None)
    return env


def dials(emulator: Emulator) -> list[str]:
    """The numbers dialled, in order, from the AT commands the emulator received."""
    return [c[3:-1] for c in emulator.commands() if c.upper().startswith("ATD") and c.endswith(";")]


def explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stderr ---\n{result.stderr[-6000:]}"
