"""Huawei USB sticks (E1550, E173, E3372 ...): ``^ORIG/^CONF/^CONN/^CEND`` are always on."""

from gsmcall.modem.capabilities.speech import KeySpec
from gsmcall.modem.capabilities.voice import VoiceSpec
from gsmcall.modem.profiles.base import Profile

HUAWEI = Profile(
    name="huawei",
    identify=((r"HUAWEI", r""),),
    # ATH needs CVHU=0 on the E1550 (smslib #5).
    init_commands=("AT+CVHU=0",),
    voice=VoiceSpec(pushes_call_state=True),  # nothing to switch on
    # No TTS; the DTMF decoder is not on every firmware (ModemManager's huawei plugin).
    keys=KeySpec(probe="AT^DDTMFCFG=?", enable="AT^DDTMFCFG=0,1", urc_prefix="^DDTMF:"),
)
