"""gsmcall.at.ucs2: UCS2 hex for the TTS commands and the cuts of a long text."""

from __future__ import annotations

import pytest

from gsmcall.at.ucs2 import split_for_speech, ucs2_hex


def test_hex_matches_the_simcom_manual_example() -> None:
    assert ucs2_hex("欢迎使用语音合成系统") == "6B228FCE4F7F75288BED97F3540862107CFB7EDF"


def test_an_astral_character_is_a_surrogate_pair() -> None:
    assert ucs2_hex("🔥") == "D83DDD25"


def test_a_short_text_is_one_piece() -> None:
    assert split_for_speech("  数据库告警  ", 540) == ["数据库告警"]
    assert split_for_speech("   ", 540) == []


def test_every_piece_fits_and_nothing_is_lost() -> None:
    text = "数据库主库连接数超过阈值，请立即处理。" * 20
    pieces = split_for_speech(text, 140)
    assert len(pieces) > 1
    assert all(len(ucs2_hex(p)) <= 140 for p in pieces)
    assert "".join(pieces) == text


def test_a_piece_ends_at_punctuation_when_one_is_near() -> None:
    pieces = split_for_speech("磁盘空间不足，请清理日志目录后重启服务进程", 48)  # 12 characters a piece
    assert pieces[0] == "磁盘空间不足，"


def test_a_surrogate_pair_is_never_split() -> None:
    pieces = split_for_speech("🔥" * 5, 8)
    assert pieces == ["🔥"] * 5


def test_a_limit_below_one_character_is_refused() -> None:
    with pytest.raises(ValueError):
        split_for_speech("a", 4)
