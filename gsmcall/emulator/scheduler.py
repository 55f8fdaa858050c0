"""Timed events for the emulator's single I/O thread.

A heap of deadlines instead of sleeping threads: the I/O loop asks for the time until the next
deadline, uses it as its select() timeout, and runs what is due.  Anyone who adds an event calls
the wake-up callback (a byte into a pipe the loop also selects on) so a nearer deadline is seen
at once.  Nothing here polls.
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
import time
from typing import Any, Callable


class Timer:
    """Handle for one scheduled call; ``cancel()`` makes it a no-op."""

    __slots__ = ("when", "fn", "args", "cancelled")

    def __init__(self, when: float, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.when = when
        self.fn = fn
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class WakePipe:
    """The pipe the I/O loop selects on besides the pty: one byte in it ends the select() early."""

    def __init__(self) -> None:
        self.fd, self._w = os.pipe()
        os.set_blocking(self.fd, False)
        os.set_blocking(self._w, False)

    def wake(self) -> None:
        try:
            os.write(self._w, b"x")
        except OSError:  # full (a wake-up is pending anyway) or already closed
            pass

    def drain(self) -> None:
        try:
            while os.read(self.fd, 512):
                pass
        except BlockingIOError:
            pass

    def close(self) -> None:
        for fd in (self.fd, self._w):
            try:
                os.close(fd)
            except OSError:
                pass
        self.fd = self._w = -1


class Scheduler:
    """Deadline heap shared by the I/O thread and the API threads (hence its own lock)."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self._heap: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()
        self._lock = threading.Lock()

    def call_later(self, delay: float, fn: Callable[..., Any], *args: Any) -> Timer:
        timer = Timer(time.monotonic() + max(0.0, delay), fn, args)
        with self._lock:
            heapq.heappush(self._heap, (timer.when, next(self._seq), timer))
        self._wake()
        return timer

    def timeout(self, now: float) -> float | None:
        """Seconds until the next live deadline (0 if overdue), None when nothing is pending."""
        with self._lock:
            while self._heap and self._heap[0][2].cancelled:
                heapq.heappop(self._heap)
            if not self._heap:
                return None
            return max(0.0, self._heap[0][0] - now)

    def pop_due(self, now: float) -> list[Timer]:
        """Remove and return the due timers in deadline order (FIFO for equal deadlines)."""
        due: list[Timer] = []
        with self._lock:
            while self._heap and self._heap[0][0] <= now:
                timer = heapq.heappop(self._heap)[2]
                if not timer.cancelled:
                    due.append(timer)
        return due

    def clear(self) -> None:
        with self._lock:
            for _, _, t in self._heap:
                t.cancelled = True
            self._heap.clear()
