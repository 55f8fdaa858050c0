"""SMS commands (27.005): formats, memories, notification routing, reading, deleting, sending.

AT+CMGS/AT+CMGW open the ``> `` prompt through ``ModemContext.begin_input``; the modem
collects the body and calls ``finish_input`` on Ctrl-Z.
"""

from __future__ import annotations

from ..context import ModemContext
from ..pdu_encode import tpdu_length
from ..sms_store import STAT_BY_NAME, STAT_NAMES, StorageFull, text_view, ucs2_hex
from .registry import Reply, Request, handles, query, to_int

MAX_TPDU = 176  # octets AT+CMGS/AT+CMGW accept in PDU mode


@handles("+CMGF")
def cmgf(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "set":
        n = to_int(req.args[0])
        if n not in (0, 1):
            return [], ctx.cms(302)
        ctx.settings.cmgf = n
    return query(req, f"+CMGF: {ctx.settings.cmgf}", "+CMGF: (0,1)")


@handles("+CSCS")
def cscs(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "set":
        if req.args[0].upper() not in ("IRA", "GSM", "UCS2", "HEX", "PCCP936"):
            return [], ctx.cme(50)
        ctx.settings.cscs = req.args[0].upper()
    return query(req, f'+CSCS: "{ctx.settings.cscs}"', '+CSCS: ("IRA","GSM","UCS2")')


@handles("+CSDH")
def csdh(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "read":
        return [f"+CSDH: {ctx.settings.csdh}"], "OK"
    if req.op == "set":
        ctx.settings.csdh = to_int(req.args[0], 0)
    return [], "OK"


@handles("+CPMS")
def cpms(ctx: ModemContext, req: Request) -> Reply:
    """One physical store behind every memory name, so all three report the same counts."""
    pre = ctx.profile.cpms_prefix
    names = ctx.profile.sms_storages
    u, c = ctx.store.used, ctx.store.capacity
    if ctx.profile.cpms_mem_lists:
        return _cpms_short(ctx, req, ctx.profile.cpms_mem_lists)
    if req.op == "test":
        lst = ",".join(f'"{n}"' for n in names)
        return [f"{pre}({lst}),({lst}),({lst})"], "OK"
    if req.op == "read":
        return [pre + ",".join(f'"{m}",{u},{c}' for m in ctx.settings.mems)], "OK"
    if req.op != "set":
        return [], "OK"
    wanted = [a.upper() for a in req.args if a != ""]
    if not wanted or any(m not in names for m in wanted) or len(wanted) > 3:
        return [], ctx.cms(302)
    for i, m in enumerate(wanted):
        ctx.settings.mems[i] = m
    return [pre + f"{u},{c},{u},{c},{u},{c}"], "OK"


def _cpms_short(ctx: ModemContext, req: Request, lists: tuple[tuple[str, ...], ...]) -> Reply:
    """AT+CPMS on modems with fewer than three memories (Wavecom: ``<mem1>,<mem2>`` only).

    Captured: ``+CPMS: (("SM","BM","SR"),("SM"))`` for the test form, ``+CPMS: 14,50,14,50``
    for a two-memory set, ERROR for a three-memory one.  The read form is [I].
    """
    p = ctx.profile
    pre = p.cpms_prefix
    u, c = ctx.store.used, ctx.store.capacity
    if req.op == "test":
        return [pre + "(" + ",".join("(" + ",".join(f'"{m}"' for m in lst) + ")" for lst in lists) + ")"], "OK"
    if req.op == "read":
        return [pre + ",".join(f'"{m}",{u},{c}' for m in ctx.settings.mems[:len(lists)])], "OK"  # [I]
    if req.op != "set":
        return [], "OK"
    wanted = [a.upper() for a in req.args]
    refuse = p.cpms_error or ctx.cms(302)
    if not wanted or len(wanted) > len(lists) or not wanted[0]:
        ctx.event(f"AT+CPMS with {len(wanted)} memories refused: this modem takes at most {len(lists)}")
        return [], refuse
    for i, m in enumerate(wanted):
        if m and m not in lists[i]:
            return [], refuse
    for i, m in enumerate(wanted):
        if m:
            ctx.settings.mems[i] = m
    return [pre + ",".join(f"{u},{c}" for _ in lists)], "OK"


@handles("+CNMI")
def cnmi(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "set":
        vals = [to_int(a, 0) for a in req.args]
        ctx.settings.cnmi = tuple(vals + list(ctx.settings.cnmi[len(vals):]))[:5]
    return query(req, "+CNMI: " + ",".join(str(x) for x in ctx.settings.cnmi), "+CNMI: (0-2),(0-3),(0-3),(0-2),(0,1)")


def _text_fields(ctx: ModemContext, pdu: str) -> tuple[str, str, str]:
    """(sender, scts, body) for text mode, honouring CSCS for numbers and GSM-7 bodies."""
    try:
        v = text_view(pdu)
    except (IndexError, ValueError):
        return "", "", pdu
    sender, body = v.sender, v.body
    if ctx.settings.cscs == "UCS2":
        sender = ucs2_hex(sender)
        if not v.body_is_hex:
            body = ucs2_hex(body)
    return sender, v.scts, body


@handles("+CMGR")
def cmgr(ctx: ModemContext, req: Request) -> Reply:
    if req.op != "set":
        return [], "OK" if req.op == "test" else ctx.cms(302)
    idx = to_int(req.args[0])
    if not ctx.store.in_range(idx):
        return [], ctx.cms(321)
    slot = ctx.store.get(idx)
    if slot is None:
        return [], "OK" if ctx.profile.cmgr_empty_ok else ctx.cms(321)
    if ctx.settings.cmgf == 0:
        stat = slot.stat if ctx.profile.cmgr_stat else ""  # ZTE: "+CMGR: ,,27" [T]
        lines = [f"+CMGR: {stat},{ctx.profile.cmgr_alpha},{slot.length}", slot.pdu]
    else:
        sender, scts, body = _text_fields(ctx, slot.pdu)
        lines = [f'+CMGR: "{STAT_NAMES[slot.stat]}","{sender}","","{scts}"', body]
    if slot.stat == 0:
        slot.stat = 1
    return lines, "OK"


@handles("+CMGL")
def cmgl(ctx: ModemContext, req: Request) -> Reply:
    pdu_mode = ctx.settings.cmgf == 0
    if req.op == "test":
        return (["+CMGL: (0-4)"] if pdu_mode else
                ['+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")']), "OK"
    raw = req.args[0] if req.op == "set" else ("0" if pdu_mode else "REC UNREAD")
    stat = to_int(raw, -1) if pdu_mode else STAT_BY_NAME.get(raw.upper(), -1)
    if stat not in range(5):
        return [], ctx.cms(302)
    lines: list[str] = []
    for idx, slot in ctx.store.listing(stat):
        if pdu_mode:
            lines += [f"+CMGL: {idx},{slot.stat},{ctx.profile.cmgr_alpha},{slot.length}", slot.pdu]
        else:
            sender, scts, body = _text_fields(ctx, slot.pdu)
            lines += [f'+CMGL: {idx},"{STAT_NAMES[slot.stat]}","{sender}","","{scts}"', body]
        if slot.stat == 0:
            slot.stat = 1
    return lines, "OK"


@handles("+CMGD")
def cmgd(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "test":
        used = ",".join(str(i) for i in sorted(ctx.store.slots))
        return [f"+CMGD: ({used}),(0-4)"], "OK"
    if req.op != "set":
        return [], ctx.cms(302)
    idx = to_int(req.args[0], ctx.store.base)
    flag = to_int(req.args[1], 0) if len(req.args) > 1 and req.args[1] != "" else 0
    if flag not in range(5):
        return [], ctx.cms(302)
    if flag == 0 and not ctx.store.in_range(idx):
        return [], ctx.cms(321)
    ctx.store.delete(idx, flag)
    ctx.event(f"sms deleted index {idx} flag {flag}")
    return [], "OK"


@handles("+CMGDA")
def cmgda(ctx: ModemContext, req: Request) -> Reply:
    if req.op == "set":
        ctx.store.delete(0, 4)
    return [], "OK"


@handles("+CMGS", "+CMGW")
def cmgs(ctx: ModemContext, req: Request) -> Reply:
    """Open the ``> `` prompt: PDU mode takes the TPDU length, text mode the destination."""
    what = req.name[1:].lower()
    if req.op == "test":
        return [], "OK"
    if req.op != "set":
        return [], ctx.cms(302)
    if ctx.settings.cmgf == 0:
        length = to_int(req.args[0], -1)
        if length <= 0 or length > MAX_TPDU:
            return [], ctx.cms(304)
        ctx.begin_input(what, length=length, da=None)
    else:
        ctx.begin_input(what, length=None, da=req.args[0])
    return None


def finish_input(ctx: ModemContext, what: str, data: bytes, length: int | None,
                 da: str | None) -> tuple[list[str], str]:
    """Ctrl-Z received after the prompt: submit (CMGS) or store (CMGW) the message."""
    if length is not None:  # PDU mode
        hexstr = "".join(data.decode("latin-1").split()).upper()
        try:
            tpdu = tpdu_length(hexstr)
        except (ValueError, IndexError):
            ctx.event("PDU input is not valid hex")
            return [], ctx.cms(304)
        if tpdu != length:
            ctx.event(f"PDU length mismatch: AT+CMG{what[-1].upper()}={length} but TPDU has {tpdu} octets")
            return [], ctx.cms(304)  # [I] real firmware may be laxer
        payload = hexstr
    else:
        payload = data.decode("utf-8", "replace")
    if what == "cmgw":
        try:
            idx = ctx.store.add(payload if length is not None else payload.encode().hex(), stat=2)
        except StorageFull:
            return [], ctx.cms(322)
        return [f"+CMGW: {idx}"], "OK"
    if ctx.effective_reg() not in (1, 5):
        return [], ctx.cms(331)
    ctx.message_ref = (ctx.message_ref + 1) % 256
    ctx.sent_sms.append(payload)
    ctx.event(f"sms sent ({'pdu' if length is not None else 'text to ' + str(da)}) mr={ctx.message_ref}")
    return [f"+CMGS: {ctx.message_ref}"], "OK"
