"""Vendor differences, as data.

Everything that differs between modem families lives here and nowhere else: the commands
that switch on call-state URCs, how to hang up, where SMS are stored, and how to recognise
the family from ``AT+CGMI``/``AT+CGMM``.  Claims the reference marks [I] (inferred, not
seen on hardware) are flagged so they are easy to revisit.  Adding a family is adding an
entry, in the manner of ModemManager's plugins and TinyGSM's per-modem files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # Sent after the common init (ATE0, CMEE, PIN, registration); an ERROR is logged, not fatal.
    init_commands: tuple[str, ...]
    # True when the modem pushes call progress as URCs; False means poll AT+CLCC during a call.
    pushes_call_state: bool
    # The commands that make it push; if one is refused, the daemon polls instead.
    call_state_commands: tuple[str, ...]
    # Tried in order until one answers OK.
    hangup_commands: tuple[str, ...]
    sms_storage: str
    # (manufacturer regex, model regex) pairs; the first profile whose pair matches wins.
    identify: tuple[tuple[str, str], ...] = ()
    clcc_poll_interval: float = 0.5
    new_message_indication: str = "AT+CNMI=2,1,0,0,0"


GENERIC = Profile(
    name="generic",
    init_commands=("AT+COLP=0", "AT+CVHU=0"),
    pushes_call_state=False,
    call_state_commands=(),
    hangup_commands=("AT+CHUP", "ATH"),
    sms_storage="SM",
)

SIM800 = Profile(
    name="sim800",
    # SIM800 has no AT+CVHU (V1.09).
    init_commands=("AT+COLP=0",),
    pushes_call_state=True,
    # +CLCC on every change, and MO RING/MO CONNECTED.
    call_state_commands=("AT+CLCC=1", "AT+MORING=1"),
    # AT+CHUP is not in the SIM800 V1.09 command list.
    hangup_commands=("ATH",),
    sms_storage="SM",
    identify=((r"SIMCOM", r"SIM8\d\d"), (r"SIMCOM", r"SIM9\d\d")),
)

EC25 = Profile(
    name="ec25",
    # CVHU=0 because the manual does not state the default; smsfull makes a full store
    # visible as +QIND: "smsfull".
    init_commands=("AT+COLP=0", "AT+CVHU=0", 'AT+QINDCFG="smsfull",1'),
    pushes_call_state=True,
    # ^DSCI pushes call state (manual example).
    call_state_commands=("AT^DSCI=1",),
    hangup_commands=("AT+CHUP", "ATH"),
    sms_storage="ME",  # [I] the module's own store; capacity from AT+CPMS
    identify=((r"QUECTEL", r""), (r"", r"^E[CG]2[15]")),
)

SIM7600 = Profile(
    name="sim7600",
    # ATH is silently ignored unless CVHU=0 (LilyGO T-SIM7600X #65).
    init_commands=("AT+COLP=0", "AT+CVHU=0"),
    pushes_call_state=True,
    # +CLCC on change; VOICE CALL: BEGIN/END come regardless.
    call_state_commands=("AT+CLCC=1",),
    hangup_commands=("AT+CHUP", "ATH"),
    sms_storage="SM",
    identify=((r"SIMCOM", r"SIM7[56]\d\d|A76\d\d"),),
)

HUAWEI = Profile(
    name="huawei",
    # ^ORIG/^CONF/^CONN/^CEND are always on; ATH needs CVHU=0 on the E1550 (smslib #5).
    init_commands=("AT+CVHU=0",),
    pushes_call_state=True,
    call_state_commands=(),  # always on
    hangup_commands=("AT+CHUP", "ATH"),
    sms_storage="SM",
    identify=((r"HUAWEI", r""),),
)

PROFILES: dict[str, Profile] = {p.name: p for p in (GENERIC, SIM800, EC25, SIM7600, HUAWEI)}


def identify(manufacturer: str, model: str) -> Profile:
    """The profile for a modem that calls itself ``manufacturer``/``model``."""
    for profile in (SIM800, SIM7600, EC25, HUAWEI):
        for maker_re, model_re in profile.identify:
            if re.search(maker_re, manufacturer, re.IGNORECASE) and re.search(model_re, model, re.IGNORECASE):
                return profile
    return GENERIC
