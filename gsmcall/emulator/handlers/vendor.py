"""Vendor commands with behaviour: URC switches, Quectel indication config, Huawei queries,
and the SIM questions (ICCID, PIN tries left) whose form differs by family.

They answer only on profiles that list them in ``extra_commands`` (the dispatcher checks),
the SIM questions only on the families in ``SIM_FAMILIES`` (checked here); vendor commands
that are merely accepted and echoed back live in ``simple.py``.
"""

from __future__ import annotations

from ..context import PIN_TRIES, PUK_TRIES, ModemContext
from .registry import Reply, Request, handles, query, to_int

# on/off switches for a URC family: command -> the Settings field that gates those URCs
_SWITCHES = {"+MORING": "moring", "^DSCI": "dsci", "+DDET": "ddet", "+QTONEDET": "qtonedet", "^CURC": "curc"}

# AT+QINDCFG="<what>" -> the Settings field it controls; other indications are accepted as on
_QIND = {"ccinfo": "ccinfo", "smsfull": "qind_smsfull"}

# Which families answer which SIM question [I]: the reference names none of these commands.
# AT+CPINR is 27.007's (8.65); the generic modem and the SIMCom families are given it.
SIM_FAMILIES = {
    "+CPINR": frozenset({"generic", "sim800", "sim800l", "sim7600"}),
    "+QCCID": frozenset({"ec25"}),
    "+QPINC": frozenset({"ec25"}),
    "^ICCID": frozenset({"huawei"}),
    "^CPIN": frozenset({"huawei"}),
}


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


def _sim_refusal(ctx: ModemContext, req: Request) -> Reply:
    """The reply of a family without this SIM question, or of a modem without a SIM; None: answer."""
    if ctx.profile.name not in SIM_FAMILIES[req.name]:
        return [], ctx.profile.unknown_error
    return None if ctx.sim_inserted else ([], ctx.cme(10))


def _counters(ctx: ModemContext, req: Request, line: str, counters: dict[str, tuple[int, int]]) -> Reply:
    """One ``line`` per counter (code, then its two numbers): all, or the one the set form names."""
    wanted = req.args[0].upper() if req.op == "set" else None
    if wanted is not None and wanted not in counters:
        return [], ctx.cme(50)  # [I]
    return [line.format(code, *counts) for code, counts in counters.items() if wanted in (None, code)], "OK"


@handles("+CPINR")
def cpinr(ctx: ModemContext, req: Request) -> Reply:
    """27.007 ``+CPINR: <code>,<retries>,<default_retries>``, per code or all of them."""
    refused = _sim_refusal(ctx, req)
    if refused or req.op == "test":
        return refused or ([], "OK")
    return _counters(ctx, req, "+CPINR: {},{},{}",
                     {"SIM PIN": (ctx.pin_tries_left, PIN_TRIES), "SIM PUK": (PUK_TRIES, PUK_TRIES)})


@handles("+QPINC")
def qpinc(ctx: ModemContext, req: Request) -> Reply:
    """Quectel ``+QPINC: "SC",<pin_left>,<puk_left>`` (and "P2" for PIN2) [I]."""
    refused = _sim_refusal(ctx, req)
    if refused or req.op == "test":
        return refused or (['+QPINC: ("SC","P2")'], "OK")
    return _counters(ctx, req, '+QPINC: "{}",{},{}',
                     {"SC": (ctx.pin_tries_left, PUK_TRIES), "P2": (PIN_TRIES, PUK_TRIES)})


@handles("^CPIN")
def huawei_cpin(ctx: ModemContext, req: Request) -> Reply:
    """Huawei ``^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>``,
    ``<times>`` being the tries of the code asked for (none when READY) [I].  The set form,
    which enters a PIN on real sticks, is not emulated."""
    refused = _sim_refusal(ctx, req)
    if refused or req.op != "read":
        return refused or ([], ctx.cme(4) if req.op == "set" else "OK")
    state = ctx.cpin_state
    times = {"SIM PIN": str(ctx.pin_tries_left), "SIM PUK": str(PUK_TRIES)}.get(state, "")
    return [f"^CPIN: {state},{times},{PUK_TRIES},{ctx.pin_tries_left},{PUK_TRIES},{PIN_TRIES}"], "OK"


@handles("+QCCID", "^ICCID")
def vendor_iccid(ctx: ModemContext, req: Request) -> Reply:
    """Quectel ``AT+QCCID`` and Huawei ``AT^ICCID?`` (real sticks give the digits in the SIM's
    nibble order; the plain ICCID here) [I]."""
    refused = _sim_refusal(ctx, req)
    if refused or req.op == "test":
        return refused or ([], "OK")
    return [f"{req.name}: {ctx.iccid}"], "OK"
