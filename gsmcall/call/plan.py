"""What an answered call does, from the settings and what this modem can do.

One place decides it for the daemon's alert calls and for ``gsmcall dial --say``, so the two
never differ: speech only where the modem has TTS (cut to its limit), the key wait only
where it hears keys.  The one difference is asked for by name: ``dial --say`` with
``calls.ack: none`` speaks the text once and hangs up, since whoever typed ``--say`` wants
to hear it (an alert call with ``ack: none`` speaks nothing, the seed's behaviour).  A modem that hears no keys gets no plan: the answer is then held and
reported ``answered`` (degrade, don't lie).
"""

from __future__ import annotations

from gsmcall.at.ucs2 import split_for_speech
from gsmcall.call.ack import AckPlan, speech_text
from gsmcall.modem.capabilities.voice import Voice
from gsmcall.settings import CallSettings


def plan_for(calls: CallSettings, voice: Voice, text: str | None) -> AckPlan | None:
    """None with ``calls.ack: none`` (the seed's hold), or where the modem hears no keys."""
    if calls.ack != "key" or voice.keys is None:
        return None  # speaking without a way to hear the key would only delay the hang-up
    pieces: tuple[str, ...] = ()
    if voice.speech is not None and calls.speech:
        said = speech_text(calls.speech, text or calls.default_text, calls.ack_key)
        pieces = tuple(split_for_speech(said, voice.speech.max_hex))
    return AckPlan(pieces, calls.speech_repeat, calls.ack_key, calls.ack_timeout)


def plan_for_dial(calls: CallSettings, voice: Voice, say: str | None) -> AckPlan | None:
    """``gsmcall dial``'s plan: an alert call's, or with ``--say`` and ``ack: none`` the text
    said once (no key awaited, ``ack_timeout`` bounding the speech)."""
    if calls.ack == "key" or say is None or voice.speech is None:
        return plan_for(calls, voice, say)
    pieces = tuple(split_for_speech(speech_text("{text}", say, ""), voice.speech.max_hex))
    return AckPlan(pieces, 1, None, calls.ack_timeout)
