"""Vendor profiles: one file per family, each holding everything that family does
differently from the 27.007 defaults, in the manner of ModemManager's plugins.

A profile is data: the capability specs (``modem/capabilities``) with only the differing
fields overridden, the extra init commands, and how to recognise the family from
``AT+CGMI``/``AT+CGMM``.  Claims the reference marks [I] (inferred, not seen on hardware)
are flagged in the vendor files so they are easy to revisit.  Adding a family is adding a
file and one line below.
"""

from __future__ import annotations

import re

from gsmcall.modem.profiles.base import Profile
from gsmcall.modem.profiles.ec25 import EC25
from gsmcall.modem.profiles.generic import GENERIC
from gsmcall.modem.profiles.huawei import HUAWEI
from gsmcall.modem.profiles.qualcomm import QUALCOMM
from gsmcall.modem.profiles.sim800 import SIM800
from gsmcall.modem.profiles.sim7600 import SIM7600
from gsmcall.modem.profiles.wavecom import WAVECOM
from gsmcall.modem.profiles.zte import ZTE

# The one list of profile names: config validation, the CLI and the tests read it here.
PROFILES: dict[str, Profile] = {
    p.name: p for p in (SIM800, EC25, SIM7600, HUAWEI, WAVECOM, ZTE, QUALCOMM, GENERIC)
}

__all__ = ["PROFILES", "Profile", "identify"]


def identify(manufacturer: str, model: str) -> Profile:
    """The profile for a modem that calls itself ``manufacturer``/``model``."""
    for profile in PROFILES.values():
        for maker_re, model_re in profile.identify:
            if re.search(maker_re, manufacturer, re.IGNORECASE) and re.search(model_re, model, re.IGNORECASE):
                return profile
    return GENERIC
