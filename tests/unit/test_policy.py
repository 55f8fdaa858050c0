"""The escalation policy (gsmcall/policy/escalation.py), driven step by step.

The policy is pure, so instead of a journal and a modem a tiny driver asks ``next_step``,
"rings" the number it names by appending a scripted outcome, advances a plain float clock,
and repeats until the policy says anything other than ``Ring``.  The scenarios mirror the
e2e alert cycle (tests/e2e/test_alert_cycle.py): who is rung, in which order, and what the
alert finishes with; plus the cases only the policy decides: resuming from journaled
attempts after a crash, the gap between calls, a modem that refused every number, and the
give-up threshold for a number the modem keeps refusing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from gsmcall.call.outcome import Attempt, CallResult
from gsmcall.policy.escalation import (
    MAX_FAILURES_PER_NUMBER,
    Finish,
    Ring,
    RingAgainLater,
    Step,
    WaitUntil,
    give_up_on_number,
    next_step,
    stops_escalation,
)

A, B, C = "18712345678", "18812345678", "13912345678"
R = CallResult
CALL_LENGTH = 7.0  # how long each scripted call takes on the driver's clock


def journaled(*pairs: tuple[str, CallResult]) -> list[dict[str, Any]]:
    """Attempt records as the journal holds them."""
    return [Attempt(number, result).to_json() for number, result in pairs]


@dataclass
class Run:
    final: Step
    rung: list[str] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    ring_times: list[float] = field(default_factory=list)


def drive(
    numbers: Sequence[str],
    script: Mapping[str, Sequence[CallResult]],
    attempts: Sequence[Mapping[str, Any]] = (),
    gap: float = 0.0,
    start: float = 100.0,
) -> Run:
    """Ring as the policy says; ``script[number]`` gives that number's outcomes in turn."""
    outcomes = {number: list(results) for number, results in script.items()}
    records = list(attempts)
    now, last_end = start, None  # a resumed run has no call end to leave a gap after
    run = Run(final=RingAgainLater())
    for _ in range(3 * len(numbers) + 3):
        step = next_step(numbers, records, now, last_end, gap)
        if isinstance(step, WaitUntil):
            assert step.until > now, "a wait must lie in the future"
            run.waits.append(step.until)
            now = step.until
            continue
        if not isinstance(step, Ring):
            run.final = step
            return run
        assert step.number == numbers[step.index]
        run.rung.append(step.number)
        run.indexes.append(step.index)
        run.ring_times.append(now)
        records.append(Attempt(step.number, outcomes[step.number].pop(0)).to_json())
        now += CALL_LENGTH
        last_end = now
    raise AssertionError(f"the policy never finished: {run}")


# --- the e2e alert-cycle orders --------------------------------------------------------------
def test_answered_by_the_second_number_stops_before_the_third() -> None:
    run = drive([A, B, C], {A: [R.NO_ANSWER], B: [R.ANSWERED], C: [R.ANSWERED]})
    assert run.rung == [A, B]
    assert run.final == Finish(B)


def test_nobody_answers_rings_every_number_once_in_order() -> None:
    run = drive([A, B, C], {A: [R.BUSY], B: [R.UNREACHABLE], C: [R.NO_ANSWER]})
    assert run.rung == [A, B, C]
    assert run.indexes == [0, 1, 2]
    assert run.final == Finish(None)


@pytest.mark.parametrize("result", [R.BUSY, R.NO_ANSWER, R.REJECTED, R.UNREACHABLE])
def test_no_result_but_an_answer_stops_the_escalation(result: CallResult) -> None:
    run = drive([A, B], {A: [result], B: [R.NO_ANSWER]})
    assert run.rung == [A, B] and run.final == Finish(None)


def test_a_repeated_number_is_rung_again_in_its_place() -> None:
    run = drive([A, B, A], {A: [R.NO_ANSWER, R.NO_ANSWER], B: [R.BUSY]})
    assert run.rung == [A, B, A]
    assert run.indexes == [0, 1, 2]
    assert run.final == Finish(None)


def test_a_repeated_number_answering_the_second_time_is_the_responder() -> None:
    run = drive([A, B, A, C], {A: [R.NO_ANSWER, R.ANSWERED], B: [R.BUSY], C: [R.NO_ANSWER]})
    assert run.rung == [A, B, A]
    assert run.final == Finish(A)


@pytest.mark.parametrize("result, final", [(R.ANSWERED, Finish(A)), (R.NO_ANSWER, Finish(None))])
def test_a_single_number_list(result: CallResult, final: Finish) -> None:
    run = drive([A], {A: [result]})
    assert run.rung == [A] and run.final == final


def test_the_first_step_of_a_fresh_alert_rings_the_first_number_now() -> None:
    assert next_step([A, B], [], now=5.0, last_call_ended=None, gap=30.0) == Ring(0, A)


# --- resume after a crash --------------------------------------------------------------------
def test_resume_rings_the_next_index_not_the_first() -> None:
    done = journaled((A, R.NO_ANSWER))
    assert next_step([A, B, C], done, now=0.0) == Ring(1, B)
    run = drive([A, B, C], {B: [R.BUSY], C: [R.NO_ANSWER]}, attempts=done)
    assert run.rung == [B, C] and run.indexes == [1, 2]
    assert run.final == Finish(None)


def test_resume_of_a_repeated_number_rings_its_second_place() -> None:
    done = journaled((A, R.NO_ANSWER), (B, R.BUSY))
    assert next_step([A, B, A], done, now=0.0) == Ring(2, A)


