"""Recognise the SMS command format ``|<number>|<keyword>|<free text>``.

People type these on phones, often with a Chinese input method, so white
space (including the ideographic space U+3000) around fields, full-width bars
``｜`` (U+FF5C) and any keyword case are tolerated. Only the first three bars
are separators: the free text may contain more. The number is returned as
typed (stripped); deciding whether it may be dialled is ``authorise``'s job.
One word takes the number's place: ``|status|<keyword>|`` asks for the call
forwarding's state (DESIGN.md section 8) and dials nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BAR = "[|\uff5c]"
_FIELD = r"[^|\uff5c]*?"
STATUS = "status"
_COMMAND = re.compile(rf"\s*{_BAR}\s*({_FIELD})\s*{_BAR}\s*({_FIELD})\s*{_BAR}(.*)", re.DOTALL)


@dataclass(frozen=True)
class SmsCommand:
    """A syntactically valid command; ``number`` is not yet validated."""

    number: str
    text: str

    @property
    def is_status(self) -> bool:
        """``|status|<keyword>|``: a query, answered by SMS; not a number to dial."""
        return self.number.casefold() == STATUS


def parse_command(text: str, keyword: str) -> SmsCommand | None:
    """Return the command in ``text`` if it uses ``keyword``, else None."""
    match = _COMMAND.fullmatch(text)
    if match is None:
        return None
    number, word, free_text = match.groups()
    if not number or word.casefold() != keyword.strip().casefold():
        return None
    return SmsCommand(number=number, text=free_text.strip())
