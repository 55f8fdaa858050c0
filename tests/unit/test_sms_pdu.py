"""gsmcall.messaging.pdu against real PDUs (docs reference Appendix A and the modem
transcripts) and hand-built PDUs for the python-gsmmodem-new defects.

The hand-built PDUs were made with a bit-level builder independent of
gsmmodem and cross-checked with smspdudecoder 2.2.0 (which agrees on all of
them except the split surrogate pair, which it cannot decode at all).
"""

import copy
import pickle
import re
from datetime import datetime, timedelta, timezone

import pytest
from gsmmodem.pdu import decodeSmsPdu

from gsmcall.messaging.command import parse_command
from gsmcall.messaging.pdu import (
    TON_ALPHANUMERIC, PduError, Sender, SmsPart, decode_deliver, encode_submit, sender_ton,
)
from tests.support.pdu_vectors import (
    CAT_UCS2, CST, GSM7_REF16_1, GSM7_REF16_2, TWO_PART_1, TWO_PART_2, UCS2_SPLIT_1, UCS2_SPLIT_2,
    UNICOM_PART_4_OF_9,
)


# --- real PDUs ------------------------------------------------------------
TEST_GSM7 = "07913366003041F5040B913366304381F900005190828185838004D4F29C0E"
CONFIRM_UCS2 = "0891683110304105F0240D91685128612752F60008912122210230230C8BF7786E8BA48BE577ED4FE1"
FINE_UCS2 = "0891683190106605F0240D91683169899137F40008321031003381230862115F88597DFF1F"
FANHT_UCS2 = "0891683110200405F0240D91683148000148F70008117082419521230C00460061006E006800740031"
JJ_GSM7 = "07913306092011F0040B913336766883F5000061216212807140074A351A8D56AB01"
SIMCOM_GSM7 = "0891683110102105F0040D91688116728494F90000226081320161231434B3AC1C2E87C562712C2CCB996963720C07"
# Constructed by the reference author, verified there with two decoders.
SINGLE_UCS2 = (
    "0891683108100005F0040D91683119325476F8000852308190035123184F60597DFF0C8FD9662F4E0067616D4B8BD5"
    "77ED4FE13002"
)

# --- hand-built PDUs: SMSC +8613800100500, sender +8618712345678, 2025-03-18 09:30:15 +08:00 ---
# GSM-7 with the extension table, no UDH: "€[]{}|^~\ ok"
GSM7_EXTENSION = "0891683108100005F0040D91688117325476F8000052308190035123159BF286B7F16D509BD406B8A16C7A9B17E8BD06"
# GSM-7 command, no UDH: "|18712345678|autocall|hi"
GSM7_COMMAND = (
    "0891683108100005F0040D91688117325476F80000523081900351231B1B600C778BC966B49AED86DB00C375FA7B1C"
    "66B33740741A"
)
# GSM-7 "Call me@": 8 septets fill 7 octets exactly, the last septet is '@' (0x00)
GSM7_AT_END = "0891683108100005F0040D91688117325476F800005230819003512308C3309B0D6A9701"
# UCS2 "值班 😀 ok" (U+1F600 as the surrogate pair D83D DE00)
UCS2_EMOJI = "0891683108100005F0040D91688117325476F800085230819003512310503C73ED0020D83DDE000020006F006B"
# DCS 0x48: UCS2 in the "automatic deletion" coding group 01xx: "自动删除"
UCS2_DCS_48 = "0891683108100005F0040D91688117325476F80048523081900351230881EA52A852209664"
# DCS 0x04: 8-bit data "hello 8bit"
EIGHT_BIT = "0891683108100005F0040D91688117325476F80004523081900351230A68656C6C6F2038626974"
# GSM-7, 8-bit ref 0xA7 (1 fill bit), "Alert: disk full on db1. " * 8 split 153 + 47
ALERT = "Alert: disk full on db1. " * 8
GSM7_REF8_1 = (
    "0891683108100005F0440D91688117325476F8000052308190035123A0050003A7020182ECB29CAE0391D3F335C85C"
    "67B3416F37882C8EB9404176594ED781C8E9F91A64AEB3D9A0B71B4416C75CA020BB2CA7EB40E4F47C0D32D7D96CD0"
    "DB0D228B632E50905D96D37520727ABE0699EB6C36E8ED0691C5311728C82ECBE93A10393D5F83CC75361BF47683C8"
    "E2980B146497E5741D889C9EAF41E63A9B0D7ABB416471CC050AB2CB"
)
GSM7_REF8_2 = (
    "0891683108100005F0440D91688117325476F800005230819003512336050003A70202E4741D889C9EAF41E63A9B0D"
    "7ABB416471CC050AB2CB72BA0E444ECFD720739DCD06BDDD20B238E60201"
)
HAND_STAMP = datetime(2025, 3, 18, 9, 30, 15, tzinfo=CST)
ME = "+8618712345678"


