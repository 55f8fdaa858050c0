"""Decide at init what this modem has; the daemon never claims more than was observed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gsmcall.modem.capabilities.voice import Voice
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.profiles import Profile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Capabilities:
    call_state_push: bool
    sms: bool
    forwarding_query: bool
    # No 27.007 default exists for these; a profile that has them probes them (later).
    speech: bool = False
    key_detection: bool = False

    def flags(self) -> dict[str, bool]:
        return {"call_state_push": self.call_state_push, "sms": self.sms, "forwarding_query": self.forwarding_query,
                "speech": self.speech, "key_detection": self.key_detection}

    def describe(self) -> str:
        def yes(flag: bool) -> str:
            return "yes" if flag else "no"

        return (f"call-state reports: {yes(self.call_state_push)}, SMS: {yes(self.sms)}, "
                f"forwarding query: {yes(self.forwarding_query)}, speech: {yes(self.speech)}, "
                f"key detection: {yes(self.key_detection)}")


def optional(channel: AtChannel, command: str) -> bool:
    """Send a command whose refusal is logged, not fatal."""
    response = channel.command(command)
    if not response.ok:
        log.info("modem refused %s (%s); carrying on without it", command, response.final.text)
    return response.ok


def probe_call_state(channel: AtChannel, profile: Profile) -> bool:
    """Switch on call-progress URCs; if the firmware refuses, poll AT+CLCC instead
    (a Quectel relative without ^DSCI must not report every answer as no answer)."""
    refused = [command for command in profile.voice.call_state_commands if not optional(channel, command)]
    if refused and profile.voice.pushes_call_state:
        log.warning("call-state reports unavailable (%s refused); polling AT+CLCC during calls", ", ".join(refused))
        return False
    return profile.voice.pushes_call_state


def probe_forwarding(channel: AtChannel, profile: Profile) -> bool:
    return channel.command(profile.forwarding.probe).ok


def probe_speech_and_keys(channel: AtChannel, profile: Profile) -> tuple[bool, bool]:
    """Whether this firmware has the profile's TTS and key detector (their ``=?`` forms):
    TTS depends on the SKU, DDET on the build, so the profile alone cannot say."""
    speech = profile.speech is not None and channel.command(profile.speech.probe).ok
    keys = profile.keys is not None and channel.command(profile.keys.probe).ok
    return speech, keys


def voice_of(channel: AtChannel, profile: Profile, capabilities: Capabilities) -> Voice:
    """The voice capability as probed: speech and keys only where the probe found them."""
    return Voice(channel, profile.voice, capabilities.call_state_push,
                 profile.speech if capabilities.speech else None, profile.keys if capabilities.key_detection else None)
