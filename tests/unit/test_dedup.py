"""The pure deduplication rule and a finished page's status (policy.dedup)."""

from __future__ import annotations

import pytest

from gsmcall.policy.dedup import LastPage, Verdict, callback_status, firing_verdict


@pytest.mark.parametrize(("last", "verdict"), [
    (None, Verdict.NEW),
    (LastPage("p", "queued"), Verdict.COVERED),
    (LastPage("p", "ringing"), Verdict.COVERED),
    (LastPage("p", "finished", 1000.0 - 3599), Verdict.RECENT),
    (LastPage("p", "finished", 1000.0 - 3600), Verdict.NEW),
])
def test_firing_verdict(last: LastPage | None, verdict: Verdict) -> None:
    assert firing_verdict(last, 1000.0, 3600) is verdict


def test_repeat_after_zero_rings_every_new_firing_after_a_finish() -> None:
    assert firing_verdict(LastPage("p", "finished", 1000.0), 1000.0, 0) is Verdict.NEW


def test_status_names_what_the_number_in_resp_did() -> None:
    attempts = [{"number": "1", "result": "answered"}, {"number": "2", "result": "acknowledged"}]
    assert callback_status("2", attempts, False) == "acknowledged"
    assert callback_status("1", attempts, False) == "answered"
    assert callback_status(None, attempts, False) == "unanswered"
    assert callback_status(None, [], True) == "resolved"