class TestRealPdus:
    def test_gsm7_test(self) -> None:
        assert decode_deliver(TEST_GSM7) == SmsPart(
            sender="+33660334189",
            text="Test",
            timestamp=datetime(2015, 9, 28, 18, 58, 38, tzinfo=timezone(timedelta(hours=2))),
            ref=None,
            total=1,
            seq=1,
        )

    def test_ucs2_cat(self) -> None:
        assert decode_deliver(CAT_UCS2) == SmsPart(
            "+8618612748499", "我的猫叫小橙", datetime(2022, 6, 19, 9, 58, 16, tzinfo=CST), None, 1, 1
        )

    def test_timestamp_offset_is_kept(self) -> None:
        stamp = decode_deliver(CAT_UCS2).timestamp
        assert stamp is not None and stamp.utcoffset() == timedelta(hours=8)
        assert stamp.tzinfo == timezone(timedelta(hours=8))

    @pytest.mark.parametrize(
        ("pdu", "sender", "text", "stamp"),
        [
            (CONFIRM_UCS2, "+8615821672256", "请确认该短信", datetime(2019, 12, 22, 12, 20, 3, tzinfo=CST)),
            (FINE_UCS2, "+8613969819734", "我很好？", datetime(2023, 1, 13, 0, 33, 18, tzinfo=CST)),
            (FANHT_UCS2, "+8613840010847", "Fanht1", datetime(2011, 7, 28, 14, 59, 12, tzinfo=CST)),
            (SINGLE_UCS2, "+8613912345678", "你好，这是一条测试短信。", datetime(2025, 3, 18, 9, 30, 15, tzinfo=CST)),
            (SIMCOM_GSM7, "+8618612748499", "4f2eaeabbb1a29f4cd18", datetime(2022, 6, 18, 23, 10, 16, tzinfo=CST)),
            (JJ_GSM7, "+33636786385", "Jjhhhjj", datetime(2016, 12, 26, 21, 8, 17, tzinfo=timezone(timedelta(hours=1)))),
        ],
    )
    def test_single_parts(self, pdu: str, sender: str, text: str, stamp: datetime) -> None:
        assert decode_deliver(pdu) == SmsPart(sender, text, stamp, None, 1, 1)

    def test_unicom_part_4_of_9(self) -> None:
        part = decode_deliver(UNICOM_PART_4_OF_9)
        assert (part.sender, part.ref, part.total, part.seq) == ("10010", 0x2B, 9, 4)
        assert part.text == (
            "校园0元每月20G国内流量-50个月\r\n 套餐内流量(0M)\r\n 已用0.00MB浙江-0元校园沃派校区流量放心用-50个月\r\n "
        )
        assert part.timestamp == datetime(2022, 6, 6, 16, 18, 33, tzinfo=CST)

    def test_constructed_two_part_ucs2(self) -> None:
        first, second = decode_deliver(TWO_PART_1), decode_deliver(TWO_PART_2)
        assert (first.ref, first.total, first.seq) == (0x5A, 2, 1)
        assert (second.ref, second.total, second.seq) == (0x5A, 2, 2)
        assert first.sender == second.sender == "+8613912345678"
        assert first.text + second.text == (
            "尊敬的客户：您好！您本月的话费账单已经生成，请登录网上营业厅查询详细信息。如有疑问请拨打客服热线，"
            "我们将竭诚为您服务。祝您生活愉快，工作顺利！本短信为系统自动发送，请勿直接回复。"
        )

    def test_surrounding_white_space_is_ignored(self) -> None:
        assert decode_deliver(f"  {TEST_GSM7}\r\n").text == "Test"

    def test_lower_case_hex(self) -> None:
        assert decode_deliver(CAT_UCS2.lower()).text == "我的猫叫小橙"


