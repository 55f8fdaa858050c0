"""The intake's HTTP server over loopback: status codes, the token, limits, and never being held."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gsmcall.config import ConfigError
from gsmcall.config_checks import check_intake_settings
from gsmcall.intake.payloads import FIRING, IntakeAlert
from gsmcall.intake.server import IntakeServer

TOKEN = "s3cret-token"
GENERIC = {"id": "backup-42", "text": "备份失败"}
ALERTMANAGER = {
    "version": "4",
    "groupKey": '{}:{alertname="HostDown"}',
    "status": "firing",
    "alerts": [
        {"status": "firing", "labels": {"alertname": "HostDown"}, "annotations": {"summary": "db2"}, "fingerprint": "9b77e0c1d4a2f310"},
        {"status": "firing", "labels": {"alertname": "HostDown"}, "annotations": {"summary": "db3"}, "fingerprint": "0b77e0c1d4a2f311"},
    ],
}


class Journal:
    """A stand-in for the daemon's accept: records alerts, can refuse, fail or block."""

    def __init__(self) -> None:
        self.alerts: list[IntakeAlert] = []
        self.answer: bool | Exception = True
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()
        self.block_key: str | None = None

    def __call__(self, alerts: list[IntakeAlert]) -> bool:
        self.entered.set()
        if any(alert.key == self.block_key for alert in alerts) or self.block_key == "*":
            assert self.release.wait(10)
        if isinstance(self.answer, Exception):
            raise self.answer
        self.alerts.extend(alerts)
        return self.answer


Start = Callable[..., int]


@pytest.fixture
def start() -> Iterator[Start]:
    servers: list[IntakeServer] = []

    def start(accept: Callable[[list[IntakeAlert]], bool], **options: Any) -> int:
        server = IntakeServer("127.0.0.1", 0, accept, **options)
        servers.append(server)
        return server.serve()[1]

    yield start
    for server in servers:
        server.close()


def request(
    port: int,
    path: str,
    body: Any = None,
    *,
    token: str | None = TOKEN,
    method: str = "POST",
    raw: bytes | None = None,
    timeout: float = 10,
) -> tuple[int, str, http.client.HTTPResponse]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, text, response


def in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(target()), daemon=True)
    thread.start()
    return thread, out


# --- accepting ---------------------------------------------------------------------------------------


def test_generic_alert_is_accepted_with_202(start: Start) -> None:
    journal = Journal()
    port = start(journal, token=TOKEN)
    status, text, _ = request(port, "/alerts", GENERIC)
    assert (status, text) == (202, "accepted 1 alert\n")
    assert [(a.key, a.status, a.text) for a in journal.alerts] == [("backup-42", FIRING, "备份失败")]


def test_every_alert_of_a_notification_is_handed_over(start: Start) -> None:
    journal = Journal()
    port = start(journal, token=TOKEN)
    assert request(port, "/alertmanager", ALERTMANAGER)[0] == 202
    assert [a.key for a in journal.alerts] == ["9b77e0c1d4a2f310", "0b77e0c1d4a2f311"]


def test_202_is_sent_only_after_accept_returned(start: Start) -> None:
    journal = Journal()
    journal.block_key, journal.release = "*", threading.Event()
    port = start(journal, token=TOKEN)
    thread, out = in_thread(lambda: request(port, "/alerts", GENERIC)[0])
    assert journal.entered.wait(5)
    thread.join(0.5)
    assert thread.is_alive() and not out  # accept has not returned: no answer yet
    journal.release.set()
    thread.join(5)
    assert out == [202]


@pytest.mark.parametrize("answer", [False, OSError("disk full")])
def test_503_when_accept_refuses_or_fails(start: Start, answer: bool | Exception) -> None:
    journal = Journal()
    journal.answer = answer
    port = start(journal, token=TOKEN)
    status, text, _ = request(port, "/alerts", GENERIC)
    assert status == 503
    assert "try again" in text


def test_grafana_takes_put_like_post(start: Start) -> None:
    journal = Journal()
    port = start(journal, token=TOKEN)
    body = {**ALERTMANAGER, "version": "1"}
    assert request(port, "/grafana", body, method="PUT")[0] == 202
    assert request(port, "/grafana", body)[0] == 202
    assert len(journal.alerts) == 4


def test_no_token_configured_needs_no_authorization(start: Start) -> None:
    port = start(Journal())
    assert request(port, "/alerts", GENERIC, token=None)[0] == 202


# --- refusing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "wrong", TOKEN + "x", TOKEN[:-1], ""])
def test_401_without_the_right_token(start: Start, token: str | None) -> None:
    journal = Journal()
    port = start(journal, token=TOKEN)
    status, _, response = request(port, "/alerts", GENERIC, token=token)
    assert status == 401
    assert response.getheader("WWW-Authenticate") == "Bearer"
    assert journal.alerts == []


def test_another_scheme_with_the_token_is_refused(start: Start) -> None:
    port = start(Journal(), token=TOKEN)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/alerts", body=json.dumps(GENERIC), headers={"Authorization": f"Basic {TOKEN}"})
    assert conn.getresponse().status == 401


def test_401_comes_before_size_and_shape(start: Start) -> None:
    port = start(Journal(), token=TOKEN, max_body=100)
    assert request(port, "/alerts", raw=b"x" * 5000, token=None)[0] == 401


def test_413_for_a_body_over_the_limit(start: Start) -> None:
    journal = Journal()
    port = start(journal, token=TOKEN, max_body=1024)
    body = {"id": "big", "text": "x" * 2000}
    status, text, _ = request(port, "/alerts", body)
    assert status == 413
    assert "limit is 1024" in text
    assert journal.alerts == []
    assert request(port, "/alerts", {"id": "small", "text": "x" * 900})[0] == 202


