"""Parsers for the SMS-related lines a modem prints (PDU mode, AT+CMGF=0).

Vendors differ in small ways: quoted, unquoted or empty storage names and
alpha fields, extra trailing fields (SIM800 "MMS PUSH"), spacing after the
colon, and three spellings of "storage full". Each parser accepts all the
variants listed in the AT reference (atcommands.md section 4) and returns None/False for anything else, so the
caller can try them in turn on every line. Surrounding white space
(including the CR of CRLF) is ignored.
"""

from __future__ import annotations

import re

_ALPHA = r'(?:"[^"]*"|[^,"]*)'
# Numbers from the modem are bounded: a line is untrusted input, and int() of thousands of
# digits raises (Python >= 3.11).  Indexes fit in 5 digits, statuses in 1, TPDU lengths in 3.
_INDEX, _STAT, _LENGTH = r"(\d{1,5})", r"(\d)", r"(\d{1,3})"
_CMTI = re.compile(rf'\+CMTI:\s*(?:"([^"]*)"|([A-Za-z_]*))\s*,\s*{_INDEX}\s*(?:,.*)?')
# ZTE sticks leave <stat> empty ("+CMGR: ,,27", captured from a real ZTE modem).
_CMGR = re.compile(rf"\+CMGR:\s*{_STAT}?\s*,\s*{_ALPHA}\s*,\s*{_LENGTH}")
_CMGL = re.compile(rf"\+CMGL:\s*{_INDEX}\s*,\s*{_STAT}\s*,\s*{_ALPHA}\s*,\s*{_LENGTH}")
_STORAGE_FULL = re.compile(r'\+SMS\s*FULL|\+QIND:\s*"smsfull"\s*(?:,.*)?|\^SMMEMFULL:.*', re.IGNORECASE)


def parse_cmti(line: str) -> tuple[str, int] | None:
    """``+CMTI: "SM",3`` -> ("SM", 3); an empty storage name gives ""."""
    match = _CMTI.fullmatch(line.strip())
    if match is None:
        return None
    quoted, bare, index = match.groups()
    return (quoted if quoted is not None else bare), int(index)


def parse_cmgr_header(line: str) -> tuple[int | None, int] | None:
    """PDU-mode ``+CMGR: [<stat>],[<alpha>],<length>`` -> (stat or None, TPDU length)."""
    match = _CMGR.fullmatch(line.strip())
    if match is None:
        return None
    return (int(match[1]) if match[1] is not None else None), int(match[2])


def parse_cmgl_header(line: str) -> tuple[int, int, int] | None:
    """PDU-mode ``+CMGL: <index>,<stat>,[<alpha>],<length>`` -> (index, stat, length)."""
    match = _CMGL.fullmatch(line.strip())
    return None if match is None else (int(match[1]), int(match[2]), int(match[3]))


def parse_storage_full(line: str) -> bool:
    """True for the SIMCom, Quectel and Huawei "SMS storage is full" URCs."""
    return _STORAGE_FULL.fullmatch(line.strip()) is not None