class TestHandBuiltPdus:
    def test_gsm7_16bit_reference_keeps_first_character(self) -> None:
        assert decode_deliver(GSM7_REF16_1) == SmsPart(ME, "|18712345678|auto", HAND_STAMP, 0x1234, 2, 1)
        assert decode_deliver(GSM7_REF16_2) == SmsPart(ME, "call|hi on call", HAND_STAMP, 0x1234, 2, 2)

    def test_gsm7_8bit_reference_with_fill_bit(self) -> None:
        first, second = decode_deliver(GSM7_REF8_1), decode_deliver(GSM7_REF8_2)
        assert (first.ref, first.total, first.seq, second.seq) == (0xA7, 2, 1, 2)
        assert first.text == ALERT[:153]
        assert second.text == ALERT[153:]

    def test_gsm7_extension_table(self) -> None:
        assert decode_deliver(GSM7_EXTENSION).text == "€[]{}|^~\\ ok"

    def test_gsm7_trailing_at_sign_is_kept(self) -> None:
        assert decode_deliver(GSM7_AT_END).text == "Call me@"

    def test_ucs2_emoji_is_one_character(self) -> None:
        text = decode_deliver(UCS2_EMOJI).text
        assert text == "值班 \U0001F600 ok"
        assert len(text) == 7
        text.encode("utf-8")  # no lone surrogates left

    def test_split_surrogate_pair_is_kept_for_the_reassembler(self) -> None:
        assert decode_deliver(UCS2_SPLIT_1).text == "好\ud83d"
        assert decode_deliver(UCS2_SPLIT_2).text == "\ude00"

    def test_ucs2_in_auto_deletion_coding_group(self) -> None:
        assert decode_deliver(UCS2_DCS_48).text == "自动删除"

    def test_eight_bit(self) -> None:
        assert decode_deliver(EIGHT_BIT) == SmsPart(ME, "hello 8bit", HAND_STAMP, None, 1, 1)

    def test_gsm7_command_end_to_end(self) -> None:
        part = decode_deliver(GSM7_COMMAND)
        command = parse_command(part.text, "autocall")
        assert command is not None
        assert (command.number, command.text) == ("18712345678", "hi")

    def test_lone_surrogate_in_single_part_becomes_replacement_character(self) -> None:
        # "A" D83D "B": a high surrogate with no low half
        pdu = "0891683108100005F0040D91688117325476F800085230819003512306" + "0041D83D0042"
        assert decode_deliver(pdu).text == "A\ufffdB"

    def test_alphanumeric_sender(self) -> None:
        # OA: 12 semi-octets, type 0xD0, "MyBank" packed; GSM-7 "Hi"
        pdu = "00" "04" "0CD0CDBC30EC5E03" "00" "00" "52308190035123" "02" "C834"
        assert decode_deliver(pdu).sender == "MyBank"

    def test_concatenation_header_one_of_one_is_a_single_part(self) -> None:
        # UCS2 "好" with UDH 00 03 07 01 01
        pdu = "00440B915155255155F50008523081900351230805000307010159" "7D"
        assert decode_deliver(pdu) == SmsPart("+15555215555", "好", HAND_STAMP, None, 1, 1)

    def test_concatenation_header_with_impossible_sequence_is_ignored(self) -> None:
        pdu = "00440B915155255155F500085230819003512308050003070203597D"
        part = decode_deliver(pdu)
        assert (part.ref, part.total, part.seq, part.text) == (None, 1, 1, "好")


