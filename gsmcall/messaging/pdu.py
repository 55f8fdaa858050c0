"""SMS PDU decoding (received SMS-DELIVER) and encoding (reply SMS-SUBMIT).

This is the only module that touches ``gsmmodem.pdu`` (python-gsmmodem-new), so
the rest of gsmcall sees a small, strict API: ``decode_deliver`` returns an
``SmsPart`` or raises ``PduError`` with a one-line reason.

We use the library for what it gets right (SMSC/sender address, timestamp,
UDH information elements, GSM-7 septet unpacking and character tables) and
decode the user data ourselves, because its own text decoding is wrong in
ways that matter to us:

* GSM-7 after a UDH of 6 octets (16-bit concatenation reference, IE 0x08)
  loses the first character: with zero fill bits it skips the first septet.
* GSM-7 whose last septet is ``@`` (0x00) and ends on an octet boundary loses
  that ``@``: ``unpackSeptets`` drops a trailing zero septet.
* UCS2 is decoded one 16-bit unit at a time, so an emoji (surrogate pair)
  becomes two lone surrogates that cannot even be logged as UTF-8.
* Data coding groups other than 00xx (e.g. 0x48 UCS2 with auto-deletion,
  0xE0-0xEF UCS2 message-waiting) are silently treated as GSM-7.
* Truncated PDUs raise a bare ``StopIteration`` or are silently accepted
  (UCS2 and 8-bit read "whatever is left").

The sender's type of number (TON, bits 6-4 of the TP-OA type-of-address octet) is
read from the PDU bytes here too, because the library folds it into the text it
returns: an alphanumeric ID whose characters are "18712345678" comes back as the
same string as the phone number 18712345678. ``decode_deliver`` returns the sender
as a ``Sender``, which carries that type to the authoriser.

On the encoding side ``encodeUcs2`` cannot encode characters outside the BMP
(it raises ``byte must be in range(0, 256)``), so we hand it UTF-16 code units.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from gsmcall.messaging.gsmmodem_pdu import EncodingError
from gsmcall.messaging.gsmmodem_pdu import pdu as gsmpdu

log = logging.getLogger(__name__)

_HEX = re.compile(r"[0-9A-Fa-f]+")
_DIALLABLE = re.compile(r"\+?[0-9]{1,20}")

_GSM7, _EIGHT_BIT, _UCS2 = "GSM-7", "8-bit", "UCS2"

# Octets between the end of the originating address and the user data:
# TP-PID, TP-DCS, TP-SCTS (7), TP-UDL.
_PID_DCS_SCTS_UDL = 1 + 1 + 7 + 1

# Type of number of an address (3GPP TS 23.040 9.1.2.5).
TON_UNKNOWN, TON_INTERNATIONAL, TON_NATIONAL = 0, 1, 2
TON_ALPHANUMERIC = 5
TON_NAMES = {
    0: "unknown", 1: "international", 2: "national", 3: "network-specific",
    4: "subscriber", 5: "alphanumeric", 6: "abbreviated", 7: "reserved",
}
# Only these are phone numbers a person's SIM can send from; alphanumeric IDs are
# free text chosen by whoever pays a bulk-SMS gateway, and the other types are
# network-internal or short forms that cannot be matched against a configured number.
NUMERIC_TONS = frozenset({TON_UNKNOWN, TON_INTERNATIONAL, TON_NATIONAL})


class PduError(ValueError):
    """A PDU that is not a well-formed SMS-DELIVER; the message is one line."""


class Sender(str):
    """A decoded sender address: its text plus the type of number the PDU declared.

    A ``str`` subclass so that it compares, hashes, logs and is journalled exactly like
    the plain text (reassembly keys, log lines and the journal need no change), while
    the type travels with it through ``Message`` to the authoriser: the text alone
    cannot tell the alphanumeric ID "18712345678" from the phone number.
    """

    _ton: int

    def __new__(cls, text: str, ton: int) -> Sender:
        """``ton`` is the 3-bit type of number (0-7), not the whole type-of-address octet."""
        if ton not in TON_NAMES:
            raise ValueError(f"type of number {ton!r} is not in 0-7")
        self = super().__new__(cls, text)
        self._ton = ton
        return self

    def __getnewargs__(self) -> tuple[str, int]:  # type: ignore[override]
        """Keep the type through copy/deepcopy/pickle (str's own would drop it)."""
        return str(self), self._ton

    @property
    def ton(self) -> int:
        """Type of number, bits 6-4 of the TP-OA type-of-address octet."""
        return self._ton


def sender_ton(sender: str) -> int | None:
    """The type of number a decoded sender carries; None for plain text of unknown origin."""
    return sender.ton if isinstance(sender, Sender) else None


@dataclass(frozen=True)
class SmsPart:
    """One received SMS-DELIVER, possibly one part of a concatenated message.

    A single-part message has ``ref=None, total=1, seq=1``. For a part of a
    concatenated message ``text`` may begin or end with half of a surrogate
    pair that was split across parts; ``concat.Reassembler`` repairs it.
    """

    sender: str  # a Sender when decoded from a PDU
    text: str
    timestamp: datetime | None
    ref: int | None
    total: int
    seq: int

    def __post_init__(self) -> None:
        if not 1 <= self.seq <= self.total:
            raise ValueError(f"part {self.seq} of {self.total} is out of range")
        if (self.ref is None) != (self.total == 1):
            raise ValueError("ref must be None exactly when total is 1")


def repair_utf16(text: str) -> str:
    """Join surrogate pairs held as two code points; replace lone halves with U+FFFD."""
    return text.encode("utf-16-be", "surrogatepass").decode("utf-16-be", "replace")


def decode_deliver(pdu_hex: str) -> SmsPart:
    """Decode one SMS-DELIVER PDU as ``+CMGR``/``+CMGL`` print it (SMSC field included)."""
    raw = _hex_to_bytes(pdu_hex)
    first_octet, ton, dcs, udl, user_data = _split_tpdu(raw)
    alphabet = _alphabet(dcs)
    _check_user_data_length(alphabet, udl, user_data)
    udhi = bool(first_octet & 0x40)
    udh_octets = _udh_octets(user_data) if udhi else 0
    try:
        fields = gsmpdu.decodeSmsPdu(bytearray(raw))  # bytes would be taken as hex text
    except (EncodingError, ValueError, StopIteration, IndexError, KeyError) as exc:
        raise PduError(f"undecodable SMS-DELIVER: {exc!r}") from None
    if fields.get("type") != "SMS-DELIVER" or fields.get("time") is None:
        # The library reads the type from its own parse of the SMSC field, which a stray
        # nibble can throw off; our own first-octet check passed, so say what it saw.
        raise PduError(f"the library read this as {fields.get('type')!r}, not an SMS-DELIVER")
    ref, total, seq = _concatenation(fields.get("udh", []), udh_octets)
    text = _decode_text(alphabet, udl, user_data, udh_octets)
    if total == 1:
        text = repair_utf16(text)
    return SmsPart(
        sender=Sender(fields["number"] or "", ton),
        text=text,
        timestamp=_plain_timezone(fields["time"]),
        ref=ref,
        total=total,
        seq=seq,
    )


def encode_submit(number: str, text: str, reference: int = 0) -> list[tuple[str, int]]:
    """SMS-SUBMIT PDUs for a reply: ``[(hex, tpdu_length), ...]`` for ``AT+CMGS=<len>``.

    No status report is requested (it would land in SMS storage as another
    message). ``reference`` (0-255) is the concatenation reference used when
    the text needs several parts; callers sending several long replies in a
    row should vary it so the recipient's phone does not mix them up.
    """
    if not _DIALLABLE.fullmatch(number):
        raise ValueError(f"cannot send SMS to {number!r}: not a plain phone number")
    if not 0 <= reference <= 0xFF:
        raise ValueError(f"concatenation reference {reference} is not in 0-255")
    # One code point per UTF-16 code unit, so encodeUcs2 emits valid surrogate
    # pairs and the library's length arithmetic counts UCS2 units correctly.
    units = text.encode("utf-16-be", "surrogatepass")
    as_units = "".join(chr(int.from_bytes(units[i : i + 2], "big")) for i in range(0, len(units), 2))
    pdus = gsmpdu.encodeSmsSubmitPdu(number, as_units, reference=reference, requestStatusReport=False)
    return [(str(p), p.tpduLength) for p in pdus]


def _hex_to_bytes(pdu_hex: str) -> bytes:
    digits = pdu_hex.strip()
    if not digits:
        raise PduError("empty PDU")
    if not _HEX.fullmatch(digits):
        raise PduError("PDU contains non-hexadecimal characters")
    if len(digits) % 2:
        raise PduError(f"PDU has an odd number of hex digits ({len(digits)})")
    return bytes.fromhex(digits)


def _split_tpdu(raw: bytes) -> tuple[int, int, int, int, bytes]:
    """Walk the fixed SMS-DELIVER layout: (first octet, sender TON, DCS, UDL, user data octets)."""
    pos = 1 + raw[0]  # SMSC length octet counts the octets that follow it
    if len(raw) <= pos:
        raise PduError("PDU truncated inside the SMSC field")
    first_octet = raw[pos]
    mti = first_octet & 0x03
    if mti != 0:
        raise PduError(f"not an SMS-DELIVER (TP-MTI={mti})")
    if len(raw) <= pos + 1:
        raise PduError("PDU truncated before the sender address")
    address_digits = raw[pos + 1]
    toa_at = pos + 2  # after the first octet and the address length
    pos += 1 + 2 + (address_digits + 1) // 2  # first octet, length, type, digits
    header_end = pos + _PID_DCS_SCTS_UDL
    if len(raw) < header_end:
        raise PduError("PDU truncated before the user data")
    toa = raw[toa_at]  # inside the header, so the length check above covers it
    dcs = raw[pos + 1]
    udl = raw[header_end - 1]
    return first_octet, (toa >> 4) & 0x07, dcs, udl, raw[header_end:]


def _alphabet(dcs: int) -> str:
    """Character set from TP-DCS (3GPP TS 23.038 section 4)."""
    group = dcs >> 4
    if group <= 0x7:  # general data coding, with or without auto-deletion
        if dcs & 0x20:
            raise PduError(f"compressed user data (DCS 0x{dcs:02X}) is not supported")
        return (_GSM7, _EIGHT_BIT, _UCS2, _GSM7)[(dcs >> 2) & 0x03]
    if group == 0xE:  # message waiting indication, UCS2
        return _UCS2
    if group == 0xF:  # data coding / message class
        return _EIGHT_BIT if dcs & 0x04 else _GSM7
    return _GSM7  # 0xC, 0xD, and reserved groups: GSM-7 per 23.038


def _check_user_data_length(alphabet: str, udl: int, user_data: bytes) -> None:
    expected = (udl * 7 + 7) // 8 if alphabet == _GSM7 else udl
    if len(user_data) < expected:
        raise PduError(f"PDU truncated: user data has {len(user_data)} octets, UDL needs {expected}")
    if len(user_data) > expected:
        raise PduError(f"PDU has {len(user_data) - expected} octets after the user data")


def _udh_octets(user_data: bytes) -> int:
    """Octets taken by the user data header, including its length octet."""
    if not user_data:
        raise PduError("UDHI set but the user data is empty")
    size = 1 + user_data[0]
    if size > len(user_data):
        raise PduError(f"user data header length {user_data[0]} exceeds the user data")
    return size


def _concatenation(elements: list[gsmpdu.InformationElement], udh_octets: int) -> tuple[int | None, int, int]:
    """(ref, total, seq) from the UDH information elements the library parsed."""
    if udh_octets and sum(len(ie) for ie in elements) != udh_octets - 1:
        raise PduError("user data header elements do not add up to its length")
    for ie in elements:
        if isinstance(ie, gsmpdu.Concatenation):
            total, seq = ie.parts, ie.number
            if total == 1 and seq == 1:
                return None, 1, 1
            if not 1 <= seq <= total:
                # 23.038 9.2.3.24.1: such an element shall be ignored.
                log.warning("ignoring concatenation header: part %d of %d", seq, total)
                return None, 1, 1
            return ie.reference, total, seq
    return None, 1, 1


def _decode_text(alphabet: str, udl: int, user_data: bytes, udh_octets: int) -> str:
    if alphabet == _GSM7:
        # Unpack every septet of the user data (UDH included) and skip the ones
        # covering the UDH and its fill bits. The zero pad octet makes
        # unpackSeptets emit a final '@' it would otherwise drop.
        septets = gsmpdu.unpackSeptets(bytearray(user_data) + b"\x00")[:udl]
        header_septets = (udh_octets * 8 + 6) // 7
        try:
            text = gsmpdu.decodeGsm7(septets[header_septets:])
        except (StopIteration, IndexError) as exc:
            raise PduError(f"bad GSM-7 text: {exc!r}") from None
        # The library's table has '`' at 0x5F where 23.038 has '§'; '`' is not in the
        # GSM-7 alphabet at all, so every '`' it returns is a '§'.
        return text.replace("`", "§")
    body = user_data[udh_octets:udl]
    if alphabet == _UCS2:
        if len(body) % 2:
            raise PduError(f"UCS2 text has an odd number of octets ({len(body)})")
        return body.decode("utf-16-be", "surrogatepass")
    return body.decode("latin-1")


def _plain_timezone(stamp: datetime) -> datetime:
    """Swap the library's tzinfo class for a standard ``timezone`` with the same offset."""
    return stamp.replace(tzinfo=timezone(stamp.utcoffset()))
