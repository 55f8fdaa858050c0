"""The journal's intake pages: deduplication, joining, resolves (DESIGN §6), for every store."""

from __future__ import annotations

from gsmcall.store import Journal, Notification
from tests.contract.journals import Clock, JournalMaker, attempt

HOUR = 3600.0


def note(*firing: str, resolved: tuple[str, ...] = (), group: str = "g1", text: str | None = "CPU high",
         phones: tuple[str, ...] = ("18700000001", "18700000002"), source: str = "alertmanager",
         repeat_after: float = HOUR) -> Notification:
    return Notification(source, group, text, tuple(firing), resolved, phones, repeat_after)


def test_a_firing_alert_queues_a_page_the_loop_rings_like_any_alert(journal: Journal) -> None:
    taken = journal.take_notification(note("fp1", "fp2"))
    assert (taken.page, taken.started, taken.new, taken.already) == ("alertmanager#1", True, 2, 0)
    progress = journal.unfinished_alert()
    assert progress is not None
    assert (progress.mid, progress.phones, progress.source, progress.text) == (
        "alertmanager#1", ("18700000001", "18700000002"), "alertmanager", "CPU high")


def test_a_repeat_and_an_ha_twin_ring_nobody(journal: Journal) -> None:
    journal.take_notification(note("fp1"))
    for _ in range(2):
        taken = journal.take_notification(note("fp1"))
        assert (taken.page, taken.new, taken.already) == (None, 0, 1)
    assert journal.unfinished_alert() is not None
    journal.finish_alert("alertmanager#1", "18700000001")
    assert journal.unfinished_alert() is None
    assert journal.take_notification(note("fp1")).page is None  # finished just now: a repeat


def test_a_new_alert_joins_its_groups_queued_page_and_brings_the_new_text(journal: Journal) -> None:
    journal.take_notification(note("fp1"))
    taken = journal.take_notification(note("fp1", "fp2", text="CPU high，共2条告警"))
    assert (taken.page, taken.started, taken.new, taken.already) == ("alertmanager#1", False, 1, 1)
    progress = journal.unfinished_alert()
    assert progress is not None and progress.text == "CPU high，共2条告警"
    journal.finish_alert("alertmanager#1", None)
    assert journal.unfinished_alert() is None  # one page for both: never a second call


def test_once_ringing_a_page_takes_no_new_alerts_they_start_the_next_page(journal: Journal) -> None:
    journal.take_notification(note("fp1"))
    journal.page_ringing("alertmanager#1")
    taken = journal.take_notification(note("fp1", "fp2"))
    assert (taken.page, taken.started, taken.new, taken.already) == ("alertmanager#2", True, 1, 1)
    progress = journal.unfinished_alert()
    assert progress is not None and progress.mid == "alertmanager#1"  # oldest first


def test_other_groups_and_other_sources_are_separate_pages(journal: Journal) -> None:
    assert journal.take_notification(note("fp1")).page == "alertmanager#1"
    assert journal.take_notification(note("fp9", group="g2")).page == "alertmanager#2"
    assert journal.take_notification(note("fp1", source="grafana")).page == "grafana#3"


def test_a_resolve_drops_a_queued_page_unrung_and_reports_it_resolved(journal: Journal, clock: Clock) -> None:
    journal.take_notification(note("fp1", "fp2"))
    assert journal.take_notification(note(resolved=("fp1",))).dropped == ()  # fp2 still fires
    taken = journal.take_notification(note(resolved=("fp2",)))
    assert taken.dropped == ("alertmanager#1",)
    assert journal.unfinished_alert() is None
    [callback] = journal.pending_callbacks(clock.now)
    assert (callback.mid, callback.resp, callback.source) == ("alertmanager#1", None, "alertmanager")
    assert callback.body == {"mid": "alertmanager#1", "resp": None, "attempts": [], "source": "alertmanager",
                             "key": "g1", "status": "resolved"}


def test_a_resolve_stops_a_ringing_page_before_its_next_call(journal: Journal) -> None:
    journal.take_notification(note("fp1"))
    journal.page_ringing("alertmanager#1")
    journal.record_attempt("alertmanager#1", attempt("18700000001", "no_answer"))
    assert not journal.finish_if_resolved("alertmanager#1")
    taken = journal.take_notification(note(resolved=("fp1",)))
    assert (taken.dropped, taken.stopping) == ((), ("alertmanager#1",))
    assert journal.unfinished_alert() is not None  # the loop finishes it, not the request thread
    assert journal.finish_if_resolved("alertmanager#1")
    assert journal.unfinished_alert() is None
    [callback] = journal.pending_callbacks(float("inf"))
    assert callback.body["status"] == "resolved" and len(callback.body["attempts"]) == 1


def test_an_alert_that_fires_again_before_its_page_is_rung_is_wanted_again(journal: Journal) -> None:
    journal.take_notification(note("fp1"))
    journal.page_ringing("alertmanager#1")
    journal.take_notification(note(resolved=("fp1",)))
    journal.take_notification(note("fp1"))
    assert not journal.finish_if_resolved("alertmanager#1")


def test_flapping_within_repeat_after_is_not_rung_again_but_after_it_is(journal: Journal, clock: Clock) -> None:
    journal.take_notification(note("fp1"))
    journal.finish_alert("alertmanager#1", "18700000001")
    journal.take_notification(note(resolved=("fp1",)))
    clock.now += HOUR - 1
    assert journal.take_notification(note("fp1")).page is None
    clock.now += 2
    assert journal.take_notification(note("fp1")).page == "alertmanager#2"


def test_a_finished_pages_callback_says_what_happened(journal: Journal, clock: Clock) -> None:
    journal.take_notification(note("fp1", group="web"))
    journal.record_attempt("alertmanager#1", attempt("18700000001", "no_answer"))
    journal.record_attempt("alertmanager#1", attempt("18700000002", "acknowledged"))
    journal.finish_alert("alertmanager#1", "18700000002")
    [callback] = journal.pending_callbacks(clock.now)
    assert (callback.body["key"], callback.body["status"], len(callback.body["attempts"])) == ("web", "acknowledged", 2)
    journal.take_notification(note("fp2", group="db"))
    journal.finish_alert("alertmanager#2", None)
    statuses = {c.mid: c.body["status"] for c in journal.pending_callbacks(clock.now)}
    assert statuses == {"alertmanager#1": "acknowledged", "alertmanager#2": "unanswered"}


def test_an_endpoint_alert_is_no_page(journal: Journal, clock: Clock) -> None:
    journal.start_alert("m1", ["18700000001"])
    journal.page_ringing("m1")
    assert not journal.finish_if_resolved("m1")
    journal.finish_alert("m1", None)
    [callback] = journal.pending_callbacks(clock.now)
    assert callback.body == {"mid": "m1", "resp": None, "attempts": []}


def test_page_names_never_repeat_and_avoid_an_endpoints_mid(make_journal: JournalMaker) -> None:
    journal = make_journal()
    journal.start_alert("alerts#1", ["18700000001"])  # an endpoint mid that looks like a page name
    assert journal.take_notification(note("x", source="alerts")).page == "alerts#2"
    journal.close()
    assert make_journal().take_notification(note("y", source="alerts", group="g2")).page == "alerts#3"


def test_queued_pages_and_their_dedup_survive_a_restart(make_journal: JournalMaker) -> None:
    make_journal().take_notification(note("fp1"))
    journal = make_journal()
    progress = journal.unfinished_alert()
    assert progress is not None and progress.mid == "alertmanager#1"
    assert journal.take_notification(note("fp1")).page is None
