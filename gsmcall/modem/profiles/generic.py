"""Any 27.007 modem: no call-state URCs, so calls are followed by polling ``AT+CLCC``."""

from gsmcall.modem.profiles.base import Profile

GENERIC = Profile(
    name="generic",
    init_commands=("AT+COLP=0", "AT+CVHU=0"),
)
