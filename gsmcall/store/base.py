"""What gsmcall needs from its durable state, independent of where that state lives.

The journal is what lets a restart (a crash, SIGKILL, a power cut) neither lose a callback, nor
ring a number twice, nor run an SMS command twice, nor drop an SMS reply. Any implementation
(SQLite in ``state.dir`` today, a shared database later) must give every method below these
guarantees, which tests/contract checks for each of them:

- durability: a write that returned survives the process being killed, and a power cut;
- atomicity: each method is all or nothing (finish_alert never marks an alert done without
  queueing its callback);
- thread safety: the daemon's threads may share one journal;
- misuse (an alert never started or already finished) raises ValueError and changes nothing;
- failure to reach or write the store raises JournalError, whose message names the store;
- a store lost under a running journal (its file deleted, or another put in its place) is
  noticed before the next write, and either restored with every record (logged as an ERROR)
  or refused with JournalError: never a write into a store the next start will not see.

Implementations take ``keep_days`` and ``clock`` when opened: opening prunes records finished
more than ``keep_days`` ago, and every time a method records comes from ``clock`` (wall clock,
so a due time survives a reboot).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

CallbackState = Literal["pending", "delivered"]
SmsState = Literal["dialling", "done", "retry"]

DAY = 86400.0  # seconds; keep_days counts in these
KEEP_DAYS = 30  # what open_journal keeps: finished records are pruned after this

#: Where an alert came from when the caller does not say: the HTTP endpoint that gsmcall polls.
DEFAULT_SOURCE = "endpoint"


class JournalError(Exception):
    """The state store cannot be opened or written; the message names the store."""


@dataclass(frozen=True)
class AlertProgress:
    """An alert being rung: enough to resume it after a restart at the right number."""

    mid: str
    phones: tuple[str, ...]
    attempts: list[dict[str, Any]]
    source: str = DEFAULT_SOURCE
    text: str | None = None  # what the alert is about, spoken into the call

    @property
    def next_index(self) -> int:
        """Index in ``phones`` of the next number to ring; == len(phones) when all were rung."""
        return len(self.attempts)


@dataclass(frozen=True)
class PendingCallback:
    """A finished alert whose result is still to be reported to the source that raised it."""

    mid: str
    resp: str | None
    body: dict[str, Any]
    tries: int
    next_at: float
    source: str


@dataclass(frozen=True)
class OutgoingSms:
    """An SMS journaled for sending; ``key`` is the caller's name for it, ``id`` the journal's."""

    id: int
    key: str
    number: str
    text: str
    tries: int
    next_at: float
    created_at: float


@dataclass(frozen=True)
class OutgoingPart:
    """One encoded part of an outgoing SMS: ``seq`` from 0, the PDU as first encoded (so a
    resend keeps its concatenation reference), its TPDU length, and whether the modem took it."""

    seq: int
    pdu: str
    length: int
    sent: bool


@dataclass(frozen=True)
class Notification:
    """One webhook notification for one group, as the journal needs it (DESIGN §6).

    ``firing`` and ``resolved`` are the source's alert identities (fingerprints, the generic
    id); ``phones`` is the plan a new page gets, worked out when the notification arrived;
    ``text`` replaces a queued page's text, since each notification describes its whole group.
    """

    source: str
    group: str
    text: str | None
    firing: tuple[str, ...]
    resolved: tuple[str, ...]
    phones: tuple[str, ...]
    repeat_after: float


@dataclass(frozen=True)
class Taken:
    """What a notification did: the page its new alerts are rung with (None: nothing new
    fires), whether that page is new, how many firing alerts were already paged, and the
    pages its resolves dropped unrung or will stop before their next call."""

    page: str | None = None
    started: bool = False
    new: int = 0
    already: int = 0
    dropped: tuple[str, ...] = ()
    stopping: tuple[str, ...] = ()


@runtime_checkable
class Journal(Protocol):
    """The state store; open it once at start (which also prunes old records) and share it."""

    def close(self) -> None:
        """Release the store; the journal must not be used afterwards."""

    def __enter__(self) -> Journal:
        """The journal itself, closed again on leaving the block."""

    def __exit__(self, *exc_info: object) -> None:
        """Close the journal."""

    # --- alerts --------------------------------------------------------------------------------

    def start_alert(self, mid: str, phones: Sequence[str], source: str = DEFAULT_SOURCE,
                    text: str | None = None) -> AlertProgress:
        """Begin ringing an alert, or return the progress of this mid if it is already under way.

        The phone list, source and text stored first win, so attempt indexes keep meaning the same
        numbers and the callback goes back to where the alert came from.
        Raises ValueError for a finished mid: the caller must check callback_state() first.
        """

    def record_attempt(self, mid: str, attempt: dict[str, Any]) -> None:
        """Append the outcome of ringing the alert's next number (any JSON object); it also
        resets the alert's count of dial failures."""

    def restart_alert(self, mid: str) -> None:
        """Forget an alert's attempts: none of them reached the network (the modem refused
        every number), so its whole list is to be rung again once the modem works."""

    def note_dial_failure(self, mid: str) -> int:
        """Count one more refusal by the modem to dial the alert's next number and return the
        count; kept across runs, so a number the modem always refuses cannot stall the list
        run after run."""

    def unfinished_alert(self) -> AlertProgress | None:
        """The oldest alert started but not finished: resume it before polling for a new one."""

    def finish_alert(self, mid: str, resp: str | None, resolved: bool = False) -> None:
        """Mark the alert done and queue its callback (due now, body ``{"mid", "resp",
        "attempts"}``, the alert's source) in one step: never one without the other.

        An intake page's body also says ``source``, ``key`` (its group) and ``status``
        (acknowledged, answered, unanswered, or resolved: ``resolved`` stopped it)."""

    # --- intake pages ----------------------------------------------------------------------------

    def take_notification(self, notification: Notification) -> Taken:
        """Journal a webhook notification in one transaction, deduplicated as DESIGN §6 says: a
        firing alert already queued, ringing, or finished less than ``repeat_after`` ago rings
        nobody; new ones join their group's queued page or start one (an unfinished alert,
        rung by the loop like any other); a page whose alerts have all resolved is finished
        unrung while queued (callback status ``resolved``)."""

    def page_ringing(self, mid: str) -> None:
        """The loop starts ringing this page: alerts of its group no longer join it. Nothing
        for an alert that is not an intake page."""

    def finish_if_resolved(self, mid: str) -> bool:
        """Finish an intake page whose alerts have all resolved (callback status
        ``resolved``) and return True, in one transaction, so an alert firing again in
        between keeps the page going; False (and nothing changes) otherwise."""

    # --- callbacks -----------------------------------------------------------------------------

    def pending_callbacks(self, now: float) -> list[PendingCallback]:
        """Callbacks due at ``now``, oldest due first."""

    def next_callback_due(self) -> float | None:
        """When the earliest pending callback is due (it may be in the past), None if none is pending."""

    def callback_delivered(self, mid: str) -> None:
        """The source acknowledged the callback: it is no longer pending (kept for keep_days)."""

    def callback_failed(self, mid: str, next_at: float) -> None:
        """Posting the callback failed: count the try and make it due again at ``next_at``."""

    def requeue_callback(self, mid: str, next_at: float) -> None:
        """Post a callback again: the endpoint is still offering an alert we already reported."""

    def callback_state(self, mid: str) -> CallbackState | None:
        """'pending' or 'delivered' for an alert already rung to its end, None for one never finished."""

    # --- SMS commands --------------------------------------------------------------------------

    def sms_state(self, key: str) -> SmsState | None:
        """'dialling' means a crash came between dialling and recording the outcome: do not dial again."""

    def sms_processed(self, key: str) -> bool:
        """True once the command must not run again: it is being dialled or was handled."""

    def mark_sms_dialling(self, key: str, sender: str | None = None) -> None:
        """Written just before dialling an SMS command; a finished record is never downgraded."""

    def sms_fault(self, key: str) -> int:
        """The modem failed before the command's call was placed: allow a retry, and return
        how many faults this message has met (the caller gives up after a few)."""

    def mark_sms(self, key: str, sender: str, outcome: str) -> None:
        """Record an SMS as handled (dialled, refused, unparsable...) with a short outcome."""

    # --- marks --------------------------------------------------------------------------------

    def mark(self, name: str) -> Any:
        """The JSON value last set under ``name``, None when none is (never pruned)."""

    def set_mark(self, name: str, value: Any) -> None:
        """Set ``name`` to a JSON value, or forget it with None."""

    # --- SMS outbox ----------------------------------------------------------------------------

    def enqueue_sms(self, number: str, text: str, key: str) -> bool:
        """Journal an SMS to send, due now, before anything is sent, so a crash cannot lose it.

        ``key`` makes this idempotent, so a caller that crashed before knowing whether it
        enqueued may simply enqueue again: a key already in the outbox returns False and adds
        nothing. A key is remembered until its message is pruned (keep_days after it was sent
        or abandoned). Delivery is per part at least once: a crash after the modem took a part and
        before sms_part_sent() sends that part again, with the same PDU.
        """

    def due_sms(self, now: float) -> list[OutgoingSms]:
        """Messages pending with next_at <= ``now``, oldest enqueued first, so a recipient reads
        them in the order they were written even when one of them needed a retry."""

    def next_sms_due(self) -> float | None:
        """When the earliest pending message is due (it may be in the past), None if none is pending."""

    def store_sms_parts(self, id: int, parts: Sequence[tuple[str, int]]) -> list[OutgoingPart]:
        """Journal a pending message's encoded (PDU, TPDU length) parts before the first is
        sent, and return what is stored: parts stored earlier win, so every resend of the
        message uses the same PDUs. Raises ValueError for an id that is not pending."""

    def sms_parts(self, id: int) -> list[OutgoingPart]:
        """The message's stored parts in order; empty before store_sms_parts."""

    def sms_part_sent(self, id: int, seq: int) -> None:
        """The modem accepted this part: it is never sent again.
        Raises ValueError for an id that is not pending."""

    def sms_sent(self, id: int) -> None:
        """The modem accepted the message: it is no longer due (kept for keep_days).
        Raises ValueError for an id that is not pending."""

    def sms_send_failed(self, id: int, next_at: float, error: str) -> int:
        """Sending failed: record the error, make the message due again at ``next_at`` and
        return how many tries it has had (the caller abandons it after a few).
        Raises ValueError for an id that is not pending."""

    def sms_abandoned(self, id: int, error: str) -> None:
        """Give up on a message: never due again, kept with its error for keep_days as a record.
        Raises ValueError for an id that is not pending."""
