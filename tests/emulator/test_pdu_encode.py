"""The emulator's SMS-DELIVER encoder against real PDUs from the reference, cross-checked with
python-gsmmodem's decoder (test-only dependency)."""

from __future__ import annotations

import datetime as dt

import pytest
from gsmmodem.pdu import decodeSmsPdu

from gsmcall.emulator.pdu_encode import (
    build_deliver,
    concat_header,
    encode_deliver,
    encode_scts,
    tpdu_length,
)
from gsmcall.emulator.sms_store import text_view

TZ8 = dt.timezone(dt.timedelta(hours=8))


def test_real_ucs2_pdu_from_simcom_fixture():
    parts = encode_deliver("+8618612748499", "我的猫叫小橙", dt.datetime(2022, 6, 19, 9, 58, 16, tzinfo=TZ8),
                           smsc="+8613010112500")
    assert [p.pdu for p in parts] == [
        "0891683110102105F0040D91688116728494F90008226091908561230C62117684732B53EB5C0F6A59"]
    assert parts[0].tpdu_len == 32


def test_real_gsm7_pdu_from_huawei_capture():
    when = dt.datetime(2015, 9, 28, 18, 58, 38, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    (part,) = encode_deliver("+33660334189", "Test", when, smsc="+33660003145")
    assert part.pdu == "07913366003041F5040B913366304381F900005190828185838004D4F29C0E"
    assert part.tpdu_len == 23


def test_constructed_single_and_two_part_ucs2():
    (single,) = encode_deliver("+8613912345678", "你好，这是一条测试短信。",
                               dt.datetime(2025, 3, 18, 9, 30, 15, tzinfo=TZ8))
    assert single.pdu == ("0891683108100005F0040D91683119325476F8000852308190035123184F60597DFF0C8FD966"
                          "2F4E0067616D4B8BD577ED4FE13002")
    assert single.tpdu_len == 44
    text = ("尊敬的客户：您好！您本月的话费账单已经生成，请登录网上营业厅查询详细信息。如有疑问请拨打客服热线，"
            "我们将竭诚为您服务。祝您生活愉快，工作顺利！本短信为系统自动发送，请勿直接回复。")
    parts = encode_deliver("+8613912345678", text, dt.datetime(2025, 3, 18, 9, 30, 20, tzinfo=TZ8), ref=0x5A)
    assert [p.tpdu_len for p in parts] == [160, 70]
    assert parts[1].pdu == ("0891683108100005F0440D91683119325476F8000852308190030223320500035A02024F5C987A52"
                            "29FF01672C77ED4FE14E3A7CFB7EDF81EA52A853D19001FF0C8BF752FF76F463A556DE590D3002")
    assert parts[0].pdu.startswith("0891683108100005F0440D91683119325476F80008523081900302238C0500035A0201")


def test_real_unicom_concatenated_part_with_short_code_sender():
    body = ("校园0元每月20G国内流量-50个月\r\n 套餐内流量(0M)\r\n 已用0.00MB浙江-0元校园沃派校区流量放心用-50个月\r\n ")
    ud = concat_header(0x2B, 9, 4) + body.encode("utf-16-be")
    part = build_deliver("10010", ud, len(ud), 0x08, dt.datetime(2022, 6, 6, 16, 18, 33, tzinfo=TZ8),
                         smsc="+8613010362500", udh=True, status_report=True, sender_toa=0xA0)
    assert part.pdu == (
        "0891683110302605F06405A00110F0000822606061813323880500032B0904682156ED003051436BCF670800320030004756FD51"
        "856D4191CF002D003500304E2A6708000D000A00205957991051856D4191CF00280030004D0029000D000A00205DF2752800"
        "30002E00300030004D00426D596C5F002D00305143682156ED6C836D3E6821533A6D4191CF653E5FC37528002D003500304E"
        "2A6708000D000A0020")
    assert part.tpdu_len == 152


@pytest.mark.parametrize("text", ["Hello [world] {x} ~ | \\ ^ €", "Ça coute 5€ à Köln, Ñandù", "line1\nline2"])
def test_gsm7_with_extension_table_decodes_with_gsmmodem(text):
    (part,) = encode_deliver("+8613912345678", text, dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=TZ8))
    assert part.pdu[0:2] == "08"
    decoded = decodeSmsPdu(part.pdu)
    assert decoded["text"] == text
    assert decoded["number"] == "+8613912345678"
    assert decoded["smsc"] == "+8613800100500"
    assert text_view(part.pdu).body == text


