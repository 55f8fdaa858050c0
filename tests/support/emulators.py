"""One way to start modem emulators: for the test fixtures and the benchmark alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gsmcall.emulator import Emulator


class Emulators:
    """Starts emulators with links under ``link_dir`` and stops every one it started.

    ``name`` is the link's file name, formatted with ``n`` (how many were started before)
    and ``profile``; ``defaults`` are keyword arguments for each ``Emulator`` that a call's
    own overrides win over.  A ``link`` override is used as it is.
    """

    def __init__(self, link_dir: str | Path, name: str = "modem{n}", **defaults: Any) -> None:
        self.link_dir = Path(link_dir)
        self.name = name
        self.defaults = defaults
        self.started: list[Emulator] = []

    def __call__(self, profile: str = "generic", **overrides: Any) -> Emulator:
        kwargs = {**self.defaults, **overrides}
        kwargs.setdefault("link", str(self.link_dir / self.name.format(n=len(self.started), profile=profile)))
        emu = Emulator(profile=profile, **kwargs).start()
        self.started.append(emu)
        return emu

    def stop_all(self) -> None:
        """Stops them in the order they were started."""
        started, self.started = self.started, []
        for emu in started:
            emu.stop()

    def __enter__(self) -> "Emulators":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()
