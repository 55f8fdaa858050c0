"""Short questions to the modem about its own health: alive, registered, signal.

Used by initialisation, before every dial and by the idle probe; they never wait on URCs.
"""

from __future__ import annotations

import re

from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import ModemError

PREFLIGHT_TIMEOUT = 3.0
REGISTERED = {1, 5}
REG_STATES = {0: "not registered", 1: "home", 2: "searching", 3: "denied", 4: "unknown", 5: "roaming"}


def check_alive(channel: AtChannel) -> None:
    """One ``AT``: a mute modem is found in seconds, and a restarted one by its echo
    (the channel raises ModemRestarted)."""
    if not channel.command("AT", timeout=PREFLIGHT_TIMEOUT).ok:
        raise ModemError("the modem answered AT with an error")


def registration_states(channel: AtChannel) -> list[int]:
    """Circuit-switched (+CREG) and LTE (+CEREG) registration, as far as the modem knows."""
    states = []
    for command in ("AT+CREG?", "AT+CEREG?"):
        response = channel.command(command)
        value = response.first(command[2:-1] + ":") if response.ok else None
        match = re.match(r"\s*\d{1,3}\s*,\s*(\d{1,3})", value or "")
        if match:
            states.append(int(match.group(1)))
    return states


def is_registered(channel: AtChannel) -> bool:
    return any(s in REGISTERED for s in registration_states(channel))


def read_signal_dbm(channel: AtChannel) -> float | None:
    """``+CSQ: <rssi>,<ber>`` as dBm (27.007: -113 + 2*rssi); None when unknown (99)."""
    response = channel.command("AT+CSQ")
    match = re.match(r"\s*(\d{1,3})", response.first("+CSQ:") or "") if response.ok else None
    if match is None or int(match.group(1)) > 31:
        return None
    return -113.0 + 2 * int(match.group(1))
