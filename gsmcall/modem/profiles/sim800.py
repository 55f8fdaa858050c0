"""SIMCom SIM800/SIM900 (2G): ``+CLCC`` pushed on change plus ``MO RING``/``MO CONNECTED``."""

from gsmcall.modem.capabilities.speech import KeySpec, SpeechSpec
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
    # TTS only on the TTS firmware builds (not the SIM800L) [M]: the probe decides.  The piece
    # limit is [I].
    speech=SpeechSpec(probe="AT+CTTS=?", speak='AT+CTTS=1,"{hex}"', stop="AT+CTTS=0", done_prefix="+CTTS:",
                      max_hex=512),
    keys=KeySpec(probe="AT+DDET=?", enable="AT+DDET=1,0,0", urc_prefix="+DTMF:"),
)
