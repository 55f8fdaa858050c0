"""The alert model every source produces and the escalation consumes.

``key`` is the source's identity for the alert (the endpoint's ``mid``); ``numbers`` is the
escalation plan, in order, a number possibly repeated; ``source`` decides where the result
is reported.  Sources differ; what reaches the queue does not.
"""

from __future__ import annotations

from dataclasses import dataclass

ENDPOINT = "endpoint"


@dataclass(frozen=True)
class Alert:
    key: str
    numbers: tuple[str, ...]
    source: str = ENDPOINT
    text: str | None = None
