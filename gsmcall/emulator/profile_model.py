"""The shape of an emulated modem family: URC and hang-up rules and the ``Profile`` record.

Kept apart from the data (``profiles.py``, ``profiles_blocking.py``) so each data module
imports the model, and the model imports neither.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .forwarding import ForwardingNetwork


@dataclass(frozen=True)
class UrcRule:
    """One call-progress URC.

    ``gate`` names a host setting that must be on (e.g. ``clcc_urc`` after ``AT+CLCC=1``);
    None means the modem always emits it.  ``connected`` restricts the rule to calls that were
    (True) or were not (False) connected.  ``skip_reasons`` suppresses it for some end reasons.
    """

    template: str
    gate: str | None = None
    connected: bool | None = None
    skip_reasons: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HangupRule:
    """How ``ATH`` or ``AT+CHUP`` behaves.

    ``supported`` False answers the unknown-command error.  ``needs_cvhu0`` makes the command
    a no-op (``OK``, call continues) unless the host sent ``AT+CVHU=0``.  ``end_before_ok``
    puts the end URCs before the ``OK``.  ``final`` is the line sent after the end URCs.
    """

    supported: bool = True
    needs_cvhu0: bool = False
    end_before_ok: bool = False
    final: str | None = None


@dataclass(frozen=True)
class TtsDialect:
    """How a family speaks into a call (reference atcommands.md §6.2): the command, where its
    mode argument sits (after Quectel's two mute flags), the lines around a piece and the
    CME codes of its refusals.  A piece ends with ``end_urc``; the stop form is mode 0."""

    command: str  # "+QWTTS" or "+CTTS"
    end_urc: str  # sent when a piece has played (and after a stop where ``end_after_stop``)
    mode_index: int = 0  # QWTTS: <ulmute>,<dlmute>,<mode>,<text>; CTTS: <mode>,<text>
    play_lines: tuple[str, ...] = ()  # info lines before the OK of a piece (SIM7600 "+CTTS:")
    stop_lines: tuple[str, ...] = ()  # info lines before the OK of the stop (SIM7600 "+CTTS: 0")
    end_after_stop: bool = False  # the stop's OK is followed by ``end_urc``
    max_text: int | None = None  # characters of the text argument one command takes
    no_call: int = 3  # CME code outside a connected call
    bad_text: int = 50  # CME code for an empty or malformed text (or bad mute flags)
    busy: int = 3  # CME code while a piece is still playing
    route: str | None = None  # SIMPLE command that must be "1" for the far end to hear it


def frozen_map(d: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(d))


# End reasons used by the call state machine (calls.py):
#   busy, no_answer, rejected, unreachable, remote_hangup, host
END_REASONS = ("busy", "no_answer", "rejected", "unreachable", "remote_hangup", "host")


@dataclass(frozen=True)
class Profile:
    name: str
    manufacturer: str
    model: str
    revision: str
    cgmr_format: str | None  # None: AT+CGMR answers the unknown-command error
    ati_lines: tuple[str, ...]
    imei: str
    imsi: str
    operator: str
    act: int | None
    rssi: int = 18
    # framing
    echo_default: bool = True
    unknown_error: str = "ERROR"
    urc_crcrlf: bool = False
    crcrlf_prefixes: tuple[str, ...] = ("+RXDTMF", "+CLCC", "+CRING")
    # calls
    clcc_alpha: str = ""
    lte_data_call: bool = False
    first_call_id: int = 1
    call_urcs: Mapping[str, tuple[UrcRule, ...]] = field(default_factory=lambda: frozen_map({}))
    end_finals: Mapping[str, str | None] = field(default_factory=lambda: frozen_map({}))
    hangup: Mapping[str, HangupRule] = field(default_factory=lambda: frozen_map({}))
    cvhu_default: int | None = 0  # None: AT+CVHU unsupported
    dtmf_urc: str | None = None
    dtmf_gate: str | None = None
    dtmf_ascii: bool = False
    tts: TtsDialect | None = None  # None: no TTS, the commands are unknown
    # s per character of a piece: a real module takes about 0.09-0.1 [intake §4.1]; scaled down
    # tenfold so tests do not wait on speech (profile_overrides or --tts-char-seconds change it)
    tts_char_seconds: float = 0.01
    # SMS
    sms_index_base: int = 1
    sms_storages: tuple[str, ...] = ("SM", "ME")
    sms_default_storage: str = "SM"
    sms_capacity: int = 30
    cmgr_alpha: str = ""
    cmgr_empty_ok: bool = False
    cpms_prefix: str = "+CPMS: "
    smsfull_urc: str | None = None
    smsfull_gate: str | None = None
    # boot and noise
    boot_pre: tuple[str, ...] = ()
    boot_cpin: bool = False
    boot_post: tuple[str, ...] = ()
    noise_urc: str | None = None
    noise_interval: float | None = None
    noise_interleave_every: int = 0
    noise_gate: str | None = None
    # commands
    extra_commands: frozenset[str] = frozenset()
    usb: bool = True
    # what the network does with forwarding changes and queries (forwarding.py)
    forwarding: ForwardingNetwork = field(default_factory=ForwardingNetwork)
    # --- quirks of the older families (wavecom, zte, qualcomm); defaults keep the others as they were
    # ATD<n>; sends no result until the call is answered (``answer_final``) or ends (``end_finals``);
    # any character the host sends meanwhile aborts the dial (V.250), answered by ``abort_final``,
    # except during ``abort_guard`` s after the command line's terminator (V.250 5.6.1).
    atd_blocks: bool = False
    answer_final: str = "OK"
    abort_final: str = "NO CARRIER"
    abort_guard: float = 0.125
    end_final_first: bool = False  # the end result code goes before the "ended" URCs
    cpin_read_final: str = "OK"  # "" sends no final after +CPIN: <code>
    cfun_read: str | None = None  # literal AT+CFUN? line instead of +CFUN: <fun>
    cfun1_busy: int = 0  # commands answered +CME ERROR: 515 after AT+CFUN=1
    cvhu_set_line: str | None = None  # info line AT+CVHU=<n> prints before OK
    cmgr_stat: bool = True  # False: the PDU-mode +CMGR header leaves <stat> empty
    # per-memory lists when AT+CPMS takes fewer than three memories; empty: ``sms_storages`` x3
    cpms_mem_lists: tuple[tuple[str, ...], ...] = ()
    cpms_error: str | None = None  # literal refusal of a bad AT+CPMS set; None: +CMS ERROR: 302

    def with_overrides(self, **kw: Any) -> "Profile":
        """A copy with some fields changed (tests use it to flip quirk flags)."""
        return dataclasses.replace(self, **kw)


CLCC_TEMPLATE = '+CLCC: {id},0,%d,0,0,"{n}",{type}{alpha}'


def clcc_rule(stat: int) -> UrcRule:
    return UrcRule(CLCC_TEMPLATE % stat, gate="clcc_urc")


STD_FINALS = frozen_map(
    {
        "busy": "BUSY",
        "no_answer": "NO CARRIER",
        "rejected": "NO CARRIER",
        "unreachable": "NO CARRIER",
        "remote_hangup": "NO CARRIER",
        "host": None,
    }
)
