"""SMS-DELIVER PDU encoder: the network's side of the modem.

The emulator has to hand the daemon real PDUs (as a modem reads them off the SIM), so it
needs its own encoder.  It is deliberately independent of gsmcall.sms (the daemon's decoder):
two independent implementations checked against the same real PDUs catch each other's bugs.

Layout (3GPP 23.040 §9.2.2.1): SMSC address field, first octet, originating address, PID,
DCS, SCTS, UDL, UD.  ``TPDU length`` for +CMGR/+CMGL is everything after the SMSC field.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

# 23.038 default alphabet, code point = index.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
assert len(GSM7_BASIC) == 128
GSM7_EXT = {"\x0c": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65}
_BASIC_INDEX = {ch: i for i, ch in enumerate(GSM7_BASIC) if ch != "\x1b"}

FO_DELIVER_MMS = 0x04  # TP-MTI=00 (DELIVER), TP-MMS=1 (no more messages waiting)
FO_SRI = 0x20  # status report indication
FO_UDHI = 0x40


def gsm7_septets(text: str) -> list[int] | None:
    """Septets for ``text`` in the default alphabet (+ extension table), None if it does not fit."""
    out: list[int] = []
    for ch in text:
        if ch in _BASIC_INDEX:
            out.append(_BASIC_INDEX[ch])
        elif ch in GSM7_EXT:
            out.extend((0x1B, GSM7_EXT[ch]))
        else:
            return None
    return out


def pack_septets(septets: list[int], header: bytes = b"") -> bytes:
    """Pack septets LSB-first after ``header``, with fill bits up to the next septet boundary."""
    hdr_septets = math.ceil(len(header) * 8 / 7)
    val = int.from_bytes(header, "little")
    for i, s in enumerate(septets):
        val |= (s & 0x7F) << ((hdr_septets + i) * 7)
    nbytes = math.ceil((hdr_septets + len(septets)) * 7 / 8)
    return val.to_bytes(nbytes, "little")


def _semi_octets(digits: str) -> bytes:
    if len(digits) % 2:
        digits += "F"
    return bytes.fromhex("".join(digits[i + 1] + digits[i] for i in range(0, len(digits), 2)))


def encode_smsc(smsc: str | None) -> bytes:
    """SMSC address field including its length octet; b'\\x00' when there is none."""
    if not smsc:
        return b"\x00"
    toa = 0x91 if smsc.startswith("+") else 0x81
    body = bytes([toa]) + _semi_octets(smsc.lstrip("+"))
    return bytes([len(body)]) + body


def encode_address(number: str, toa: int | None = None) -> bytes:
    """TP-OA: length in semi-octets, type of address, value.

    ``+digits`` -> international 0x91; digits -> national 0xA1 (China's CLIP shows 161 for
    national senders) unless ``toa`` says otherwise (e.g. 0xA0 for short codes); anything with
    letters -> alphanumeric 0xD0, GSM-7 packed.  A ``toa`` whose type of number is alphanumeric
    (e.g. 0xD0) packs ``number`` as GSM-7 text even when it is all digits: bulk-SMS gateways let
    a sender pick the ID "18712345678", and the daemon must be tested against exactly that.
    """
    digits = number.lstrip("+")
    alphanumeric = toa is not None and (toa >> 4) & 0x07 == 5
    if not alphanumeric and digits and all(c in "0123456789*#abc" for c in digits):
        if toa is None:
            toa = 0x91 if number.startswith("+") else 0xA1  # [I] national default
        bcd = digits.replace("*", "A").replace("#", "B")
        return bytes([len(bcd), toa]) + _semi_octets(bcd)
    septets = gsm7_septets(number)
    if septets is None:
        raise ValueError(f"alphanumeric sender {number!r} does not fit the GSM 7-bit alphabet")
    packed = pack_septets(septets)
    return bytes([math.ceil(len(septets) * 7 / 4), 0xD0 if toa is None else toa]) + packed


def encode_scts(when: _dt.datetime) -> bytes:
    """Service-centre time stamp: swapped BCD, zone in quarter hours with a sign bit."""
    if when.tzinfo is None:
        when = when.astimezone()
    offset = when.utcoffset() or _dt.timedelta(0)
    quarters = int(offset.total_seconds() // 900)
    fields = [when.year % 100, when.month, when.day, when.hour, when.minute, when.second]
    out = bytearray(((v % 10) << 4) | (v // 10) for v in fields)
    q = abs(quarters)
    tens = (q // 10) | (0x08 if quarters < 0 else 0)
    out.append(((q % 10) << 4) | tens)
    return bytes(out)


@dataclass(frozen=True)
class DeliverPart:
    """One encoded part: the full PDU hex (with SMSC) and its TPDU length for +CMGR."""

    pdu: str
    tpdu_len: int


def build_deliver(
    sender: str,
    ud: bytes,
    udl: int,
    dcs: int,
    when: _dt.datetime,
    smsc: str | None = "+8613800100500",
    udh: bool = False,
    status_report: bool = False,
    sender_toa: int | None = None,
    pid: int = 0,
) -> DeliverPart:
    """Assemble one SMS-DELIVER from already-encoded user data."""
    fo = FO_DELIVER_MMS | (FO_UDHI if udh else 0) | (FO_SRI if status_report else 0)
    tpdu = (
        bytes([fo])
        + encode_address(sender, sender_toa)
        + bytes([pid, dcs])
        + encode_scts(when)
        + bytes([udl])
        + ud
    )
    return DeliverPart((encode_smsc(smsc) + tpdu).hex().upper(), len(tpdu))


def concat_header(ref: int, total: int, seq: int, ref16: bool = False) -> bytes:
    """UDH with the concatenation IE (00: 8-bit ref, 08: 16-bit ref), UDHL included."""
    if ref16:
        return bytes([6, 0x08, 4, (ref >> 8) & 0xFF, ref & 0xFF, total, seq])
    return bytes([5, 0x00, 3, ref & 0xFF, total, seq])


def _split_gsm7(septets: list[int], size: int) -> list[list[int]]:
    parts, cur = [], []
    i = 0
    while i < len(septets):
        unit = septets[i : i + 2] if septets[i] == 0x1B else septets[i : i + 1]
        if len(cur) + len(unit) > size:
            parts.append(cur)
            cur = []
        cur.extend(unit)
        i += len(unit)
    parts.append(cur)
    return parts


def _split_ucs2(units: bytes, size_chars: int) -> list[bytes]:
    parts, start = [], 0
    while start < len(units):
        end = min(start + size_chars * 2, len(units))
        if end < len(units) and 0xD8 <= units[end - 2] <= 0xDB:  # don't cut a surrogate pair
            end -= 2
        parts.append(units[start:end])
        start = end
    return parts or [b""]


def encode_deliver(
    sender: str,
    text: str,
    when: _dt.datetime | None = None,
    smsc: str | None = "+8613800100500",
    ref: int = 0,
    concat16: bool = False,
    sender_toa: int | None = None,
    status_report: bool = False,
) -> list[DeliverPart]:
    """Encode ``text`` from ``sender`` as one or more SMS-DELIVER PDUs.

    GSM 7-bit when every character is in the default alphabet or its extension table, UCS2
    otherwise; split into concatenated parts (IE 00, or IE 08 with ``concat16``) when it does not
    fit one message.  ``ref`` is the concatenation reference.
    """
    when = when or _dt.datetime.now().astimezone()
    hdr_len = 7 if concat16 else 6
    septets = gsm7_septets(text)
    common = dict(when=when, smsc=smsc, sender_toa=sender_toa, status_report=status_report)
    if septets is not None:
        if len(septets) <= 160:
            return [build_deliver(sender, pack_septets(septets), len(septets), 0x00, **common)]
        chunks = _split_gsm7(septets, 160 - math.ceil(hdr_len * 8 / 7))
        out = []
        for seq, chunk in enumerate(chunks, 1):
            hdr = concat_header(ref, len(chunks), seq, concat16)
            udl = math.ceil(len(hdr) * 8 / 7) + len(chunk)
            out.append(build_deliver(sender, pack_septets(chunk, hdr), udl, 0x00, udh=True, **common))
        return out
    units = text.encode("utf-16-be", "surrogatepass")
    if len(units) <= 140:
        return [build_deliver(sender, units, len(units), 0x08, **common)]
    chunks_u = _split_ucs2(units, (140 - hdr_len) // 2)
    out = []
    for seq, chunk_u in enumerate(chunks_u, 1):
        hdr = concat_header(ref, len(chunks_u), seq, concat16)
        out.append(build_deliver(sender, hdr + chunk_u, len(hdr) + len(chunk_u), 0x08, udh=True, **common))
    return out


def tpdu_length(pdu_hex: str) -> int:
    """Octets after the SMSC field (what +CMGR/+CMGL/+CMGS lengths count)."""
    raw = bytes.fromhex(pdu_hex)
    return len(raw) - 1 - raw[0]
