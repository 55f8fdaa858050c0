"""Which modem and network errors say the SIM itself may not call or text, pure.

A SIM in debt, suspended by the carrier's anti-fraud model (保护性停机) or "silent" too long
still registers, so nothing looks wrong until an alert's call fails.  These errors are what
such a SIM meets; when one comes back, the watchdog tells the admins while SMS may still
work.  Kept as data: which codes a barred SIM of each carrier really returns is not
verified [I] (intake-and-carriers.md §3.4 names the risk, not the codes), so the tables are
3GPP's meanings, easy to extend when a field report comes in.
"""

from __future__ import annotations

import re

# 27.007 §9.2 +CME ERROR codes that are about the subscription, not the moment.
CME_BARRED: dict[int, str] = {
    32: "network not allowed, emergency calls only",
    262: "SIM blocked",
}
# 27.005 §3.2.5 +CMS ERROR codes, 24.011 RP causes: the network refuses this subscriber's SMS.
CMS_BARRED: dict[int, str] = {
    8: "operator determined barring",
    10: "call barred",
    29: "facility rejected",
    50: "requested facility not subscribed",
}
# Release causes (+CEER text, or verbose error text) that name barring; 24.008 cause 8 and
# the barring supplementary services' wording.
_BARRED_WORDS = re.compile(r"barr|not subscribed|emergency calls only|sim blocked", re.IGNORECASE)
_CODE = re.compile(r"\+(CME|CMS) ERROR:\s*(\d+)", re.IGNORECASE)


def barring_cause(text: str | None) -> str | None:
    """What in ``text`` (a final result, a ``+CEER`` line, an error detail) says the SIM is
    barred, or None when nothing does."""
    if not text:
        return None
    for kind, digits in _CODE.findall(text):
        table = CME_BARRED if kind.upper() == "CME" else CMS_BARRED
        meaning = table.get(int(digits))
        if meaning is not None:
            return f"+{kind.upper()} ERROR: {digits} ({meaning})"
    match = _BARRED_WORDS.search(text)
    return text.strip() if match else None
