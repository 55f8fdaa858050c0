"""Acknowledgement by key press (issue 12), end to end: the real ``gsmcall`` against the
emulator, judged by what crossed the wire (the AT commands, what the emulator's TTS played
into each call, the key URCs) and by the callback the endpoint received."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from gsmcall.emulator import Callee, Emulator, LogEntry
from gsmcall.settings import CallSettings
from tests.support.command import gsmcall_command
from tests.support.daemon import Gsmcall, dials, explain

A, B = "18712345678", "18812345678"
MID = "m-ack"
TEXT = "数据库主节点宕机"
ACK = {"ack": "key", "ack_timeout": 3, "speech_repeat": 2, "hold": 0.2}
LONG_WAIT = {**ACK, "ack_timeout": 8}  # room for the slow speech below
# each family's stop command and the URC its key detector sends for "1"
STOP = {"ec25": "AT+QWTTS=1,0,0", "sim7600": "AT+CTTS=0", "sim800": "AT+CTTS=0"}
KEY_1 = {"ec25": "+QTONEDET: 49", "sim7600": "+RXDTMF: 1", "sim800": "+DTMF:1", "huawei": "^DDTMF:1"}
SLOW_SPEECH = {"tts_char_seconds": 0.2}  # the speech (15 characters) lasts 3 s: keys come during it


def never_presses(hangup_after: float | None = None) -> Callee:
    """Voicemail, a call-secretary service: answers, hears the speech, presses nothing."""
    return Callee.answers(after=0.2, hangup_after=hangup_after)


def presses(key: str = "1", after: float = 1.5) -> Callee:
    return Callee.answers(after=0.2, press=key, press_after=after)


Run = tuple[Emulator, Gsmcall, subprocess.CompletedProcess[str]]


@pytest.fixture
def alert(make_emulator, gsmcall_factory, endpoint) -> Callable[..., Run]:
    """One alert (``MID``) ringing the callees' numbers in order, handled by ``gsmcall --once``;
    ``emulator`` keywords go to the emulator (e.g. profile_overrides)."""

    def run(profile: str, callees: dict[str, Callee], calls: dict[str, Any] = ACK, text: str | None = TEXT,
            **emulator: Any) -> Run:
        emu = make_emulator(profile, callees=callees, **emulator)
        runner = gsmcall_factory(emu)
        endpoint.queue_alert(MID, list(callees), text=text)
        result = runner.once(calls=calls)
        assert result.returncode == 0, explain(result)
        return emu, runner, result

    return run


def spoken(emu: Emulator, number: str) -> str:
    return "".join(piece for call in emu.calls if call.number == number for piece in call.spoken)


def first(emu: Emulator, kind: str, text: str, after: float = 0.0) -> LogEntry:
    """The first log entry of ``kind`` starting with ``text`` from ``after`` on."""
    return next(e for e in emu.log if e.kind == kind and e.text.startswith(text) and e.t >= after)


def only_post(endpoint) -> tuple[dict[str, str], dict[str, str]]:
    """The one callback: its query and the result of each attempt in its body."""
    (post,) = endpoint.posts()
    return post.params, {a["number"]: a["result"] for a in post.json()["attempts"]}


@pytest.mark.parametrize("profile", ["ec25", "sim7600", "sim800", "huawei"])
def test_a_never_presses_b_acknowledges(alert, endpoint, profile):
    emu, _, _ = alert(profile, {A: never_presses(), B: presses()})
    assert dials(emu) == [A, B]
    assert only_post(endpoint) == ({"mid": MID, "resp": B}, {A: "answered", B: "acknowledged"})
    first(emu, "tx", KEY_1[profile], after=emu.calls[1].answered_at)
    if profile in STOP:
        for number in (A, B):
            assert TEXT in spoken(emu, number), (number, emu.calls)
    else:
        assert all(call.spoken == () for call in emu.calls)


@pytest.mark.parametrize("profile", sorted(STOP))
def test_a_key_during_the_speech_stops_it_and_hangs_up_at_once(alert, endpoint, profile):
    emu, _, _ = alert(profile, {B: presses(after=1.0)}, calls=LONG_WAIT, profile_overrides=SLOW_SPEECH)
    assert only_post(endpoint) == ({"mid": MID, "resp": B}, {B: "acknowledged"})
    key = first(emu, "tx", KEY_1[profile])
    stop = first(emu, "rx", STOP[profile], after=key.t)
    silenced = first(emu, "event", "speech stopped (host)", after=key.t)
    hung_up = first(emu, "event", f"call {B} ended by host", after=key.t)
    assert key.t < stop.t <= silenced.t <= hung_up.t
    assert hung_up.t - key.t <= ACK["hold"] + 0.3, hung_up.t - key.t
    (call,) = emu.calls
    assert TEXT in spoken(emu, B) and len(call.spoken) == 1  # cut short: never repeated


@pytest.mark.parametrize("profile", ["ec25", "huawei"])
def test_a_wrong_key_is_ignored_and_the_escalation_goes_on(alert, endpoint, profile):
    emu, _, _ = alert(profile, {A: presses("5", after=0.5), B: presses()})
    assert dials(emu) == [A, B]
    assert only_post(endpoint) == ({"mid": MID, "resp": B}, {A: "answered", B: "acknowledged"})
    call_a = emu.calls[0]
    first(emu, "tx", {"ec25": "+QTONEDET: 53", "huawei": "^DDTMF:5"}[profile], after=call_a.answered_at)
    assert call_a.ended_by == "host"
    assert call_a.ended_at - call_a.answered_at >= ACK["ack_timeout"] - 0.3  # held on to the deadline


def test_no_key_within_ack_timeout_is_answered_and_nobody_acknowledged(alert, endpoint):
    emu, _, _ = alert("sim7600", {A: never_presses()})
    assert only_post(endpoint) == ({"mid": MID}, {A: "answered"})  # no resp
    (call,) = emu.calls
    assert call.ended_by == "host"
    assert ACK["ack_timeout"] - 0.3 <= call.ended_at - call.answered_at <= ACK["ack_timeout"] + 1.5
    assert len(call.spoken) == ACK["speech_repeat"] and all(TEXT in piece for piece in call.spoken)


@pytest.mark.parametrize("profile", sorted(STOP))
def test_a_callee_who_hangs_up_during_the_speech_is_answered(alert, endpoint, profile):
    callees = {A: never_presses(hangup_after=0.8), B: presses(after=1.0)}
    emu, _, _ = alert(profile, callees, calls=LONG_WAIT, profile_overrides=SLOW_SPEECH)
    assert dials(emu) == [A, B]
    assert only_post(endpoint) == ({"mid": MID, "resp": B}, {A: "answered", B: "acknowledged"})
    call_a, call_b = emu.calls
    assert call_a.ended_by == "network" and TEXT in spoken(emu, A)
    first(emu, "event", "speech stopped (call ended)", after=call_a.answered_at)
    assert call_b.dialed_at - call_a.ended_at < 2.0  # not waiting out A's ack_timeout


def test_without_a_text_the_default_text_is_spoken(alert, endpoint):
    emu, _, _ = alert("sim800", {B: presses()}, text=None)  # the seed's server sends no text
    assert only_post(endpoint) == ({"mid": MID, "resp": B}, {B: "acknowledged"})
    assert CallSettings().default_text in spoken(emu, B)


def test_a_sim800l_without_tts_still_hears_the_key(alert, endpoint):
    emu, runner, _ = alert("sim800l", {A: never_presses(), B: presses()})
    assert dials(emu) == [A, B]
    assert only_post(endpoint) == ({"mid": MID, "resp": B}, {A: "answered", B: "acknowledged"})
    assert [c for c in emu.commands() if c.upper().startswith("AT+CTTS")] == ["AT+CTTS=?"]  # probed, never spoken
    assert "AT+DDET=1,0,0" in emu.commands()
    check = subprocess.run([*gsmcall_command(), "-c", str(runner.config(calls=ACK)), "check"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert check.returncode == 0, explain(check)
    (row,) = [line for line in check.stdout.splitlines() if line.startswith("capabilities")]
    assert "speech: no" in row and "key detection: yes" in row, row


def test_a_modem_that_cannot_hear_keys_reports_answered_with_one_warning(alert, endpoint):
    emu, _, result = alert("generic", {A: never_presses(), B: presses()})
    assert dials(emu) == [A]  # the answer ends the escalation, as with ack: none
    assert only_post(endpoint) == ({"mid": MID, "resp": A}, {A: "answered"})
    warnings = [line for line in result.stderr.splitlines() if "cannot hear keys" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0], warnings


def test_ack_none_speaks_nothing_and_the_answer_ends_it(alert, endpoint):
    emu, _, _ = alert("ec25", {A: never_presses(), B: presses()}, calls={"hold": 0.2})
    assert dials(emu) == [A]
    assert only_post(endpoint) == ({"mid": MID, "resp": A}, {A: "answered"})
    assert not [c for c in emu.commands() if c.upper().startswith(("AT+QWTTS=1,1", "AT+QTONEDET=1"))]
    assert emu.calls[0].spoken == ()


def test_dial_say_speaks_the_text_and_reports_the_key(make_emulator, gsmcall_factory):
    emu = make_emulator("ec25", callees={A: presses(after=1.0), B: never_presses()})
    runner = gsmcall_factory(emu)
    config = str(runner.config(calls=ACK))
    acked = subprocess.run([*gsmcall_command(), "-c", config, "dial", A, "--say", "测试告警"],
                           capture_output=True, text=True, timeout=60)
    assert acked.returncode == 0, explain(acked)
    assert acked.stdout.startswith(f"{A}: acknowledged")
    assert "测试告警" in spoken(emu, A)
    silent = subprocess.run([*gsmcall_command(), "-c", config, "dial", B, "--say", "测试告警"],
                            capture_output=True, text=True, timeout=60)
    assert silent.returncode == 0, explain(silent)  # answered: the phone can be reached
    assert silent.stdout.startswith(f"{B}: answered (no key)")


def test_dial_say_without_ack_speaks_the_text_once_and_hangs_up(make_emulator, gsmcall_factory):
    emu = make_emulator("ec25", callees={A: never_presses()})
    config = str(gsmcall_factory(emu).config(calls={"ack": "none", "hold": 0.2}))
    result = subprocess.run([*gsmcall_command(), "-c", config, "dial", A, "--say", "机房断电"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, explain(result)
    assert result.stdout.startswith(f"{A}: answered") and "no key" not in result.stdout
    assert spoken(emu, A) == "机房断电"  # the text itself, once: no "press 1" without a key wait


def test_a_sigkill_right_after_the_key_press_reports_it_and_rings_nobody_else(make_emulator, gsmcall_factory,
                                                                             endpoint):
    victim: dict[str, int] = {}

    def kill_at_the_stop_command(entry: LogEntry) -> None:
        # The stop command follows the journaled acknowledgement on the wire: the daemon dies
        # with the call still up, before it hung up or reported anything.
        if entry.kind == "rx" and entry.text.upper().startswith(STOP["ec25"]) and "pid" in victim:
            os.kill(victim.pop("pid"), signal.SIGKILL)

    emu = make_emulator("ec25", callees={A: presses(after=1.0), B: presses()}, on_log=kill_at_the_stop_command,
                        profile_overrides=SLOW_SPEECH)
    runner = gsmcall_factory(emu)
    endpoint.queue_alert(MID, [A, B], text=TEXT)
    first_run = runner.start(calls=LONG_WAIT)
    victim["pid"] = first_run.pid
    assert first_run.wait(timeout=30) == -signal.SIGKILL, runner.daemon_log(0)
    assert endpoint.posts() == []  # killed before the hang-up and the callback
    second = runner.start(calls=LONG_WAIT)
    endpoint.wait_for_post(timeout=20)
    assert runner.stop(second) == 0, runner.daemon_log(1)
    assert dials(emu) == [A]  # B is never rung: A's key press survived the kill
    assert only_post(endpoint) == ({"mid": MID, "resp": A}, {A: "acknowledged"})
