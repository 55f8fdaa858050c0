"""`gsmcall --once` runs a whole alert cycle over a real pty, on every profile."""

from __future__ import annotations

import pytest

from gsmcall.emulator import Callee
from tests.support.daemon import dials, explain
from tests.support.profiles import PROFILES

A, B, C = "18712345678", "18812345678", "13912345678"


def assert_line_idle_between_calls(emu) -> None:
    calls = emu.calls
    for earlier, later in zip(calls, calls[1:]):
        assert earlier.ended_at is not None and earlier.ended_at <= later.dialed_at, (earlier, later)
    assert emu.active_calls() == []


@pytest.mark.parametrize("profile", PROFILES)
def test_answered_by_second_number(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, callees={A: Callee.no_answer(), B: Callee.answers(after=0.3)})
    endpoint.queue_alert("60d5aa", [A, B])
    result = gsmcall_factory(emu).once()
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [A, B]
    (post,) = endpoint.posts()
    assert post.params == {"mid": "60d5aa", "resp": B}
    body = post.json()
    assert [a["result"] for a in body["attempts"]] == ["no_answer", "answered"]
    assert [c.outcome for c in emu.calls][1] == "answered"
    assert_line_idle_between_calls(emu)


@pytest.mark.parametrize("profile", PROFILES)
def test_nobody_answers(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(
        profile,
        callees={A: Callee.busy(after=0.2), B: Callee.unreachable(after=0.2), C: Callee.no_answer()},
    )
    endpoint.queue_alert("m-none", [A, B, C])
    result = gsmcall_factory(emu).once()
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [A, B, C]
    (post,) = endpoint.posts()
    assert post.params == {"mid": "m-none"}
    results = [a["result"] for a in post.json()["attempts"]]
    assert results[2] == "no_answer"
    assert "answered" not in results
    assert_line_idle_between_calls(emu)


@pytest.mark.parametrize("profile", PROFILES)
def test_no_alert_means_no_call(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile)
    endpoint.set_no_alert()
    result = gsmcall_factory(emu).once()
    assert result.returncode == 0, explain(result)
    assert dials(emu) == []
    assert endpoint.posts() == []
    assert len(endpoint.gets()) == 1


@pytest.mark.parametrize("profile", PROFILES)
def test_repeated_number_is_rung_again(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, callees={A: Callee.no_answer(), B: Callee.busy(after=0.2)})
    endpoint.queue_alert("m-rep", [A, B, A])
    result = gsmcall_factory(emu).once()
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [A, B, A]
    (post,) = endpoint.posts()
    assert post.params == {"mid": "m-rep"}
    assert_line_idle_between_calls(emu)


@pytest.mark.parametrize("profile", ["sim7600"])  # the endpoint's faults do not depend on the modem
@pytest.mark.parametrize(
    "reply",
    [(200, "<html>oops</html>"), (500, '{"code": 0}'), (200, '{"phone": "187", "code": 0, "mid": "x"}'),
     (200, '{"code": 0, "mid": "x"}'), (200, "[]")],
    ids=["html", "http500", "phone-not-list", "no-phone", "json-array"],
)
def test_endpoint_garbage_is_never_an_alert(profile, reply, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile)
    endpoint.script_get([reply])
    result = gsmcall_factory(emu).once()
    assert result.returncode == 4, explain(result)
    assert "Traceback" not in result.stderr
    assert dials(emu) == []
    assert endpoint.posts() == []


@pytest.mark.parametrize("profile", PROFILES)
def test_modem_that_cannot_dial_posts_nothing(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, default_callee=Callee.fails())
    endpoint.queue_alert("m-fail", [A, B])
    runner = gsmcall_factory(emu)
    result = runner.once()
    assert result.returncode == 3, explain(result)
    assert endpoint.posts() == []
    assert dials(emu)[:1] == [A]
    assert emu.active_calls() == []
