"""Which lines are unsolicited result codes (URCs).

A line that arrives while a command runs is either that command's information or a URC
that happened to land in the middle of the response.  This table tells them apart.  It
holds every vendor's URCs at once: recognising a Huawei ``^RSSI`` on a Quectel does no
harm, and keeping the table in one place means a quirk seen in the field is one line here.
The command's own prefix always wins (``+CLCC:`` is information for ``AT+CLCC``).
"""

from __future__ import annotations

import re

URC_PATTERNS: tuple[str, ...] = (
    # 27.007 / 27.005, all families
    r"RING", r"\+CRING:", r"\+CLIP:", r"\+CCWA:", r"\+CMTI:", r"\+CMT:", r"\+CDSI:", r"\+CDS:",
    r"\+CBM:", r"\+CLCC:", r"\+CREG:", r"\+CEREG:", r"\+CGREG:", r"\+CPIN:", r"\+CFUN:",
    r"\+CUSD:", r"\+CSSI:", r"\+CSSU:", r"\+CGEV:", r"\+CTZV:", r"\+CIEV:",
    # boot announcements
    r"RDY", r"Call Ready", r"SMS Ready", r"SMS DONE", r"PB DONE",
    # SIMCom SIM800 / SIM7600
    r"MO RING", r"MO CONNECTED", r"\+CDRIND:", r"VOICE CALL\s*:", r"MISSED_CALL:",
    r"\+DTMF:", r"\+RXDTMF:", r"\+CTTS:", r"\+SMS FULL", r"\+SIMCARD:", r"\+COLP:",
    r"NORMAL POWER DOWN", r"UNDER-VOLTAGE", r"OVER-VOLTAGE",
    # Quectel EC25 / EG25
    r"\^DSCI:", r"\+QIND:", r"\+QUSIM:", r"\+QTONEDET:", r"\+QTTS:", r"\+QWTTS:",
    # ZTE / Qualcomm USB sticks: the end of a call; Wavecom's general indications
    r"HANGUP:", r"\+WIND:",
    # Huawei
    r"\^ORIG:", r"\^CONF:", r"\^CONN:", r"\^CEND:", r"\^RSSI:", r"\^BOOT:", r"\^MODE:",
    r"\^SRVST:", r"\^SIMST:", r"\^DSFLOWRPT:", r"\^SMMEMFULL:", r"\^DDTMF:", r"\^CSNR:",
)

_URC = re.compile(r"^(?:" + "|".join(URC_PATTERNS) + r")")


def is_urc(line: str) -> bool:
    return _URC.match(line) is not None


def response_prefix(command: str) -> str | None:
    """The prefix of a command's information lines: ``AT+CPMS=...`` → ``+CPMS:``."""
    match = re.match(r"^AT([+^$][A-Z0-9]+)", command, re.IGNORECASE)
    return f"{match.group(1).upper()}:" if match else None


# What modems print when they have (re)started.  Seen after our initialisation, they mean
# the modem rebooted (a SIM800 browning out on a call's current peak keeps its UART port)
# and lost every setting we made.  An autobauding SIM800 prints no RDY, hence the others.
BOOT_MARKERS = frozenset({
    "RDY", "+CFUN: 1", "Call Ready", "SMS Ready", "SMS DONE", "PB DONE",
    "+QIND: SMS DONE", "+QIND: PB DONE", "+QUSIM: 1",
})


def is_boot_marker(line: str) -> bool:
    return line in BOOT_MARKERS
