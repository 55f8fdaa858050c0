"""The shape of a vendor profile: capability specs plus recognition and init commands."""

from __future__ import annotations

from dataclasses import dataclass, field

from gsmcall.modem.capabilities.forwarding import ForwardingSpec
from gsmcall.modem.capabilities.sms import SmsSpec
from gsmcall.modem.capabilities.speech import KeySpec, SpeechSpec
from gsmcall.modem.capabilities.voice import VoiceSpec


@dataclass(frozen=True)
class Profile:
    name: str
    # (manufacturer regex, model regex) pairs; the first profile whose pair matches wins.
    identify: tuple[tuple[str, str], ...] = ()
    # Sent after the common init (ATE0, CMEE, PIN, registration); an ERROR is logged, not fatal.
    init_commands: tuple[str, ...] = ()
    voice: VoiceSpec = field(default_factory=VoiceSpec)
    sms: SmsSpec = field(default_factory=SmsSpec)
    forwarding: ForwardingSpec = field(default_factory=ForwardingSpec)
    # No 27.007 command speaks into a call or hears keys: None where the family has none.
    speech: SpeechSpec | None = None
    keys: KeySpec | None = None
