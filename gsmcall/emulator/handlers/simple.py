"""Commands that are accepted and remembered but have no behaviour behind them.

The set form stores its raw argument text and the read form echoes it back (or the default
below), which is all a host initialisation sequence needs from them.  They are not in the
handler registry because they keep the arguments unsplit, quotes included.
"""

from __future__ import annotations

from ..context import ModemContext
from .registry import Reply

SIMPLE = {
    "+CLIP": "0", "+CRC": "0", "+CSSN": "0,0", "+CSMP": "17,167,0,0", "+CIURC": "1",
    "+CDRIND": "0", "+CDTAM": "0", "+AUTOCSQ": "0,0", "+CNSMOD": "0", "+QCFG": "",
    "^DDSETEX": "", "^U2DIAG": "0", "+CNMA": "", "+CSCB": "0", "+CTZU": "0", "+CLTS": "0",
    "+IPR": "115200", "+CSCLK": "0", "+CLVL": "5", "+CMUT": "0", "+VTS": "",
}


def simple(ctx: ModemContext, name: str, op: str, args: str) -> Reply:
    """Answer one of ``SIMPLE``: store on set, echo on read, OK otherwise."""
    if op == "set":
        ctx.settings.simple[name] = args
    elif op == "read":
        return [f"{name}: {ctx.settings.simple.get(name, SIMPLE[name])}"], "OK"
    return [], "OK"
