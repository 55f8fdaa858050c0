"""Outgoing SMS, durable: journaled before they are sent, retried after faults.

A message is written to the journal first (idempotent by key, so a command's reply is
queued once however often the command is re-read), then sent when the loop has the modem
to itself.  A part the modem or the network refuses is not dropped: the whole message is
retried with back-off (re-encoded, so it gets a fresh concatenation reference), and given
up, with a log line, only after several tries.  Sending is at least once: a crash between
the send and its record sends the message again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from gsmcall.events import timer_at_wall
from gsmcall.messaging.pdu import encode_submit
from gsmcall.modem.capabilities.sms import SmsRefused
from gsmcall.store import Journal

log = logging.getLogger(__name__)

RETRY_BASE = 30.0
RETRY_CAP = 3600.0
MAX_TRIES = 5

# Send the (PDU, TPDU length) parts of one message; raises SmsRefused.
SendParts = Callable[[list[tuple[str, int]]], None]


class Outbox:
    def __init__(self, journal: Journal, send: SendParts, clock: Callable[[], float] = time.time) -> None:
        self._journal = journal
        self._send = send
        self._clock = clock

    def enqueue(self, number: str, text: str, key: str) -> bool:
        """Journal a message for ``number``; False when ``key`` was queued before."""
        return self._journal.enqueue_sms(number, text, key)

    def flush(self, stopping: Callable[[], bool]) -> None:
        """Send every message that is due; the loop calls this while no call is up.  A
        modem fault (ModemError) propagates: the loop recovers the modem, the message waits."""
        for sms in self._journal.due_sms(self._clock()):
            if stopping():
                return
            try:
                parts = encode_submit(sms.number, sms.text)
            except ValueError as exc:
                log.error("SMS to %s cannot be encoded (%s); dropping it", sms.number, exc)
                self._journal.sms_abandoned(sms.id, f"cannot encode: {exc}")
                continue
            try:
                self._send(parts)
            except SmsRefused as exc:
                tries = self._journal.sms_send_failed(sms.id, self._clock() + self._delay(sms.tries), str(exc))
                if tries >= MAX_TRIES:
                    log.error("SMS to %s not sent after %d tries (%s); giving up", sms.number, tries, exc)
                    self._journal.sms_abandoned(sms.id, str(exc))
                else:
                    log.warning("SMS to %s not sent (%s); retrying later", sms.number, exc)
                continue
            self._journal.sms_sent(sms.id)
            log.info("SMS to %s sent", sms.number)

    def next_due(self) -> float:
        """Monotonic time the next message is due (inf: none pending)."""
        return timer_at_wall(self._journal.next_sms_due())

    @staticmethod
    def _delay(tries: int) -> float:
        return min(RETRY_CAP, RETRY_BASE * 2 ** min(tries, 16))
