"""Reassembly of concatenated SMS parts into whole messages.

Parts arrive as separate ``+CMTI`` notifications, possibly out of order,
minutes apart, twice (a re-read after a restart), or never. Commands must be
parsed on the whole text, so parts are held here until their group is
complete, and groups that stay incomplete for ``timeout`` seconds are handed
back so the caller can log and drop them. No clock is read here: every call
takes ``now`` (any monotonic seconds value), which keeps this testable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from gsmcall.messaging.pdu import NUMERIC_TONS, SmsPart, repair_utf16, sender_ton

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """A complete SMS: one part, or all parts of a concatenated one joined in order.

    ``sender`` is the ``pdu.Sender`` of the part least to be trusted, so its type of
    number is numeric only when every part came from a numeric address.
    """

    sender: str
    text: str
    timestamp: datetime | None
    parts: int

    @property
    def sender_ton(self) -> int | None:
        """The sender's type of number from the PDU(s); None if the sender was not decoded."""
        return sender_ton(self.sender)


@dataclass(frozen=True)
class IncompleteGroup:
    """A concatenated message given up on: which parts (``seqs``) did arrive."""

    sender: str
    ref: int
    total: int
    seqs: tuple[int, ...]
    first_seen: float


@dataclass
class _Group:
    first_seen: float
    parts: dict[int, SmsPart] = field(default_factory=dict)


class Reassembler:
    """Collects parts keyed by (sender, ref, total) until every sequence number is present."""

    def __init__(self, timeout: float) -> None:
        if timeout <= 0:
            raise ValueError(f"reassembly timeout must be positive, got {timeout}")
        self._timeout = timeout
        self._groups: dict[tuple[str, int, int], _Group] = {}

    def add(self, part: SmsPart, now: float) -> Message | None:
        """Store ``part``; return the whole message once its last missing part arrives."""
        if part.ref is None:
            return Message(part.sender, part.text, part.timestamp, 1)
        key = (part.sender, part.ref, part.total)
        group = self._groups.setdefault(key, _Group(first_seen=now))
        if part.seq in group.parts:
            log.debug("duplicate part %d/%d ref %d from %s ignored", part.seq, part.total, part.ref, part.sender)
            return None
        group.parts[part.seq] = part
        if len(group.parts) < part.total:
            return None
        del self._groups[key]
        ordered = [group.parts[seq] for seq in range(1, part.total + 1)]
        # Joining before repairing re-pairs an emoji split across two parts.
        text = repair_utf16("".join(p.text for p in ordered))
        return Message(_least_trusted_sender(ordered), text, ordered[0].timestamp, part.total)

    def expire(self, now: float) -> list[IncompleteGroup]:
        """Drop and return the groups whose first part arrived ``timeout`` or more seconds ago."""
        expired = []
        for key, group in list(self._groups.items()):
            if now - group.first_seen >= self._timeout:
                del self._groups[key]
                sender, ref, total = key
                expired.append(IncompleteGroup(sender, ref, total, tuple(sorted(group.parts)), group.first_seen))
        return expired

    def pending(self) -> int:
        """Number of incomplete groups held (for status output and tests)."""
        return len(self._groups)


def _least_trusted_sender(parts: list[SmsPart]) -> str:
    """The first part's sender unless some part's is not numeric; then that one.

    Parts are grouped by the sender's text, so an alphanumeric ID spelling a real
    number lands in the same group as that number's genuine parts. Taking the weakest
    type means such a part can only get a message refused, never authorised.
    """
    for part in parts:
        if sender_ton(part.sender) not in NUMERIC_TONS:
            if sender_ton(parts[0].sender) in NUMERIC_TONS:
                log.warning("parts of one message from %s differ in sender type; not treating it as numeric",
                            part.sender)
            return part.sender
    return parts[0].sender