class TestUpstreamDefects:
    """The gsmmodem.pdu behaviour the workarounds exist for. If one of these
    starts failing after an upgrade, the matching workaround may be removable."""

    def test_drops_first_character_after_16bit_reference(self) -> None:
        assert decodeSmsPdu(GSM7_REF16_2)["text"] == "all|hi on call"

    def test_returns_lone_surrogates_for_emoji(self) -> None:
        assert decodeSmsPdu(UCS2_EMOJI)["text"] == "值班 \ud83d\ude00 ok"

    def test_drops_trailing_at_sign(self) -> None:
        assert decodeSmsPdu(GSM7_AT_END)["text"] == "Call me"

    def test_treats_dcs_48_as_gsm7(self) -> None:
        assert decodeSmsPdu(UCS2_DCS_48)["text"] != "自动删除"


class TestMalformed:
    @pytest.mark.parametrize(
        ("pdu", "reason"),
        [
            ("", "empty PDU"),
            ("   ", "empty PDU"),
            (TEST_GSM7[:-1], "odd number of hex digits"),
            (TEST_GSM7[:-2] + "ZZ", "non-hexadecimal"),
            (TEST_GSM7[:20] + " " + TEST_GSM7[20:], "non-hexadecimal"),
            (TEST_GSM7[:-2], "truncated: user data has 3 octets, UDL needs 4"),
            (TEST_GSM7 + "00", "1 octets after the user data"),
            (CAT_UCS2[:40], "truncated before the user data"),
            ("0791336600", "truncated inside the SMSC field"),
            ("07913366003041F504", "truncated before the sender address"),
            ("0001000D91688117325476F800000461F1980C", "not an SMS-DELIVER (TP-MTI=1)"),
            ("00060D0B915155255155F5", "not an SMS-DELIVER (TP-MTI=2)"),
            # UDHI set, UDH length 0x20 larger than the 8 user data octets
            ("00440B915155255155F5000852308190035123082000030002015970", "header length 32 exceeds"),
            # UDH 05 00 03 07 02 01 says 5 octets but the element inside needs 6
            ("00440B915155255155F500085230819003512308040003070201597D", "do not add up"),
            # DCS 0x28: compressed UCS2
            ("00040B915155255155F500285230819003512302597D", "compressed user data (DCS 0x28)"),
            # UCS2 with 3 octets
            ("00040B915155255155F500085230819003512303597D00", "odd number of octets (3)"),
            # month 13
            ("00040B915155255155F500085231819003512302597D", "undecodable SMS-DELIVER"),
        ],
    )
    def test_rejected_with_one_line_reason(self, pdu: str, reason: str) -> None:
        with pytest.raises(PduError, match=re.escape(reason)) as caught:
            decode_deliver(pdu)
        assert "\n" not in str(caught.value)

    def test_pdu_error_is_a_value_error(self) -> None:
        assert issubclass(PduError, ValueError)


class TestSmsPart:
    def test_sequence_out_of_range(self) -> None:
        with pytest.raises(ValueError):
            SmsPart("1", "x", None, 5, 2, 3)

    def test_single_part_has_no_reference(self) -> None:
        with pytest.raises(ValueError):
            SmsPart("1", "x", None, 5, 1, 1)
        with pytest.raises(ValueError):
            SmsPart("1", "x", None, None, 2, 1)


