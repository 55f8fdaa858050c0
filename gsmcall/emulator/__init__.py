"""A GSM/LTE modem emulator on a pseudo-terminal (sim800, ec25, sim7600, huawei, generic,
and the blocking-ATD families wavecom, zte and qualcomm).

Used by the test suite, ``gsmcall emulator`` and ``gsmcall demo``.  Standard library and
pyserial only; it does not import the daemon's own AT or SMS code on purpose.
"""

from .calls import Callee, CallRecord
from .core import Emulator
from .eventlog import LogEntry
from .profiles import PROFILES, Profile, get_profile
from .sms_store import StorageFull

__all__ = ["Emulator", "Callee", "CallRecord", "LogEntry", "PROFILES", "Profile", "get_profile", "StorageFull"]
