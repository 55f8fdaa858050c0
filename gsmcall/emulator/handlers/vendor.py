"""Vendor commands with behaviour: URC switches, Quectel indication config, Huawei queries.

They answer only on profiles that list them in ``extra_commands`` (the dispatcher checks);
vendor commands that are merely accepted and echoed back live in ``simple.py``.
"""

from __future__ import annotations

from ..context import ModemContext
from .registry import Reply, Request, handles, query, to_int

# on/off switches for a URC family: command -> the Settings field that gates those URCs
_SWITCHES = {"+MORING": "moring", "^DSCI": "dsci", "+DDET": "ddet", "+QTONEDET": "qtonedet", "^CURC": "curc"}

# AT+QINDCFG="<what>" -> the Settings field it controls; other indications are accepted as on
_QIND = {"ccinfo": "ccinfo", "smsfull": "qind_smsfull"}


@handles(*_SWITCHES)
def urc_switch(ctx: ModemContext, req: Request) -> Reply:
    attr = _SWITCHES[req.name]
    if req.op == "set":
        setattr(ctx.settings, attr, to_int(req.args[0]) == 1)
    elif req.op == "read":
        return [f"{req.name}: {int(getattr(ctx.settings, attr))}"], "OK"
    return [], "OK"


@handles("^DDTMFCFG")
def ddtmfcfg(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "set":
        ctx.settings.ddtmf = req.args[0] == "0" and req.args[1:2] == ["1"]
    return [], "OK"


@handles("+QINDCFG")
def qindcfg(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "test":
        return ['+QINDCFG: "all",(0,1),(0,1)'], "OK"
    if req.op != "set":
        return [], "OK"
    what = req.args[0].lower()
    attr = _QIND.get(what)
    if len(req.args) == 1:
        val = int(getattr(ctx.settings, attr)) if attr else 1
        return [f'+QINDCFG: "{what}",{val}'], "OK"
    if attr:
        setattr(ctx.settings, attr, to_int(req.args[1]) == 1)
    return [], "OK"


@handles("^CVOICE")
def cvoice(ctx: ModemContext, req: Request) -> Reply:
    return query(req, "^CVOICE:0,8000,16,20", "^CVOICE:(0)")


@handles("^SYSINFO")
def sysinfo(ctx: ModemContext, req: Request) -> Reply:
    srv = 2 if ctx.effective_reg() in (1, 5) else 0
    return [f"^SYSINFO:{srv},3,0,5,1,,4"], "OK"


@handles("^CSNR")
def csnr(ctx: ModemContext, req: Request) -> Reply:
    return ["^CSNR:-83,-7"], "OK"


@handles("+WIND")
def wind(ctx: ModemContext, req: Request) -> Reply:
    """Wavecom indication mask: AT+WIND=50 turns on +WIND: 2 / 5,<id> / 6,<id> [F]."""
    if req.op == "set":
        n = to_int(req.args[0])
        if not 0 <= n <= 0xFFFF:
            return [], ctx.cme(3)  # [I]
        ctx.settings.wind = n
        return [], "OK"
    return query(req, f"+WIND: {ctx.settings.wind}", "+WIND: (0-65535)")  # test form [I]


@handles("+ZPAS")
def zpas(ctx: ModemContext, req: Request) -> Reply:
    """ZTE bearer query; python-gsmmodem uses it to recognise ZTE call updates [F]."""
    if req.op == "test":
        return [], "OK"  # [I]
    return ['+BEARTYPE: "UMTS","CS_PS"'], "OK"