def test_section_sign_is_0x5f_per_23038():
    # python-gsmmodem's table has '`' at 0x5F, so this one is checked without it
    (part,) = encode_deliver("+8613912345678", "§", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=TZ8))
    assert part.pdu.endswith("015F")
    assert text_view(part.pdu).body == "§"


def test_long_gsm7_is_split_with_8bit_reference():
    text = "".join(f"{i:03d} " for i in range(80))  # 320 septets
    parts = encode_deliver("+8613912345678", text, ref=0x33)
    assert len(parts) == 3
    joined = ""
    for seq, p in enumerate(parts, 1):
        d = decodeSmsPdu(p.pdu)
        (udh,) = d["udh"]
        assert (udh.reference, udh.parts, udh.number) == (0x33, 3, seq)
        joined += d["text"]
        assert p.tpdu_len == tpdu_length(p.pdu)
    assert joined == text


def test_long_ucs2_with_16bit_reference():
    text = "值班提醒：" * 30  # 150 chars
    parts = encode_deliver("13912345678", text, ref=0x1234, concat16=True)
    assert len(parts) == 3  # 66 chars per part with the 7-octet UDH
    joined = ""
    for seq, p in enumerate(parts, 1):
        d = decodeSmsPdu(p.pdu)
        (udh,) = d["udh"]
        assert (udh.reference, udh.parts, udh.number) == (0x1234, 3, seq)
        assert d["number"] == "13912345678"
        joined += d["text"]
    assert joined == text
    assert parts[0].pdu[20:24] == "0BA1"  # national sender: 11 digits, type 0xA1


def _user_data(pdu: str) -> bytes:
    raw = bytes.fromhex(pdu)
    p = 1 + raw[0]  # first octet
    p += 1 + 2 + (raw[p + 1] + 1) // 2  # OA
    p += 2 + 7  # PID, DCS, SCTS
    return raw[p + 1:]


def test_surrogate_pair_is_not_split():
    text = "a" + "😀" * 70
    parts = encode_deliver("+8613912345678", text, ref=1)
    assert len(parts) == 3
    bodies = [_user_data(p.pdu)[6:].decode("utf-16-be", "strict") for p in parts]  # strict: no lone surrogate
    assert "".join(bodies) == text


def test_alphanumeric_sender_and_negative_timezone():
    when = dt.datetime(2024, 12, 31, 23, 59, 59, tzinfo=dt.timezone(-dt.timedelta(hours=5)))
    (part,) = encode_deliver("BANK", "Your code is 1234", when)
    d = decodeSmsPdu(part.pdu)
    assert d["number"] == "BANK"
    assert d["time"] == when
    assert encode_scts(when).hex().upper() == "422113329595" + "0A"


def test_alphanumeric_type_of_address_packs_even_an_all_digit_id():
    # A bulk-SMS gateway lets its customer send as "18712345678": GSM-7 text under TOA 0xD0,
    # not the BCD phone number the same characters would otherwise become.
    when = dt.datetime(2025, 3, 18, 9, 30, 15, tzinfo=TZ8)
    (part,) = encode_deliver("18712345678", "|18712345678|autocall|hi", when, smsc=None, sender_toa=0xD0)
    assert part.pdu == (
        "000414D031DC2D269BD16AB61B0E0000523081900351231B1B600C778BC966B49AED86DB00C375FA7B1C66B33740741A")
    assert decodeSmsPdu(part.pdu)["number"] == "18712345678"
    assert text_view(part.pdu).sender == "18712345678"


def test_numeric_type_of_address_is_unchanged():
    when = dt.datetime(2025, 3, 18, 9, 30, 15, tzinfo=TZ8)
    (national,) = encode_deliver("18712345678", "Hi", when, smsc=None)
    (international,) = encode_deliver("+8618712345678", "Hi", when, smsc=None)
    assert national.pdu.startswith("00040BA18117325476F8")
    assert international.pdu.startswith("00040D91688117325476F8")
