"""One event queue for everything the loop that owns a modem reacts to.

A leaf module: the runtime owns the queue, and every step that waits (initialisation, a
call) is handed it, so modem/ and call/ depend on this type without depending on runtime/.

URCs (pushed by the channel's reader thread), a lost port, a stop request (from a signal
handler) and, later, intake events all arrive here, stamped with their arrival time.  The
loop, and any step it runs (initialisation, a call), waits on this queue and on nothing
else, so an answer URC, a ``+CMTI`` or SIGTERM wakes it at once.  Timers are named
deadlines kept beside the queue: a wait ends at the earliest one, which is how a timer
"arrives".

A step that waits for something particular (a call's end) hands every other arrival back
with ``set_aside``; the loop routes those once the step is over, so nothing that comes
during a call is lost or acted upon in the middle of it.
"""

from __future__ import annotations

import math
import queue
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Signal:
    """A marker on the queue: the port was lost, or the daemon must stop."""

    reason: str


LOST = Signal("lost")
STOP = Signal("stop")
INTAKE = Signal("intake")  # the webhook intake journaled a page: ring it now, not at the next timer

Payload = object  # a URC line (str), a Signal, or an intake event
Arrival = tuple[float, Payload]


class EventQueue:
    """Thread-safe to put into; read by the one thread that owns the modem."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Arrival] = queue.Queue()
        self._aside: deque[Arrival] = deque()
        self._timers: dict[str, float] = {}
        self.stopping = False

    # --- producers (any thread) ------------------------------------------------------------
    def put(self, payload: Payload) -> None:
        self._queue.put((time.monotonic(), payload))

    def urc(self, text: str) -> None:
        """The channel's reader thread delivers here (``AtChannel.attach``)."""
        self.put(text)

    def port_lost(self) -> None:
        self.put(LOST)

    def intake(self) -> None:
        """The intake server's threads wake the loop here after journaling a page."""
        self.put(INTAKE)

    def request_stop(self) -> None:
        """Safe from a signal handler's helper thread: sets the flag, then wakes the reader."""
        self.stopping = True
        self.put(STOP)

    # --- the owner -------------------------------------------------------------------------
    def get(self, timeout: float | None) -> Arrival | None:
        """The next arrival, or None when ``timeout`` passes first.  Timers do not cut
        this short: a step (a call) must not spin on a timer only the loop serves."""
        try:
            return self._queue.get(timeout=None if timeout is None else max(0.0, timeout))
        except queue.Empty:
            return None

    def set_aside(self, arrival: Arrival) -> None:
        """Keep an arrival a step did not want, for the loop to route after the step."""
        self._aside.append(arrival)

    def has_aside(self) -> bool:
        return bool(self._aside)

    def drain(self) -> list[Arrival]:
        """Everything set aside and everything queued, oldest first, without waiting."""
        items = list(self._aside)
        self._aside.clear()
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items

    def pause_until(self, until: float) -> bool:
        """Spend the time until monotonic ``until`` on the queue, setting aside what arrives;
        False as soon as a stop is requested."""
        while not self.stopping:
            left = until - time.monotonic()
            if left <= 0:
                return True
            arrival = self.get(left)
            if arrival is not None and arrival[1] is not STOP:
                self.set_aside(arrival)
        return False

    def forget_lost_port(self) -> None:
        """Before the port is (re)opened: a loss reported for the previous port is not one
        of the new port.  Everything else is kept (a ``+CMTI`` still names a message)."""
        self._aside.extend(a for a in self.drain() if a[1] is not LOST)

    # --- timers ----------------------------------------------------------------------------
    def schedule(self, name: str, at: float) -> None:
        """(Re)set the named timer to monotonic time ``at`` (inf: never)."""
        self._timers[name] = at

    def timer(self, name: str) -> float:
        return self._timers.get(name, math.inf)

    def due(self, name: str, now: float | None = None) -> bool:
        return (time.monotonic() if now is None else now) >= self.timer(name)

    def until_next_timer(self) -> float | None:
        """Seconds to the earliest timer (0 when one is due), None when none is set: the
        loop's wait, so a timer arrives like an event."""
        finite = [at for at in self._timers.values() if at != math.inf]
        return max(0.0, min(finite) - time.monotonic()) if finite else None


def timer_at_wall(due: float | None) -> float:
    """A journal's wall-clock due time (survives a reboot) as a monotonic timer; inf for none."""
    return math.inf if due is None else time.monotonic() + max(0.0, due - time.time())
