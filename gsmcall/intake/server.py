"""The webhook intake's HTTP server: routes and status codes of DESIGN §6, nothing else.

Monitoring systems time their webhooks out (Alertmanager within ``group_interval``, Nightingale
after 10 s), so a request must never wait for a phone call: the server parses the body, hands
the notification's alerts to the injected ``accept`` (which journals them and queues them for
the daemon loop) and answers.  It answers 202 only after ``accept`` returned True, so a 202 means
"durable"; anything else is a 503 and the sender retries (the retry is deduplicated by key).

A thread per connection keeps one slow client from holding the others, and every request is
read against one deadline (request line, headers and body together), so a client that
trickles bytes holds its own thread for ``read_timeout`` at most.  Each connection carries one
request; there is no keep-alive to hold a thread between requests.
"""

from __future__ import annotations

import hmac
import io
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from gsmcall.intake.payloads import PARSERS, IntakeAlert, PayloadError

log = logging.getLogger(__name__)

HEALTHZ = "/healthz"
# The methods each path answers; any other method on a known path is a 405.
METHODS: dict[str, tuple[str, ...]] = {
    "/alertmanager": ("POST",),
    "/grafana": ("POST", "PUT"),  # Grafana's webhook can be set to PUT
    "/alerts": ("POST",),
    HEALTHZ: ("GET",),
}
# A body of an unwanted request (no token, too large) is read and dropped up to this much, so
# the client gets its answer instead of a connection reset from the unread bytes.
_DRAIN_LIMIT = 4 << 20


@dataclass(frozen=True)
class _Intake:
    """What every request handler needs, fixed when the server starts."""

    accept: Callable[[list[IntakeAlert]], bool]
    healthy: Callable[[], bool]
    token: bytes | None
    max_body: int
    read_timeout: float


