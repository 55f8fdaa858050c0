"""AT command handlers of the emulated modem, one module per area, and the dispatcher.

``dispatch`` turns a command line into a reply: basic commands go to ``basic.basic_line``;
extended ones (``+``/``^``/``$``) are parsed into a ``Request`` and looked up in the registry
the area modules fill (``registry.HANDLERS``).  The policy that applies across areas sits here:
vendor commands answer only on the profiles that list them in ``extra_commands``, SIM-bound
commands wait for the PIN, unknown commands get the profile's error text.
"""

from __future__ import annotations

import re

from ..context import ModemContext
from . import calls, forwarding, network, sms, speech, vendor  # noqa: F401  (imported to register their handlers)
from .basic import basic_line
from .registry import HANDLERS, Reply, Request, split_args
from .simple import SIMPLE, simple

# every vendor command any profile knows; a profile answers only its own
VENDOR_COMMANDS = frozenset({
    "+MORING", "+DDET", "+CDRIND", "+CIURC", "+HVOIC", "+CMGDA",
    "^DSCI", "+QINDCFG", "+QTONEDET", "+QHUP", "+QCFG",
    "+CDTAM", "+CRESET", "+AUTOCSQ", "+CNSMOD",
    "^CURC", "^DDSETEX", "^CVOICE", "^SYSINFO", "^DDTMFCFG", "^CSNR", "^U2DIAG",
    "+WIND", "+ZPAS",
})
# commands that need an unlocked SIM (27.007: +CME ERROR: 11 while the PIN is pending)
NEEDS_SIM = frozenset({"+CIMI", "+CMGF", "+CPMS", "+CNMI", "+CMGR", "+CMGL", "+CMGD", "+CMGS",
                       "+CMGW", "+CSCA", "+CLCC", "+CCFC"})

_EXT_RE = re.compile(r"([+^$][A-Za-z0-9]+)(.*)$", re.S)
_OPS = {"": "exec", "?": "read", "=?": "test"}


def dispatch(ctx: ModemContext, cmd: str) -> Reply:
    """Answer one command line (``cmd`` starts with ``AT``); None when a prompt took over."""
    body = cmd[2:]
    if not body.strip():
        return [], "OK"
    if body[0] in "+^$":
        return _extended(ctx, body)
    return basic_line(ctx, body)


def _extended(ctx: ModemContext, body: str) -> Reply:
    unknown = ctx.profile.unknown_error
    m = _EXT_RE.match(body)
    if not m:
        return [], unknown
    name, rest = m.group(1).upper(), m.group(2)
    if rest in _OPS:
        op, args = _OPS[rest], ""
    elif rest.startswith("="):
        op, args = "set", rest[1:]
    else:
        return [], unknown
    if name in VENDOR_COMMANDS and name not in ctx.profile.extra_commands:
        return [], unknown
    if name in NEEDS_SIM and not ctx.sim_ready and op != "test":
        return [], (ctx.cms(311) if name.startswith("+CMG") else ctx.cme(11 if ctx.sim_inserted else 10))
    handler = HANDLERS.get(name)
    if handler is None:
        return simple(ctx, name, op, args) if name in SIMPLE else ([], unknown)
    try:
        return handler(ctx, Request(name, op, split_args(args) if op == "set" else []))
    except (ValueError, IndexError):
        return [], ctx.cme(50)