class TestEncodeSubmit:
    def test_gsm7_with_extension_characters(self) -> None:
        assert encode_submit("18712345678", "done: €|") == [("0001000BA18117325476F800000AE4B7BBAC036DCA1B20", 22)]

    def test_emoji_is_encoded_as_a_surrogate_pair(self) -> None:
        assert encode_submit("+8618712345678", "OK \U0001F600") == [
            ("0001000D91688117325476F800080A004F004B0020D83DDE00", 24)
        ]

    def test_long_text_is_split_with_reference(self) -> None:
        pdus = encode_submit("+8618712345678", "值班" * 40, reference=9)
        assert [length for _, length in pdus] == [154, 46]
        assert [pdu[:44] for pdu, _ in pdus] == [
            "0041090D91688117325476F800088C05000309020150",
            "0041090D91688117325476F800082005000309020273",  # part 2 starts at 班
        ]

    def test_tpdu_length_excludes_the_smsc_octet(self) -> None:
        for pdu, length in encode_submit("10086", "x" * 300):
            assert length == len(pdu) // 2 - 1

    @pytest.mark.parametrize("number", ["", "123;ATH", "+86 187", "*7218712345678", "abc", "+"])
    def test_refuses_non_numbers(self, number: str) -> None:
        with pytest.raises(ValueError, match="not a plain phone number"):
            encode_submit(number, "x")

    def test_refuses_reference_out_of_range(self) -> None:
        with pytest.raises(ValueError, match="0-255"):
            encode_submit("10086", "x", reference=256)


def test_gsm7_0x5f_is_section_sign_not_backtick():
    # GSM-7 "§1": septets 0x5F 0x31, packed as 5F 18 (built by hand; gsmmodem's table says '`').
    pdu = "0891683108100005F0040D91688117325476F80000523081900351230" + "2" + "DF18"
    assert decode_deliver(pdu).text == "§1"


class TestSenderType:
    """The TP-OA type of number is read from the PDU bytes and carried by the sender."""

    @pytest.mark.parametrize(
        ("oa", "sender", "ton"),
        [
            ("0D91688117325476F8", "+8618712345678", 1),
            ("0BA18117325476F8", "18712345678", 2),
            ("0B818117325476F8", "18712345678", 0),
            ("0BB18117325476F8", "18712345678", 3),
            ("0BC18117325476F8", "18712345678", 4),
            ("0BE18117325476F8", "18712345678", 6),
            ("14D031DC2D269BD16AB61B0E", "18712345678", 5),  # alphanumeric: "18712345678" as GSM-7 text
        ],
    )
    def test_type_of_number_is_read_from_the_address(self, oa: str, sender: str, ton: int) -> None:
        part = decode_deliver("0004" + oa + "000052308190035123" "02" "C834")  # GSM-7 "Hi"
        assert (part.sender, part.text) == (sender, "Hi")
        assert isinstance(part.sender, Sender)
        assert part.sender.ton == ton

    @pytest.mark.parametrize(
        ("pdu", "ton"), [(TEST_GSM7, 1), (CAT_UCS2, 1), (UNICOM_PART_4_OF_9, 2), (GSM7_REF16_1, 1)]
    )
    def test_real_pdus(self, pdu: str, ton: int) -> None:
        assert sender_ton(decode_deliver(pdu).sender) == ton

    def test_alphanumeric_sender_type(self) -> None:
        pdu = "00" "04" "0CD0CDBC30EC5E03" "00" "00" "52308190035123" "02" "C834"
        assert sender_ton(decode_deliver(pdu).sender) == TON_ALPHANUMERIC

    def test_sender_behaves_as_its_text_and_keeps_its_type_when_copied(self) -> None:
        sender = Sender("18712345678", TON_ALPHANUMERIC)
        assert sender == "18712345678" and hash(sender) == hash("18712345678")
        assert repr(sender) == "'18712345678'" and f"{sender}" == "18712345678"
        for copied in (copy.copy(sender), copy.deepcopy(sender), pickle.loads(pickle.dumps(sender))):
            assert (copied, sender_ton(copied)) == ("18712345678", TON_ALPHANUMERIC)

    def test_plain_text_has_no_type(self) -> None:
        assert sender_ton("18712345678") is None

    def test_type_of_number_out_of_range(self) -> None:
        with pytest.raises(ValueError, match="type of number 8 is not in 0-7"):
            Sender("1", 8)
