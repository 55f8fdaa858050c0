"""SMS commands end to end: stored and pushed messages, authorisation, multipart, restart."""

from __future__ import annotations

import signal
import time

import pytest
from gsmmodem.pdu import decodeSmsPdu

from gsmcall.emulator import Callee
from tests.support.daemon import dials, explain
from tests.support.profiles import PROFILES
from tests.support.wire import assert_no_crash

DUTY = "18612748499"
FORWARD = "*7218712345678"
COMMAND = f"|{FORWARD}|autocall|今天你值班"
SMS_CONFIG = {"sms": {"allowed_senders": [DUTY]}}


def forwarding_callee(duration: float = 0.4) -> dict:
    # The network answers a *72 code with an announcement and hangs up itself.
    return {FORWARD: Callee.announcement(after=0.2, duration=duration)}


@pytest.mark.parametrize("profile", PROFILES)
def test_stored_chinese_command_is_dialled_and_deleted(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, callees=forwarding_callee())
    emu.store_sms("+86" + DUTY, COMMAND)
    endpoint.set_no_alert()
    result = gsmcall_factory(emu).once(**SMS_CONFIG)
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [FORWARD]
    assert emu.calls[0].outcome == "answered"
    assert emu.sms_store == {}
    assert emu.active_calls() == []


@pytest.mark.parametrize("profile", PROFILES)
def test_refused_messages_are_never_dialled_and_are_deleted(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, default_callee=Callee.answers(after=0.1))
    emu.store_sms("+8613900000000", COMMAND)  # sender not allowed
    emu.store_sms(DUTY, "|*9012345|autocall|busy forwarding is not an allowed target")
    emu.store_sms(DUTY, "autocall 18712345678 please")  # not the command format
    emu.store_sms(DUTY, "|123;ATH|autocall|x")  # injection attempt
    emu.store_sms(DUTY, "|+861234567890,;|autocall|x")  # injection attempt
    emu.store_sms(DUTY, "|18712345678|autocall|" + "\x00\x1b")  # control characters in the text are fine...
    endpoint.set_no_alert()
    result = gsmcall_factory(emu).once(**SMS_CONFIG)
    assert result.returncode == 0, explain(result)
    # ...only the last one is a valid, authorised command.
    assert dials(emu) == ["18712345678"]
    assert not any(";ATH" in c or ",;" in c for c in emu.commands())
    assert emu.sms_store == {}


@pytest.mark.parametrize("profile", PROFILES)
def test_two_part_command_is_joined_and_dialled_once(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, callees=forwarding_callee())
    long_text = COMMAND + "，已设置呼叫转移为你。" * 8  # UCS2, well over 70 characters: two parts
    indices = emu.store_sms("+86" + DUTY, long_text)
    assert len(indices) >= 2
    endpoint.set_no_alert()
    result = gsmcall_factory(emu).once(**SMS_CONFIG)
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [FORWARD]
    assert emu.sms_store == {}


@pytest.mark.parametrize("profile", PROFILES)
def test_cmti_while_idle_is_dialled_within_a_second(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, callees=forwarding_callee())
    endpoint.set_no_alert()
    runner = gsmcall_factory(emu)
    proc = runner.start(**SMS_CONFIG)
    endpoint.wait_for_requests("GET", count=1, timeout=20)  # initialised and idle
    emu.deliver_sms("+86" + DUTY, COMMAND)
    cmti = emu.wait_for(lambda e: e.kind == "tx" and "+CMTI" in e.text, timeout=5)
    atd = emu.wait_for("ATD" + FORWARD, timeout=5)
    assert atd.t - cmti.t < 1.0
    emu.wait_for(lambda e: e.kind == "rx" and e.text.startswith("AT+CMGD"), timeout=10)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert dials(emu) == [FORWARD]
    assert emu.sms_store == {}
    assert emu.active_calls() == []


