"""SMS with the call (``calls.sms``), end to end: what the emulator received, decoded by an
independent decoder (python-gsmmodem-new's), once per number per alert."""

from __future__ import annotations

import os
import signal
import time

from gsmmodem.pdu import decodeSmsPdu

from gsmcall.emulator import Callee
from tests.support.daemon import dials, explain
from tests.support.sms import messages_assembled

A, B = "18712345678", "18812345678"
TEXT = "数据库主节点宕机，请尽快处理"
CALLS = {"ack": "key", "ack_timeout": 1.5, "speech_repeat": 1, "hold": 0.2}


def texts_received(emu) -> dict[str, list[str]]:
    received: dict[str, list[str]] = {}
    for pdu in emu.sent_sms:
        decoded = decodeSmsPdu(pdu)
        received.setdefault(decoded["number"].lstrip("+")[-11:], []).append(decoded["text"])
    return received


def test_unanswered_texts_everyone_rung_once_when_nobody_acknowledged(make_emulator, gsmcall_factory, endpoint):
    voicemail = Callee.answers(after=0.2)  # connects, presses no key
    emu = make_emulator("ec25", callees={A: voicemail, B: Callee.busy(after=0.3)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-sms", [A, B, A], text=TEXT)
    result = runner.once(calls={**CALLS, "sms": "unanswered"})
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [A, B, A]
    (post,) = endpoint.posts()
    assert "resp" not in post.params
    assert texts_received(emu) == {A: [TEXT], B: [TEXT]}  # A was rung twice, texted once
    again = runner.once(calls={**CALLS, "sms": "unanswered"})  # a restart sends nothing more
    assert again.returncode == 0, explain(again)
    assert texts_received(emu) == {A: [TEXT], B: [TEXT]}


def test_unanswered_texts_nobody_when_someone_acknowledged(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", callees={A: Callee.answers(after=0.2, press="1", press_after=0.5)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-sms", [A], text=TEXT)
    result = runner.once(calls={**CALLS, "sms": "unanswered"})
    assert result.returncode == 0, explain(result)
    assert endpoint.posts()[0].params.get("resp") == A
    assert emu.sent_sms == []


def test_always_texts_each_number_as_it_is_rung(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("huawei", callees={A: Callee.busy(after=0.3), B: Callee.answers(after=0.2)})
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-sms", [A, B])  # no text: calls.default_text
    result = runner.once(calls={"sms": "always", "hold": 0.2})
    assert result.returncode == 0, explain(result)
    assert texts_received(emu) == {A: ["您有一条新的告警"], B: ["您有一条新的告警"]}


def test_a_sigkill_between_the_parts_of_a_long_sms_still_delivers_it_once(make_emulator, gsmcall_factory, endpoint):
    long_text = TEXT + "。" + "主库复制延迟已超过十分钟，只读副本全部失联，请值班人员立即登录跳板机检查。" * 2
    victim: dict[str, int] = {}

    def kill_at_the_second_part(entry) -> None:
        # In the emulator's thread, before it answers the second AT+CMGS: the first part is
        # on its way to the phone, the second not yet confirmed to the daemon.
        if entry.kind == "event" and entry.text.startswith("sms sent") and "pid" in victim:
            victim["parts"] = victim.get("parts", 0) + 1
            if victim["parts"] == 2:
                os.kill(victim.pop("pid"), signal.SIGKILL)

    emu = make_emulator("ec25", callees={A: Callee.answers(after=0.2)}, on_log=kill_at_the_second_part)
    runner = gsmcall_factory(emu)
    endpoint.queue_alert("m-long", [A], text=long_text)
    calls = {**CALLS, "sms": "unanswered"}
    first = runner.start(calls=calls)
    victim["pid"] = first.pid
    assert first.wait(timeout=30) == -signal.SIGKILL, runner.daemon_log(0)
    assert victim["parts"] == 2 and len(emu.sent_sms) == 2  # killed between the parts, as meant
    part_one, part_two = emu.sent_sms
    second = runner.start(calls=calls)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "SMS to" not in runner.daemon_log(1):
        time.sleep(0.05)
    assert runner.stop(second) == 0, runner.daemon_log(1)
    # Only the unconfirmed part again, the very PDU: part one is not sent twice, and the
    # phone joins one whole message (a repeated segment of one reference counts once).
    assert emu.sent_sms == [part_one, part_two, part_two], runner.daemon_log(1)
    assert messages_assembled(emu) == {A: [long_text]}
    assert dials(emu) == [A]  # the alert was finished before the SMS: not rung again
