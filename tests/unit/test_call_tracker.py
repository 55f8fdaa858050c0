"""The call state machine, fed event sequences taken from the transcripts."""

from gsmcall.at.callstate import parse_call_urc
from gsmcall.at.results import parse_final
from gsmcall.call.outcome import CallResult
from gsmcall.call.tracker import LONG_RING, SETTLE_WINDOW, CallTracker


def feed(lines, start=0.0, step=1.0, ring_timeout=40.0):
    tracker = CallTracker("13912345678", start, ring_timeout)
    tracker.on_dial_result(parse_final("OK"), start)
    now = start
    for line in lines:
        now += step
        tracker.on_event(parse_call_urc(line), now)
    tracker.on_tick(now + SETTLE_WINDOW + 0.01)
    return tracker


def test_sim800_busy_waits_for_the_reason():
    tracker = feed(['+CLCC: 1,0,2,0,0,"1",129,""', '+CLCC: 1,0,3,0,0,"1",129,""', '+CLCC: 1,0,6,0,0,"1",129,""', "BUSY"])
    assert tracker.ended and tracker.result is CallResult.BUSY


def test_end_without_reason_after_ringing_briefly_is_rejected():
    tracker = feed(["^DSCI: 1,0,2,0,1,129,0", "^DSCI: 1,0,7,0,1,129,0", "^DSCI: 1,0,6,0,1,129,0"])
    assert tracker.result is CallResult.REJECTED


def test_network_giving_up_after_long_ring_is_no_answer():
    tracker = feed(['+CLCC: 1,0,3,0,0,"1",129', "VOICE CALL: END", "NO CARRIER"], step=LONG_RING)
    assert tracker.result is CallResult.NO_ANSWER


def test_end_before_ringing_is_unreachable():
    tracker = feed(["^ORIG:1,0", "^CEND:1,0,104,31"])
    assert tracker.result is CallResult.UNREACHABLE


def test_answer_is_immediate_and_survives_network_hangup():
    tracker = CallTracker("1", 0.0, 40.0)
    tracker.on_dial_result(parse_final("OK"), 0.0)
    tracker.on_event(parse_call_urc("^CONF:1"), 1.0)
    tracker.on_event(parse_call_urc("^CONN:1,0"), 3.0)
    assert tracker.answered and tracker.result is CallResult.ANSWERED and not tracker.ended
    tracker.on_event(parse_call_urc("^CEND:1,2,104,16"), 5.0)
    assert tracker.ended and tracker.result is CallResult.ANSWERED
    attempt = tracker.attempt(6.0)
    assert attempt.alerting_after == 1.0 and attempt.answered_after == 3.0 and attempt.duration == 2.0


def test_ring_timeout_hangup_is_no_answer():
    tracker = feed(['+CLCC: 1,0,3,0,0,"1",129'])
    assert not tracker.ended
    assert tracker.next_deadline() == tracker.ring_deadline() == 40.0
    tracker.on_hangup(40.0)
    assert tracker.ended and tracker.result is CallResult.NO_ANSWER


def test_dial_error_is_failed_not_rung():
    tracker = CallTracker("1", 0.0, 40.0)
    tracker.on_dial_result(parse_final("+CME ERROR: 30"), 0.1)
    assert tracker.ended and tracker.result is CallResult.FAILED
    assert not tracker.result.reached_network


def test_incoming_call_events_are_ignored():
    tracker = feed(['+CLCC: 2,1,4,0,0,"555",129'])
    assert tracker.alerting_at is None and not tracker.ended


def test_polled_empty_list_ends_the_call():
    tracker = CallTracker("1", 0.0, 40.0)
    tracker.on_dial_result(parse_final("OK"), 0.0)
    tracker.on_event(parse_call_urc('+CLCC: 1,0,3,0,0,"1",129'), 1.0)
    tracker.on_snapshot(False, 2.0)
    tracker.on_tick(2.0 + SETTLE_WINDOW)
    assert tracker.ended and tracker.result is CallResult.REJECTED


