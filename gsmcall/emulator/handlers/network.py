"""Network registration, signal, operator and service-centre queries."""

from __future__ import annotations

from ..context import ModemContext
from .registry import Reply, Request, handles, query, to_int


@handles("+CREG", "+CGREG", "+CEREG")
def registration(ctx: ModemContext, req: Request) -> Reply:
    """The three registration commands differ only in their name and the cell fields of n=2."""
    if req.op == "set":
        n = to_int(req.args[0])
        if n not in (0, 1, 2):
            return [], ctx.cme(50)
        ctx.settings.reg_n[req.name] = n
    return query(req, ctx.reg_line(req.name, query=True), f"{req.name}: (0-2)")


@handles("+CSQ")
def csq(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "test":
        return ["+CSQ: (0-31,99),(0-7,99)"], "OK"
    return [f"+CSQ: {ctx.rssi},99"], "OK"


@handles("+COPS")
def cops(ctx: ModemContext, req: Request) -> Reply:
    """Always automatic selection; the operator is shown only while registered."""
    p = ctx.profile
    act = f",{p.act}" if p.act is not None else ""
    current = f'+COPS: 0,0,"{p.operator}"{act}' if ctx.effective_reg() in (1, 5) else "+COPS: 0"
    return query(req, current, f'+COPS: (2,"{p.operator}","{p.operator}","46000"),,(0-4),(0-2)')


@handles("+CSCA")
def csca(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "read":
        return [f'+CSCA: "{ctx.smsc}",145'], "OK"
    return [], "OK"
