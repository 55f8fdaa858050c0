"""What the e2e tests read off the wire and the logs: requests, emulator events, log lines.

Shared by every e2e module, so each test says what it checks, not how to find it.
"""

from __future__ import annotations

import socket

from gsmcall.emulator import Emulator
from tests.support.http_endpoint import EndpointServer, RecordedRequest


def assert_no_crash(output: str) -> None:
    assert "Traceback" not in output, output[-6000:]


def warning_lines(output: str, text: str) -> list[str]:
    return [line for line in output.splitlines() if " WARNING " in line and text in line]


def lines_with(output: str, text: str) -> list[str]:
    return [line for line in output.splitlines() if text in line]


def event(emu: Emulator, text: str, timeout: float = 10.0, since: float | None = None):
    """Wait for an emulator event note that starts with ``text``."""
    return emu.wait_for(lambda e: e.kind == "event" and e.text.startswith(text), timeout=timeout, since=since)


def rx_after(emu: Emulator, since: float) -> list[str]:
    return [e.text for e in emu.log if e.kind == "rx" and e.t >= since]


def position(requests: list[RecordedRequest], request: RecordedRequest) -> int:
    """Where ``request`` is in the log (by identity: two retries of one POST are equal)."""
    return next(i for i, r in enumerate(requests) if r is request)


def wait_for_get_after(endpoint: EndpointServer, request: RecordedRequest, timeout: float = 15.0) -> None:
    """Wait until the daemon polls again after ``request``: it has been round its loop since."""
    requests = endpoint.requests
    gets_before = sum(1 for r in requests[: position(requests, request)] if r.method == "GET")
    endpoint.wait_for_requests("GET", count=gets_before + 1, timeout=timeout)  # requests are logged in order


def closed_port() -> int:
    """A 127.0.0.1 port nobody listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def only_post(endpoint: EndpointServer) -> RecordedRequest:
    posts = endpoint.posts()
    assert len(posts) == 1, [p.params for p in posts]
    return posts[0]


def attempt_results(post: RecordedRequest) -> list[tuple[str, str]]:
    return [(a["number"], a["result"]) for a in post.json()["attempts"]]
