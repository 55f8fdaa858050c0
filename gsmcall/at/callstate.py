"""Call-progress URCs of every family, normalised to one ``CallEvent``.

Each family reports the same few facts (dialling, ringing at the far end, answered,
ended and why) in its own words: ``+CLCC`` lists, Quectel ``^DSCI`` and
``+QIND: "ccinfo"``, SIMCom ``VOICE CALL:`` and ``MO RING``, Huawei ``^ORIG/^CONF/^CONN/^CEND``
and the plain result codes.  Parsing them all into one shape keeps the call logic free of
vendor words; which of them a modem emits is the profile's business.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Phase(enum.Enum):
    DIALING = "dialing"
    ALERTING = "alerting"
    ACTIVE = "active"
    HELD = "held"
    INCOMING = "incoming"
    ENDED = "ended"


class EndCause(enum.Enum):
    """Why a call ended, as far as the modem says (``UNKNOWN`` when it does not)."""

    UNKNOWN = "unknown"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    REJECTED = "rejected"
    UNREACHABLE = "unreachable"
    NORMAL = "normal"
    LOCAL = "local"


@dataclass(frozen=True)
class CallEvent:
    phase: Phase
    source: str
    outgoing: bool | None = None
    number: str | None = None
    cause: EndCause = EndCause.UNKNOWN
    duration: int | None = None
    # The modem's call id where the line carries one: a call's events belong to that call.
    call_id: int | None = None

    @property
    def conclusive(self) -> bool:
        """An end that carries its cause; after it no better explanation will come."""
        return self.phase is Phase.ENDED and self.cause is not EndCause.UNKNOWN


@dataclass(frozen=True)
class ClccEntry:
    index: int
    outgoing: bool
    stat: int
    mode: int
    number: str

    @property
    def voice(self) -> bool:
        # EC25 on LTE lists a data pseudo-call (mode 1): it is not our call.
        return self.mode == 0


# Every number in a modem line is bounded (a line is untrusted input): call ids and states
# fit in 2-3 digits, a number in 40 characters, a Huawei duration in 7 digits.
_CLCC = re.compile(r'^\+CLCC:\s*(\d{1,3}),\s*(\d),\s*(\d),\s*(\d),\s*(\d)(?:,\s*"([^"]{0,40})"(?:,\s*(\d{1,3}))?.*)?$')
_DSCI = re.compile(r"^\^DSCI:\s*(\d{1,3}),\s*(\d),\s*(\d),\s*(\d),\s*([^,]{0,40}),\s*(\d{1,3})(?![\d])")
_CCINFO = re.compile(r'^\+QIND:\s*"ccinfo",\s*(\d{1,3}),\s*(\d),\s*(-?\d{1,3}),\s*(\d),\s*(\d),\s*"?([^",]{0,40})"?')
_HANGUP = re.compile(r"^HANGUP:\s*\d{1,3}$")
_WIND = re.compile(r"^\+WIND:\s*(\d{1,2})(?:,\s*(\d{1,3}))?$")
_VOICE_CALL = re.compile(r"^VOICE CALL\s*:\s*(BEGIN|END)\s*(?::\s*(\d{6}))?", re.IGNORECASE)
_HUAWEI = re.compile(r"^\^(ORIG|CONF|CONN|CEND):\s*(\d{1,3})(?:,\s*(\d{0,7}))?(?:,\s*(\d{0,3}))?(?:,\s*(\d{0,3}))?(?![\d])")

# 27.007 +CLCC <stat>; SIMCom adds 6 = disconnect.
_CLCC_PHASE = {0: Phase.ACTIVE, 1: Phase.HELD, 2: Phase.DIALING, 3: Phase.ALERTING,
               4: Phase.INCOMING, 5: Phase.INCOMING, 6: Phase.ENDED}
# Quectel ^DSCI <stat> has its own numbering.
_DSCI_PHASE = {1: Phase.HELD, 2: Phase.DIALING, 3: Phase.ACTIVE, 4: Phase.INCOMING,
               5: Phase.INCOMING, 6: Phase.ENDED, 7: Phase.ALERTING}
# 24.008 release causes as Huawei's ^CEND reports them.
_CC_CAUSE = {17: EndCause.BUSY, 18: EndCause.NO_ANSWER, 19: EndCause.NO_ANSWER,
             21: EndCause.REJECTED, 16: EndCause.NORMAL, 31: EndCause.NORMAL,
             1: EndCause.UNREACHABLE, 3: EndCause.UNREACHABLE, 20: EndCause.UNREACHABLE,
             27: EndCause.UNREACHABLE, 28: EndCause.UNREACHABLE, 34: EndCause.UNREACHABLE,
             38: EndCause.UNREACHABLE, 41: EndCause.UNREACHABLE}
_HUAWEI_CLIENT_END = 29
_RESULT_CAUSE = {"NO CARRIER": EndCause.NORMAL, "BUSY": EndCause.BUSY,
                 "NO ANSWER": EndCause.NO_ANSWER, "NO DIALTONE": EndCause.UNREACHABLE,
                 "NO DIAL TONE": EndCause.UNREACHABLE}


def parse_clcc(line: str) -> ClccEntry | None:
    match = _CLCC.match(line)
    if match is None:
        return None
    index, direction, stat, mode, _mpty, number, _type = match.groups()
    return ClccEntry(int(index), direction == "0", int(stat), int(mode), number or "")


def clcc_event(entry: ClccEntry) -> CallEvent | None:
    phase = _CLCC_PHASE.get(entry.stat)
    if phase is None or not entry.voice:
        return None
    return CallEvent(phase, "clcc", entry.outgoing, entry.number, call_id=entry.index)


def parse_call_urc(line: str) -> CallEvent | None:
    """The call event a URC line reports, or None when it reports none."""
    if line.startswith("+CLCC"):
        entry = parse_clcc(line)
        return clcc_event(entry) if entry else None
    if line.startswith("^DSCI"):
        return _dsci(line)
    if line.startswith("+QIND"):
        return _ccinfo(line)
    if line.upper().startswith("VOICE CALL"):
        return _voice_call(line)
    if line.startswith("^"):
        return _huawei(line)
    if line == "MO RING":
        return CallEvent(Phase.ALERTING, "moring", True)
    if line == "MO CONNECTED":
        return CallEvent(Phase.ACTIVE, "moring", True)
    if line.startswith("+CDRIND:"):
        return CallEvent(Phase.ENDED, "cdrind")
    if line.startswith("+WIND:"):
        return _wind(line)
    if _HANGUP.match(line):
        return CallEvent(Phase.ENDED, "hangup")  # ZTE and Qualcomm sticks: the call ended
    if line == "CONNECT":
        return CallEvent(Phase.ACTIVE, "connect")  # an answer reported after ATD returned
    cause = _RESULT_CAUSE.get(line)
    if cause is not None:
        # These are a call's last word: BUSY and NO ANSWER say why it ended; NO CARRIER
        # only that it did (NORMAL), which ends the wait for a reason.
        return CallEvent(Phase.ENDED, "result", cause=cause)
    return None


def _dsci(line: str) -> CallEvent | None:
    match = _DSCI.match(line)
    if match is None:
        return None
    idx, direction, stat, call_type, number, _ntype = match.groups()
    phase = _DSCI_PHASE.get(int(stat))
    if phase is None or call_type != "0":
        return None
    return CallEvent(phase, "dsci", direction == "0", number.strip(), call_id=int(idx))


def _ccinfo(line: str) -> CallEvent | None:
    match = _CCINFO.match(line)
    if match is None:
        return None
    idx, direction, state, mode, _mpty, number = match.groups()
    if mode != "0":
        return None
    state_no = int(state)
    phase = Phase.ENDED if state_no < 0 else _CLCC_PHASE.get(state_no)
    if phase is None:
        return None
    return CallEvent(phase, "ccinfo", direction == "0", number, call_id=int(idx))


def _wind(line: str) -> CallEvent | None:
    """Wavecom ``+WIND``: 5,<id> call created, 2 the far end rings, 6,<id> call released."""
    match = _WIND.match(line)
    if match is None:
        return None
    kind, call_id = match.groups()
    cid = int(call_id) if call_id else None
    phase = {"5": Phase.DIALING, "2": Phase.ALERTING, "6": Phase.ENDED}.get(kind)
    return None if phase is None else CallEvent(phase, "wind", True if phase is not Phase.ENDED else None,
                                                call_id=cid)


def _voice_call(line: str) -> CallEvent | None:
    match = _VOICE_CALL.match(line)
    if match is None:
        return None
    what, hhmmss = match.groups()
    if what.upper() == "BEGIN":
        return CallEvent(Phase.ACTIVE, "voicecall")
    duration = None
    if hhmmss:
        duration = int(hhmmss[:2]) * 3600 + int(hhmmss[2:4]) * 60 + int(hhmmss[4:])
    return CallEvent(Phase.ENDED, "voicecall", duration=duration)


def _huawei(line: str) -> CallEvent | None:
    match = _HUAWEI.match(line)
    if match is None:
        return None
    kind, call_id, second, third, fourth = match.groups()
    cid = int(call_id)
    if kind == "ORIG":
        return CallEvent(Phase.DIALING, "huawei", True, call_id=cid) if second in (None, "", "0") else None
    if kind == "CONF":
        return CallEvent(Phase.ALERTING, "huawei", True, call_id=cid)
    if kind == "CONN":
        return CallEvent(Phase.ACTIVE, "huawei", call_id=cid) if second in (None, "", "0") else None
    duration = int(second) if second else None
    end_status = int(third) if third else None
    cc_cause = int(fourth) if fourth else None
    if end_status == _HUAWEI_CLIENT_END:
        cause = EndCause.LOCAL
    else:
        cause = _CC_CAUSE.get(cc_cause, EndCause.UNKNOWN) if cc_cause is not None else EndCause.UNKNOWN
    return CallEvent(Phase.ENDED, "huawei", duration=duration, cause=cause, call_id=cid)