@pytest.mark.parametrize("size", [5000, 3_500_000])
def test_a_large_refused_body_gets_its_answer_not_a_reset(start: Start, size: int) -> None:
    # Closing a socket with unread bytes resets the connection, and a client still sending (as
    # http.client does) may lose the answer; whether it does is a race, hence the repeats.
    port = start(Journal(), token=TOKEN, max_body=1024)
    for _ in range(3):
        assert request(port, "/alerts", raw=b"x" * size)[0] == 413
        assert request(port, "/alerts", raw=b"x" * size, token="wrong")[0] == 401


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b""])
def test_400_for_a_body_that_is_not_json(start: Start, raw: bytes) -> None:
    port = start(Journal(), token=TOKEN)
    status, text, _ = request(port, "/alerts", raw=raw)
    assert status == 400
    assert text.startswith("the body is not JSON") and text.count("\n") == 1


def test_400_with_the_reason_for_the_wrong_shape(start: Start) -> None:
    journal = Journal()
    port = start(journal, token=TOKEN)
    status, text, _ = request(port, "/alertmanager", GENERIC)
    assert (status, text) == (400, 'version must be "4" (Alertmanager webhook), got nothing\n')
    assert journal.alerts == []


def test_404_for_another_path(start: Start) -> None:
    assert request(start(Journal(), token=TOKEN), "/webhook", GENERIC)[0] == 404


@pytest.mark.parametrize(("method", "path", "allow"), [("GET", "/alerts", "POST"), ("PUT", "/alertmanager", "POST"), ("POST", "/healthz", "GET"), ("DELETE", "/grafana", "POST, PUT")])
def test_405_for_another_method(start: Start, method: str, path: str, allow: str) -> None:
    status, _, response = request(start(Journal(), token=TOKEN), path, method=method)
    assert status == 405
    assert response.getheader("Allow") == allow


def test_411_without_a_content_length(start: Start) -> None:
    port = start(Journal(), token=TOKEN)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"POST /alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 411")


# --- health ------------------------------------------------------------------------------------------


def test_healthz_needs_no_token_and_follows_the_loop(start: Start) -> None:
    alive = [True]
    port = start(Journal(), token=TOKEN, healthy=lambda: alive[0])
    assert request(port, "/healthz", method="GET", token=None)[:2] == (200, "ok\n")
    alive[0] = False
    assert request(port, "/healthz", method="GET", token=None)[0] == 503


# --- never held --------------------------------------------------------------------------------------


def test_a_slow_loris_does_not_stop_another_client(start: Start) -> None:
    port = start(Journal(), token=TOKEN, read_timeout=30)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as loris:
        loris.sendall(b"POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Le")  # ... and stalls
        time.sleep(0.1)
        began = time.monotonic()
        assert request(port, "/alerts", GENERIC, timeout=5)[0] == 202
        assert time.monotonic() - began < 2


def test_a_trickling_client_is_cut_off_at_the_read_deadline(start: Start) -> None:
    port = start(Journal(), token=TOKEN, read_timeout=0.5)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as loris:
        began = time.monotonic()
        closed = False
        for byte in b"POST /alerts HTTP/1.1\r\nHost: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx":
            try:
                loris.sendall(bytes([byte]))  # a byte every 50 ms: never idle long enough for a per-recv timeout
            except OSError:
                closed = True
                break
            loris.settimeout(0.05)
            try:
                if loris.recv(100) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
        assert closed
        assert time.monotonic() - began < 2


def test_a_body_that_stalls_gets_408_at_the_deadline(start: Start) -> None:
    port = start(Journal(), token=TOKEN, read_timeout=0.5)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"POST /alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 100\r\n\r\n{{\"id\"".encode())
        began = time.monotonic()
        assert sock.recv(100).startswith(b"HTTP/1.1 408")
        assert time.monotonic() - began < 2


def test_an_accept_that_blocks_does_not_block_another_connection(start: Start) -> None:
    journal = Journal()
    journal.block_key, journal.release = "slow", threading.Event()
    port = start(journal, token=TOKEN)
    slow, out = in_thread(lambda: request(port, "/alerts", {"id": "slow"})[0])
    assert journal.entered.wait(5)
    began = time.monotonic()
    assert request(port, "/alerts", {"id": "fast"}, timeout=5)[0] == 202
    assert time.monotonic() - began < 2
    assert slow.is_alive() and not out
    journal.release.set()
    slow.join(5)
    assert out == [202]
    assert [a.key for a in journal.alerts] == ["fast", "slow"]


# --- configuration -----------------------------------------------------------------------------------


@pytest.mark.parametrize("listen", [None, "127.0.0.1:9466", "127.3.4.5:9466", "[::1]:9466", "localhost:9466"])
def test_loopback_or_no_listen_needs_no_token(listen: str | None) -> None:
    check_intake_settings(listen, None)


@pytest.mark.parametrize("listen", ["0.0.0.0:9466", "192.168.1.5:9466", "[::]:9466", "pager.lan:9466"])
def test_a_non_loopback_listen_without_token_is_a_config_error(listen: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check_intake_settings(listen, None)
    assert caught.value.key == "intake.token"
    assert listen in str(caught.value)
    check_intake_settings(listen, TOKEN)


@pytest.mark.parametrize("token", ["", "has space", "line\nbreak", "非ascii"])
def test_a_token_that_cannot_go_in_a_header_is_a_config_error(token: str) -> None:
    with pytest.raises(ConfigError, match=r"^intake\.token: "):
        check_intake_settings("127.0.0.1:9466", token)


def test_a_malformed_listen_names_intake_listen() -> None:
    with pytest.raises(ConfigError, match=r"^intake\.listen: "):
        check_intake_settings("9466", TOKEN)
