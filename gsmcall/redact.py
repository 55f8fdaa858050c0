"""Phone numbers out of the logs unless the operator asks for them (``log.show_numbers``).

Logs travel to central systems and tickets; the on-call roster's numbers need not.  The
mask keeps the first three and last two digits, enough to tell people apart.
"""

from __future__ import annotations

import logging
import re

_LONG_DIGITS = re.compile(r"(?<![0-9A-Fa-f])(\+?)(\d{3})(\d{2,})(\d{2})(?![0-9A-Fa-f])")


class NumberMaskFilter(logging.Filter):
    """Masks every run of 7+ digits in a log line, AT traces included.

    Done once, at the handler, so no code path can forget to mask a number it logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _LONG_DIGITS.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3)) + m.group(4), message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
