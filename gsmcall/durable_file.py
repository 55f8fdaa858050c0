"""Small state files that survive a crash and a power cut: written whole or not at all.

A one-record file (the refused PIN, the last forwarding change) is replaced, never edited: it
is written to a temporary file, synced, and renamed over the old one, and the directory is
synced too, so a reader sees the old record or the new one, never half of either.  Such files
may name the SIM or a phone number, so they are kept to their owner (mode 0600).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically and durably, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)  # a leftover from a crash may have other permissions
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        with lasting(path.parent):
            os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def lasting(directory: Path) -> Iterator[None]:
    """What the block renames or unlinks in ``directory`` survives a power cut once it ends."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        yield
        os.fsync(fd)
    finally:
        os.close(fd)
