"""Emulated older families whose ATD blocks until the call is answered or ends (Wavecom, ZTE,
Qualcomm), as data taken from python-gsmmodem-new's captured replies.
"""

from __future__ import annotations

from .profile_model import HangupRule, Profile, UrcRule, frozen_map

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
    call_urcs=frozen_map(
        {
            # AT+WIND=50 (bits 2+16+32) switches these on; AT+WIND? answers +WIND: 0 at first [F][W]
            "dialing": (UrcRule("+WIND: 5,{id}", gate="wind_call"),),  # call created [F]
            "alerting": (UrcRule("+WIND: 2", gate="wind_alert"),),  # remote party ringing [F]
            "ended": (UrcRule("+WIND: 6,{id}", gate="wind_release"),),  # call released [F]
        }
    ),
    # remote hangup and reject: NO CARRIER, then +WIND: 6,1 [F]
    end_finals=frozen_map({**_V250_FINALS, "rejected": "NO CARRIER", "remote_hangup": "NO CARRIER"}),
    end_final_first=True,  # [F]
    hangup=frozen_map({"H": HangupRule(), "+CHUP": HangupRule()}),  # [I]
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
    call_urcs=frozen_map({}),  # no call-progress URCs before the answer [F]
    atd_blocks=True,  # ATD sends nothing until CONNECT [F]
    answer_final="CONNECT",  # [F]
    abort_final="NO CARRIER",  # [V][I]
    hangup=frozen_map({"H": HangupRule(), "+CHUP": HangupRule()}),  # [I]
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
    end_finals=frozen_map({**_V250_FINALS, "rejected": "OK", "remote_hangup": "HANGUP: {id}"}),
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
    end_finals=frozen_map({**_V250_FINALS, "rejected": "HANGUP: {id}", "remote_hangup": "HANGUP: {id}"}),
    cmgr_stat=False,  # [T][I] the status-less +CMGR was captured from "a ZTE modem"; the M6280 is ZTE-built
    **_ZTE_CALLS,
)
