"""After the answer: speak the alert, wait for the acknowledgement key; pure, no clock.

An answered call is not yet a person who has the alert: voicemail, a carrier's
call-secretary service or a forward-on-busy phone connect too.  So with ``calls.ack: key``
the alert is spoken (``speech_repeat`` times in all, piece after piece, each piece's end
awaited because the modules play one at a time) while waiting up to ``ack_timeout`` for the
ack key.  The ack key stops the speech at once and releases the call; any other key is
noted and ignored; the deadline releases the call unacknowledged.  A modem that cannot
speak still waits for the key.  The call session turns these steps into modem commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Read out by a TTS engine, a URL or a %xx escape is noise letter by letter.
_UNSPEAKABLE = re.compile(r"(?:https?|ftp)://\S+|%[0-9A-Fa-f]{2}")


def speech_text(template: str, text: str, ack_key: str) -> str:
    """What is said: ``calls.speech`` with the alert's text (URLs and escapes removed)."""
    clean = " ".join(_UNSPEAKABLE.sub(" ", text).split())
    return " ".join(template.format(text=clean, ack_key=ack_key).split())


@dataclass(frozen=True)
class Speak:
    """Play one piece of the speech; report its end with ``piece_ended``."""

    piece: str


@dataclass(frozen=True)
class StopSpeech:
    """Stop the piece being played (the ack key came mid-speech)."""


@dataclass(frozen=True)
class Listen:
    """Nothing to do but wait for a key, a piece's end or the deadline ``until``."""

    until: float


@dataclass(frozen=True)
class Release:
    """The phase is over: hang up (acknowledged or not, ``AckPhase.acknowledged`` says)."""


AckStep = Speak | StopSpeech | Listen | Release


@dataclass(frozen=True)
class AckPlan:
    """What one call does after the answer; the session starts an ``AckPhase`` from it."""

    pieces: tuple[str, ...]  # the speech, cut to the module's limit; empty: nothing spoken
    repeat: int
    key: str | None  # None: only speak (``dial --say`` with ``calls.ack: none``), release once said
    timeout: float

    def start(self, answered_at: float) -> AckPhase:
        return AckPhase(list(self.pieces), self.repeat, self.key, answered_at, self.timeout)


class AckPhase:
    def __init__(self, pieces: list[str], repeat: int, ack_key: str | None, answered_at: float, timeout: float) -> None:
        self._queue = [piece for _ in range(max(repeat, 0)) for piece in pieces]
        self._ack_key = ack_key
        self.deadline = answered_at + timeout
        self._playing = False
        self._stop_sent = False
        self.acknowledged_at: float | None = None
        self.other_keys: list[str] = []

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def on_key(self, key: str, now: float) -> bool:
        """A key press; True when it is the ack key (the first one counts)."""
        if key != self._ack_key:
            self.other_keys.append(key)
            return False
        if self.acknowledged_at is None:
            self.acknowledged_at = now
        return True

    def piece_ended(self) -> None:
        """The piece played out, was stopped or was refused: either way it is not playing."""
        self._playing = False

    def speech_failed(self) -> None:
        """The module refused to speak: give up on speech for this call, keep listening."""
        self._playing = False
        self._queue.clear()

    def next_step(self, now: float) -> AckStep:
        if self.acknowledged or now >= self.deadline:
            if self._playing and not self._stop_sent:
                self._stop_sent = True
                return StopSpeech()
            return Release()
        if not self._playing and self._queue:
            self._playing = True
            return Speak(self._queue.pop(0))
        if self._ack_key is None and not self._playing:
            return Release()  # everything was said and no key is awaited
        return Listen(self.deadline)
