"""SMS side: store/read/list/delete per profile, +CMTI, the CMGS prompt, a full store."""

from __future__ import annotations

import pytest
from gsmmodem.pdu import decodeSmsPdu

from gsmcall.emulator import StorageFull
from tests.support.host import L

CAT = "0891683110102105F0040D91688116728494F90008226091908561230C62117684732B53EB5C0F6A59"  # 我的猫叫小橙
TEST = "07913366003041F5040B913366304381F900005190828185838004D4F29C0E"  # "Test", Huawei E1752
PLEASE = "0891683110304105F0240D91685128612752F60008912122210230230C8BF7786E8BA48BE577ED4FE1"


def test_sim800_read_pdu_mark_read_delete(make_emu, connect):
    """modem_transcripts.md §1.6/1.7: SIMCom quoted empty alpha, index base 1, bare OK for an empty slot."""
    emu = make_emu("sim800")
    host = connect(emu)
    assert emu.store_pdu(CAT) == 1
    host.ok("AT+CMGF=0")
    host.cmd("AT+CMGR=1", b'\r\n+CMGR: 0,"",32\r\n' + CAT.encode() + b"\r\n\r\nOK\r\n")
    host.cmd("AT+CMGR=1", b'\r\n+CMGR: 1,"",32\r\n' + CAT.encode() + b"\r\n\r\nOK\r\n")
    host.ok("AT+CMGD=1")
    host.cmd("AT+CMGR=1", b"\r\nOK\r\n")
    host.cmd("AT+CMGR=99", b"\r\n+CMS ERROR: 321\r\n")
    host.cmd("AT+CMGR=0", b"\r\n+CMS ERROR: 321\r\n")  # below the base
    assert emu.sms_store == {}


def test_huawei_unquoted_alpha_zero_base_and_cmgl(make_emu, connect):
    emu = make_emu("huawei")
    host = connect(emu)
    assert emu.store_pdu(TEST) == 0
    assert emu.store_pdu(PLEASE, stat=1) == 1
    host.cmd("AT+CMGR=0", b"\r\n+CMGR: 0,,23\r\n" + TEST.encode() + b"\r\n\r\nOK\r\n")
    host.cmd("AT+CMGL=4", b"\r\n+CMGL: 0,1,,23\r\n" + TEST.encode() + b"\r\n+CMGL: 1,1,,32\r\n"
             + PLEASE.encode() + b"\r\n\r\nOK\r\n")
    host.cmd("AT+CMGL=0", b"\r\nOK\r\n")
    host.cmd("AT+CMGD=?", b"\r\n+CMGD: (0,1),(0-4)\r\n\r\nOK\r\n")
    host.cmd("AT+CMGR=5", b"\r\n+CMS ERROR: 321\r\n")  # empty slot: error, not bare OK
    host.cmd("AT+CPMS?", b'\r\n+CPMS: "SM",2,40,"SM",2,40,"SM",2,40\r\n\r\nOK\r\n')
    host.ok("AT+CMGD=0,4")
    assert emu.sms_store == {}


def test_ec25_delivery_gives_cmti_on_me_zero_based(make_emu, connect):
    emu = make_emu("ec25")
    host = connect(emu)
    assert emu.deliver_sms("+8613912345678", "|18712345678|autocall|今天你值班") == [0]
    host.expect(L('+CMTI: "ME",0'))
    host.send("AT+CMGR=0\r")
    head = host.port.read_until(b"\r\n\r\nOK\r\n")
    lines = head.split(b"\r\n")
    assert lines[1].startswith(b"+CMGR: 0,,")
    d = decodeSmsPdu(lines[2].decode())
    assert (d["number"], d["text"], d["smsc"]) == ("+8613912345678", "|18712345678|autocall|今天你值班", "+8613800100500")
    assert int(lines[1].split(b",")[-1]) == len(bytes.fromhex(lines[2].decode())) - 9


def test_multipart_delivery_and_cnmi_off(make_emu, connect):
    emu = make_emu("sim7600")
    host = connect(emu)
    text = "告警：" + "数据库主节点不可用，" * 10
    assert emu.deliver_sms("+8613912345678", text) == [0, 1]
    host.expect(L('+CMTI: "SM",0') + L('+CMTI: "SM",1'))
    pdus = emu.sms_store
    parts = [decodeSmsPdu(pdus[i]) for i in (0, 1)]
    assert "".join(p["text"] for p in parts) == text
    assert {p["udh"][0].reference for p in parts} == {parts[0]["udh"][0].reference}
    host.ok("AT+CNMI=2,0,0,0,0")
    assert emu.deliver_sms("10010", "hi") == [2]
    host.quiet_ok()  # stored without +CMTI


