"""gsmcall.call.ack.AckPhase driven step by step with plain numbers."""

from __future__ import annotations

from gsmcall.call.ack import AckPhase, Listen, Release, Speak, StopSpeech


def phase(pieces=("告警：数据库宕机。", "确认请按1。"), repeat=2, timeout=30.0) -> AckPhase:
    return AckPhase(list(pieces), repeat, "1", answered_at=100.0, timeout=timeout)


def test_the_speech_plays_piece_by_piece_repeat_times_then_listens() -> None:
    p = phase()
    played = []
    for now in (101.0, 103.0, 105.0, 107.0):
        step = p.next_step(now)
        assert isinstance(step, Speak)
        assert p.next_step(now) == Listen(130.0)  # one piece at a time: wait for its end
        played.append(step.piece)
        p.piece_ended()
    assert played == ["告警：数据库宕机。", "确认请按1。"] * 2
    assert p.next_step(108.0) == Listen(130.0)
    assert p.next_step(130.0) == Release() and not p.acknowledged


def test_the_ack_key_mid_speech_stops_it_at_once_then_releases() -> None:
    p = phase()
    assert isinstance(p.next_step(101.0), Speak)
    assert p.on_key("1", 102.0) is True
    assert p.next_step(102.0) == StopSpeech()
    assert p.next_step(102.0) == Release()  # no second stop, no more speech
    assert p.acknowledged and p.acknowledged_at == 102.0


def test_another_key_is_noted_and_ignored() -> None:
    p = phase()
    p.next_step(101.0)
    assert p.on_key("5", 101.5) is False
    assert isinstance(p.next_step(101.6), Listen)
    assert p.other_keys == ["5"] and not p.acknowledged


def test_without_speech_it_still_waits_for_the_key() -> None:
    p = phase(pieces=(), repeat=3)
    assert p.next_step(100.5) == Listen(130.0)
    p.on_key("1", 110.0)
    assert p.next_step(110.0) == Release() and p.acknowledged


def test_a_refused_speech_keeps_listening() -> None:
    p = phase()
    p.next_step(101.0)
    p.speech_failed()
    assert p.next_step(101.1) == Listen(130.0)


def test_the_deadline_mid_speech_stops_the_speech_first() -> None:
    p = phase(timeout=5.0)
    assert isinstance(p.next_step(101.0), Speak)
    assert p.next_step(105.0) == StopSpeech()
    assert p.next_step(105.0) == Release() and not p.acknowledged


def test_a_key_after_the_ack_does_not_move_its_time() -> None:
    p = phase()
    p.on_key("1", 104.0)
    p.on_key("1", 106.0)
    assert p.acknowledged_at == 104.0


def test_speak_only_says_everything_once_then_releases_without_waiting() -> None:
    p = AckPhase(["测试告警"], 1, None, answered_at=100.0, timeout=30.0)
    assert p.next_step(101.0) == Speak("测试告警")
    assert p.on_key("1", 101.5) is False  # no key is awaited: a press is only noted
    assert p.next_step(102.0) == Listen(130.0)  # still playing
    p.piece_ended()
    assert p.next_step(103.0) == Release() and not p.acknowledged