# --- a call's events belong to that call ---------------------------------------------------------


def test_a_waiting_call_giving_up_does_not_end_ours():
    tracker = feed(["^ORIG:1,0", "^CONF:1", "^CEND:2,0,104,16"])  # call 2 rang the SIM and gave up
    assert not tracker.ended and tracker.call_id == 1
    tracker.on_event(parse_call_urc("^CONN:1,0"), 10.0)
    assert tracker.answered and tracker.result is CallResult.ANSWERED


def test_the_previous_calls_late_end_before_ours_names_itself_is_not_ours():
    tracker = feed(["^DSCI: 2,0,6,0,13912345678,129,0", "^DSCI: 2,0,2,0,13912345678,129,0",
                    "^DSCI: 2,0,7,0,13912345678,129,0"])
    assert not tracker.ended and tracker.alerting_at is not None and tracker.call_id == 2


def test_an_end_after_ours_named_itself_is_ours():
    tracker = feed(["^ORIG:1,0", "^CEND:1,0,104,31"])
    assert tracker.ended and tracker.end_seen and tracker.result is CallResult.UNREACHABLE


def test_huge_numbers_in_a_line_are_not_parsed():
    assert parse_call_urc("^CEND:" + "9" * 5000 + ",0,104,16") is None


# --- dials that block until the answer (Wavecom, ZTE, Qualcomm) ----------------------------------


def test_connect_to_atd_is_an_answer():
    tracker = CallTracker("1", 0.0, 40.0)
    tracker.on_dial_result(parse_final("CONNECT"), 4.0)
    assert tracker.answered and tracker.result is CallResult.ANSWERED and not tracker.ended


def test_ok_to_a_blocking_atd_is_an_answer_but_not_to_a_plain_one():
    blocking, plain = CallTracker("1", 0.0, 40.0), CallTracker("1", 0.0, 40.0)
    blocking.on_dial_result(parse_final("OK"), 5.0, dial_blocks=True, ok_is_answer=True)
    plain.on_dial_result(parse_final("OK"), 0.05)
    assert blocking.answered and blocking.attempt(6.0).answered_after == 5.0
    assert not plain.answered and not plain.ended


def test_no_carrier_after_a_blocking_ring_is_no_answer_or_rejected_by_how_long_it_rang():
    long_ring, short_ring, at_once = (CallTracker("1", 0.0, 40.0) for _ in range(3))
    long_ring.on_dial_result(parse_final("NO CARRIER"), LONG_RING + 1)
    short_ring.on_dial_result(parse_final("NO CARRIER"), 8.0)
    at_once.on_dial_result(parse_final("NO CARRIER"), 0.2)
    assert long_ring.result is CallResult.NO_ANSWER and long_ring.ended
    assert short_ring.result is CallResult.REJECTED
    assert at_once.result is CallResult.UNREACHABLE


def test_hangup_urc_ends_the_call():
    tracker = CallTracker("1", 0.0, 40.0)
    tracker.on_dial_result(parse_final("CONNECT"), 2.0)
    tracker.on_event(parse_call_urc("HANGUP: 1"), 5.0)
    assert tracker.ended and tracker.result is CallResult.ANSWERED


def test_an_event_naming_another_number_is_not_ours():
    tracker = CallTracker("18712345678", 0.0, 40.0)
    tracker.on_dial_result(parse_final("OK"), 0.0)
    tracker.on_event(parse_call_urc('^DSCI: 2,0,6,0,13900000000,129,0'), 0.5)  # the previous call's late end
    assert not tracker.ended
    tracker.on_event(parse_call_urc('^DSCI: 2,0,7,0,+8618712345678,145,0'), 1.0)  # ours, with the country code
    assert tracker.alerting_at == 1.0


def test_a_local_end_before_we_hung_up_is_an_earlier_calls():
    tracker = feed(["^ORIG:1,0", "^CONF:1", "^CEND:1,0,29,16"])  # "ended by this side": not by us
    assert not tracker.ended
