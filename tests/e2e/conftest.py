"""End-to-end harness: the real ``gsmcall`` command against the emulator on a pty and a
loopback HTTP endpoint.  Tests assert on what crossed the wire: the emulator's log of AT
commands and calls, and the endpoint's log of requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gsmcall.emulator import Emulator
from tests.support.daemon import Gsmcall
from tests.support.emulators import Emulators
from tests.support.http_endpoint import EndpointServer


@pytest.fixture
def endpoint() -> Iterator[EndpointServer]:
    with EndpointServer() as server:
        yield server


@pytest.fixture
def make_emulator(tmp_path: Path) -> Iterator[Emulators]:
    with Emulators(tmp_path, name="modem", alerting_delay=0.1) as make:
        yield make


@pytest.fixture
def gsmcall_factory(tmp_path: Path, endpoint: EndpointServer) -> Iterator[Any]:
    made: list[Gsmcall] = []

    def make(emulator: Emulator) -> Gsmcall:
        runner = Gsmcall(tmp_path, emulator, endpoint)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.cleanup()
