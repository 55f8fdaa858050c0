"""Noticing that the journal's file was deleted or replaced under the daemon, and putting it back.

SQLite keeps reading and writing the inode it opened. A cleanup script or a mistaken ``rm``
in ``state.dir``, or another file moved over the journal, goes unnoticed: every later write
lands in a file nobody will open again, and the next start finds no record, so the alert is
rung a second time and pending callbacks are lost. So before each write the journal compares
what its path names now with what it opened (a stat of the file and one of its WAL: a few
microseconds, next to the fsync every write pays). When they differ, the open connection
still holds every record, and :func:`restore` writes it back to the path.

A file found at the path that is not ours (someone moved another database there) is neither
used nor destroyed: the open connection is the truth, so the journal is restored over it, and
the other file is kept next to it as ``<name>.replaced-<ns>`` (with its WAL) for the operator.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import NamedTuple

#: What SQLite keeps next to a database ``x``: ``x-wal``, ``x-shm``, and ``x-journal`` outside WAL mode.
SIDE_FILES = ("-wal", "-shm", "-journal")


class FileId(NamedTuple):
    """Which file a path names: equal ids are the same file, whatever its contents (a tuple,
    not a dataclass: it is built twice per write)."""

    dev: int
    ino: int


def file_id(path: Path) -> FileId | None:
    """The file ``path`` names now, None when there is none (or it cannot be looked at, which
    a restore then reports with its reason)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return FileId(st.st_dev, st.st_ino)


def side_file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


class FileWatch:
    """The database file and WAL a connection opened, to tell when their paths name others."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wal = side_file(path, "-wal")
        self.db_id = file_id(path)
        # None until SQLite creates the WAL (the first write to a new file): learnt by change().
        self.wal_id = file_id(self.wal)

    def change(self) -> str | None:
        """What happened to the files since they were opened (for the log), None if nothing."""
        now = file_id(self.path)
        if now is None:
            return "was deleted"
        if now != self.db_id:
            return "was replaced by another file"
        wal = file_id(self.wal)
        if self.wal_id is None:
            self.wal_id = wal
        elif wal != self.wal_id:
            # The WAL holds every write since the last checkpoint: without it they are gone.
            return "lost its WAL file"
        return None


def restore(db: sqlite3.Connection, watch: FileWatch) -> Path | None:
    """Write everything ``db`` holds to a new WAL-mode file at ``watch.path`` and return where a
    foreign file found at the path was kept (None if there was none).

    The copy is made and fsync'ed under a temporary name, then renamed over the path, so a
    crash mid-restore leaves the path as it found it, never a half-written journal. The path's
    old ``-wal`` and ``-shm`` are removed first: SQLite would otherwise apply a stale WAL, or
    share a stale index, with the new file. Raises OSError or sqlite3.Error, removing the copy.
    """
    path = watch.path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = side_file(path, ".restoring")
    _remove(tmp)
    try:
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            copy.execute("PRAGMA synchronous=FULL")
            db.backup(copy)
            copy.execute("PRAGMA journal_mode=WAL")
        finally:
            copy.close()  # the last connection: checkpoints and deletes the copy's own WAL
        _fsync(tmp)
        kept = _keep_foreign(watch)
        for suffix in SIDE_FILES:
            side_file(path, suffix).unlink(missing_ok=True)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
    _fsync(path.parent)
    return kept


def _keep_foreign(watch: FileWatch) -> Path | None:
    """Keep aside a database someone put at the path (and its WAL), rather than destroy it."""
    found = file_id(watch.path)
    if found is None or found == watch.db_id:
        return None  # deleted, or only our WAL lost: nothing of anyone else's is there
    aside = side_file(watch.path, f".replaced-{time.time_ns()}")
    _link_or_copy(watch.path, aside)
    wal = file_id(watch.wal)
    if wal is not None and wal != watch.wal_id:  # the foreign file's WAL, not ours
        _link_or_copy(watch.wal, side_file(aside, "-wal"))
    return aside


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dst)


def _remove(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        side_file(path, suffix).unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    """Flush a file's (or a directory's entries') contents to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
