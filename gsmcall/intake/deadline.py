"""A whole-request deadline for requests: the end of one request's time, from a timer thread.

requests' ``timeout`` bounds each socket operation, so a server sending a byte a second holds a
request for ever, and checking the clock between reads does not help either, since one read
waits until its buffer is full.  ``Deadline`` shuts down the socket in use when the time is up;
``DeadlineAdapter`` gives a session connections that report their sockets to it.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from contextvars import ContextVar, Token
from typing import Any

import urllib3
import urllib3.connection
from requests.adapters import HTTPAdapter

log = logging.getLogger(__name__)


def _socket_of(connection: Any) -> socket.socket | None:
    sock = getattr(connection, "sock", None)
    if not isinstance(sock, socket.socket):
        sock = getattr(sock, "socket", None)  # TLS through a TLS proxy wraps the socket once more
    return sock if isinstance(sock, socket.socket) else None


def _shut_down(sock: socket.socket) -> None:
    """End any blocked read or write on ``sock`` at once (it reads EOF).

    The plain socket's shutdown is used even under TLS: SSLSocket.shutdown() would also drop
    the TLS state that the thread blocked in a read is still using."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing left to interrupt


class Deadline:
    """The end of one request's time, enforced from a timer thread.

    requests' timeout bounds each socket operation, so a server sending a byte a second holds
    a request for ever; checking the clock between reads does not help either, since one read
    waits until its buffer is full.  When the time is up the timer shuts down the socket in use
    (the connections report themselves, see ``_WatchedConnection``), which ends the request
    wherever it is, and leaves no thread behind.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        # Sockets, not connections: http.client lets go of a connection's socket when the body
        # is to be read until close (HTTP/1.0), and the body is then read from it all the same.
        self._sockets: list[socket.socket] = []
        self._fired = False
        self._done = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.name = "endpoint-deadline"
        self._timer.daemon = True
        self._token: Token[Deadline | None] | None = None

    @property
    def expired(self) -> bool:
        return self._fired or time.monotonic() >= self._ends

    def watch(self, connection: Any) -> None:
        """Called by a connection before each request and after connecting (its socket is new)."""
        sock = _socket_of(connection)
        with self._lock:
            if sock is not None and sock not in self._sockets:
                self._sockets.append(sock)
                if self._fired:
                    _shut_down(sock)  # it connected just as the time ran out

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self._fired = True
            for sock in self._sockets:
                _shut_down(sock)
        log.debug("endpoint request over its %gs: connection shut down", self.seconds)

    def __enter__(self) -> Deadline:
        self._token = _ACTIVE_DEADLINE.set(self)
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()
        if self._token is not None:
            _ACTIVE_DEADLINE.reset(self._token)


# The deadline of the request this thread is making: how a connection deep inside urllib3
# finds the deadline it must report to, without a parameter through requests' layers.
_ACTIVE_DEADLINE: ContextVar[Deadline | None] = ContextVar("gsmcall_endpoint_deadline", default=None)


def _report_to_deadline(connection: Any) -> None:
    deadline = _ACTIVE_DEADLINE.get()
    if deadline is not None:
        deadline.watch(connection)


class _WatchedConnection:
    """Mixin for urllib3's connections: each request, and each new socket, reports to the
    active deadline, so a reused keep-alive connection is covered as well as a new one."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        _report_to_deadline(self)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        _report_to_deadline(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_WatchedConnection, urllib3.connection.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnection, urllib3.connection.HTTPSConnection):
    pass


class _WatchedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter with connections a deadline can shut down (direct or via a proxy)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS has pools of its own; the clock check remains
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager
