"""Call forwarding (27.007 ``+CCFC``): whether the modem lets us query it.

Setting forwarding goes by the carrier's dial string (China Telecom ``*72<n>``) or
``AT+CCFC``; the network may refuse queries (VoLTE sets it over Ut/XCAP), which is "cannot
verify", not a failure.  At init only the probe runs; changes come with the forwarding
schedule.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ForwardingSpec:
    probe: str = "AT+CCFC=?"
    query: str = "AT+CCFC=0,2"  # reason 0: unconditional
