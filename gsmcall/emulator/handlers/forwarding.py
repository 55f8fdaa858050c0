"""Call forwarding from the host's side: ``AT+CCFC``, the 22.030 strings ``ATD`` hands to the
network's SS handling, and the feature codes that go out as calls the network answers.

What the network does with each is its ``ForwardingNetwork`` (profile data, ``forwarding.py``);
the SIM's forwarding is ``ctx.forwarding``.  ``handlers.calls.dial`` hands over the strings
that are not ordinary calls, so every way of touching the forwarding is in this one file.
"""

from __future__ import annotations

from ..calls import Callee
from ..context import ModemContext
from ..forwarding import Operation, feature_code_operation, mmi_operation, query_line
from .registry import Reply, Request, handles, to_int

REASONS = range(6)  # 0 unconditional, 1 busy, 2 no reply, 3 not reachable, 4 all, 5 all conditional
MODES = range(5)  # 0 disable, 1 enable, 2 query, 3 register, 4 erase
TRACKED_REASONS = (0, 4)  # only unconditional forwarding is held; 4 (all) erases it too


def _registered(ctx: ModemContext) -> bool:
    return ctx.effective_reg() in (1, 5)


def _apply(ctx: ModemContext, how: str, operation: Operation) -> None:
    target = operation.target if operation.kind == "set" else None
    ctx.forwarding.change(how, target)
    ctx.event(f"forwarding {'set to ' + str(target) if target else 'cancelled'} by {how}")


@handles("+CCFC")
def ccfc(ctx: ModemContext, req: Request) -> Reply:
    """``AT+CCFC=<reason>,<mode>[,<number>[,<type>[,<class>]]]``; only unconditional
    forwarding is held, other reasons are accepted and reported as none active."""
    if req.op == "test":
        return ["+CCFC: (0-5)"], "OK"
    if req.op != "set":
        return [], ctx.profile.unknown_error
    network = ctx.profile.forwarding
    reason, mode = to_int(req.args[0]), to_int(req.args[1])
    number = req.args[2] if len(req.args) > 2 and req.args[2] else None
    if reason not in REASONS or mode not in MODES or (mode == 3 and number is None):
        return [], ctx.cme(50)
    if not _registered(ctx):
        return [], ctx.cme(30)
    if mode == 2:
        if network.query_error is not None:
            ctx.event(f"forwarding query refused (+CME ERROR: {network.query_error})")
            return [], ctx.cme(network.query_error)
        if reason != 0:
            return [f"+CCFC: 0,{network.none_class}"], "OK"
        return [query_line(network, ctx.forwarding)], "OK"
    error = network.ccfc_error if network.ccfc_error is not None else network.change_error
    if error is not None:
        ctx.event(f"forwarding change AT+CCFC={req.args[0]},{mode} refused (+CME ERROR: {error})")
        return [], ctx.cme(error)
    if reason in TRACKED_REASONS and mode in (0, 4):
        _apply(ctx, f"AT+CCFC={reason},{mode}", Operation("cancel"))
    elif reason == 0 and number is not None:  # modes 1 and 3 with a number register it
        _apply(ctx, f"AT+CCFC={reason},{mode}", Operation("set", number))
    return [], "OK"


def supplementary_service(ctx: ModemContext, dial: str) -> Reply:
    """``ATD<dial>;`` for a string ending in ``#``: the modem's SS handling, never a call [I]."""
    operation = mmi_operation(dial)
    if operation is None:
        ctx.event(f"supplementary service string {dial} accepted")
        return [], "OK"
    network = ctx.profile.forwarding
    if not _registered(ctx):
        return [], ctx.cme(30)
    if not network.mmi:
        ctx.event(f"supplementary service string {dial} refused by the network (+CME ERROR: {network.mmi_error})")
        return [], ctx.cme(network.mmi_error)
    if operation.kind == "query":
        ctx.event(f"supplementary service string {dial}: interrogation, no +CCFC lines")
        return [], "OK"
    if network.change_error is not None:
        ctx.event(f"forwarding change {dial} refused (+CME ERROR: {network.change_error})")
        return [], ctx.cme(network.change_error)
    _apply(ctx, dial, operation)
    return [], "OK"


def feature_code(ctx: ModemContext, dial: str) -> Callee | None:
    """The network's script for a feature-code call (``*72<n>``), applying the change when
    the network takes it; None when ``dial`` is no feature code this network knows."""
    network = ctx.profile.forwarding
    operation = feature_code_operation(dial) if network.feature_codes else None
    if operation is None or not _registered(ctx):
        return None
    if network.change_error is not None:
        ctx.event(f"forwarding change {dial} refused: the network ends the call at once")
        return Callee.unreachable(after=0.1)
    _apply(ctx, dial, operation)
    return Callee.announcement(after=network.announce_after, duration=network.announcement)
