"""SIMCom SIM800/SIM900 (2G): ``+CLCC`` pushed on change plus ``MO RING``/``MO CONNECTED``."""

from gsmcall.modem.capabilities.voice import VoiceSpec
from gsmcall.modem.profiles.base import Profile

SIM800 = Profile(
    name="sim800",
    identify=((r"SIMCOM", r"SIM8\d\d"), (r"SIMCOM", r"SIM9\d\d")),
    # SIM800 has no AT+CVHU (V1.09).
    init_commands=("AT+COLP=0",),
    voice=VoiceSpec(
        pushes_call_state=True,
        call_state_commands=("AT+CLCC=1", "AT+MORING=1"),
        # AT+CHUP is not in the SIM800 V1.09 command list.
        hangup_commands=("ATH",),
    ),
)
