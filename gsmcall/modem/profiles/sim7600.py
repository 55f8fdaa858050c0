"""SIMCom SIM7500/SIM7600/A76xx (LTE): ``+CLCC`` on change; ``VOICE CALL:`` regardless."""

from gsmcall.modem.capabilities.speech import KeySpec, SpeechSpec
from gsmcall.modem.capabilities.voice import VoiceSpec
from gsmcall.modem.profiles.base import Profile

SIM7600 = Profile(
    name="sim7600",
    identify=((r"SIMCOM", r"SIM7[56]\d\d|A76\d\d"),),
    # ATH is silently ignored unless CVHU=0 (LilyGO T-SIM7600X #65).
    init_commands=("AT+COLP=0", "AT+CVHU=0"),
    voice=VoiceSpec(pushes_call_state=True, call_state_commands=("AT+CLCC=1",)),
    # CDTAM=1 plays TTS to the far end [M]; the piece limit is [I] (no figure in the manual).
    speech=SpeechSpec(probe="AT+CTTS=?", speak='AT+CTTS=1,"{hex}"', stop="AT+CTTS=0", done_prefix="+CTTS:",
                      max_hex=512, prepare=("AT+CDTAM=1",)),
    keys=KeySpec(probe="AT+DDET=?", enable="AT+DDET=1", urc_prefix="+RXDTMF:"),
)
