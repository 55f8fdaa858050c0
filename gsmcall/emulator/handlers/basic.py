"""Basic (V.250) commands, identification, error reporting, SIM PIN and ICCID, and power.

``basic_line`` parses what follows ``AT`` when it is not an extended command: basic commands
may be chained (``ATE1V1``, ``ATE0Q0V1``) and ``D`` takes the rest of the line, so they are
walked letter by letter instead of being looked up by name.
"""

from __future__ import annotations

import re

from ..context import PIN_TRIES, ModemContext
from ..profiles import Profile
from .calls import dial, hangup
from .registry import Reply, Request, handles, query, to_int


def basic_line(ctx: ModemContext, body: str) -> Reply:
    """Answer ``AT<body>``: E, V/Q/X/L/M, Z, I, H, A, D, S-registers and ``&`` commands."""
    unknown = ctx.profile.unknown_error
    lines: list[str] = []
    i = 0
    up = body.upper()
    while i < len(body):
        c = up[i]
        if c == "D":
            return dial(ctx, body[i + 1:]) if not lines else (lines, "OK")
        if c == " ":
            i += 1
            continue
        if c == "&":
            c2 = up[i + 1: i + 2]
            i = _skip_digits(body, i + 2)
            if c2 == "F":
                ctx.reset_settings()
            elif c2 not in ("W", "C", "D", "K", "V"):
                return [], unknown
            continue
        if c == "S":
            m = re.match(r"S(\d+)(\?|=(\d*))", up[i:])
            if not m:
                return [], unknown
            if m.group(2) == "?":
                lines.append(f"{ctx.settings.sregs.get(int(m.group(1)), 0):03d}")
            else:
                ctx.settings.sregs[int(m.group(1))] = to_int(m.group(3), 0)
            i += len(m.group(0))
            continue
        j = _skip_digits(body, i + 1)
        arg = to_int(body[i + 1: j], 0)
        i = j
        if c == "E":
            ctx.settings.echo = bool(arg)
        elif c in "VQXLM":
            pass  # accepted; verbose result codes are always used [I]
        elif c == "Z":
            ctx.reset_settings()
        elif c == "I":
            lines.extend(line.format(**_ident(ctx.profile)) for line in ctx.profile.ati_lines)
        elif c == "H":
            return hangup(ctx, "H")
        elif c == "A":
            return [], "NO CARRIER"  # no incoming call to answer
        else:
            return [], unknown
    return lines, "OK"


def _skip_digits(body: str, i: int) -> int:
    """Index of the first non-digit at or after ``i``: where a basic command's number ends."""
    while i < len(body) and body[i].isdigit():
        i += 1
    return i


def _ident(p: Profile) -> dict[str, str]:
    """The fields ATI and +CGMR templates may use."""
    return dict(manufacturer=p.manufacturer, model=p.model, revision=p.revision, imei=p.imei)


@handles("+CGMI", "+GMI")
def cgmi(ctx: ModemContext, req: Request) -> Reply:
    return ([ctx.profile.manufacturer] if req.op in ("exec", "set") else []), "OK"


@handles("+CGMM", "+GMM")
def cgmm(ctx: ModemContext, req: Request) -> Reply:
    return ([ctx.profile.model] if req.op in ("exec", "set") else []), "OK"


@handles("+CGMR", "+GMR")
def cgmr(ctx: ModemContext, req: Request) -> Reply:
    if ctx.profile.cgmr_format is None:
        return [], ctx.profile.unknown_error
    return ([ctx.profile.cgmr_format.format(**_ident(ctx.profile))] if req.op in ("exec", "set") else []), "OK"


@handles("+CGSN", "+GSN")
def cgsn(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "set":
        return [f"+CGSN: {ctx.profile.imei}"], "OK"
    return ([ctx.profile.imei] if req.op == "exec" else []), "OK"


@handles("+CIMI")
def cimi(ctx: ModemContext, req: Request) -> Reply:
    return ([ctx.profile.imsi] if req.op == "exec" else []), "OK"


@handles("+GCAP")
def gcap(ctx: ModemContext, req: Request) -> Reply:
    return ["+GCAP: +CGSM"], "OK"


@handles("+CMEE")
def cmee(ctx: ModemContext, req: Request) -> Reply:
    if req.op in ("read", "test"):
        return query(req, f"+CMEE: {ctx.settings.cmee}", "+CMEE: (0-2)")
    n = to_int(req.args[0]) if req.op == "set" and req.args[0] != "" else 0  # bare AT+CMEE is 0
    if n not in (0, 1, 2):
        return [], ctx.cme(50)
    ctx.settings.cmee = n
    return [], "OK"


@handles("+CPIN")
def cpin(ctx: ModemContext, req: Request) -> Reply:
    if not ctx.sim_inserted:
        return [], ctx.cme(10)
    if req.op == "read":
        return [f"+CPIN: {ctx.cpin_state}"], ctx.profile.cpin_read_final
    if req.op != "set":
        return [], "OK"
    ctx.pin_attempts += 1
    if ctx.cpin_state == "SIM PUK":
        return [], ctx.cme(12)
    if ctx.cpin_state == "READY":
        return [], ctx.cme(3)  # nothing to unlock [I]
    if req.args[0] == ctx.pin:
        ctx.settings.pin_ok = True
        ctx.pin_tries_left = PIN_TRIES
        ctx.event("SIM PIN accepted")
        ctx.later(0.0, ctx.sim_unlocked)
        return [], "OK"
    ctx.wrong_pin_attempts += 1
    ctx.pin_tries_left -= 1
    ctx.event(f"wrong SIM PIN (failure {ctx.wrong_pin_attempts}), {ctx.pin_tries_left} tries left")
    return [], ctx.cme(16)


@handles("+CCID")
def ccid(ctx: ModemContext, req: Request) -> Reply:
    """The SIM's ICCID, answered while the PIN is still pending, as most modules do [I]."""
    if not ctx.sim_inserted:
        return [], ctx.cme(10)
    return ([] if req.op == "test" else [f"+CCID: {ctx.iccid}"]), "OK"


@handles("+CFUN")
def cfun(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "set":
        fun = to_int(req.args[0])
        if len(req.args) > 1 and req.args[1] == "1":
            ctx.later(0.05, ctx.reset, "AT+CFUN=1,1")
        else:
            ctx.settings.cfun = fun
            if fun == 1 and ctx.profile.cfun1_busy:
                ctx.busy_replies = ctx.profile.cfun1_busy
                ctx.event(f"AT+CFUN=1: busy for the next {ctx.busy_replies} commands")
    if req.op == "read" and ctx.profile.cfun_read:
        return [ctx.profile.cfun_read], "OK"
    return query(req, f"+CFUN: {ctx.settings.cfun}", "+CFUN: (0,1,4),(0-1)")


@handles("+CRESET")
def creset(ctx: ModemContext, req: Request) -> Reply:
    ctx.later(0.05, ctx.reset, "AT+CRESET")
    return [], "OK"
