"""Fixtures for the journal contract: each contract test runs once per implementation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gsmcall.store import Journal
from tests.contract.journals import MAKERS, Clock, JournalMaker


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite"])
def make_journal(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[JournalMaker]:
    """Opens a fresh store of one implementation; calling it again reopens the same store."""
    maker = MAKERS[request.param](tmp_path, clock)
    yield maker
    maker.close_all()


@pytest.fixture
def journal(make_journal: JournalMaker) -> Iterator[Journal]:
    """One open journal, for the tests that need no restart."""
    with make_journal() as opened:
        yield opened
