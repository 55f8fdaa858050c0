"""Voice calls from the host's side: ATD, the hang-up commands, call listing and causes.

The call itself (alerting, answer, end URCs) is ``emulator.calls.Call``; these handlers only
start it, end it, or report on it.  Dial strings that touch call forwarding (22.030 strings
ending in ``#``, China Telecom's ``*72`` codes) are handed to ``handlers.forwarding``.
"""

from __future__ import annotations

import re
import time

from ..calls import Call, CallRecord
from ..context import ModemContext
from .forwarding import feature_code, supplementary_service
from .registry import Reply, Request, handles, query, to_int

CEER_TEXT = {
    8: "Operator determined barring",
    16: "Normal call clearing", 17: "User busy", 18: "No user responding",
    19: "User alerting, no answer", 21: "Call rejected", 31: "Normal, unspecified",
}  # SIM7600 table wording; other firmware differs [I]

# which hang-up rule of the profile each vendor alias follows
_HANGUP_KIND = {"+CHUP": "+CHUP", "+QHUP": "+CHUP", "+HVOIC": "H"}


def dial(ctx: ModemContext, rest: str) -> Reply:
    """``ATD<rest>``: voice calls only (a trailing ``;``); the callee script decides the rest."""
    rest = rest.strip()
    if not rest.endswith(";"):
        ctx.event(f"data call ATD{rest} refused (no ';')")
        return [], "NO CARRIER"
    number = rest[:-1].strip()
    if not number:
        return [], "ERROR"
    if not ctx.sim_ready:
        return [], ctx.cme(11 if ctx.sim_inserted else 10)
    if number.endswith("#"):  # 22.030 supplementary-service string, not a call [I]
        return supplementary_service(ctx, number)
    if ctx.active_calls:
        ctx.event(f"ATD{number}; refused: a call is already up")
        return [], ctx.cme(3)  # [I]
    callee = ctx.callees.get(number) or feature_code(ctx, number) or ctx.default_callee
    if callee.kind == "fails" or ctx.effective_reg() not in (1, 5):
        rec = CallRecord(number=number, outcome="failed", script=callee.kind)
        rec.dialed_at = rec.ended_at = time.monotonic()
        ctx.call_records.append(rec)
        if callee.kind == "fails":
            ctx.event(f"call {number} failed: {callee.error}")
            return [], _error_text(ctx, callee.error)
        ctx.event(f"call {number} failed: not registered")
        return [], "NO CARRIER"  # [I]
    call = Call(ctx, number, callee, ctx.alerting_delay, ctx.profile.first_call_id)
    ctx.active_calls.append(call)
    ctx.call_records.append(call.record)
    call.start()
    if call.blocking:  # no result code yet: the answer or the end supplies it (or an abort)
        ctx.event(f"ATD{number}; blocks until the call is answered or ends")
        return None
    return [], "OK"


def _error_text(ctx: ModemContext, text: str) -> str:
    """A configured error line: '+CME ERROR: <n>' goes through CMEE, anything else verbatim."""
    m = re.fullmatch(r"\+CME ERROR:\s*(\d+)", text.strip())
    return ctx.cme(int(m.group(1))) if m else text


def hangup(ctx: ModemContext, kind: str) -> Reply:
    """ATH (``kind`` "H") or AT+CHUP, following the profile's rule for that command."""
    rule = ctx.profile.hangup.get(kind)
    if rule is None or not rule.supported:
        return [], ctx.profile.unknown_error
    cmd = "ATH" if kind == "H" else "AT" + kind
    if not ctx.active_calls:
        return [], "OK"
    if rule.needs_cvhu0 and ctx.settings.cvhu != 0:
        ctx.event(f"{cmd} ignored: AT+CVHU is {ctx.settings.cvhu}, the call continues")
        return [], "OK"
    delay = ctx.end_report_delay
    for call in list(ctx.active_calls):
        if delay > 0:  # gone at once, reported late (after the OK whatever the profile's order)
            call.end("host", "host", final=rule.final, report_delay=delay)
        elif rule.end_before_ok:
            call.end("host", "host", final=rule.final)
        else:
            ctx.later(0.0, call.end, "host", "host", rule.final)
    return [], "OK"


@handles("+CHUP", "+QHUP", "+HVOIC")
def chup(ctx: ModemContext, req: Request) -> Reply:
    return hangup(ctx, _HANGUP_KIND[req.name])


@handles("+CVHU")
def cvhu(ctx: ModemContext, req: Request) -> Reply:
    if ctx.profile.cvhu_default is None:
        return [], ctx.profile.unknown_error
    if req.op == "set":
        ctx.settings.cvhu = to_int(req.args[0])
        if ctx.profile.cvhu_set_line:
            return [ctx.profile.cvhu_set_line], "OK"
    return query(req, f"+CVHU: {ctx.settings.cvhu}", "+CVHU: (0-1)")


@handles("+CLCC")
def clcc(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "set":
        ctx.settings.clcc_urc = to_int(req.args[0]) == 1
        return [], "OK"
    if req.op == "read":
        return [f"+CLCC: {int(ctx.settings.clcc_urc)}"], "OK"
    if req.op == "test":
        return [], "OK"
    lines = []
    if ctx.profile.lte_data_call:
        lines.append('+CLCC: 1,0,0,1,0,"",128')  # EC25 on LTE lists a PS pseudo-call [M]
    lines.extend(c.clcc_line() for c in ctx.active_calls)
    return lines, "OK"


@handles("+CEER")
def ceer(ctx: ModemContext, req: Request) -> Reply:
    text = CEER_TEXT.get(ctx.last_cause or -1, "No cause information available")  # [I]
    return [f"+CEER: {text}"], "OK"


@handles("+COLP")
def colp(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "read":
        return [f"+COLP: {ctx.settings.colp},1"], "OK"
    if req.op == "set":
        ctx.settings.colp = to_int(req.args[0])
        if ctx.settings.colp and not ctx.profile.atd_blocks:
            ctx.event("AT+COLP=1: blocking ATD is not emulated; ATD still answers OK at once")
    return [], "OK"
