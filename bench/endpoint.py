"""A tiny alert endpoint on 127.0.0.1 for the benchmark.

It speaks the seed's protocol (GET -> alert or ``{"code": 1}``, POST ?mid=..[&resp=..] -> ack)
and stamps, with ``time.monotonic()`` (the clock the emulator's log uses), the moment each alert
reply is handed to the kernel (one write, TCP_NODELAY).  Alerts are handed out one per GET from a
queue, so every poll that follows a finished alert gets the next one at once.

``hold_first_get()`` makes the first GET wait until ``release()``: the benchmark uses it to read
the daemon's CPU counters after start-up (imports, modem initialisation) and before the first
alert, so CPU per alert cycle does not include start-up.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATH = "/alert/phone"
NO_ALERT = {"code": 1, "msg": "无告警"}


@dataclass
class Stats:
    gets: list[float] = field(default_factory=list)  # arrival times of GETs
    posts: list[tuple[float, dict[str, str]]] = field(default_factory=list)
    alert_sent: dict[str, float] = field(default_factory=dict)  # mid -> reply handed to the kernel


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:  # a client that left
        pass


class BenchEndpoint:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._alerts: deque[dict[str, Any]] = deque()
        self._hold: threading.Event | None = None
        self._sticky: dict[str, Any] | None = None
        self._post_status = 200
        self.stats = Stats()
        self._httpd = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.5,),
                                        name="bench-endpoint", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{PATH}"

    def close(self) -> None:
        if self._hold is not None:
            self._hold.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- script --------------------------------------------------------------------------
    def reset(self) -> None:
        with self._cond:
            self._alerts.clear()
            self.stats = Stats()
            self._hold = None
            self._sticky = None
            self._post_status = 200

    def queue_alerts(self, alerts: list[tuple[str, list[str]]]) -> None:
        with self._cond:
            for mid, phones in alerts:
                self._alerts.append({"phone": phones, "code": 0, "mid": mid})

    def offer_unacknowledged(self, mid: str, phones: list[str]) -> None:
        """The seed server's failure mode: offer this alert on every GET and answer every POST
        with 500, so the daemon has rung it and cannot report it."""
        with self._cond:
            self._sticky = {"phone": phones, "code": 0, "mid": mid}
            self._post_status = 500

    def hold_first_get(self) -> None:
        self._hold = threading.Event()

    def release(self) -> None:
        if self._hold is not None:
            self._hold.set()

    # --- observation ---------------------------------------------------------------------
    def wait_gets(self, count: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.stats.gets) >= count, timeout)

    def wait_posts(self, count: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.stats.posts) >= count, timeout)

    # --- serving -------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as requests.Session uses it
            # Headers and body go out in one write with TCP_NODELAY.  Written separately with
            # Nagle on (http.server's default), the body waits for the client's delayed ACK:
            # a 40 ms stall per reply on Linux that has nothing to do with the client.
            disable_nagle_algorithm = True

            def _reply(self, body: dict[str, Any], status: int = 200) -> None:
                payload = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self._headers_buffer.append(b"\r\n" + payload)  # end of headers, then the body
                self.flush_headers()

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server._cond:
                    server.stats.gets.append(time.monotonic())
                    hold = server._hold if len(server.stats.gets) == 1 else None
                    server._cond.notify_all()
                if hold is not None:
                    hold.wait(30)
                with server._cond:
                    alert = server._alerts.popleft() if server._alerts else server._sticky
                if alert is not None:
                    # Stamped just before the one write() that hands the reply to the kernel
                    # (microseconds), so the daemon's reaction can never precede it.
                    with server._cond:
                        server.stats.alert_sent[alert["mid"]] = time.monotonic()
                self._reply(alert or NO_ALERT)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
                status = server._post_status
                self._reply({"code": 0} if status == 200 else {"code": 500, "msg": "database down"}, status)
                with server._cond:
                    server.stats.posts.append((time.monotonic(), query))
                    server._cond.notify_all()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler
