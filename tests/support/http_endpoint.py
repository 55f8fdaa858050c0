"""A real alert endpoint on 127.0.0.1 for tests: records every request, replies as scripted.

Without a script it behaves like the seed's server: GET returns the oldest queued alert until a
2xx-answered POST names its ``mid``, then the next one, then ``{"code": 1}``. Scripted replies
(``script_get`` / ``script_post``) are served first, one per request, in order.

    with EndpointServer() as server:
        server.queue_alert("m1", ["18712345678"])
        ...  # point gsmcall at server.url
        post = server.wait_for_post(timeout=10)
        assert post.params == {"mid": "m1", "resp": "18712345678"}

A hostile endpoint: a ``Trickle`` or ``Endless`` body in a script (or for every GET, with
``misbehave`` until ``behave``) is written by hand, a byte at a time or without end.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Union
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

ALERT_PATH = "/alert/phone"
NO_ALERT = {"code": 1, "msg": "无告警"}
POST_OK = {"code": 0}


class RawReply:
    """A reply the handler writes by hand, status line and all: an endpoint broken at the HTTP
    level rather than in what it says."""

    def write(self, wfile: Any, status: int, closing: threading.Event) -> None:
        raise NotImplementedError


# A reply body: dict/list are sent as JSON, str as UTF-8 text, bytes as they are; a RawReply
# writes itself.
Body = Union[dict, list, str, bytes, RawReply]
Reply = tuple[int, Body]


def _head(status: int, content_type: str, length: int | None) -> bytes:
    reason = BaseHTTPRequestHandler.responses.get(status, ("",))[0]
    lines = [f"HTTP/1.0 {status} {reason}", f"Content-Type: {content_type}"]
    lines += [f"Content-Length: {length}"] if length is not None else []
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


@dataclass
class Trickle(RawReply):
    """A complete, valid reply sent one byte per ``interval`` seconds: from the status line
    on, or (``headers=False``) after headers sent at once.  Every read the client makes gets
    a byte in time, so only a limit on the whole request ends it."""

    body: Body = field(default_factory=lambda: dict(NO_ALERT))
    interval: float = 0.2
    headers: bool = True

    def write(self, wfile: Any, status: int, closing: threading.Event) -> None:
        payload, content_type = _encode(self.body)
        head = _head(status, content_type, len(payload))
        slow = head + payload if self.headers else payload
        if not self.headers:
            wfile.write(head)
        for i in range(len(slow)):
            if closing.wait(self.interval):  # the server is closing: stop at once
                return
            wfile.write(slow[i : i + 1])


@dataclass
class Endless(RawReply):
    """A body that never ends (JSON whitespace, as fast as the client reads), optionally under
    a ``declared_length`` header; ``sent`` counts the bytes written so far."""

    declared_length: int | None = None
    chunk: bytes = b" " * 65536
    sent: int = 0

    def write(self, wfile: Any, status: int, closing: threading.Event) -> None:
        wfile.write(_head(status, "application/json", self.declared_length))
        while not closing.is_set():  # until the client hangs up (BrokenPipe) or the server closes
            wfile.write(self.chunk)
            self.sent += len(self.chunk)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def params(self) -> dict[str, str]:
        """The query with one value per key (the last one), as a server framework would read it."""
        return {key: values[-1] for key, values in self.query.items()}

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup, as HTTP defines it."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def json(self) -> Any:
        return json.loads(self.body)


def _encode(body: Body) -> tuple[bytes, str]:
    if isinstance(body, RawReply):
        raise TypeError("a RawReply writes itself")
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        return body.encode("utf-8"), "text/plain; charset=utf-8"
    return json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json"


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up (a timeout test) breaks the pipe; that is expected, not a traceback."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("endpoint: request from %s failed", client_address, exc_info=True)


class EndpointServer:
    """ThreadingHTTPServer on 127.0.0.1, port chosen by the OS; use it as a context manager."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._requests: list[RecordedRequest] = []
        self._alerts: list[dict[str, Any]] = []
        self._get_script: deque[Reply] = deque()
        self._post_script: deque[Reply] = deque()
        self._running = threading.Event()
        self._running.set()  # cleared by stall(): handlers then wait before replying
        self._closing = threading.Event()  # ends the replies that would go on (Trickle, Endless)
        self._misbehaving: Reply | None = None
        self._closed = False
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        # A short poll interval: shutdown() waits for the loop to notice, 0.5 s by default.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.02,), name="endpoint-server", daemon=True
        )
        self._thread.start()

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{ALERT_PATH}"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._closing.set()
        self._running.set()  # let stalled handlers finish
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> EndpointServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- behaviour -----------------------------------------------------------------------------

    def queue_alert(self, mid: str, phones: list[Any], text: Any = None) -> None:
        """Serve this alert on GET until a POST with its mid is answered 2xx; ``text``, when
        given, is the newer servers' optional "text" field (sent as it is, any JSON value)."""
        alert = {"phone": list(phones), "code": 0, "mid": mid}
        if text is not None:
            alert["text"] = text
        with self._cond:
            self._alerts.append(alert)

    def set_no_alert(self) -> None:
        """Forget every queued alert: GET answers ``{"code": 1}``."""
        with self._cond:
            self._alerts.clear()

    def script_get(self, replies: list[Reply]) -> None:
        """Answer the next GETs with these (status, body) pairs, in order, before anything else."""
        with self._cond:
            self._get_script.extend(replies)

    def script_post(self, replies: list[Reply]) -> None:
        """Answer the next POSTs with these (status, body) pairs; a non-2xx one does not ack."""
        with self._cond:
            self._post_script.extend(replies)

    def stall(self) -> None:
        """Hold every reply (requests are still recorded) until release(): a hung server."""
        self._running.clear()

    def release(self) -> None:
        self._running.set()

    def misbehave(self, body: Body, status: int = 200) -> None:
        """Answer every GET (after any scripted ones) with this until behave(): e.g. a Trickle,
        an Endless, or bytes that are no usable JSON.  POSTs are answered as before."""
        with self._cond:
            self._misbehaving = (status, body)

    def behave(self) -> None:
        """Back to answering GETs like the seed's server."""
        with self._cond:
            self._misbehaving = None

    # --- observation ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._cond:
            return list(self._requests)

    def gets(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "GET"]

    def posts(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST"]

    def wait_for_requests(self, method: str, count: int = 1, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until ``count`` requests of ``method`` have arrived; AssertionError on timeout."""
        def matching() -> list[RecordedRequest]:
            return [r for r in self._requests if r.method == method]

        with self._cond:
            if not self._cond.wait_for(lambda: len(matching()) >= count, timeout=timeout):
                got = len(matching())
                raise AssertionError(f"expected {count} {method} request(s) within {timeout}s, got {got}")
            return matching()

    def wait_for_post(self, timeout: float = 10.0, count: int = 1) -> RecordedRequest:
        """The ``count``-th POST (the first by default), waiting for it up to ``timeout`` seconds."""
        return self.wait_for_requests("POST", count, timeout)[count - 1]

    # --- serving -------------------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._cond:
            self._requests.append(request)
            self._cond.notify_all()

    def _reply_get(self) -> Reply:
        with self._cond:
            if self._get_script:
                return self._get_script.popleft()
            if self._misbehaving is not None:
                return self._misbehaving
            return (200, dict(self._alerts[0])) if self._alerts else (200, NO_ALERT)

    def _reply_post(self, params: dict[str, str]) -> Reply:
        with self._cond:
            status, body = self._post_script.popleft() if self._post_script else (200, POST_OK)
            if 200 <= status < 300:
                self._alerts = [a for a in self._alerts if a["mid"] != params.get("mid")]
            return status, body

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = RecordedRequest(
                    method=self.command,
                    path=split.path,
                    query=parse_qs(split.query, keep_blank_values=True),
                    headers=dict(self.headers.items()),
                    body=self.rfile.read(length) if length else b"",
                )
                server._record(request)
                server._running.wait()
                if request.path != ALERT_PATH:
                    status, body = 404, {"code": 404, "msg": "no such path"}
                elif request.method == "GET":
                    status, body = server._reply_get()
                elif request.method == "POST":
                    status, body = server._reply_post(request.params)
                else:
                    status, body = 405, {"code": 405, "msg": "method not allowed"}
                if isinstance(body, RawReply):
                    body.write(self.wfile, status, server._closing)
                    return
                payload, content_type = _encode(body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
                log.debug("endpoint %s: " + format, self.address_string(), *args)

        return Handler
