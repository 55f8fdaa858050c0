"""Keep the daemon's memory small on a Pi: cap glibc's malloc arenas.

glibc gives each thread that allocates an arena of its own, up to eight per core, and each
keeps the pages it once used.  The daemon's threads (the serial reader, a thread per webhook
request and per metrics scrape) allocate little, but a burst of webhook requests would
otherwise grow the resident size by a megabyte or more that never returns.  Two arenas are
plenty for one loop and a few short-lived threads.  Elsewhere (musl, macOS) nothing is done.
"""

from __future__ import annotations

import ctypes
import logging

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's mallopt parameter number
ARENAS = 2


def cap_malloc_arenas() -> None:
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    if not mallopt(M_ARENA_MAX, ARENAS):
        log.debug("mallopt(M_ARENA_MAX) refused; malloc arenas left as they are")
