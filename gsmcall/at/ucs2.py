"""Text as the modules' TTS commands take it: UCS2 hex, cut into pieces they accept.

Every supported TTS (Quectel ``AT+QWTTS``, SIMCom ``AT+CTTS``) takes mode 1, UCS2 as hex,
which carries Chinese without the GBK mode's code-page guesswork.  A command line has a
limit, so long alert texts go out in several pieces; a piece ends at punctuation or a space
where one is near, so the speech pauses where a reader would, and never inside a surrogate
pair (an emoji), which would make the module refuse the piece.
"""

from __future__ import annotations

# Where a piece prefers to end, best first.
_BREAKS = ("。", "！", "？", "；", ".", "!", "?", ";", "，", ",", "、", " ")


def ucs2_hex(text: str) -> str:
    """``"告警"`` → ``"544A8B66"``: UTF-16 big-endian code units, upper-case hex."""
    return text.encode("utf-16-be").hex().upper()


def split_for_speech(text: str, max_hex: int) -> list[str]:
    """``text`` cut into pieces whose UCS2 hex is at most ``max_hex`` characters.

    Whitespace at the cuts is dropped; an empty text gives no pieces."""
    if max_hex < 8:
        raise ValueError(f"max_hex {max_hex} cannot hold one character in UCS2 hex")
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if len(ucs2_hex(rest)) <= max_hex:
            pieces.append(rest)
            break
        cut = _longest_prefix(rest, max_hex)
        window = rest[:cut]
        at = max((window.rfind(mark) + len(mark) for mark in _BREAKS if window.rfind(mark) > 0), default=0)
        if at > 0 and at >= cut // 2:  # a break in the second half: use it, else cut hard
            cut = at
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return [piece for piece in pieces if piece]


def _longest_prefix(text: str, max_hex: int) -> int:
    """The most characters of ``text`` whose UCS2 hex fits in ``max_hex``."""
    used = 0
    for index, char in enumerate(text):
        used += 4 * (2 if ord(char) > 0xFFFF else 1)  # astral characters are a surrogate pair
        if used > max_hex:
            return max(index, 1)
    return len(text)
