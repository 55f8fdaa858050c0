"""What an AT command handler may see and do: the modem's settings and state, as a Protocol.

The handlers in ``handlers/`` are plain functions over this interface rather than methods of
the modem, so they can be read and tested per area and the modem module does not have to be
imported by them (``modem.Modem`` implements it; nothing here imports the handlers or the
modem).  ``Settings`` lives here too because handlers read and write it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .calls import Call, Callee, CallHost, CallRecord
from .forwarding import ForwardingState
from .profiles import Profile
from .sms_store import SmsStore
from .speech import TtsEngine

# A SIM's tries before it locks: 3 for the PIN, 10 for the PUK (the usual SIM counters) [I]
PIN_TRIES = 3
PUK_TRIES = 10
# The SIM's ICCID unless the emulator is given one (``--iccid``): AT+CCID and the vendor forms.
DEFAULT_ICCID = "89860000000000000001"


@dataclass
class Settings:
    """Volatile modem settings: back to these defaults on ATZ/AT&F and on every (re)boot."""

    echo: bool = True
    cmee: int = 0
    cmgf: int = 0
    cscs: str = "GSM"
    csdh: int = 0
    cnmi: tuple[int, ...] = (2, 1, 0, 0, 0)  # <mt>=1 so +CMTI is shown before the host sets it [I]
    mems: list[str] = field(default_factory=lambda: ["SM", "SM", "SM"])
    clcc_urc: bool = False
    moring: bool = False
    dsci: bool = False
    ccinfo: bool = False
    qind_smsfull: bool = True  # [I] Quectel default unknown
    ddet: bool = False
    qtonedet: bool = False
    ddtmf: bool = False
    curc: bool = True
    cvhu: int | None = 0
    colp: int = 0
    cfun: int = 1
    pin_ok: bool = False
    reg_n: dict[str, int] = field(default_factory=lambda: {"+CREG": 0, "+CGREG": 0, "+CEREG": 0})
    sregs: dict[int, int] = field(default_factory=dict)
    simple: dict[str, str] = field(default_factory=dict)
    wind: int = 0  # Wavecom AT+WIND indication bit mask (0 at power-up, as captured)

    # Wavecom +WIND bits (AT guide): 2 calling party alert, 16 call created, 32 call released [I]
    @property
    def wind_alert(self) -> bool:
        return bool(self.wind & 0x02)

    @property
    def wind_call(self) -> bool:
        return bool(self.wind & 0x10)

    @property
    def wind_release(self) -> bool:
        return bool(self.wind & 0x20)

    @classmethod
    def defaults(cls, profile: Profile, pin_needed: bool) -> "Settings":
        """Power-on values; the profile decides echo, CVHU and the preferred SMS memory."""
        mem = profile.sms_default_storage
        return cls(echo=profile.echo_default, cvhu=profile.cvhu_default, mems=[mem, mem, mem],
                   pin_ok=not pin_needed)


class ModemContext(CallHost, Protocol):
    """The modem as its command handlers see it (``CallHost`` adds URCs, events and timers)."""

    settings: Settings
    store: SmsStore
    callees: dict[str, Callee]
    default_callee: Callee
    alerting_delay: float
    pin: str | None
    iccid: str
    sim_inserted: bool
    rssi: int
    smsc: str
    active_calls: list[Call]
    tts: TtsEngine
    call_records: list[CallRecord]
    sent_sms: list[str]
    pin_attempts: int
    wrong_pin_attempts: int
    pin_tries_left: int  # back to PIN_TRIES when the right PIN goes in; 0 locks the SIM (PUK)
    message_ref: int
    last_cause: int | None
    busy_replies: int  # commands still to be answered +CME ERROR: 515 (Wavecom after AT+CFUN=1)
    end_report_delay: float  # s between a host hang-up and the call's end URCs
    forwarding: ForwardingState  # the SIM's call forwarding, as the network holds it

    @property
    def sim_ready(self) -> bool: ...
    @property
    def cpin_state(self) -> str: ...
    def cme(self, code: int) -> str: ...
    def cms(self, code: int) -> str: ...
    def effective_reg(self) -> int: ...
    def reg_line(self, name: str, query: bool) -> str: ...
    def reset_settings(self) -> None: ...
    def reset(self, why: str) -> None: ...
    def sim_unlocked(self) -> None: ...
    def begin_input(self, what: str, length: int | None, da: str | None) -> None: ...
