"""Per-family modem behaviour, as data.

Everything that differs between the emulated modem families lives here, so the command
handlers and the call state machine stay free of ``if profile == ...`` chains.  Each entry
cites what it is based on; entries the reference marks as inference carry ``# [I]`` so they
are easy to find and change once someone checks them on hardware.

Call-progress URC templates may use these fields:
``{id}`` call id, ``{n}`` dialled number, ``{type}`` 145/129, ``{alpha}`` the profile's CLCC
alpha suffix, ``{hhmmss}`` connected time, ``{dur}`` connected seconds, ``{end_status}`` /
``{cause}`` Huawei end status and 24.008 cause.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping


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


def _frozen(d: Mapping[str, Any]) -> Mapping[str, Any]:
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
    call_urcs: Mapping[str, tuple[UrcRule, ...]] = field(default_factory=lambda: _frozen({}))
    end_finals: Mapping[str, str | None] = field(default_factory=lambda: _frozen({}))
    hangup: Mapping[str, HangupRule] = field(default_factory=lambda: _frozen({}))
    cvhu_default: int | None = 0  # None: AT+CVHU unsupported
    dtmf_urc: str | None = None
    dtmf_gate: str | None = None
    dtmf_ascii: bool = False
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


_CLCC = '+CLCC: {id},0,%d,0,0,"{n}",{type}{alpha}'


def _clcc(stat: int) -> UrcRule:
    return UrcRule(_CLCC % stat, gate="clcc_urc")


_STD_FINALS = _frozen(
    {
        "busy": "BUSY",
        "no_answer": "NO CARRIER",
        "rejected": "NO CARRIER",
        "unreachable": "NO CARRIER",
        "remote_hangup": "NO CARRIER",
        "host": None,
    }
)

GENERIC = Profile(
    name="generic",
    manufacturer="Generic",
    model="GSM MODEM",
    revision="1.0",
    cgmr_format="{revision}",
    ati_lines=("{manufacturer}", "{model}", "Revision: {revision}"),  # [I]
    imei="350000000000001",
    imsi="460001234567890",
    operator="CHINA MOBILE",
    act=0,
    sms_index_base=1,  # [I] 27.005 does not fix the base
    sms_capacity=30,  # [I]
    end_finals=_STD_FINALS,
    hangup=_frozen({"H": HangupRule(), "+CHUP": HangupRule()}),
    cvhu_default=0,  # [I] plain 27.007 modem, ATH always hangs up
    usb=True,
)

SIM800 = Profile(
    name="sim800",
    manufacturer="SIMCOM INCORPORATED",
    model="SIMCOM_SIM800L",
    revision="1418B05SIM800L24",  # [I]
    cgmr_format="Revision:{revision}",  # [I]
    ati_lines=("SIM800 R14.18",),  # [I]
    imei="868000000000000",  # [I]
    imsi="460008184101641",  # manual example value
    operator="CHINA MOBILE",
    act=None,  # manual example: +COPS: 0,0,"CHINA MOBILE"
    clcc_alpha=',""',
    call_urcs=_frozen(
        {
            "dialing": (_clcc(2),),
            # order of MO RING vs +CLCC is [I]
            "alerting": (UrcRule("MO RING", gate="moring"), _clcc(3)),
            "connected": (UrcRule("MO CONNECTED", gate="moring"), _clcc(0)),
            "ended": (_clcc(6),),
        }
    ),
    end_finals=_frozen({**_STD_FINALS, "no_answer": "NO ANSWER"}),  # NO ANSWER vs NO CARRIER is network dependent [I]
    hangup=_frozen(
        {
            "H": HangupRule(end_before_ok=True),  # +CLCC stat 6 before OK is [I]
            "+CHUP": HangupRule(supported=False),  # not in V1.09
        }
    ),
    cvhu_default=None,  # AT+CVHU not in V1.09 -> ERROR [I]
    dtmf_urc="+DTMF:{key}",
    dtmf_gate="ddet",
    sms_index_base=1,
    sms_storages=("SM", "ME", "SM_P", "ME_P", "MT"),
    sms_capacity=30,  # [I] SIM dependent
    cmgr_alpha='""',  # [C][I] SIMCom quoted empty alpha
    cmgr_empty_ok=True,  # [I] bare OK on many SIMCom builds
    smsfull_urc=None,  # SIM800: no URC, only +CMS ERROR: 322
    boot_pre=("RDY", "+CFUN: 1"),
    boot_cpin=True,
    boot_post=("Call Ready", "SMS Ready"),
    extra_commands=frozenset({"+MORING", "+DDET", "+CDRIND", "+CIURC", "+HVOIC"}),
    usb=False,
)

EC25 = Profile(
    name="ec25",
    manufacturer="Quectel",
    model="EC25",
    revision="EC25EFAR06A06M4G",  # [I]
    cgmr_format="{revision}",
    ati_lines=("{manufacturer}", "{model}", "Revision: {revision}"),
    imei="867000000000000",  # [I]
    imsi="460011234567890",  # [I]
    operator="CHINA UNICOM",
    act=7,
    clcc_alpha="",
    lte_data_call=True,
    # The LTE PS pseudo-call holds id 1 in the manual's CLCC example, so the voice call is 2.
    first_call_id=2,  # [I]
    call_urcs=_frozen(
        {
            "dialing": (
                UrcRule("^DSCI: {id},0,2,0,{n},{type},0", gate="dsci"),
                UrcRule('+QIND: "ccinfo",{id},0,2,0,0,"{n}",{type}', gate="ccinfo"),
            ),
            "alerting": (
                UrcRule("^DSCI: {id},0,7,0,{n},{type},0", gate="dsci"),
                UrcRule('+QIND: "ccinfo",{id},0,3,0,0,"{n}",{type}', gate="ccinfo"),
            ),
            "connected": (
                UrcRule("^DSCI: {id},0,3,0,{n},{type},0", gate="dsci"),
                UrcRule('+QIND: "ccinfo",{id},0,0,0,0,"{n}",{type}', gate="ccinfo"),
            ),
            "ended": (
                UrcRule("^DSCI: {id},0,6,0,{n},{type},0", gate="dsci"),
                UrcRule('+QIND: "ccinfo",{id},0,-1,0,0,"{n}",{type}', gate="ccinfo"),
            ),
        }
    ),
    end_finals=_STD_FINALS,  # busy on VoLTE is often NO CARRIER [I]
    hangup=_frozen({"H": HangupRule(needs_cvhu0=True), "+CHUP": HangupRule()}),
    cvhu_default=0,  # [I] manual excerpt gives no default
    dtmf_urc="+QTONEDET: {key}",
    dtmf_gate="qtonedet",
    dtmf_ascii=True,
    sms_index_base=0,  # [I] on "ME"
    sms_storages=("ME", "SM", "MT"),
    sms_default_storage="ME",
    sms_capacity=255,  # [I]
    cmgr_alpha="",  # [I] 27.005 style
    cmgr_empty_ok=False,
    smsfull_urc='+QIND: "smsfull","{mem}"',
    smsfull_gate="qind_smsfull",
    boot_pre=("RDY", "+CFUN: 1"),
    boot_cpin=True,
    boot_post=("+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE"),
    extra_commands=frozenset({"^DSCI", "+QINDCFG", "+QTONEDET", "+QHUP", "+QCFG"}),
    usb=True,
)

SIM7600 = Profile(
    name="sim7600",
    manufacturer="SIMCOM INCORPORATED",
    model="SIMCOM_SIM7600G-H",
    revision="LE20B03SIM7600M22",
    cgmr_format="+CGMR: {revision}",
    ati_lines=(
        "Manufacturer: {manufacturer}",
        "Model: {model}",
        "Revision: {revision}",
        "IMEI: {imei}",
        "+GCAP: +CGSM",
    ),  # [I]
    imei="862636050029311",
    imsi="655070216918286",
    operator="CHINA MOBILE",
    act=7,
    urc_crcrlf=True,  # optional quirk, on so host parsers meet it [C]
    clcc_alpha="",
    call_urcs=_frozen(
        {
            "dialing": (_clcc(2),),
            "alerting": (_clcc(3),),
            "connected": (UrcRule("VOICE CALL: BEGIN"), _clcc(0)),
            "ended": (
                _clcc(6),
                UrcRule("VOICE CALL: END: {hhmmss}", connected=True),
                # unanswered: no duration [L A7670E]; busy shows only BUSY in the transcript [I]
                UrcRule("VOICE CALL: END", connected=False, skip_reasons=frozenset({"busy"})),
            ),
        }
    ),
    end_finals=_STD_FINALS,
    hangup=_frozen(
        {
            # real log: ATH -> OK ... VOICE CALL: END: 000034, NO CARRIER
            "H": HangupRule(needs_cvhu0=True, final="NO CARRIER"),
            # manual: AT+CHUP -> VOICE CALL: END: 000017, OK
            "+CHUP": HangupRule(end_before_ok=True),
        }
    ),
    cvhu_default=1,  # behaves like 1 out of the box [S19][L]
    dtmf_urc="+RXDTMF: {key}",
    dtmf_gate="ddet",
    sms_index_base=0,
    sms_storages=("ME", "MT", "SM", "SR"),
    sms_capacity=50,
    cmgr_alpha='""',
    cmgr_empty_ok=True,  # [I]
    cpms_prefix="+CPMS:",  # manual example has no space
    smsfull_urc="+SMS FULL",
    boot_pre=("RDY",),
    boot_cpin=True,
    boot_post=("SMS DONE", "PB DONE"),
    extra_commands=frozenset({"+DDET", "+MORING", "+CDTAM", "+CRESET", "+AUTOCSQ", "+CNSMOD"}),
    usb=True,
)

HUAWEI = Profile(
    name="huawei",
    manufacturer="huawei",
    model="E1550",
    revision="11.608.12.02.21",  # [I]
    cgmr_format="{revision}",
    ati_lines=(
        "Manufacturer: {manufacturer}",
        "Model: {model}",
        "Revision: {revision}",
        "IMEI: {imei}",
        "+GCAP: +CGSM,+DS,+ES",
    ),  # [I]
    imei="353000000000000",  # [I]
    imsi="255071013516311",
    operator="Ukrtelecom",
    act=2,
    rssi=15,
    unknown_error="COMMAND NOT SUPPORT",
    clcc_alpha="",
    call_urcs=_frozen(
        {
            "dialing": (UrcRule("^ORIG:{id},0"),),
            "alerting": (UrcRule("^CONF:{id}"),),
            "connected": (UrcRule("^CONN:{id},0"),),
            "ended": (UrcRule("^CEND:{id},{dur},{end_status},{cause}"),),
        }
    ),
    # no NO CARRIER/BUSY after ^CEND (real E1550 trace); busy extra BUSY is [I]
    end_finals=_frozen({r: None for r in END_REASONS}),
    hangup=_frozen({"H": HangupRule(needs_cvhu0=True), "+CHUP": HangupRule()}),
    cvhu_default=1,  # E1550 ignores ATH until AT+CVHU=0 [C]
    dtmf_urc="^DDTMF:{key}",
    dtmf_gate="ddtmf",
    sms_index_base=0,  # [I]
    sms_storages=("SM", "ME"),
    sms_capacity=40,
    cmgr_alpha="",
    cmgr_empty_ok=False,
    smsfull_urc='^SMMEMFULL:"{mem}"',
    boot_pre=("^BOOT:20952548,0,0,0,72",),
    boot_cpin=False,
    boot_post=("^SIMST: 255,1", "^SRVST: 0"),  # values from a parser's test vectors [C]
    noise_urc="^RSSI:{rssi}",
    noise_interval=5.0,  # [I] "all the time"
    noise_interleave_every=4,  # every 4th command gets ^RSSI between echo and result [I]
    noise_gate="curc",
    extra_commands=frozenset({"^CURC", "^DDSETEX", "^CVOICE", "^SYSINFO", "^DDTMFCFG", "^CSNR", "^U2DIAG"}),
    usb=True,
)

# --- older families whose ATD blocks --------------------------------------------------------
# Source tags: [F] python-gsmmodem test/fakemodems.py (babca/python-gsmmodem, replies captured
# from the real devices), [T] the same project's test/test_modem.py, [V] ITU-T V.250 as quoted in
# vendor manuals (D result codes, 5.6.1 aborting commands), [W] Wavecom AT guide (+WIND bits).

# V.250 D result codes for the ends the captures do not show [V][I]
_V250_FINALS = {
    "busy": "BUSY",  # [I]
    "no_answer": "NO ANSWER",  # [I]
    "unreachable": "NO CARRIER",  # [I]
    "host": None,
}

WAVECOM = Profile(
    name="wavecom",
    manufacturer=" WAVECOM MODEM",  # leading space as captured [F]
    model=" MULTIBAND  900E  1800",  # [F]
    revision="",
    cgmr_format=None,  # AT+CGMR -> ERROR [F]
    ati_lines=("WAVECOM MODEM", "MULTIBAND  900E  1800"),  # [I]
    imei="352000000000001",  # [I] the capture is anonymised (111111111111111)
    imsi="460001234567001",  # [I] likewise
    operator="CHINA MOBILE",  # [I]
    act=None,  # GSM-only module: +COPS without <AcT> [I]
    call_urcs=_frozen(
        {
            # AT+WIND=50 (bits 2+16+32) switches these on; AT+WIND? answers +WIND: 0 at first [F][W]
            "dialing": (UrcRule("+WIND: 5,{id}", gate="wind_call"),),  # call created [F]
            "alerting": (UrcRule("+WIND: 2", gate="wind_alert"),),  # remote party ringing [F]
            "ended": (UrcRule("+WIND: 6,{id}", gate="wind_release"),),  # call released [F]
        }
    ),
    # remote hangup and reject: NO CARRIER, then +WIND: 6,1 [F]
    end_finals=_frozen({**_V250_FINALS, "rejected": "NO CARRIER", "remote_hangup": "NO CARRIER"}),
    end_final_first=True,  # [F]
    hangup=_frozen({"H": HangupRule(), "+CHUP": HangupRule()}),  # [I]
    cvhu_default=None,  # AT+CVHU=0 -> ERROR [F]
    atd_blocks=True,  # ATD sends nothing; OK when answered [F]
    answer_final="OK",  # [F]
    abort_final="NO CARRIER",  # [V][I] "attempt aborted" result of D
    cpin_read_final="",  # +CPIN: READY / +CPIN: SIM PIN without OK [F]
    cfun1_busy=2,  # after AT+CFUN=1 the next two commands get +CME ERROR: 515 [F]
    sms_index_base=1,  # [I]
    sms_storages=("SM", "BM", "SR"),
    sms_default_storage="SM",
    sms_capacity=50,  # AT+CPMS="SM","SM" -> +CPMS: 14,50,14,50 [F]
    cmgr_alpha="",  # no +CMGR capture for this family: 27.005 form [I]
    cpms_mem_lists=(("SM", "BM", "SR"), ("SM",)),  # +CPMS: (("SM","BM","SR"),("SM")) [F]
    cpms_error="ERROR",  # AT+CPMS="SM","SM","SR" -> ERROR [F]
    extra_commands=frozenset({"+WIND"}),
    usb=False,  # "old Wavecom serial modems" [F]
)

_ZTE_CALLS = dict(
    call_urcs=_frozen({}),  # no call-progress URCs before the answer [F]
    atd_blocks=True,  # ATD sends nothing until CONNECT [F]
    answer_final="CONNECT",  # [F]
    abort_final="NO CARRIER",  # [V][I]
    hangup=_frozen({"H": HangupRule(), "+CHUP": HangupRule()}),  # [I]
    cvhu_default=0,  # [I]
    cvhu_set_line="+CVHU: (0-1)",  # AT+CVHU=0 -> +CVHU: (0-1), OK [F]
    sms_index_base=1,  # [I]
    sms_storages=("ME", "MT", "SM", "SR"),  # AT+CPMS=? lists these three times [F]
    sms_default_storage="SM",  # [I]
    sms_capacity=50,  # [I]
    cmgr_alpha="",
    extra_commands=frozenset({"+ZPAS"}),  # AT+ZPAS? -> +BEARTYPE: "UMTS","CS_PS" [F]
    usb=True,
)

ZTE = Profile(
    name="zte",
    manufacturer="ZTE INCORPORATED",  # [F]
    model="K3565-Z",  # [F]
    revision="BD_P673A2V1.0.0B09",  # [F]
    cgmr_format="{revision}",  # [F]
    ati_lines=("{manufacturer}", "{model}", "Revision: {revision}"),  # [I]
    imei="357000000000001",  # [I] anonymised in the capture
    imsi="460001234567002",  # [I]
    operator="CHINA MOBILE",  # [I]
    act=2,  # UMTS ("+BEARTYPE: "UMTS"") [I]
    # remote hangup: HANGUP: <id>; a rejected call ends the ATD with OK [F]
    end_finals=_frozen({**_V250_FINALS, "rejected": "OK", "remote_hangup": "HANGUP: {id}"}),
    cfun_read="+CFUN: (0-1,4-7),(0-1)",  # the K3565-Z's AT+CFUN? answer [F]
    cmgr_stat=False,  # +CMGR: ,,27 captured from a ZTE modem [T]
    **_ZTE_CALLS,
)

QUALCOMM = Profile(
    name="qualcomm",
    manufacturer="QUALCOMM INCORPORATED",  # [F]
    model="M6280",  # [F]
    revision="M6280_V1.0.0 M6280_V1.0.0 1 [Sep 4 2008 12:00:00]",  # [F]
    cgmr_format="{revision}",
    ati_lines=("{manufacturer}", "{model}", "Revision: {revision}"),  # [I]
    imei="357000000000002",  # [I]
    imsi="460001234567003",  # [I]
    operator="CHINA MOBILE",  # [I]
    act=2,  # [I]
    # unlike the K3565-Z, a reject is reported like a remote hangup: HANGUP: <id> [F]
    end_finals=_frozen({**_V250_FINALS, "rejected": "HANGUP: {id}", "remote_hangup": "HANGUP: {id}"}),
    cmgr_stat=False,  # [T][I] the status-less +CMGR was captured from "a ZTE modem"; the M6280 is ZTE-built
    **_ZTE_CALLS,
)

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {p.name: p for p in (GENERIC, SIM800, EC25, SIM7600, HUAWEI, WAVECOM, ZTE, QUALCOMM)}
)


def get_profile(name: str, **overrides: Any) -> Profile:
    """Look a profile up by name (case-insensitive), optionally with fields overridden."""
    try:
        prof = PROFILES[name.lower()]
    except KeyError:
        raise ValueError(f"unknown modem profile {name!r}; choose from {', '.join(PROFILES)}") from None
    return prof.with_overrides(**overrides) if overrides else prof
