"""Speaking into a call and hearing the callee's keys: the specs, as data, and their parsing.

No 27.007 command does either, so each vendor has its own (reference atcommands.md §6):
Quectel speaks with ``AT+QWTTS`` and hears keys with ``AT+QTONEDET`` (as ASCII codes, 49 is
"1"); SIMCom speaks with ``AT+CTTS`` (the SIM7600 after ``AT+CDTAM=1`` routes it to the far
end) and hears keys with ``AT+DDET``; Huawei hears keys with ``AT^DDTMFCFG`` and has no TTS.
A profile holds a spec or None; the probe at init (the ``=?`` forms) decides whether this
firmware really has it, since TTS depends on the SKU and DDET on the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYS = frozenset("0123456789*#ABCD")


@dataclass(frozen=True)
class SpeechSpec:
    probe: str  # answers OK when the firmware has this TTS
    speak: str  # format string with {hex}: one piece of UCS2 hex
    stop: str
    done_prefix: str  # the URC that ends a piece (e.g. "+QWTTS:"); its first field 0 means played
    max_hex: int  # characters of UCS2 hex one command takes
    prepare: tuple[str, ...] = ()  # sent once per call, after the answer


@dataclass(frozen=True)
class KeySpec:
    probe: str
    enable: str  # sent once per call after the answer (DDET must be on during the call)
    urc_prefix: str
    ascii_codes: bool = False  # Quectel reports "+QTONEDET: 49" for "1"


def parse_key(spec: KeySpec, line: str) -> str | None:
    """The key a detector URC reports, None when the line is not one (or is garbled).

    Handles ``+DTMF:1``, ``+DTMF:1,160`` (with a duration), ``+RXDTMF: 1``,
    ``+QTONEDET: 49`` and ``^DDTMF:1``."""
    if not line.startswith(spec.urc_prefix):
        return None
    field = line[len(spec.urc_prefix):].strip().split(",")[0].strip().strip('"')
    if spec.ascii_codes:
        if not re.fullmatch(r"\d{2,3}", field):
            return None
        field = chr(int(field))
    key = field.upper()
    return key if key in KEYS else None


def speech_ended(spec: SpeechSpec, line: str) -> bool | None:
    """For a line after a piece was sent: True when it is the piece's end report and says
    it played out, False when it reports an interruption (EC25 ``+QWTTS: 4111``), None when
    the line is not the end report.  SIM7600's bare ``+CTTS:`` (no value) is the start."""
    if not line.startswith(spec.done_prefix):
        return None
    value = line[len(spec.done_prefix):].strip().split(",")[0].strip()
    if not value:
        return None
    return value == "0"
