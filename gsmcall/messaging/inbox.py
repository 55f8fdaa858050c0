"""The modem's SMS store, handled: read, join, authorise, act, record, delete.

Every message, command or not, ends recorded in the journal and deleted from the modem,
so storage never fills and a restart never acts twice.  The journal key is a hash of the
stored PDU (it includes the network's timestamp), so the same command sent twice is two
messages while the same stored message read twice is one.  A command is marked
"dialling" before ``ATD``: a crash between the dial and the delete leaves that mark, and
the restarted daemon deletes the message without dialling again.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from gsmcall.at.protocol import Response
from gsmcall.at.sms_lines import parse_cmgl_header, parse_cmgr_header
from gsmcall.call.outcome import CallInterrupted, CallResult, FaultAfterCall, PlainDial
from gsmcall.config import SmsSettings
from gsmcall.messaging.authorise import Authoriser
from gsmcall.messaging.command import parse_command
from gsmcall.messaging.concat import Message, Reassembler
from gsmcall.messaging.outbox import Outbox
from gsmcall.messaging.pdu import PduError, decode_deliver
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import ModemError
from gsmcall.store import Journal

log = logging.getLogger(__name__)

# smstools purges incomplete multipart messages after hours; an hour is plenty for a
# two-part duty message and keeps a stray part from sitting in the store for long.
REASSEMBLY_TIMEOUT = 3600.0
INVALID_INDEX = "321"
# An SMS command whose call a modem fault or a stop cut short is tried this often in all.
MAX_TRIES = 3


class _Interrupted(Exception):
    """A stop cut the command's call short; the message is kept for after the restart."""


@dataclass(frozen=True)
class _Stored:
    index: int
    key: str


