"""What became of one call, and the record kept of each attempt.

``answered`` means the network connected the call: voicemail and announcements look the
same at the AT level.  A later in-call step (ask for a key press, speak the alert) will
add ``acknowledged`` without changing the others.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import asdict, dataclass

from gsmcall.modem.errors import ModemError


class CallResult(enum.Enum):
    ACKNOWLEDGED = "acknowledged"  # answered, and the callee pressed the ack key
    ANSWERED = "answered"  # connected; no ack key (or none asked for)
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    REJECTED = "rejected"
    UNREACHABLE = "unreachable"
    FAILED = "failed"

    @property
    def reached_network(self) -> bool:
        """False when the modem itself refused or errored: the number was not really rung."""
        return self is not CallResult.FAILED


@dataclass(frozen=True)
class Attempt:
    number: str
    result: CallResult
    alerting_after: float | None = None
    answered_after: float | None = None
    duration: float | None = None
    detail: str = ""

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["result"] = self.result.value
        return data


# Told the acknowledged attempt the moment the key is pressed, before the hang-up, so it is
# journaled even if the process dies before the call ends.
OnAcknowledged = Callable[["Attempt"], None]
# Place one call to a number, with the alert's text (None: it has none), and say what became
# of it (raises ModemError on a fault).
Dial = Callable[[str, "str | None", "OnAcknowledged | None"], "Attempt"]
# An SMS command's call: a number, nothing spoken, no acknowledgement.
PlainDial = Callable[[str], "Attempt"]


class FaultAfterCall(ModemError):
    """The call's result was known, then the modem failed (hanging up, confirming idle).

    The result stands and is journaled; then the daemon recovers the modem, which hangs up
    whatever is still up."""

    def __init__(self, attempt: Attempt, cause: str) -> None:
        super().__init__(f"after the call to {attempt.number} ({attempt.result.value}): {cause}")
        self.attempt = attempt


class CallInterrupted(Exception):
    """A stop was requested before the call could be placed (during the gap between calls):
    the number was not rung, and whoever asked for the call keeps it for after the restart."""
