"""ZTE USB sticks (K3565-Z and kin): ATD blocks until CONNECT (answered); a declined call
ends the ATD with OK; ``HANGUP: <id>`` ends a connected call (captured replies)."""

from gsmcall.modem.capabilities.voice import VoiceSpec
from gsmcall.modem.profiles.base import Profile

ZTE = Profile(
    name="zte",
    identify=((r"\bZTE\b", r""),),
    init_commands=("AT+CVHU=0",),
    voice=VoiceSpec(dial_blocks=True, hangup_commands=("ATH", "AT+CHUP")),
)