def test_store_sms_is_silent_and_concat16(make_emu, connect):
    emu = make_emu("sim800")
    host = connect(emu)
    idx = emu.store_sms("+8613912345678", "x" * 200, concat16=True)
    assert idx == [1, 2]
    assert decodeSmsPdu(emu.sms_store[1])["udh"][0].parts == 2
    host.quiet_ok()


def test_cmgs_prompt_send_and_escape(make_emu, connect):
    emu = make_emu("ec25")
    host = connect(emu)
    pdu = "0011000A9121436587090008011C00480065006C006C006F002C005100750065006300740065006C0021"
    host.cmd("AT+CMGS=41", b"\r\n> ")
    host.send(pdu + "\x1a")
    host.expect(b"\r\n+CMGS: 1\r\n\r\nOK\r\n")
    assert emu.sent_sms == [pdu]
    host.cmd("AT+CMGS=40", b"\r\n> ")  # wrong length
    host.send(pdu + "\x1a")
    host.expect(b"\r\n+CMS ERROR: 304\r\n")
    host.cmd("AT+CMGS=41", b"\r\n> ")
    host.send("0011\x1b")
    host.expect(b"\r\nOK\r\n")
    assert emu.sent_sms == [pdu]
    assert emu.log[-1].text == "OK"


def test_cmgs_prompt_echo_on(make_emu, connect):
    emu = make_emu("sim800")
    host = connect(emu, echo_off=False)
    host.cmd("AT+CMGS=3", b"AT+CMGS=3\r\r\n> ")
    host.send("00010203\x1a")  # SMSC 00 + 3 octets... not a real PDU, only the length matters
    host.expect(b"00010203\r\n+CMGS: 1\r\n\r\nOK\r\n")


def test_text_mode_ucs2_read(make_emu, connect):
    """modem_transcripts.md §1.7: text mode with AT+CSCS="UCS2" after the message was read once."""
    emu = make_emu("sim800")
    host = connect(emu)
    emu.store_pdu(CAT, stat=1)
    host.ok("AT+CMGF=1")
    host.ok('AT+CSCS="UCS2"')
    host.cmd("AT+CMGR=1", b'\r\n+CMGR: "REC READ","002B0038003600310038003600310032003700340038003400390039",'
                          b'"","22/06/19,09:58:16+32"\r\n62117684732B53EB5C0F6A59\r\n\r\nOK\r\n')
    host.ok('AT+CSCS="GSM"')
    emu.store_pdu(TEST)
    host.cmd('AT+CMGL="REC UNREAD"', b'\r\n+CMGL: 2,"REC UNREAD","+33660334189","","15/09/28,18:58:38+08"\r\n'
                                     b"Test\r\n\r\nOK\r\n")


@pytest.mark.parametrize("profile,urc", [
    ("sim7600", b"\r\n+SMS FULL\r\n"),
    ("ec25", b'\r\n+QIND: "smsfull","ME"\r\n'),
    ("huawei", b'\r\n^SMMEMFULL:"SM"\r\n'),
    ("sim800", b""),
])
def test_full_store(make_emu, connect, profile, urc):
    emu = make_emu(profile, sms_capacity=1)
    host = connect(emu)
    base = emu.profile.sms_index_base
    assert emu.deliver_sms("+8613912345678", "one") == [base]
    host.expect(b'\r\n+CMTI: "%s",%d\r\n' % (emu.settings.mems[2].encode(), base))
    assert emu.deliver_sms("+8613912345678", "two") == []
    if urc:
        host.expect(urc)
    emu.wait_for(lambda e: "store full" in e.text, 1)
    host.cmd("AT+CMGW=3", b"\r\n> ")
    host.send("00010203\x1a")
    host.expect(b"\r\n+CMS ERROR: 322\r\n")
    with pytest.raises(StorageFull):
        emu.store_sms("+8613912345678", "three")
    host.quiet_ok()
