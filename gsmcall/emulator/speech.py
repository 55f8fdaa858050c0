"""The emulated module's TTS engine: one piece at a time, timed by its length.

A real module speaks about 0.1 s per character and reports the end with its own URC; the
host must wait for it before the next piece and may stop a piece early.  The engine keeps
the piece that is playing and the call it plays into, so the call's end silences it and the
test suite can read what the callee heard (``CallRecord.spoken``, ``spoken <text>`` events).
The command syntax is the handlers' business (``handlers/speech.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .calls import Call, CallHost
from .scheduler import Timer


@dataclass
class _Piece:
    call: Call
    text: str
    timer: Timer | None = None


class TtsEngine:
    """The piece now playing, if any; ``host`` gives the profile, the clock and the wire."""

    def __init__(self, host: CallHost) -> None:
        self.host = host
        self._piece: _Piece | None = None

    @property
    def playing(self) -> bool:
        return self._piece is not None

    def play(self, call: Call, text: str, heard: bool = True) -> None:
        """Start ``text`` into ``call``; ``heard`` False: routed to the module's own speaker,
        so nothing is recorded for the callee."""
        piece = _Piece(call, text)
        if heard:
            call.record.spoken += (text,)
            self.host.event(f"spoken {text}")
        else:
            self.host.event(f"spoken locally, the callee hears nothing: {text}")
        piece.timer = self.host.later(len(text) * self.host.profile.tts_char_seconds, self._played, piece)
        self._piece = piece

    def _played(self, piece: _Piece) -> None:
        if self._piece is not piece:
            return
        self._piece = None
        self.host.event("speech ended")
        tts = self.host.profile.tts
        if tts is not None:
            self.host.emit_urc(tts.end_urc)

    def stop(self, why: str) -> bool:
        """Silence the piece now (no end URC from here); False when nothing was playing."""
        piece, self._piece = self._piece, None
        if piece is None:
            return False
        if piece.timer is not None:
            piece.timer.cancel()
        self.host.event(f"speech stopped ({why})")
        return True

    def call_ended(self, call: Call) -> None:
        """A call that ends takes its speech with it (silently: an end report is [I])."""
        if self._piece is not None and self._piece.call is call:
            self.stop("call ended")
