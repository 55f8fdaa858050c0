"""Logging for a daemon: one line per event to stderr (journald or docker logs keep it)."""

from __future__ import annotations

import logging
import sys

from gsmcall.redact import NumberMaskFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str, show_numbers: bool, verbose: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    if not show_numbers:
        handler.addFilter(NumberMaskFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else level)
    # requests/urllib3 chatter is not ours; our own lines say what failed.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