class SmsInbox:
    def __init__(
        self, channel: AtChannel, settings: SmsSettings, journal: Journal, dial: PlainDial,
        count: Callable[[str], None], outbox: Outbox, stopping: Callable[[], bool] = lambda: False,
        forwarding_status: Callable[[], str] | None = None,
    ) -> None:
        """``forwarding_status`` gives the text that answers ``|status|`` (None: it is
        answered that the state is not known here)."""
        self._channel = channel
        self._stopping = stopping
        self._outbox = outbox
        self._count = count
        self._settings = settings
        self._journal = journal
        self._dial = dial
        self._forwarding_status = forwarding_status
        self._authoriser = Authoriser(list(settings.allowed_senders), list(settings.allowed_targets),
                                      settings.default_region)
        self._reassembler = Reassembler(REASSEMBLY_TIMEOUT)
        self._held: dict[tuple[str, int, int], list[_Stored]] = {}
        self._indications: list[int] = []
        self._sweep_needed = False

    # --- what the loop tells it ----------------------------------------------------------
    def indicated(self, index: int) -> None:
        """A ``+CMTI`` named this index; it is read at the next ``work``."""
        self._indications.append(index)

    def request_sweep(self) -> None:
        """At start, after a reconnect, when storage is full: read everything stored."""
        self._sweep_needed = True

    def work(self) -> None:
        """Act on what arrived: a sweep if one is due, then each indicated message."""
        if self._sweep_needed:
            self._sweep_needed = False
            self.sweep()
        while self._indications and not self._stopping():
            self.on_indication(self._indications.pop(0))

    def sweep(self) -> None:
        """Handle every stored message: at start, after reconnecting, when storage is full."""
        response = self._channel.command("AT+CMGL=4", timeout=30)
        if not response.ok:
            log.warning("cannot list stored SMS: %s", response.final.text)
            return
        stored = list(_pairs(response))
        if stored:
            log.info("%d stored SMS to handle", len(stored))
        for index, pdu in stored:
            self._handle(index, pdu)

    def on_indication(self, index: int) -> None:
        """A ``+CMTI`` named this index: read it and act."""
        response = self._channel.command(f"AT+CMGR={index}", timeout=15)
        if not response.ok:
            if response.final.error_code == INVALID_INDEX:
                log.debug("SMS %d is gone already (+CMS ERROR: 321)", index)
            else:
                log.warning("cannot read SMS %d: %s", index, response.final.text)
            return
        if len(response.lines) < 2 or parse_cmgr_header(response.lines[0]) is None:
            log.info("SMS slot %d is empty", index)
            return
        self._handle(index, response.lines[1])

    def expire(self) -> None:
        """Drop multipart messages whose other parts never came."""
        for group in self._reassembler.expire(time.monotonic()):
            log.warning("dropping incomplete SMS from %s: got parts %s of %d after %.0fs",
                        group.sender, list(group.seqs), group.total, REASSEMBLY_TIMEOUT)
            for item in self._held.pop((group.sender, group.ref, group.total), []):
                self._journal.mark_sms(item.key, group.sender, "incomplete multipart, dropped")
                self._delete(item.index)

    # --- internals -----------------------------------------------------------------------
    def _handle(self, index: int, pdu: str) -> None:
        key = hashlib.sha256(pdu.strip().upper().encode()).hexdigest()[:32]
        if self._journal.sms_processed(key):
            log.info("SMS %d was handled before; deleting it", index)
            self._delete(index)
            return
        try:
            part = decode_deliver(pdu)
        except Exception as exc:  # noqa: BLE001 - a third-party parser on radio input: any failure means undecodable
            exc = exc if isinstance(exc, PduError) else PduError(f"{type(exc).__name__}: {exc}")
            log.warning("SMS %d cannot be decoded (%s); deleting it", index, exc)
            self._journal.mark_sms(key, "", f"undecodable: {exc}")
            self._count("undecodable")
            self._delete(index)
            return
        stored = _Stored(index, key)
        if part.total <= 1 or part.ref is None:
            self._act(Message(part.sender, part.text, part.timestamp, 1), [stored])
            return
        group = (part.sender, part.ref, part.total)
        held = self._held.setdefault(group, [])
        if any(item.key == key for item in held):
            return
        held.append(stored)
        message = self._reassembler.add(part, time.monotonic())
        if message is None:
            log.info("SMS part %d/%d from %s stored, waiting for the rest", part.seq, part.total, part.sender)
            return
        self._act(message, self._held.pop(group))

    def _act(self, message: Message, stored: list[_Stored]) -> None:
        fault: FaultAfterCall | None = None
        try:
            category, outcome = self._run(message, stored)
        except _Interrupted:
            return  # kept on the modem and in the journal as "retry": dialled after the restart
        except FaultAfterCall as exc:
            # The call was placed and ended; only the clean-up failed: it counts as done.
            fault = exc
            category, outcome = "dialled", f"dialled {exc.attempt.number}: {exc.attempt.result.value}"
        self._count(category)
        for item in stored:
            self._journal.mark_sms(item.key, message.sender, outcome)
        if fault is not None:
            raise fault  # the daemon recovers the modem; the next sweep deletes the message
        for item in stored:
            self._delete(item.index)

    def _run(self, message: Message, stored: list[_Stored]) -> tuple[str, str]:
        """(metrics category, outcome for the journal and the log)."""
        sender = message.sender
        command = parse_command(message.text, self._settings.keyword)
        if command is None:
            log.info("SMS from %s is not a command: %r", sender, message.text[:60])
            return "not_command", "not a command"
        if command.is_status:
            return self._answer_status(message, stored)
        decision = self._authoriser.check(sender, command.number, sender_ton=message.sender_ton)
        if not decision.allowed:
            log.warning("SMS command from %s to dial %r refused: %s", sender, command.number, decision.reason)
            return "refused", f"refused: {decision.reason}"
        for item in stored:
            self._journal.mark_sms_dialling(item.key, sender)
        log.info("SMS command from %s: dialling %s (%s)", sender, command.number, command.text[:60])
        try:
            attempt = self._dial(command.number)
        except FaultAfterCall:
            raise
        except (ModemError, CallInterrupted) as exc:
            # The modem failed, or a stop came, before the call was placed.
            gave_up = self._keep_for_retry(sender, stored, str(exc))
            if gave_up is not None:
                return "failed", gave_up
            if isinstance(exc, CallInterrupted):
                raise _Interrupted(command.number) from exc
            raise
        if self._stopping() and attempt.result is not CallResult.ANSWERED:
            # We cut the call short to shut down: it was not really placed (a forwarding
            # code never reached the network's announcement); dial it again after restart.
            gave_up = self._keep_for_retry(sender, stored, "stopped during the call")
            if gave_up is not None:
                return "failed", gave_up
            raise _Interrupted(command.number)
        outcome = f"dialled {command.number}: {attempt.result.value}"
        log.info("SMS command from %s: %s", sender, outcome)
        if self._settings.reply:
            self._outbox.enqueue(sender, f"gsmcall: {outcome}", key=f"reply:{stored[0].key}")
        return "dialled", outcome

    def _answer_status(self, message: Message, stored: list[_Stored]) -> tuple[str, str]:
        """``|status|``: the forwarding's state by SMS to an allowed sender, whatever
        ``sms.reply`` says (the reply is the point).  A modem fault during the query
        propagates: the message stays on the modem and is answered after the recovery."""
        decision = self._authoriser.check_sender(message.sender, sender_ton=message.sender_ton)
        if not decision.allowed:
            log.warning("SMS status query from %s refused: %s", message.sender, decision.reason)
            return "refused", f"refused: {decision.reason}"
        text = (self._forwarding_status() if self._forwarding_status is not None
                else "gsmcall forwarding: not known here")
        self._outbox.enqueue(message.sender, text, key=f"status:{stored[0].key}")
        log.info("SMS status query from %s answered: %s", message.sender, text)
        return "status", "answered with the forwarding state"

    def _keep_for_retry(self, sender: str, stored: list[_Stored], cause: str) -> str | None:
        """Keep the message for another try, at most MAX_TRIES in all, so a recurring fault
        (or stop) cannot retry it forever; returns the outcome to record once it gives up."""
        tries = max(self._journal.sms_fault(item.key) for item in stored)
        if tries >= MAX_TRIES:
            log.error("SMS command from %s: not dialled after %d tries (%s); giving up", sender, tries, cause)
            return f"not dialled: {tries} tries"
        log.warning("SMS command from %s: %s; it is dialled again later (try %d of %d)",
                    sender, cause, tries, MAX_TRIES)
        return None

    def _delete(self, index: int) -> None:
        response = self._channel.command(f"AT+CMGD={index}", timeout=15)
        if not response.ok:
            log.warning("cannot delete SMS %d: %s", index, response.final.text)


def _pairs(response: Response) -> list[tuple[int, str]]:
    """(index, PDU) pairs from an ``AT+CMGL`` response."""
    pairs: list[tuple[int, str]] = []
    lines = response.lines
    for i, line in enumerate(lines):
        header = parse_cmgl_header(line)
        if header is not None and i + 1 < len(lines) and parse_cmgl_header(lines[i + 1]) is None:
            pairs.append((header[0], lines[i + 1]))
    return pairs
