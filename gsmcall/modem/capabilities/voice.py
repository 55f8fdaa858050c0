"""Voice calls: dial, hang up, list the calls (27.007 ``ATD``, ``+CHUP``, ``+CLCC``).

The spec is data; ``Voice`` runs it over a channel.  What the call means is decided by the
pure call session; this module only moves commands and replies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from gsmcall.at.callstate import ClccEntry, parse_clcc
from gsmcall.at.protocol import Response
from gsmcall.at.ucs2 import ucs2_hex
from gsmcall.modem.capabilities.speech import KeySpec, SpeechSpec, parse_key, speech_ended
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import CommandTimeout, ModemError
from gsmcall.modem.health import check_alive

log = logging.getLogger(__name__)

DIAL_TIMEOUT = 20.0  # SIM800 manual: ATD max response time 20 s


@dataclass(frozen=True)
class VoiceSpec:
    dial: str = "ATD{number};"
    # Tried in order until one answers OK.
    hangup_commands: tuple[str, ...] = ("AT+CHUP", "ATH")
    # True when the family pushes call progress as URCs (after call_state_commands);
    # the 27.007 default is none, so calls are followed by polling AT+CLCC.
    pushes_call_state: bool = False
    call_state_commands: tuple[str, ...] = ()
    # While a call is up and nothing is pushed: how often AT+CLCC is asked.  The answer is
    # seen at most this late (the hold, the speech and the key wait start from it); at
    # 115200 baud one poll is a few ms of line time, and at idle nothing is polled.
    clcc_poll_interval: float = 0.05
    # True when ATD returns only once the call is answered or has ended (Wavecom, ZTE and
    # Qualcomm sticks); False when OK only means "dialling".  CONNECT is always an answer;
    # ``ok_is_answer`` says whether a blocking ATD's OK is one (Wavecom) or, like a ZTE's,
    # the end of a call that rang and was declined.
    dial_blocks: bool = False
    ok_is_answer: bool = False


class Voice:
    """A modem's voice capability as probed: ``pushes`` is False when the firmware refused
    the call-state commands, whatever the profile hoped for; ``speech`` and ``keys`` are None
    where the probe found no TTS or no key detector."""

    def __init__(self, channel: AtChannel, spec: VoiceSpec, pushes: bool,
                 speech: SpeechSpec | None = None, keys: KeySpec | None = None) -> None:
        self.channel = channel
        self.spec = spec
        self.pushes = pushes
        self.speech = speech
        self.keys = keys

    def start_ack(self) -> None:
        """After the answer: key detection on (DDET works only during a call) and speech to
        the far end.  A refusal is logged; the call goes on (no key then means no ack)."""
        commands = (*(self.speech.prepare if self.speech else ()), *((self.keys.enable,) if self.keys else ()))
        for command in commands:
            response = self.channel.command(command)
            if not response.ok:
                log.warning("%s refused during the call (%s)", command, response.final.text)

    def speak(self, piece: str) -> bool:
        """Start playing one piece; False when the module refused it (or has no TTS)."""
        if self.speech is None:
            return False
        response = self.channel.command(self.speech.speak.format(hex=ucs2_hex(piece)))
        if not response.ok:
            log.warning("the modem refused to speak (%s); waiting for the key without speech", response.final.text)
        return response.ok

    def stop_speech(self) -> None:
        if self.speech is not None and not self.channel.command(self.speech.stop).ok:
            log.info("%s refused: the speech had already ended", self.speech.stop)

    def key_in(self, line: str) -> str | None:
        return parse_key(self.keys, line) if self.keys is not None else None

    def speech_end_in(self, line: str) -> bool | None:
        return speech_ended(self.speech, line) if self.speech is not None else None

    def check_alive(self) -> None:
        check_alive(self.channel)

    def dial(self, number: str, ring_timeout: float, abort_when: Callable[[], bool]) -> Response:
        """Raises CommandTimeout when ATD gets no final result in time.

        Where ATD may block until the call is answered or ends (a family known to, or a
        generic modem, which might), the dial is aborted at the ring timeout or when
        ``abort_when()`` turns true, and the response says ``aborted``."""
        command = self.spec.dial.format(number=number)
        if self.spec.dial_blocks or not self.pushes:
            return self.channel.command(command, timeout=max(ring_timeout, 1.0), abort_when=abort_when)
        return self.channel.command(command, timeout=DIAL_TIMEOUT)

    def hang_up(self) -> None:
        for command in self.spec.hangup_commands:
            try:
                if self.channel.command(command).ok:
                    return
            except CommandTimeout:
                log.warning("%s got no answer", command)
        raise ModemError(f"the modem refused to hang up ({', '.join(self.spec.hangup_commands)})")

    def release_cause(self) -> str | None:
        """The last call's release cause (27.007 ``AT+CEER``), as the modem words it; None
        where the modem refuses the command."""
        response = self.channel.command("AT+CEER")
        lines = [line for line in response.lines if line.upper().startswith("+CEER:")] if response.ok else []
        return lines[0] if lines else None

    def list_calls(self) -> list[ClccEntry] | None:
        """The voice calls the modem lists; None when it refused to list them."""
        response = self.channel.command("AT+CLCC")
        if not response.ok:
            return None
        entries = (parse_clcc(line) for line in response.lines)
        return [e for e in entries if e is not None and e.voice]

    def calls_up(self) -> bool:
        entries = self.list_calls()
        if entries is None:
            raise ModemError("AT+CLCC failed")
        # stat 6 (SIMCom "disconnecting") is a call on its way out, not one still up.
        return any(e.stat != 6 for e in entries)
