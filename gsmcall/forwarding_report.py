"""What the forwarding is, in words: the network's answer (or that it gives none) and the last
change gsmcall made, with whether the two disagree.

One text for ``gsmcall forward status`` and for the reply to the ``|status|`` SMS command, so
an operator at a terminal and one on a phone are told the same thing.
"""

from __future__ import annotations

from pathlib import Path

from gsmcall.forwarding_record import LastChange, last_change
from gsmcall.modem.capabilities.forwarding import (
    Forwarding,
    ForwardingResult,
    ForwardingSpec,
    State,
    Verified,
    describe,
    verdict,
)
from gsmcall.modem.channel import AtChannel


def status_lines(now: ForwardingResult, last: LastChange | None) -> tuple[list[str], bool]:
    """The lines to show, and True when the network's answer contradicts the last change."""
    lines = [f"network: unknown: {now.detail}" if now.verified is Verified.CANNOT
             else f"network: {describe(now.reported)}"]
    if last is None:
        return [*lines, "last change by gsmcall: none recorded"], False
    what = f"set to {last.target}" if last.action == "set" else "cancelled"
    lines.append(f"last change by gsmcall: {what} at {last.when} (verified: {last.verified})")
    asked = ForwardingResult(State.SET if last.action == "set" else State.CANCELLED, last.target, Verified.UNCHECKED)
    contradicted = now.verified is not Verified.CANNOT and not verdict(asked, now.reported)
    if contradicted:
        lines.append("network: its answer contradicts the last change gsmcall made")
    return lines, contradicted


def status_sms(channel: AtChannel, spec: ForwardingSpec | None, state_dir: Path) -> str:
    """The answer to the ``|status|`` SMS command (``spec`` None: the 27.007 default)."""
    lines, _ = current_status(channel, spec or ForwardingSpec(), state_dir)
    return "gsmcall forwarding: " + "; ".join(lines)


def current_status(channel: AtChannel, spec: ForwardingSpec, state_dir: Path) -> tuple[list[str], bool]:
    """Ask the network now (``AT+CCFC=0,2``) and read the last change from ``state_dir``."""
    return status_lines(Forwarding(channel, spec).query(), last_change(state_dir))
