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

MAX_PENDING_OUTPUT = 1 << 20  # bytes kept while nobody reads the slave
MAX_WRITE = 65536  # bytes offered to the kernel per write


class PtyPort:
    """The master side of the pty plus the output the host has not read yet."""

    def __init__(self, link: str) -> None:
        self.link = link
        self.master: int | None = None
        self._slave: int | None = None
        self.slave_name: str | None = None
        self._out = bytearray()

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
        self._out.clear()  # what the host never read is lost with the port, as on a real unplug
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

    @property
    def pending(self) -> bool:
        return bool(self._out)

    def queue(self, data: bytes) -> bool:
        """Buffer bytes for the host; False (bytes dropped) while the port is closed.

        Only the newest ``MAX_PENDING_OUTPUT`` bytes are kept, so a host that never reads
        cannot make the emulator grow without bound.
        """
        if self.master is None:
            return False
        self._out += data
        if len(self._out) > MAX_PENDING_OUTPUT:
            del self._out[: len(self._out) - MAX_PENDING_OUTPUT]
        return True

    def flush(self) -> None:
        """Non-blocking write of what the kernel takes now; the rest waits for writability."""
        if not self._out or self.master is None:
            return
        try:
            n = os.write(self.master, bytes(self._out[:MAX_WRITE]))
        except BlockingIOError:
            n = 0
        del self._out[:n]
