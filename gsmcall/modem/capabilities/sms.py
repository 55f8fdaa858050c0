"""SMS in PDU mode (27.005): where messages are stored, how new ones are announced, and
sending with ``AT+CMGS``."""

from __future__ import annotations

from dataclasses import dataclass

from gsmcall.modem.channel import AtChannel

SEND_TIMEOUT = 60.0


@dataclass(frozen=True)
class SmsSpec:
    storage: str = "SM"
    new_message_indication: str = "AT+CNMI=2,1,0,0,0"


class SmsRefused(Exception):
    """The modem or the network refused a part; the message may be retried later."""


def send_pdus(channel: AtChannel, parts: list[tuple[str, int]]) -> None:
    """Send each (PDU, TPDU length) part; raise SmsRefused at the first refused part.

    A refused part is never dropped silently: the caller keeps the whole message and
    sends it again (a fresh concatenation reference makes the retry a new message).  A
    modem fault (no answer, a lost port) raises ModemError: that is not the message's
    fault and costs it no try."""
    for pdu, length in parts:
        response = channel.command(f"AT+CMGS={length}", timeout=SEND_TIMEOUT, payload=pdu)
        if not response.ok:
            raise SmsRefused(response.final.text)
