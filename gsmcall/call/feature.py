"""A feature-code call's outcome as the forwarding capability reads it.

China Telecom's ``*72<n>`` is dialled like a call, answered by the network's announcement and
ended by it; the forwarding code (``modem/capabilities/forwarding.py``) must not depend on the
call code, so both ``gsmcall forward`` and the daemon turn their attempt into a ``CallEnd``
here, the same way.
"""

from __future__ import annotations

from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.modem.capabilities.forwarding import CallEnd


def call_end(attempt: Attempt) -> CallEnd:
    """Connected when the network answered; the detail says how and for how long."""
    took = f"{attempt.duration:.1f}s" if attempt.duration is not None else ""
    detail = ", ".join(part for part in (attempt.result.value, took, attempt.detail) if part)
    return CallEnd(attempt.result is CallResult.ANSWERED, detail)
