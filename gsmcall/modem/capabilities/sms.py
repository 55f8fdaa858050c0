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


def send_pdu(channel: AtChannel, pdu: str, length: int) -> None:
    """Send one (PDU, TPDU length) part; raise SmsRefused when it is refused.

    A refused part is never dropped silently: the outbox keeps it and sends it again, the
    same PDU, so its concatenation reference still joins the parts already sent.  A modem
    fault (no answer, a lost port) raises ModemError: that is not the message's fault and
    costs it no try."""
    response = channel.command(f"AT+CMGS={length}", timeout=SEND_TIMEOUT, payload=pdu)
    if not response.ok:
        raise SmsRefused(response.final.text)
