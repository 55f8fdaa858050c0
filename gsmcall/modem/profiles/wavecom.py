"""Wavecom (Fastrack, Q24xx) serial modems: ATD blocks and answers OK only once the callee
answers; NO CARRIER, BUSY or NO ANSWER end it (python-gsmmodem-new's captured replies)."""

from gsmcall.modem.capabilities.voice import VoiceSpec
from gsmcall.modem.profiles.base import Profile

WAVECOM = Profile(
    name="wavecom",
    identify=((r"WAVECOM", r""),),
    # AT+CVHU is refused (captured); +WIND=50 reports call created / far end ringing / released,
    # which is the only word of a call while the blocking ATD runs.
    init_commands=("AT+COLP=0", "AT+WIND=50"),
    voice=VoiceSpec(dial_blocks=True, ok_is_answer=True, hangup_commands=("ATH", "AT+CHUP")),
)
