"""gsmcall.messaging.concat.Reassembler with real and hand-built parts."""

from datetime import datetime

import pytest

from gsmcall.messaging.command import parse_command
from gsmcall.messaging.concat import IncompleteGroup, Message, Reassembler
from gsmcall.messaging.pdu import SmsPart, decode_deliver
from tests.support.pdu_vectors import (
    CAT_UCS2, CST, GSM7_REF16_1, GSM7_REF16_2, TWO_PART_1, TWO_PART_2, UCS2_SPLIT_1, UCS2_SPLIT_2,
    UNICOM_PART_4_OF_9,
)

TWO_PART_TEXT = (
    "尊敬的客户：您好！您本月的话费账单已经生成，请登录网上营业厅查询详细信息。如有疑问请拨打客服热线，"
    "我们将竭诚为您服务。祝您生活愉快，工作顺利！本短信为系统自动发送，请勿直接回复。"
)


def test_single_part_passes_straight_through() -> None:
    assembler = Reassembler(timeout=60)
    message = assembler.add(decode_deliver(CAT_UCS2), now=0)
    assert message == Message("+8618612748499", "我的猫叫小橙", datetime(2022, 6, 19, 9, 58, 16, tzinfo=CST), 1)
    assert assembler.pending() == 0


def test_two_constructed_parts_in_order() -> None:
    assembler = Reassembler(timeout=60)
    assert assembler.add(decode_deliver(TWO_PART_1), now=0) is None
    assert assembler.pending() == 1
    message = assembler.add(decode_deliver(TWO_PART_2), now=5)
    assert message == Message("+8613912345678", TWO_PART_TEXT, datetime(2025, 3, 18, 9, 30, 20, tzinfo=CST), 2)
    assert assembler.pending() == 0


def test_parts_out_of_order_keep_first_part_timestamp() -> None:
    assembler = Reassembler(timeout=60)
    assert assembler.add(decode_deliver(TWO_PART_2), now=0) is None
    message = assembler.add(decode_deliver(TWO_PART_1), now=1)
    assert message is not None
    assert message.text == TWO_PART_TEXT
    assert message.timestamp == datetime(2025, 3, 18, 9, 30, 20, tzinfo=CST)


def test_duplicate_part_is_ignored() -> None:
    assembler = Reassembler(timeout=60)
    assert assembler.add(decode_deliver(TWO_PART_1), now=0) is None
    assert assembler.add(decode_deliver(TWO_PART_1), now=1) is None
    assert assembler.pending() == 1
    message = assembler.add(decode_deliver(TWO_PART_2), now=2)
    assert message is not None and message.text == TWO_PART_TEXT and message.parts == 2


def test_emoji_split_across_parts_is_rejoined() -> None:
    assembler = Reassembler(timeout=60)
    assembler.add(decode_deliver(UCS2_SPLIT_1), now=0)
    message = assembler.add(decode_deliver(UCS2_SPLIT_2), now=0)
    assert message is not None and message.text == "好\U0001F600"


def test_gsm7_command_in_two_parts_with_16bit_reference() -> None:
    assembler = Reassembler(timeout=60)
    assembler.add(decode_deliver(GSM7_REF16_2), now=0)
    message = assembler.add(decode_deliver(GSM7_REF16_1), now=0)
    assert message is not None
    assert message.text == "|18712345678|autocall|hi on call"
    command = parse_command(message.text, "autocall")
    assert command is not None and (command.number, command.text) == ("18712345678", "hi on call")


def test_same_reference_from_different_senders_is_kept_apart() -> None:
    assembler = Reassembler(timeout=60)
    assert assembler.add(SmsPart("+861", "a", None, 7, 2, 1), now=0) is None
    assert assembler.add(SmsPart("+862", "B", None, 7, 2, 2), now=0) is None
    assert assembler.pending() == 2
    assert assembler.add(SmsPart("+861", "b", None, 7, 2, 2), now=0) == Message("+861", "ab", None, 2)


def test_never_completing_part_expires_after_timeout() -> None:
    assembler = Reassembler(timeout=600)
    assert assembler.add(decode_deliver(UNICOM_PART_4_OF_9), now=1000) is None
    assert assembler.expire(now=1599.9) == []
    assert assembler.expire(now=1600) == [IncompleteGroup("10010", 0x2B, 9, (4,), 1000)]
    assert assembler.pending() == 0
    assert assembler.expire(now=5000) == []


def test_timeout_counts_from_the_first_part() -> None:
    assembler = Reassembler(timeout=10)
    assembler.add(SmsPart("+861", "a", None, 1, 3, 1), now=0)
    assembler.add(SmsPart("+861", "c", None, 1, 3, 3), now=9)
    assert assembler.expire(now=10) == [IncompleteGroup("+861", 1, 3, (1, 3), 0)]


def test_expire_keeps_young_groups() -> None:
    assembler = Reassembler(timeout=10)
    assembler.add(SmsPart("+861", "a", None, 1, 2, 1), now=0)
    assembler.add(SmsPart("+861", "x", None, 2, 2, 1), now=5)
    assert [g.ref for g in assembler.expire(now=12)] == [1]
    assert assembler.pending() == 1


@pytest.mark.parametrize("timeout", [0, -1])
def test_timeout_must_be_positive(timeout: float) -> None:
    with pytest.raises(ValueError):
        Reassembler(timeout)
