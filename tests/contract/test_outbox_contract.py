"""The SMS outbox contract: a reply journaled once is sent, retried and finally dropped, but
never lost by a restart and never enqueued twice. Each test runs against every implementation."""

from __future__ import annotations

import pytest

from gsmcall.store import Journal, OutgoingSms
from gsmcall.store.base import DAY
from tests.contract.journals import Clock, JournalMaker


def test_enqueued_sms_is_due_at_once(journal: Journal, clock: Clock) -> None:
    assert journal.next_sms_due() is None and journal.due_sms(float("inf")) == []
    assert journal.enqueue_sms("18712345678", "告警 m1: 已接听", key="reply-1")
    (sms,) = journal.due_sms(clock.now)
    assert sms == OutgoingSms(sms.id, "reply-1", "18712345678", "告警 m1: 已接听", 0, clock.now, clock.now)
    assert journal.next_sms_due() == clock.now


def test_enqueue_is_idempotent_by_key(journal: Journal, clock: Clock) -> None:
    assert journal.enqueue_sms("1", "first", key="k")
    clock.now += 1
    assert not journal.enqueue_sms("2", "second", key="k")
    assert [(s.number, s.text, s.created_at) for s in journal.due_sms(clock.now)] == [("1", "first", clock.now - 1)]
    assert journal.enqueue_sms("1", "first", key="other")
    ids = [s.id for s in journal.due_sms(clock.now)]
    assert len(set(ids)) == 2


def test_due_sms_come_oldest_first_and_only_when_due(journal: Journal, clock: Clock) -> None:
    start = clock.now
    for key in ("a", "b", "c"):
        journal.enqueue_sms("1", key, key=key)
        clock.now += 1
    assert [s.key for s in journal.due_sms(start + 1)] == ["a", "b"]
    (a,) = journal.due_sms(start)
    journal.sms_send_failed(a.id, next_at=start + 5, error="+CMS ERROR: 500")
    assert [s.key for s in journal.due_sms(start + 2)] == ["b", "c"]
    assert [s.key for s in journal.due_sms(start + 5)] == ["a", "b", "c"]


def test_failed_sms_is_retried_when_due(journal: Journal, clock: Clock) -> None:
    journal.enqueue_sms("1", "text", key="k")
    (sms,) = journal.due_sms(clock.now)
    assert journal.sms_send_failed(sms.id, next_at=clock.now + 30, error="timeout") == 1
    assert journal.due_sms(clock.now + 29) == []
    assert journal.next_sms_due() == clock.now + 30
    (again,) = journal.due_sms(clock.now + 30)
    assert (again.id, again.tries, again.next_at) == (sms.id, 1, clock.now + 30)
    assert journal.sms_send_failed(sms.id, next_at=clock.now + 90, error="timeout") == 2
    assert journal.due_sms(clock.now + 90)[0].tries == 2


def test_sent_sms_is_not_due_and_its_key_is_remembered(journal: Journal, clock: Clock) -> None:
    journal.enqueue_sms("1", "text", key="k")
    journal.enqueue_sms("2", "other", key="k2")
    (sms, other) = journal.due_sms(clock.now)
    journal.sms_sent(sms.id)
    assert [s.key for s in journal.due_sms(float("inf"))] == ["k2"]
    journal.sms_sent(other.id)
    assert journal.due_sms(float("inf")) == [] and journal.next_sms_due() is None
    assert not journal.enqueue_sms("1", "text", key="k"), "a sent message is not sent again"


def test_abandoned_sms_is_never_due_again(journal: Journal, clock: Clock) -> None:
    journal.enqueue_sms("1", "text", key="k")
    (sms,) = journal.due_sms(clock.now)
    journal.sms_send_failed(sms.id, next_at=clock.now + 10, error="no network")
    journal.sms_abandoned(sms.id, "no network after 1 try")
    assert journal.due_sms(float("inf")) == [] and journal.next_sms_due() is None
    assert not journal.enqueue_sms("1", "text", key="k")


def test_outbox_misuse_is_refused(journal: Journal, clock: Clock) -> None:
    for action in (
        lambda: journal.sms_sent(12345),
        lambda: journal.sms_send_failed(12345, clock.now, "x"),
        lambda: journal.sms_abandoned(12345, "x"),
    ):
        with pytest.raises(ValueError, match="never enqueued"):
            action()
    journal.enqueue_sms("1", "sent", key="sent")
    journal.enqueue_sms("1", "abandoned", key="abandoned")
    sent, abandoned = journal.due_sms(clock.now)
    journal.sms_sent(sent.id)
    journal.sms_abandoned(abandoned.id, "gave up")
    for action in (
        lambda: journal.sms_send_failed(sent.id, clock.now, "x"),
        lambda: journal.sms_abandoned(sent.id, "x"),
        lambda: journal.sms_sent(abandoned.id),
    ):
        with pytest.raises(ValueError, match="not pending"):
            action()
    assert journal.due_sms(float("inf")) == [], "a refused call must not change anything"


def test_outbox_survives_restart(make_journal: JournalMaker, clock: Clock) -> None:
    with make_journal() as first:
        first.enqueue_sms("1", "retried", key="retried")
        first.enqueue_sms("1", "sent", key="sent")
        retried, sent = first.due_sms(clock.now)
        first.sms_send_failed(retried.id, next_at=clock.now + 60, error="timeout")
        first.sms_sent(sent.id)
    with make_journal() as second:
        assert second.next_sms_due() == clock.now + 60
        assert second.due_sms(float("inf")) == [
            OutgoingSms(retried.id, "retried", "1", "retried", 1, clock.now + 60, clock.now)
        ]
        assert not second.enqueue_sms("1", "sent", key="sent")


def test_old_sent_and_abandoned_sms_are_pruned_on_open(make_journal: JournalMaker, clock: Clock) -> None:
    with make_journal() as first:
        for key in ("old-sent", "old-abandoned", "old-pending", "recent-sent"):
            first.enqueue_sms("1", key, key=key)
        sent, abandoned, _, recent = first.due_sms(clock.now)
        first.sms_sent(sent.id)
        first.sms_abandoned(abandoned.id, "gave up")
        clock.now += 2 * DAY
        first.sms_sent(recent.id)
    clock.now += 29 * DAY
    with make_journal(keep_days=30) as second:
        assert [s.key for s in second.due_sms(float("inf"))] == ["old-pending"], "a pending message is never pruned"
        assert second.enqueue_sms("1", "again", key="old-sent"), "a pruned key is forgotten"
        assert second.enqueue_sms("1", "again", key="old-abandoned")
        assert not second.enqueue_sms("1", "again", key="recent-sent")
