"""Fixtures for testing the modem emulator over a real pty with pyserial (see tests.support.host)."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest

from gsmcall.emulator import Emulator
from tests.support.emulators import Emulators
from tests.support.host import Host


@pytest.fixture
def make_emu(tmp_path) -> Iterator[Emulators]:
    with Emulators(tmp_path, name="modem{n}", noise_interval=None, noise_interleave_every=0,
                   alerting_delay=0.05) as make:
        yield make


@pytest.fixture
def connect() -> Iterator[Callable[..., Host]]:
    hosts: list[Host] = []

    def open_host(emu: Emulator, echo_off: bool = True) -> Host:
        host = Host(emu.link)
        hosts.append(host)
        if echo_off:
            host.cmd("ATE0", b"ATE0\r\r\nOK\r\n")
        return host

    yield open_host
    for h in hosts:
        try:
            h.close()
        except Exception:
            pass
