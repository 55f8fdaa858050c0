"""sd_notify over a real AF_UNIX datagram socket, as systemd provides it."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gsmcall import sdnotify


@pytest.fixture
def listener(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A bound datagram socket standing in for systemd's notify socket."""
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(5)
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        yield sock


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        (sdnotify.ready, b"READY=1"),
        (sdnotify.watchdog, b"WATCHDOG=1"),
        (sdnotify.stopping, b"STOPPING=1"),
        (lambda: sdnotify.status("modem up, polling"), b"STATUS=modem up, polling"),
    ],
)
def test_messages_arrive_on_the_socket(listener: socket.socket, send: Callable[[], bool], expected: bytes) -> None:
    assert send() is True
    assert listener.recv(4096) == expected


def test_status_is_kept_on_one_line(listener: socket.socket) -> None:
    sdnotify.status("modem lost\nreconnecting")
    assert listener.recv(4096) == b"STATUS=modem lost reconnecting"


def test_abstract_socket_name(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"gsmcall-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert sdnotify.ready() is True
        assert sock.recv(4096) == b"READY=1"


def test_unset_socket_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert sdnotify.ready() is False
    assert sdnotify.watchdog() is False


def test_unreachable_socket_is_logged_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone"))
    assert sdnotify.watchdog() is False
    assert "WATCHDOG=1" in caplog.text


OUR_PID = str(os.getpid())
OTHER_PID = str(os.getpid() + 1)


@pytest.mark.parametrize(
    ("usec", "pid", "expected"),
    [
        ("120000000", None, 60.0),
        ("120000000", OUR_PID, 60.0),
        ("120000000", OTHER_PID, None),  # inherited from a parent: not our watchdog
        ("0", None, None),
        ("soon", None, None),
        (None, None, None),
    ],
    ids=["no-pid", "our-pid", "parents-pid", "zero", "garbage", "unset"],  # stable across processes
)
def test_watchdog_interval(monkeypatch: pytest.MonkeyPatch, usec: str | None, pid: str | None, expected: float | None) -> None:
    for name, value in (("WATCHDOG_USEC", usec), ("WATCHDOG_PID", pid)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert sdnotify.watchdog_interval() == expected
