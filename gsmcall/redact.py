"""What a log line may show: phone numbers masked (unless ``log.show_numbers``), URLs without secrets.

Logs travel to central systems and tickets; the on-call roster's numbers and the endpoint's
credentials need not.

Numbers.  Every run of 7 or more digits keeps its last four and masks the four before them,
a leading ``+`` and anything in front kept: ``187****5678``, ``+86187****5678``, the form people
in China know.  Two numbers that differ in their last digits stay apart, and a long number keeps
its country code and carrier prefix.  Runs of 7 or 8 digits keep only their last four
(``****5678``); shorter ones (``10086``, ``+CSQ: 18,99``) are left alone.  Digits inside a hex
string (an alert id such as ``60d5368851234567``) are not a number and are left alone too, except
after ``ATD`` (a dial command) or a ``%XX`` escape (``resp=%2B8618712345678`` in a URL).

AT traffic (lines logged with ``extra=AT_TRACE``).  A PDU carries the other party's number with
its digits swapped in pairs (``8178214365F7`` for 18712345678) and the message's text, and UCS2
text carries digits as ``0031 0038 ...``: neither is a digit run the rule above sees.  So in AT
traffic every run of 12 or more hex digits is replaced by its length (``<52 hex digits>``),
unless it is a plain run of digits no longer than a dial string (``+8618712345678``, masked as a
number).  The commands, the ``+CMGL``/``+CMT`` headers with their lengths and every result stay
readable; a PDU itself is shown only with ``log.show_numbers: true``, on a test rig.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit, urlunsplit

AT_TRACE: Mapping[str, bool] = {"gsmcall_at_trace": True}
"""``extra=`` for a log line of AT traffic: hex in it (PDUs, UCS2 text) is hidden as well."""

KEPT_DIGITS = 4
MASKED_DIGITS = 4
# E.164 numbers have at most 15 digits; with an international prefix (00) and a service code
# (*72) a dial string stays within 20.  A longer plain run of digits in AT traffic is hex.
_LONGEST_DIAL_STRING = 20

_NUMBER = re.compile(
    r"(?:(?<=[Aa][Tt][Dd])|(?<=%[0-9A-Fa-f]{2})|(?<![0-9A-Fa-f]))\+?\d{7,}(?![0-9A-Fa-f])"
)
_HEX_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{12,}(?![0-9A-Za-z])")
# Query parameters whose values are credentials: shown as *** in the log.
_SECRET_PARAMETER = re.compile(r"token|key|secret|pass|auth|sig|session|credential", re.IGNORECASE)
SECRET_SHOWN_AS = "***"


def mask_number(run: str) -> str:
    """``run`` (digits, maybe a leading ``+``) with the four digits before its last four masked."""
    sign, digits = ("+", run[1:]) if run.startswith("+") else ("", run)
    head = max(0, len(digits) - KEPT_DIGITS - MASKED_DIGITS)
    masked = len(digits) - KEPT_DIGITS - head
    return sign + digits[:head] + "*" * masked + digits[-KEPT_DIGITS:]


def _hide_hex(match: re.Match[str]) -> str:
    run = match.group()
    if run.isdigit() and len(run) <= _LONGEST_DIAL_STRING:
        return run  # a number: masked as one
    return f"<{len(run)} hex digits>"


# Commands whose arguments are SIM secrets (PIN, PUK, lock passwords): never logged, even
# with log.show_numbers, since a log is no place for a SIM's PIN.
_SECRET_COMMAND = re.compile(r"^(AT\+(?:CPIN2?|CPWD|CLCK)=)(.+)$", re.IGNORECASE)


def hide_secrets(command: str) -> str:
    """``AT+CPIN="1234"`` → ``AT+CPIN=<hidden>``; other commands unchanged."""
    return _SECRET_COMMAND.sub(r"\1<hidden>", command)


def mask_numbers(text: str, at_trace: bool = False) -> str:
    """``text`` as the log shows it: numbers masked, and in AT traffic hex hidden first."""
    if at_trace:
        text = _HEX_RUN.sub(_hide_hex, text)
    return _NUMBER.sub(lambda m: mask_number(m.group()), text)


class NumberMaskFilter(logging.Filter):
    """Masks every number in a log line, AT traces included.

    Done once, at the handler, so no code path can forget to mask a number it logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_numbers(message, at_trace=bool(getattr(record, "gsmcall_at_trace", False)))
        if masked != message:
            record.msg, record.args = masked, None
        return True


def shown_url(url: str, query: bool = True) -> str:
    """``url`` fit for any log line, whatever ``log.show_numbers`` says: never its
    ``user:password``; its query (only with ``query``) with credentials (``token=``,
    ``key=``, ``sign=`` ...) shown as ``***`` and the rest decoded, as a person reads it."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    pairs = parse_qsl(parts.query, keep_blank_values=True) if query else []
    shown = "&".join(f"{k}={SECRET_SHOWN_AS if _SECRET_PARAMETER.search(k) else v}" for k, v in pairs)
    return urlunsplit(parts._replace(netloc=netloc, query=shown, fragment=""))
