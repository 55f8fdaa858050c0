"""The pseudo-terminal that stands in for /dev/ttyUSB2.

The daemon opens the *slave* through a stable symlink, exactly as it would open a udev symlink
to a real modem.  Both ends are put in raw mode so the line discipline neither echoes nor turns
CR into LF: echo and framing are the emulated modem's job.  We keep our own slave fd open so the
pty survives the host closing and reopening the port; closing the *master* is what a USB unplug
looks like to the host (read() gives b''/EIO, write() gives EIO).
"""

from __future__ import annotations

import errno
import logging
import os
import tty

log = logging.getLogger(__name__)


class PtyPort:
    def __init__(self, link: str) -> None:
        self.link = link
        self.master: int | None = None
        self._slave: int | None = None
        self.slave_name: str | None = None

    @property
    def is_open(self) -> bool:
        return self.master is not None

    def open(self) -> None:
        """Create a new pty pair and point the symlink at its slave (atomically)."""
        master, slave = os.openpty()
        tty.setraw(slave)
        try:
            tty.setraw(master)
        except OSError:  # some kernels refuse termios on the master; the slave setting is what counts
            pass
        os.set_blocking(master, False)
        self.master, self._slave = master, slave
        self.slave_name = os.ttyname(slave)
        self._point_link(self.slave_name)
        log.debug("pty %s linked at %s", self.slave_name, self.link)

    def _point_link(self, target: str) -> None:
        parent = os.path.dirname(os.path.abspath(self.link))
        os.makedirs(parent, exist_ok=True)
        if os.path.lexists(self.link) and not os.path.islink(self.link):
            raise FileExistsError(f"{self.link} exists and is not a symlink; refusing to replace it")
        tmp = f"{self.link}.tmp{os.getpid()}"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(target, tmp)
        os.replace(tmp, self.link)

    def close(self, remove_link: bool = True) -> None:
        for fd in (self.master, self._slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.master = self._slave = None
        if remove_link and os.path.islink(self.link):
            try:
                os.unlink(self.link)
            except FileNotFoundError:
                pass

    def read(self) -> bytes:
        if self.master is None:
            return b""
        try:
            return os.read(self.master, 4096)
        except BlockingIOError:
            return b""
        except OSError as exc:  # EIO when no slave is open anywhere; we hold one, so rare
            if exc.errno == errno.EIO:
                return b""
            raise

    def write(self, data: bytes) -> int:
        """Non-blocking write; returns how many bytes the kernel took."""
        if self.master is None:
            return len(data)
        try:
            return os.write(self.master, data)
        except BlockingIOError:
            return 0