def test_an_answer_journaled_before_the_crash_finishes_without_ringing() -> None:
    done = journaled((A, R.NO_ANSWER), (B, R.ANSWERED))
    run = drive([A, B, C], {}, attempts=done)
    assert run.rung == []
    assert run.final == Finish(B)


def test_all_rung_before_the_crash_finishes_with_nobody() -> None:
    done = journaled((A, R.BUSY), (B, R.UNREACHABLE), (C, R.NO_ANSWER))
    run = drive([A, B, C], {}, attempts=done)
    assert run.rung == [] and run.final == Finish(None)


# --- the gap between calls ------------------------------------------------------------------
def test_the_gap_is_left_after_each_call_and_not_before_the_first() -> None:
    run = drive([A, B, C], {A: [R.NO_ANSWER], B: [R.BUSY], C: [R.NO_ANSWER]}, gap=30.0, start=100.0)
    assert run.ring_times == [100.0, 100.0 + CALL_LENGTH + 30.0, 100.0 + 2 * (CALL_LENGTH + 30.0)]
    assert run.waits == [100.0 + CALL_LENGTH + 30.0, 100.0 + 2 * CALL_LENGTH + 60.0]
    assert run.final == Finish(None)


def test_wait_until_last_end_plus_gap_then_ring_once_it_is_reached() -> None:
    done = journaled((A, R.NO_ANSWER))
    assert next_step([A, B], done, now=50.0, last_call_ended=50.0, gap=10.0) == WaitUntil(60.0)
    assert next_step([A, B], done, now=59.9, last_call_ended=50.0, gap=10.0) == WaitUntil(60.0)
    assert next_step([A, B], done, now=60.0, last_call_ended=50.0, gap=10.0) == Ring(1, B)
    assert next_step([A, B], done, now=75.0, last_call_ended=50.0, gap=10.0) == Ring(1, B)


def test_no_wait_on_resume_when_no_call_ended_in_this_run() -> None:
    done = journaled((A, R.NO_ANSWER))
    assert next_step([A, B], done, now=0.0, last_call_ended=None, gap=1000.0) == Ring(1, B)
    run = drive([A, B], {B: [R.NO_ANSWER]}, attempts=done, gap=1000.0)
    assert run.waits == [] and run.rung == [B]


def test_no_gap_is_waited_once_the_alert_is_over() -> None:
    answered = journaled((A, R.ANSWERED))
    assert next_step([A, B], answered, now=10.0, last_call_ended=10.0, gap=60.0) == Finish(A)
    rung_out = journaled((A, R.NO_ANSWER), (B, R.NO_ANSWER))
    assert next_step([A, B], rung_out, now=10.0, last_call_ended=10.0, gap=60.0) == Finish(None)


# --- a modem that refused every number ------------------------------------------------------
def test_every_attempt_failed_rings_the_list_again_later() -> None:
    run = drive([A, B, C], {A: [R.FAILED], B: [R.FAILED], C: [R.FAILED]})
    assert run.rung == [A, B, C]
    assert run.final == RingAgainLater()


def test_every_journaled_attempt_failed_on_resume_rings_again_later() -> None:
    done = journaled((A, R.FAILED), (B, R.FAILED))
    assert next_step([A, B], done, now=0.0) == RingAgainLater()


@pytest.mark.parametrize("reached", [R.BUSY, R.NO_ANSWER, R.REJECTED, R.UNREACHABLE])
def test_one_reached_number_among_failures_is_nobody_answered(reached: CallResult) -> None:
    run = drive([A, B, C], {A: [R.FAILED], B: [reached], C: [R.FAILED]})
    assert run.rung == [A, B, C]
    assert run.final == Finish(None)


def test_an_answer_after_failures_is_the_responder() -> None:
    run = drive([A, B, C], {A: [R.FAILED], B: [R.ANSWERED]})
    assert run.rung == [A, B] and run.final == Finish(B)


# --- the stop rule and the give-up threshold -----------------------------------------------
@pytest.mark.parametrize("result", list(CallResult))
def test_only_an_answer_or_an_acknowledgement_stops_the_escalation(result: CallResult) -> None:
    assert stops_escalation(result) is (result in (CallResult.ANSWERED, CallResult.ACKNOWLEDGED))


@pytest.mark.parametrize("result", list(CallResult))
def test_with_an_ack_required_only_the_ack_key_stops_it(result: CallResult) -> None:
    assert stops_escalation(result, ack_required=True) is (result is CallResult.ACKNOWLEDGED)


def test_an_answer_without_the_key_rings_the_next_number_when_an_ack_is_required() -> None:
    answered = [{"number": A, "result": "answered"}]
    assert next_step([A, B], answered, 0.0, ack_required=True) == Ring(1, B)
    assert next_step([A, B], answered, 0.0) == Finish(A)
    acked = [{"number": A, "result": "answered"}, {"number": B, "result": "acknowledged"}]
    assert next_step([A, B], acked, 0.0, ack_required=True) == Finish(B)
    assert next_step([A, B], answered + [{"number": B, "result": "no_answer"}], 0.0, ack_required=True) == Finish(None)


def test_give_up_on_number_thresholds() -> None:
    assert MAX_FAILURES_PER_NUMBER == 3
    assert [give_up_on_number(n) for n in range(6)] == [False, False, False, True, True, True]
    assert give_up_on_number(MAX_FAILURES_PER_NUMBER - 1) is False
    assert give_up_on_number(MAX_FAILURES_PER_NUMBER) is True