class _DeadlineReader(io.RawIOBase):
    """A socket's input where every read is bounded by what is left of one deadline.

    A per-``recv`` socket timeout alone lets a client send one byte every few seconds forever.
    """

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        super().__init__()
        self._sock = sock
        self._deadline = time.monotonic() + seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not received in time")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # for Expect: 100-continue; every answer still closes
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, self.server.intake.read_timeout))

    # Every standard method goes through one dispatch, so a known path with the wrong method is
    # a 405 (the default for an unknown do_* is a 501).
    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _dispatch(self) -> None:
        intake = self.server.intake
        self._unread = _content_length(self.headers.get("Content-Length")) or 0  # drained after an early answer
        path = urlsplit(self.path).path
        methods = METHODS.get(path)
        if methods is None:
            return self._answer(HTTPStatus.NOT_FOUND, f"no such path {path!r}; the intake takes {', '.join(METHODS)}")
        if self.command not in methods:
            return self._answer(HTTPStatus.METHOD_NOT_ALLOWED, f"{path} takes {' or '.join(methods)}", {"Allow": ", ".join(methods)})
        if path == HEALTHZ:
            return self._health(intake)
        if not self._authorised(intake.token):
            return self._answer(HTTPStatus.UNAUTHORIZED, "Authorization: Bearer <token> is missing or wrong", {"WWW-Authenticate": "Bearer"})
        body = self._body(intake.max_body)
        if body is None:
            return
        try:
            alerts = PARSERS[path](json.loads(body))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return self._answer(HTTPStatus.BAD_REQUEST, f"the body is not JSON: {exc}")
        except RecursionError:
            return self._answer(HTTPStatus.BAD_REQUEST, "the body is nested too deep")
        except PayloadError as exc:
            return self._answer(HTTPStatus.BAD_REQUEST, str(exc))
        self._accept(intake.accept, alerts)

    def _health(self, intake: _Intake) -> None:
        try:
            alive = intake.healthy()
        except Exception:
            log.exception("intake: the health check failed")
            alive = False
        if alive:
            self._answer(HTTPStatus.OK, "ok")
        else:
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE, "the daemon's loop is not alive")

    def _authorised(self, token: bytes | None) -> bool:
        if token is None:
            return True
        scheme, _, credentials = self.headers.get("Authorization", "").partition(" ")
        # Header text is ISO-8859-1 decoded by http.client, so this gives back the bytes sent.
        given = credentials.strip().encode("latin-1", "replace")
        return hmac.compare_digest(given, token) and scheme.lower() == "bearer"

    def _body(self, max_body: int) -> bytes | None:
        """The body, or None once the error is answered (no length, too large, too slow)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._answer(HTTPStatus.LENGTH_REQUIRED, "send a Content-Length, not a chunked body")
            return None
        if _content_length(self.headers.get("Content-Length")) is None:
            self._answer(HTTPStatus.LENGTH_REQUIRED, "a Content-Length is required")
            return None
        if self._unread > max_body:
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body is {self._unread} bytes, the limit is {max_body}")
            return None
        try:
            body = self.rfile.read(self._unread)
        except TimeoutError:
            self._answer(HTTPStatus.REQUEST_TIMEOUT, "the body did not arrive in time")
            return None
        if len(body) < self._unread:
            log.warning("intake: %s closed the connection before sending its body", self.address_string())
            self.close_connection = True
            return None
        self._unread = 0
        return body

    def _accept(self, accept: Callable[[list[IntakeAlert]], bool], alerts: list[IntakeAlert]) -> None:
        try:
            taken = accept(alerts)
        except Exception:
            log.exception("intake: could not take a %s notification", alerts[0].source)
            taken = False
        if not taken:
            return self._answer(HTTPStatus.SERVICE_UNAVAILABLE, "the alert could not be stored; try again")
        self._answer(HTTPStatus.ACCEPTED, f"accepted {len(alerts)} alert{'' if len(alerts) == 1 else 's'}")

    def _answer(self, status: HTTPStatus, reason: str, headers: Mapping[str, str] | None = None) -> None:
        """Send a one-line text answer and close; a body the client is still sending is dropped."""
        if status >= 400:
            log.log(logging.ERROR if status >= 500 else logging.WARNING, "intake: %s %s -> %d %s", self.command, self.path, status, reason)
        payload = (reason + "\n").encode()
        self.connection.settimeout(self.server.intake.read_timeout)  # the reads may have used up the deadline
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()
        self.close_connection = True
        if self._unread:
            self._drain()

    def _drain(self) -> None:
        """Read and drop what the client may still send, so it sees the answer, not a reset."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            left = min(self._unread, _DRAIN_LIMIT)
            while left > 0 and (chunk := self.rfile.read1(min(left, 65536))):
                left -= len(chunk)
        except (OSError, ValueError):  # TimeoutError is an OSError: the deadline ends the wait
            pass

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("intake: %s %s", self.address_string(), format % args)


def _content_length(value: str | None) -> int | None:
    """The announced body length; None when absent or not a plain decimal number."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


class _Server(ThreadingHTTPServer):
    """A thread per connection, IPv4 or IPv6, threads not waited for on close."""

    daemon_threads = True

    def __init__(self, host: str, port: int, intake: _Intake) -> None:
        self.address_family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        self.intake = intake
        super().__init__((host, port), _Handler)


class IntakeServer:
    """The intake on ``host:port``, served from its own threads so a busy daemon loop or a call in
    progress never delays an answer.

    ``accept`` is called with one notification's alerts from the request threads, several at
    once: it must be thread-safe, journal them before it returns True, and not wait for the modem.
    """

    def __init__(
        self,
        host: str,
        port: int,
        accept: Callable[[list[IntakeAlert]], bool],
        *,
        token: str | None = None,
        healthy: Callable[[], bool] = lambda: True,
        max_body: int = 1048576,
        read_timeout: float = 10.0,
    ) -> None:
        intake = _Intake(accept, healthy, None if token is None else token.encode(), max_body, read_timeout)
        self._server = _Server(host, port, intake)
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        """The bound address; port 0 asked for a free one."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def serve(self) -> tuple[str, int]:
        """Start answering from a daemon thread; returns the bound address."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="intake-http", daemon=True)
        self._thread.start()
        log.info("webhook intake listening on %s port %d", *self.address)
        return self.address

    def close(self) -> None:
        """Stop accepting connections; requests in flight finish on their own threads."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