@pytest.mark.parametrize("profile", PROFILES)
def test_command_during_an_alert_call_is_dialled_after_it(profile, make_emulator, gsmcall_factory, endpoint):
    alert_number = "18712345678"
    emu = make_emulator(profile, callees={alert_number: Callee.answers(after=0.8), **forwarding_callee()})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-sms", [alert_number])
    proc = runner.start(**SMS_CONFIG)
    emu.wait_for("ATD" + alert_number, timeout=20)
    emu.deliver_sms("+86" + DUTY, COMMAND)  # arrives while the alert call rings
    emu.wait_for("ATD" + FORWARD, timeout=20)
    endpoint.wait_for_post(timeout=10)
    emu.wait_for(lambda e: e.kind == "rx" and e.text.startswith("AT+CMGD"), timeout=10)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert dials(emu) == [alert_number, FORWARD]
    alert_call, sms_call = emu.calls
    assert alert_call.ended_at <= sms_call.dialed_at
    assert endpoint.posts()[0].params == {"mid": "m-sms", "resp": alert_number}


@pytest.mark.parametrize("profile", PROFILES)
def test_restart_after_crash_between_dial_and_delete_does_not_dial_again(
    profile, make_emulator, gsmcall_factory, endpoint
):
    emu = make_emulator(profile, callees=forwarding_callee(duration=30.0))
    endpoint.set_no_alert()
    runner = gsmcall_factory(emu)
    emu.store_sms("+86" + DUTY, COMMAND)
    proc = runner.start(**SMS_CONFIG)
    emu.wait_for("ATD" + FORWARD, timeout=20)
    runner.stop(proc, sig=signal.SIGKILL)  # crash while the command's call is up
    assert len(emu.sms_store) == 1
    result = runner.once(**SMS_CONFIG)
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [FORWARD]
    assert emu.sms_store == {}
    assert emu.active_calls() == []
    assert emu.calls[0].ended_by == "host"  # the restarted daemon hung up the orphaned call


def test_reply_sms_reports_the_result(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25", callees=forwarding_callee())
    emu.store_sms("+86" + DUTY, COMMAND)
    endpoint.set_no_alert()
    result = gsmcall_factory(emu).once(sms={"allowed_senders": [DUTY], "reply": True})
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [FORWARD]
    (pdu,) = emu.sent_sms
    decoded = decodeSmsPdu(pdu)  # an independent decoder reads what we sent
    assert decoded["number"].lstrip("+").endswith(DUTY)
    assert f"dialled {FORWARD}: answered" in decoded["text"]


def test_indication_for_an_empty_index_is_not_a_loop(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", callees=forwarding_callee())
    endpoint.set_no_alert()
    runner = gsmcall_factory(emu)
    proc = runner.start(**SMS_CONFIG)
    endpoint.wait_for_requests("GET", count=1, timeout=20)
    emu.urc('+CMTI: "SM",42')  # nothing is stored at 42: +CMS ERROR: 321
    emu.wait_for("AT+CMGR=42", timeout=5)
    emu.deliver_sms("+86" + DUTY, COMMAND)  # the daemon still works afterwards
    emu.wait_for("ATD" + FORWARD, timeout=5)
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert emu.commands().count("AT+CMGR=42") == 1
    assert "Traceback" not in runner.daemon_log()


# A full SMS store: the storage-full URC makes the daemon sweep it.
@pytest.mark.parametrize("profile", ["sim7600", "ec25"])
def test_storage_full_urc_makes_the_daemon_sweep_the_store(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, sms_capacity=3)
    runner = gsmcall_factory(emu)
    endpoint.set_no_alert()
    proc = runner.start()
    endpoint.wait_for_requests("GET", 1, timeout=20)  # initialised, start-up sweep done, idle
    for i in range(3):
        emu.store_sms("+8613900000000", f"not a command {i}")  # silently, as if the URCs were lost
    mark = time.monotonic()
    assert emu.deliver_sms("+8613900000001", "one too many") == []  # refused: the storage-full URC
    full = emu.wait_for(lambda e: e.kind == "tx" and ("FULL" in e.text.upper()), timeout=2, since=mark)
    emu.wait_for("AT+CMGL", timeout=10, since=full.t)
    last = full
    for _ in range(3):
        last = emu.wait_for("AT+CMGD", timeout=10, since=last.t + 1e-9)
    assert emu.sms_store == {}
    assert runner.stop(proc) == 0, runner.daemon_log()
    assert_no_crash(runner.daemon_log())
    assert dials(emu) == []
