"""The outbox and result delivery over a real journal: retries, give-ups and faults."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from gsmmodem.pdu import decodeSmsPdu

from gsmcall.messaging.outbox import MAX_TRIES, Outbox
from gsmcall.modem.capabilities.sms import SmsRefused
from gsmcall.modem.errors import CommandTimeout
from gsmcall.report.delivery import Delivery
from gsmcall.store import SqliteJournal


class Sender:
    def __init__(self, outcomes: list[Exception | None]) -> None:
        self.outcomes, self.sent = outcomes, []

    def __call__(self, pdu: str, length: int) -> None:
        self.sent.append(pdu)
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_a_message_refused_by_the_network_is_retried_with_back_off_then_given_up(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path) as journal:
        clock = Clock()
        sender = Sender([SmsRefused("+CMS ERROR: 500")] * MAX_TRIES)
        outbox = Outbox(journal, sender, clock)
        assert outbox.enqueue("10086", "你好", key="k1") and not outbox.enqueue("10086", "你好", key="k1")
        clock.now = time.time()
        for tries in range(1, MAX_TRIES):
            outbox.flush(lambda: False)
            (pending,) = journal.due_sms(float("inf"))
            assert pending.tries == tries and pending.next_at > clock.now
            outbox.flush(lambda: False)  # not due yet: not sent again
            assert len(sender.sent) == tries
            clock.now = pending.next_at
        outbox.flush(lambda: False)
        assert len(sender.sent) == MAX_TRIES and journal.due_sms(float("inf")) == []  # given up, kept on record


def test_a_modem_fault_costs_the_message_no_try_and_stops_the_flush(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path) as journal:
        sender = Sender([CommandTimeout("AT+CMGS=20", 60)])
        outbox = Outbox(journal, sender)
        outbox.enqueue("10086", "one", key="a")
        outbox.enqueue("10086", "two", key="b")
        with pytest.raises(CommandTimeout):
            outbox.flush(lambda: False)
        assert len(sender.sent) == 1
        assert [s.tries for s in journal.due_sms(time.time())] == [0, 0]
        outbox.flush(lambda: False)  # the modem is back
        assert len(sender.sent) == 3 and journal.due_sms(float("inf")) == []


def test_a_refusal_between_parts_resends_only_the_rest_with_the_same_reference(tmp_path: Path) -> None:
    text = "机房断电，请立即处理。" * 8  # UCS2, over 70 characters: several parts
    with SqliteJournal(tmp_path) as journal:
        clock = Clock()
        sender = Sender([None, SmsRefused("+CMS ERROR: 500")])
        outbox = Outbox(journal, sender, clock)
        outbox.enqueue("10086", text, key="k")
        clock.now = time.time()
        outbox.flush(lambda: False)
        first, refused = sender.sent
        (pending,) = journal.due_sms(float("inf"))
        parts = journal.sms_parts(pending.id)
        assert len(parts) >= 2 and [p.sent for p in parts[:2]] == [True, False]
        clock.now = pending.next_at
        outbox.flush(lambda: False)
        assert sender.sent[0] == first and sender.sent[2:] == [p.pdu for p in parts[1:]]
        assert sender.sent[2] == refused  # the very PDU again: same concatenation reference
        assert journal.due_sms(float("inf")) == []


def test_each_long_message_gets_its_own_concatenation_reference(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path) as journal:
        sender = Sender([])
        outbox = Outbox(journal, sender)
        for key in ("a", "b"):
            outbox.enqueue("10086", "机房断电，请立即处理。" * 8, key=key)
        outbox.flush(lambda: False)
    references = {ie.reference for pdu in sender.sent for ie in decodeSmsPdu(pdu)["udh"]}
    assert len(sender.sent) >= 4 and len(references) == 2


def test_a_stop_request_ends_the_flush_between_messages(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path) as journal:
        sender = Sender([])
        outbox = Outbox(journal, sender)
        outbox.enqueue("10086", "one", key="a")
        outbox.flush(lambda: True)
        assert sender.sent == [] and len(journal.due_sms(time.time())) == 1


def test_a_result_with_no_reporter_for_its_source_backs_off_instead_of_spinning(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path) as journal:
        journal.start_alert("m", ("1",), source="someday")
        journal.finish_alert("m", "1")
        delivery = Delivery(journal, {}, lambda n: None)
        assert not delivery.deliver()
        (callback,) = journal.pending_callbacks(float("inf"))
        assert callback.tries == 1  # recorded as a failed delivery, so it is retried with back-off
