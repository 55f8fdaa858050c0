"""The last forwarding change in state.dir, and the status words built from it and the network's
answer: the same for ``gsmcall forward status`` and the ``|status|`` SMS."""

from __future__ import annotations

import stat

from gsmcall.at.forwarding import VoiceForwarding
from gsmcall.forwarding_record import (
    FILENAME,
    LastChange,
    change_of,
    last_change,
    record,
)
from gsmcall.forwarding_report import status_lines
from gsmcall.modem.capabilities.forwarding import ForwardingResult, State, Verified

N = "13912345678"
AT = 1796212800.0  # 2026-12-02 12:00:00 UTC


def answer(target: str | None) -> ForwardingResult:
    reported = VoiceForwarding(target)
    return ForwardingResult(State.SET if target else State.CANCELLED, target, Verified.YES, "", reported)


NO_ANSWER = ForwardingResult(State.UNKNOWN, None, Verified.CANNOT,
                             "the network does not answer forwarding queries (+CME ERROR: 100)")


def test_a_change_is_kept_privately_and_read_back(tmp_path) -> None:
    result = ForwardingResult(State.SET, N, Verified.CANNOT, "answered *72...")
    change = change_of(result, "*72{number}", AT)
    record(tmp_path / "state", change)
    assert last_change(tmp_path / "state") == change == LastChange("set", N, "*72{number}", "cannot-verify", AT,
                                                                  "answered *72...")
    assert stat.S_IMODE((tmp_path / "state" / FILENAME).stat().st_mode) == 0o600
    assert change.when == "2026-12-02 12:00:00 UTC"


def test_no_record_and_an_unreadable_one_are_none(tmp_path) -> None:
    assert last_change(tmp_path) is None
    (tmp_path / FILENAME).write_text("{not json")
    assert last_change(tmp_path) is None


def test_status_without_an_answer_shows_the_last_change_and_is_no_contradiction() -> None:
    lines, contradicted = status_lines(NO_ANSWER, LastChange("set", N, "*72{number}", "cannot-verify", AT))
    assert lines == ["network: unknown: the network does not answer forwarding queries (+CME ERROR: 100)",
                     f"last change by gsmcall: set to {N} at 2026-12-02 12:00:00 UTC (verified: cannot-verify)"]
    assert not contradicted


def test_status_that_agrees_with_the_last_change() -> None:
    lines, contradicted = status_lines(answer("+86" + N), LastChange("set", N, "ccfc", "yes", AT))
    assert lines[0] == f"network: forwarding to +86{N}" and not contradicted
    lines, contradicted = status_lines(answer(None), LastChange("cancel", None, "ccfc", "yes", AT))
    assert lines[0] == "network: no forwarding" and not contradicted


def test_status_that_contradicts_the_last_change() -> None:
    lines, contradicted = status_lines(answer("+8613800000000"), LastChange("set", N, "ccfc", "yes", AT))
    assert contradicted and lines[-1] == "network: its answer contradicts the last change gsmcall made"
    _, contradicted = status_lines(answer(N), LastChange("cancel", None, "##21#", "yes", AT))
    assert contradicted


def test_status_with_nothing_recorded() -> None:
    assert status_lines(answer(None), None) == (["network: no forwarding", "last change by gsmcall: none recorded"],
                                                False)
