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

from types import MappingProxyType
from typing import Any, Mapping

from .forwarding import ForwardingNetwork
from .profile_model import (
    END_REASONS,
    STD_FINALS,
    HangupRule,
    Profile,
    TtsDialect,
    UrcRule,
    clcc_rule,
    frozen_map,
)
from .profiles_blocking import QUALCOMM, WAVECOM, ZTE

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
    end_finals=STD_FINALS,
    hangup=frozen_map({"H": HangupRule(), "+CHUP": HangupRule()}),
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
    call_urcs=frozen_map(
        {
            "dialing": (clcc_rule(2),),
            # order of MO RING vs +CLCC is [I]
            "alerting": (UrcRule("MO RING", gate="moring"), clcc_rule(3)),
            "connected": (UrcRule("MO CONNECTED", gate="moring"), clcc_rule(0)),
            "ended": (clcc_rule(6),),
        }
    ),
    end_finals=frozen_map({**STD_FINALS, "no_answer": "NO ANSWER"}),  # NO ANSWER vs NO CARRIER is network dependent [I]
    hangup=frozen_map(
        {
            "H": HangupRule(end_before_ok=True),  # +CLCC stat 6 before OK is [I]
            "+CHUP": HangupRule(supported=False),  # not in V1.09
        }
    ),
    cvhu_default=None,  # AT+CVHU not in V1.09 -> ERROR [I]
    dtmf_urc="+DTMF:{key}",
    dtmf_gate="ddet",
    # a TTS firmware build (SIM800H/C); the model string stays the transcript's SIM800L, whose
    # build has none (``sim800l``).  OK, then "+CTTS:0" once played [M]; the stop's reply and
    # the error codes are [I]
    tts=TtsDialect(command="+CTTS", end_urc="+CTTS:0"),
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
    call_urcs=frozen_map(
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
    end_finals=STD_FINALS,  # busy on VoLTE is often NO CARRIER [I]
    hangup=frozen_map({"H": HangupRule(needs_cvhu0=True), "+CHUP": HangupRule()}),
    cvhu_default=0,  # [I] manual excerpt gives no default
    dtmf_urc="+QTONEDET: {key}",
    dtmf_gate="qtonedet",
    dtmf_ascii=True,
    # AT+QWTTS=<ulmute>,<dlmute>,<mode>,"<text>": 903 outside a call, 902 empty text or bad
    # mute flags, 543 bytes at most [M]; 904 while playing [intake §4.1]; the end after a stop is [I]
    tts=TtsDialect(command="+QWTTS", end_urc="+QWTTS: 0", mode_index=2, end_after_stop=True, max_text=543,
                   no_call=903, bad_text=902, busy=904),
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
    call_urcs=frozen_map(
        {
            "dialing": (clcc_rule(2),),
            "alerting": (clcc_rule(3),),
            "connected": (UrcRule("VOICE CALL: BEGIN"), clcc_rule(0)),
            "ended": (
                clcc_rule(6),
                UrcRule("VOICE CALL: END: {hhmmss}", connected=True),
                # unanswered: no duration [L A7670E]; busy shows only BUSY in the transcript [I]
                UrcRule("VOICE CALL: END", connected=False, skip_reasons=frozenset({"busy"})),
            ),
        }
    ),
    end_finals=STD_FINALS,
    hangup=frozen_map(
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
    # AT+CTTS=1,"<hex>" -> +CTTS: / OK ... +CTTS: 0; AT+CTTS=0 -> +CTTS: 0 / OK [M]; the far
    # end hears it only after AT+CDTAM=1 [M] (0 out of the box is [I]); error codes are [I]
    tts=TtsDialect(command="+CTTS", end_urc="+CTTS: 0", play_lines=("+CTTS:",), stop_lines=("+CTTS: 0",),
                   route="+CDTAM"),
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
    forwarding=ForwardingNetwork(none_class=255),  # the SIM7600 manual's "+CCFC: 0,255"
)
# The SIM800L's firmware has no TTS [M atcommands §6.2]: AT+CTTS is an unknown command there.
SIM800L = SIM800.with_overrides(name="sim800l", tts=None)

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
    call_urcs=frozen_map(
        {
            "dialing": (UrcRule("^ORIG:{id},0"),),
            "alerting": (UrcRule("^CONF:{id}"),),
            "connected": (UrcRule("^CONN:{id},0"),),
            "ended": (UrcRule("^CEND:{id},{dur},{end_status},{cause}"),),
        }
    ),
    # no NO CARRIER/BUSY after ^CEND (real E1550 trace); busy extra BUSY is [I]
    end_finals=frozen_map({r: None for r in END_REASONS}),
    hangup=frozen_map({"H": HangupRule(needs_cvhu0=True), "+CHUP": HangupRule()}),
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


PROFILES: Mapping[str, Profile] = MappingProxyType(
    {p.name: p for p in (GENERIC, SIM800, SIM800L, EC25, SIM7600, HUAWEI, WAVECOM, ZTE, QUALCOMM)}
)


def get_profile(name: str, **overrides: Any) -> Profile:
    """Look a profile up by name (case-insensitive), optionally with fields overridden."""
    try:
        prof = PROFILES[name.lower()]
    except KeyError:
        raise ValueError(f"unknown modem profile {name!r}; choose from {', '.join(PROFILES)}") from None
    return prof.with_overrides(**overrides) if overrides else prof
