"""Text-to-speech into the call: Quectel ``AT+QWTTS`` and SIMCom ``AT+CTTS``.

The profile's ``TtsDialect`` says which command a family has and how it answers; a family
without one answers its unknown-command error (Huawei, the SIM800L build).  Mode 0 stops
the piece playing, mode 1 takes UCS2 hex (decoded here, independently of the daemon's own
encoder, so a test compares what the callee heard with the alert's text), mode 2 plain text.
The playing itself is ``speech.TtsEngine``.
"""

from __future__ import annotations

import binascii

from ..calls import Call
from ..context import ModemContext
from ..profile_model import TtsDialect
from .registry import Reply, Request, handles
from .simple import SIMPLE

_FLAGS = ("0", "1")  # Quectel's <ulmute>/<dlmute>: 0 mute, 1 not muted


@handles("+QWTTS", "+CTTS")
def tts(ctx: ModemContext, req: Request) -> Reply:
    dialect = ctx.profile.tts
    if dialect is None or dialect.command != req.name:
        return [], ctx.profile.unknown_error
    if req.op == "test":
        return [], "OK"  # a TTS build answers the test form; its parameter line is [I]
    if req.op != "set":
        return [], ctx.cme(dialect.bad_text)  # [I]
    at = dialect.mode_index
    if len(req.args) <= at or any(flag not in _FLAGS for flag in req.args[:at]):
        return [], ctx.cme(dialect.bad_text)
    if req.args[at] == "0":
        return _stop(ctx, dialect)
    text = _text(req.args[at], req.args[at + 1:], dialect)
    if text is None:
        return [], ctx.cme(dialect.bad_text)
    call = next((c for c in ctx.active_calls if c.phase == "active"), None)
    if call is None:
        return [], ctx.cme(dialect.no_call)
    if ctx.tts.playing:
        return [], ctx.cme(dialect.busy)
    ctx.tts.play(call, text, heard=_routed_to_far_end(ctx, dialect, call))
    return list(dialect.play_lines), "OK"


def _stop(ctx: ModemContext, dialect: TtsDialect) -> Reply:
    """Mode 0: the piece ends now; EC25 then reports the end as if it had played [I]."""
    if ctx.tts.stop("host") and dialect.end_after_stop:
        ctx.later(0.0, ctx.emit_urc, dialect.end_urc)
    return list(dialect.stop_lines), "OK"


def _text(mode: str, rest: list[str], dialect: TtsDialect) -> str | None:
    """The words of a mode 1 (UCS2 hex) or mode 2 (ASCII, Chinese as GBK) piece; None when
    there are none or they do not decode (modes 3 and 4, saving to a file, are not emulated)."""
    if len(rest) != 1 or not rest[0] or (dialect.max_text is not None and len(rest[0]) > dialect.max_text):
        return None
    raw = rest[0]
    try:
        if mode == "1":
            return binascii.unhexlify(raw).decode("utf-16-be") if len(raw) % 4 == 0 else None
        if mode == "2":
            return raw.encode("latin-1").decode("gbk")
    except (binascii.Error, UnicodeError):
        return None
    return None


def _routed_to_far_end(ctx: ModemContext, dialect: TtsDialect, call: Call) -> bool:
    """SIM7600 plays TTS on its own speaker unless ``AT+CDTAM=1`` asked for the far end."""
    if dialect.route is None:
        return True
    heard = ctx.settings.simple.get(dialect.route, SIMPLE[dialect.route]).strip() == "1"
    if not heard:
        ctx.event(f"call {call.number}: AT{dialect.route} is not 1, TTS goes to the local speaker")
    return heard
