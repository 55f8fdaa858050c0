"""Qualcomm M6280 sticks (ZTE-built): like ZTE, but a declined call ends with ``HANGUP: <id>``,
which the AT layer reads as the blocking ATD's last word (captured replies)."""

from gsmcall.modem.capabilities.voice import VoiceSpec
from gsmcall.modem.profiles.base import Profile

QUALCOMM = Profile(
    name="qualcomm",
    identify=((r"QUALCOMM", r""),),
    init_commands=("AT+CVHU=0",),
    voice=VoiceSpec(dial_blocks=True, hangup_commands=("ATH", "AT+CHUP")),
)
