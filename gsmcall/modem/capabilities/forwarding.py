"""Call forwarding of the SIM's own number: change it, cancel it, and read back what the
network holds (27.007 ``+CCFC``, the carriers' dial strings).

A change goes one of three ways, chosen by the configured string, not by the modem family:
``ccfc`` sends ``AT+CCFC=0,3`` (``0,4`` to cancel); a 22.030 string (``**21*<n>#``) is sent
as ``ATD<string>;``, which the modem answers itself with ``OK`` or an error; a feature code
(China Telecom ``*72<n>``) is a real call that the network answers with an announcement and
ends.  For that last one there is no machine-readable result: a call the network connects
counts as accepted, one it ends without connecting (a SIM in arrears) as refused.

The read-back is ``AT+CCFC=0,2``.  Many networks refuse it (China Telecom's IN codes, VoLTE
without Ut/XCAP): that is "cannot verify", reported as such and never as a failure.  Only an
answer that names another state than the one asked for is a contradiction.  What differs per
vendor (the commands, the network timeout) is the spec's data.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from gsmcall.at.forwarding import (
    VoiceForwarding,
    is_supplementary_service,
    number_type,
    voice_forwarding,
)
from gsmcall.dialstring import from_template, same_number
from gsmcall.modem.channel import AtChannel

log = logging.getLogger(__name__)

CCFC = "ccfc"  # the forwarding.set / forwarding.cancel value that means "use AT+CCFC"


@dataclass(frozen=True)
class ForwardingSpec:
    probe: str = "AT+CCFC=?"
    query: str = "AT+CCFC=0,2"  # reason 0: unconditional
    register: str = 'AT+CCFC=0,3,"{number}",{type}'  # register and activate unconditional
    erase: str = "AT+CCFC=0,4"
    dial: str = "ATD{dial};"  # a 22.030 string: the modem handles it, no call is created
    # A CCFC or SS operation is a round trip to the network: "allow a 30 s+ timeout" [I].
    network_timeout: float = 30.0
    # A feature-code call is the network's announcement; it ends it in seconds.  One still up
    # after this long is hung up (its result stands: the network did answer).
    announcement_limit: float = 60.0


@dataclass(frozen=True)
class CallEnd:
    """How a feature-code call went: ``connected`` when the network answered it."""

    connected: bool
    detail: str


# Places a feature-code call and waits for the network to end it (at most the given seconds).
PlaceCall = Callable[[str, float], CallEnd]


class State(enum.Enum):
    SET = "set"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class Verified(enum.Enum):
    YES = "yes"  # the query agrees
    NO = "no"  # the query contradicts it: an error
    CANNOT = "cannot-verify"  # the network does not answer queries: not a failure
    UNCHECKED = "not-checked"  # forwarding.verify is false


@dataclass(frozen=True)
class ForwardingResult:
    """``state``/``target``: what was asked for (after a change) or what the network says (a
    status query); ``reported`` is the network's own answer where it gave one."""

    state: State
    target: str | None
    verified: Verified
    detail: str = ""
    reported: VoiceForwarding | None = None

    @property
    def contradicted(self) -> bool:
        return self.verified is Verified.NO


class ForwardingRefused(Exception):
    """The network (or the modem) refused the change; what it holds now is unknown."""


class Forwarding:
    """The forwarding capability over one channel; ``place_call`` runs feature-code calls
    through the daemon's own call code (so they are followed and hung up like any call).
    Without one (a status query only) a feature code is refused with ValueError."""

    def __init__(self, channel: AtChannel, spec: ForwardingSpec, place_call: PlaceCall | None = None) -> None:
        self.channel = channel
        self.spec = spec
        self.place_call = place_call

    def set(self, how: str, target: str, verify: bool) -> ForwardingResult:
        """Forward every call to ``target`` by ``how`` (a template with ``{number}``, or
        ``ccfc``).  Raises ForwardingRefused, ModemError; ValueError for a bad string."""
        done = self._change(how, target)
        return self._verify(ForwardingResult(State.SET, target, Verified.UNCHECKED, done), verify)

    def cancel(self, how: str, verify: bool) -> ForwardingResult:
        done = self._change(how, None)
        return self._verify(ForwardingResult(State.CANCELLED, None, Verified.UNCHECKED, done), verify)

    def query(self) -> ForwardingResult:
        """What the network says now; UNKNOWN/CANNOT when it does not answer queries."""
        response = self.channel.command(self.spec.query, timeout=self.spec.network_timeout)
        answer = voice_forwarding(response.lines) if response.ok else None
        if answer is None:
            why = response.final.text if not response.ok else "no +CCFC line in the answer"
            return ForwardingResult(State.UNKNOWN, None, Verified.CANNOT,
                                    f"the network does not answer forwarding queries ({why})")
        state = State.SET if answer.active else State.CANCELLED
        return ForwardingResult(state, answer.target, Verified.YES, "the network's answer", answer)

    def _change(self, how: str, target: str | None) -> str:
        """Send the change; returns how it went, for the result's detail."""
        if how == CCFC:
            command = (self.spec.register.format(number=target, type=number_type(target)) if target is not None
                       else self.spec.erase)
            return self._command(command)
        dial = from_template(how, target)
        if is_supplementary_service(dial):
            return self._command(self.spec.dial.format(dial=dial))
        if self.place_call is None:
            raise ValueError(f"{dial} is a call, and no calls are placed here")
        log.info("forwarding: dialling %s (the network answers a feature code with an announcement)", dial)
        end = self.place_call(dial, self.spec.announcement_limit)
        if not end.connected:
            raise ForwardingRefused(f"the network ended the call to {dial} without answering it ({end.detail})")
        return f"the network answered {dial} ({end.detail})"

    def _command(self, command: str) -> str:
        response = self.channel.command(command, timeout=self.spec.network_timeout)
        if not response.ok:
            raise ForwardingRefused(f"{command} refused: {response.final.text}")
        return f"{command} accepted"

    def _verify(self, asked: ForwardingResult, verify: bool) -> ForwardingResult:
        if not verify:
            return asked
        now = self.query()
        if now.verified is Verified.CANNOT:
            return ForwardingResult(asked.state, asked.target, Verified.CANNOT, f"{asked.detail}; {now.detail}")
        agrees = verdict(asked, now.reported)
        detail = asked.detail if agrees else f"{asked.detail}; but the network reports {describe(now.reported)}"
        if not agrees:
            log.error("forwarding: asked for %s, the network reports %s", describe_state(asked), describe(now.reported))
        return ForwardingResult(asked.state, asked.target, Verified.YES if agrees else Verified.NO, detail,
                                now.reported)


def verdict(asked: ForwardingResult, reported: VoiceForwarding | None) -> bool:
    """Whether the network's answer is the state that was asked for.  An active forwarding
    whose number is not given says nothing against the target (some firmware omits it)."""
    if reported is None:
        return False
    if asked.state is State.CANCELLED:
        return not reported.active
    return reported.active and asked.target is not None and same_number(reported.target, asked.target)


def describe(reported: VoiceForwarding | None) -> str:
    if reported is None:
        return "nothing"
    return f"forwarding to {reported.target or 'an unnamed number'}" if reported.active else "no forwarding"


def describe_state(result: ForwardingResult) -> str:
    return f"forwarding to {result.target}" if result.state is State.SET else "no forwarding"
