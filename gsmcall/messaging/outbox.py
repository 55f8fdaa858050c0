"""Outgoing SMS, durable: journaled before they are sent, retried after faults.

A message is written to the journal first (idempotent by key, so a command's reply is
queued once however often the command is re-read), then sent when the loop has the modem
to itself.  Its parts are encoded once and journaled with their concatenation reference
before the first is sent, and each part is marked as the modem accepts it, so a crash or a
refusal between parts resends only the parts not yet taken, with the same reference: the
recipient's phone joins one message, never a broken one plus a second copy.  A refused part
is retried with back-off and the message given up, with a log line, only after several
tries.  The one window left is between the modem taking a part and its mark: that part
is sent again, as the same segment of the same message, which phones discard.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from gsmcall.events import timer_at_wall
from gsmcall.messaging.pdu import encode_submit
from gsmcall.modem.capabilities.sms import SmsRefused
from gsmcall.store import Journal, OutgoingPart

log = logging.getLogger(__name__)

RETRY_BASE = 30.0
RETRY_CAP = 3600.0
MAX_TRIES = 5

# Send one (PDU, TPDU length) part; raises SmsRefused, or ModemError on a fault.
SendPart = Callable[[str, int], None]


def _reference(id: int) -> int:
    """The message's concatenation reference: from its journal id, which is never reused, so
    consecutive long messages to one phone never share one (the phone would mix their parts)."""
    return id % 256


class Outbox:
    def __init__(self, journal: Journal, send: SendPart, clock: Callable[[], float] = time.time,
                 on_refused: Callable[[str], None] = lambda error: None,
                 on_sent: Callable[[], None] = lambda: None) -> None:
        """``on_refused`` hears each refusal's error, ``on_sent`` each message sent (the
        watchdog tells a barred SIM by them, and its recovery)."""
        self._journal = journal
        self._send = send
        self._clock = clock
        self._on_refused = on_refused
        self._on_sent = on_sent

    def enqueue(self, number: str, text: str, key: str) -> bool:
        """Journal a message for ``number``; False when ``key`` was queued before."""
        return self._journal.enqueue_sms(number, text, key)

    def flush(self, stopping: Callable[[], bool]) -> None:
        """Send every message that is due; the loop calls this while no call is up.  A
        modem fault (ModemError) propagates: the loop recovers the modem, the message waits."""
        for sms in self._journal.due_sms(self._clock()):
            if stopping():
                return
            parts = self._journal.sms_parts(sms.id)
            if not parts:
                try:
                    parts = self._journal.store_sms_parts(sms.id, encode_submit(sms.number, sms.text, _reference(sms.id)))
                except ValueError as exc:
                    log.error("SMS to %s cannot be encoded (%s); dropping it", sms.number, exc)
                    self._journal.sms_abandoned(sms.id, f"cannot encode: {exc}")
                    continue
            try:
                self._send_parts(sms.id, parts)
            except SmsRefused as exc:
                self._on_refused(str(exc))
                tries = self._journal.sms_send_failed(sms.id, self._clock() + self._delay(sms.tries), str(exc))
                if tries >= MAX_TRIES:
                    log.error("SMS to %s not sent after %d tries (%s); giving up", sms.number, tries, exc)
                    self._journal.sms_abandoned(sms.id, str(exc))
                else:
                    log.warning("SMS to %s not sent (%s); retrying later", sms.number, exc)
                continue
            self._journal.sms_sent(sms.id)
            log.info("SMS to %s sent", sms.number)
            self._on_sent()

    def _send_parts(self, id: int, parts: list[OutgoingPart]) -> None:
        for part in parts:
            if not part.sent:
                self._send(part.pdu, part.length)
                self._journal.sms_part_sent(id, part.seq)

    def next_due(self) -> float:
        """Monotonic time the next message is due (inf: none pending)."""
        return timer_at_wall(self._journal.next_sms_due())

    @staticmethod
    def _delay(tries: int) -> float:
        return min(RETRY_CAP, RETRY_BASE * 2 ** min(tries, 16))
