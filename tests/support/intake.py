"""gsmcall's side of the intake's end-to-end tests: a config with an intake and a roster, the
daemon started until its ``/healthz`` answers, and plain requests to it."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

T = TypeVar("T")
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_until(probe: Callable[[], T], timeout: float, what: str, interval: float = 0.02) -> T:
    """``probe()`` once it is truthy, polled until ``timeout``; AssertionError naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


ZHANG, LI, WANG = "18712340001", "18712340002", "18712340003"
ROSTER_TZ = "Asia/Shanghai"


def roster() -> dict[str, Any]:
    """Daily shifts that began 36 hours ago: li (the second member) is on call for 12 hours yet,
    so ``escalate: [oncall, next, wang]`` rings li, zhang, wang, in that order."""
    from zoneinfo import ZoneInfo

    start = datetime.now(ZoneInfo(ROSTER_TZ)) - timedelta(hours=36)
    return {
        "timezone": ROSTER_TZ,
        "people": {"zhang": ZHANG, "li": LI, "wang": WANG},
        "rotation": {"members": ["zhang", "li"], "start": start.strftime("%Y-%m-%d %H:%M"), "shift": "1d"},
        "escalate": ["oncall", "next", "wang"],
        "rounds": 1,
    }


def intake_config(port: int, report_url: str | None = None, token: str | None = None,
                  **intake: Any) -> dict[str, Any]:
    """The config sections an intake test adds to tests.support.daemon's base config."""
    section = {"listen": f"{LOOPBACK}:{port}", "max_body": 1048576, "repeat_after": 3600, **intake}
    if token is not None:
        section["token"] = token
    if report_url is not None:
        section["report_url"] = report_url
    return {"intake": section, "roster": roster()}


def start_intake(runner: Any, report_url: str | None = None, token: str | None = None,
                 intake: Mapping[str, Any] | None = None, timeout: float = 20.0,
                 **extra: Any) -> tuple[subprocess.Popen[str], str]:
    """Start the real daemon (a tests.support.daemon.Gsmcall) with an intake on a free port and
    wait until its ``/healthz`` says 200; returns the process and the intake's base URL.
    ``extra`` config sections are merged in (a ``roster`` replaces the default one)."""
    port = free_port()
    proc = runner.start(**{**intake_config(port, report_url, token, **dict(intake or {})), **extra})
    base = f"http://{LOOPBACK}:{port}"
    n = len(runner.procs) - 1

    def healthy() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"gsmcall exited {proc.returncode}:\n{runner.daemon_log(n)[-6000:]}")
        try:
            return request(base, "/healthz", method="GET", timeout=0.5)[0] == 200
        except OSError:
            return False

    try:
        wait_until(healthy, timeout, "gsmcall's /healthz")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{runner.daemon_log(n)[-6000:]}") from None
    return proc, base


def request(base: str, path: str, body: Any = None, *, method: str = "POST", token: str | None = None,
            headers: Mapping[str, str] | None = None, timeout: float = 5.0) -> tuple[int, str]:
    """One request to the intake: ``body`` a dict/list (sent as JSON), bytes or str as they are;
    returns the status and the one-line answer."""
    import http.client

    if isinstance(body, (dict, list)):
        data: bytes | None = json.dumps(body, ensure_ascii=False).encode()
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = body
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    host, port = base.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=sent)
        answer = conn.getresponse()
        return answer.status, answer.read().decode(errors="replace").strip()
    finally:
        conn.close()
