"""The modem's message memory: slots, indices, read/unread status.

One physical store per emulator (it survives unplug/replug, as a SIM does).  The storage
names the host selects with AT+CPMS are only labels here; keeping one store means a test that
calls ``store_sms`` never loses messages because the daemon chose "SM" over "ME".  Index base
and capacity come from the profile.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .pdu_encode import GSM7_BASIC, GSM7_EXT, tpdu_length

STAT_NAMES = {0: "REC UNREAD", 1: "REC READ", 2: "STO UNSENT", 3: "STO SENT"}
STAT_BY_NAME = {v: k for k, v in STAT_NAMES.items()} | {"ALL": 4}


class StorageFull(Exception):
    """No free slot: the modem answers +CMS ERROR: 322 / emits its storage-full URC."""


@dataclass
class Slot:
    pdu: str
    stat: int = 0

    @property
    def length(self) -> int:
        return tpdu_length(self.pdu)


class SmsStore:
    def __init__(self, base: int, capacity: int) -> None:
        self.base = base
        self.capacity = capacity
        self.slots: dict[int, Slot] = {}

    def in_range(self, index: int) -> bool:
        return self.base <= index < self.base + self.capacity

    @property
    def used(self) -> int:
        return len(self.slots)

    def is_full(self) -> bool:
        return self.used >= self.capacity

    def add(self, pdu_hex: str, stat: int = 0) -> int:
        pdu_hex = pdu_hex.strip().upper()
        bytes.fromhex(pdu_hex)  # validates
        for idx in range(self.base, self.base + self.capacity):
            if idx not in self.slots:
                self.slots[idx] = Slot(pdu_hex, stat)
                return idx
        raise StorageFull()

    def get(self, index: int) -> Slot | None:
        return self.slots.get(index)

    def delete(self, index: int, flag: int = 0) -> None:
        """27.005 AT+CMGD semantics: flag 0 this index, 1 read, 2 read+sent, 3 +unsent, 4 all."""
        if flag == 0:
            self.slots.pop(index, None)
            return
        doomed = {1: {1}, 2: {1, 3}, 3: {1, 2, 3}, 4: {0, 1, 2, 3}}[flag]
        for idx in [i for i, s in self.slots.items() if s.stat in doomed]:
            del self.slots[idx]

    def listing(self, stat: int) -> list[tuple[int, Slot]]:
        return [(i, s) for i, s in sorted(self.slots.items()) if stat == 4 or s.stat == stat]


# --- minimal SMS-DELIVER reader for text-mode (+CMGF=1) rendering -----------------------------


@dataclass
class TextView:
    sender: str
    scts: str  # "yy/MM/dd,hh:mm:ss+zz" as 27.005 text mode prints it
    body: str  # decoded text, or hex of the UD when 27.005 says so (8-bit/UCS2/UDH)
    body_is_hex: bool
    ucs2: bool


def _unswap(b: bytes) -> str:
    return "".join(f"{x & 0x0F:X}{x >> 4:X}" for x in b).rstrip("F")


def _unpack7(data: bytes, count: int, skip_bits: int = 0) -> str:
    val = int.from_bytes(data, "little") >> skip_bits
    out, esc = [], False
    for i in range(count):
        s = (val >> (7 * i)) & 0x7F
        if esc:
            out.append(next((k for k, v in GSM7_EXT.items() if v == s), " "))
            esc = False
        elif s == 0x1B:
            esc = True
        else:
            out.append(GSM7_BASIC[s])
    return "".join(out)


def text_view(pdu_hex: str) -> TextView:
    """Decode just enough of a stored SMS-DELIVER to answer AT+CMGR/CMGL in text mode."""
    raw = bytes.fromhex(pdu_hex)
    pos = 1 + raw[0]
    fo = raw[pos]
    pos += 1
    alen, toa = raw[pos], raw[pos + 1]
    nbytes = (alen + 1) // 2
    addr = raw[pos + 2 : pos + 2 + nbytes]
    pos += 2 + nbytes
    if toa & 0x70 == 0x50:
        sender = _unpack7(addr, alen * 4 // 7)
    else:
        sender = ("+" if toa & 0x70 == 0x10 else "") + _unswap(addr)
    dcs = raw[pos + 1]
    ts = raw[pos + 2 : pos + 9]
    pos += 9
    udl = raw[pos]
    ud = raw[pos + 1 :]
    d = [int(_unswap(bytes([x]))[:2] or "0") for x in ts[:6]]
    tzb = ((ts[6] & 0x07) * 10) + (ts[6] >> 4)
    sign = "-" if ts[6] & 0x08 else "+"
    scts = f"{d[0]:02d}/{d[1]:02d}/{d[2]:02d},{d[3]:02d}:{d[4]:02d}:{d[5]:02d}{sign}{tzb:02d}"
    udhi = bool(fo & 0x40)
    alphabet = (dcs >> 2) & 0x03 if dcs & 0xC0 == 0 else 0
    if alphabet == 0 and not udhi:
        return TextView(sender, scts, _unpack7(ud, udl), False, False)
    return TextView(sender, scts, ud.hex().upper(), True, alphabet == 2)


def ucs2_hex(s: str) -> str:
    return s.encode("utf-16-be").hex().upper()


def now_local() -> _dt.datetime:
    return _dt.datetime.now().astimezone()
