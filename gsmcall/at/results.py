"""Final result codes: the lines that end a command's response.

The set is the union of 27.007 V1 results and vendor spellings: both ``NO DIALTONE`` and
``NO DIAL TONE`` (SIM800/Quectel manuals use both), and Huawei E1752's
``COMMAND NOT SUPPORT`` in place of ``ERROR``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class ResultKind(enum.Enum):
    OK = "ok"
    CONNECT = "connect"
    ERROR = "error"
    CME_ERROR = "cme_error"
    CMS_ERROR = "cms_error"
    NO_CARRIER = "no_carrier"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    NO_DIALTONE = "no_dialtone"
    HANGUP = "hangup"  # ZTE/Qualcomm "HANGUP: <id>": the call ended (also ATD's last word there)
    NOT_SUPPORTED = "not_supported"


@dataclass(frozen=True)
class FinalResult:
    kind: ResultKind
    text: str

    @property
    def ok(self) -> bool:
        return self.kind is ResultKind.OK

    @property
    def error_code(self) -> str | None:
        """The code or text after ``+CME ERROR:``/``+CMS ERROR:`` (e.g. ``"321"``)."""
        if self.kind in (ResultKind.CME_ERROR, ResultKind.CMS_ERROR):
            return self.text.split(":", 1)[1].strip()
        return None


_PATTERNS: tuple[tuple[re.Pattern[str], ResultKind], ...] = (
    (re.compile(r"^OK$"), ResultKind.OK),
    (re.compile(r"^CONNECT\b.*$"), ResultKind.CONNECT),
    (re.compile(r"^ERROR$"), ResultKind.ERROR),
    (re.compile(r"^\+CME ERROR\s*[:：].*$"), ResultKind.CME_ERROR),
    (re.compile(r"^\+CMS ERROR\s*[:：].*$"), ResultKind.CMS_ERROR),
    (re.compile(r"^NO CARRIER$"), ResultKind.NO_CARRIER),
    (re.compile(r"^BUSY$"), ResultKind.BUSY),
    (re.compile(r"^NO ANSWER$"), ResultKind.NO_ANSWER),
    (re.compile(r"^NO DIAL ?TONE$"), ResultKind.NO_DIALTONE),
    (re.compile(r"^HANGUP:\s*\d{1,3}$"), ResultKind.HANGUP),
    (re.compile(r"^COMMAND NOT SUPPORT$"), ResultKind.NOT_SUPPORTED),
)

# Results that also arrive unsolicited, when no command runs: the end of a call.
CALL_END_KINDS = frozenset(
    {ResultKind.NO_CARRIER, ResultKind.BUSY, ResultKind.NO_ANSWER, ResultKind.NO_DIALTONE, ResultKind.HANGUP}
)


def parse_final(line: str) -> FinalResult | None:
    for pattern, kind in _PATTERNS:
        if pattern.match(line):
            return FinalResult(kind, line.replace("：", ":"))
    return None
