"""Quectel EC2x/EG2x (LTE): ``^DSCI`` pushes call state; the SMS store is the module's own."""

from gsmcall.modem.capabilities.sms import SmsSpec
from gsmcall.modem.capabilities.speech import KeySpec, SpeechSpec
from gsmcall.modem.capabilities.voice import VoiceSpec
from gsmcall.modem.profiles.base import Profile

EC25 = Profile(
    name="ec25",
    identify=((r"QUECTEL", r""), (r"", r"^E[CG]2[15]")),
    # CVHU=0 because the manual does not state the default; smsfull makes a full store
    # visible as +QIND: "smsfull".
    init_commands=("AT+COLP=0", "AT+CVHU=0", 'AT+QINDCFG="smsfull",1'),
    voice=VoiceSpec(pushes_call_state=True, call_state_commands=("AT^DSCI=1",)),  # manual example
    sms=SmsSpec(storage="ME"),  # [I] the module's own store; capacity from AT+CPMS
    # QWTTS plays to the far end (ulmute=1, dlmute=1, mode 1 = UCS2); the manual's limit is
    # 543 bytes of text [M]; taking them as hex characters is [I], so pieces stay under it.
    speech=SpeechSpec(probe="AT+QWTTS=?", speak='AT+QWTTS=1,1,1,"{hex}"', stop="AT+QWTTS=1,0,0",
                      done_prefix="+QWTTS:", max_hex=540),
    keys=KeySpec(probe="AT+QTONEDET=?", enable="AT+QTONEDET=1", urc_prefix="+QTONEDET:", ascii_codes=True),
)
