"""The AT protocol layer, fed bytes as the modems send them."""

from gsmcall.at.framing import Line, LineFramer, Prompt
from gsmcall.at.protocol import AtProtocol, Command, Completed, SendPayload, Urc
from gsmcall.at.results import ResultKind, parse_final


def run(proto: AtProtocol, *chunks: bytes) -> list:
    events = []
    for chunk in chunks:
        events.extend(proto.receive(chunk))
    return events


def test_framer_handles_crlf_crcrlf_and_echo_cr():
    framer = LineFramer()
    tokens = framer.feed(b"AT+CSQ\r\r\n+CSQ: 16,99\r\n\r\nOK\r\n\r\r\n+RXDTMF: 1\r\r\n")
    assert tokens == [Line("AT+CSQ"), Line("+CSQ: 16,99"), Line("OK"), Line("+RXDTMF: 1")]


def test_framer_joins_lines_split_across_reads():
    framer = LineFramer()
    assert framer.feed(b"\r\n+CL") == []
    assert framer.feed(b"CC: 1,0,3,0,0,\"1\",129\r") == [Line('+CLCC: 1,0,3,0,0,"1",129')]


def test_framer_prompt_only_when_expected():
    framer = LineFramer()
    assert framer.feed(b"\r\n> ") == []
    framer.reset()
    framer.expect_prompt = True
    assert framer.feed(b"\r\n> ") == [Prompt()]


def test_garbage_bytes_never_raise_and_are_replaced():
    framer = LineFramer()
    tokens = framer.feed(b"\xff\xfe\x00garbage\r\nOK\r\n")
    assert tokens[0].text.endswith("garbage") and "\ufffd" in tokens[0].text
    assert tokens[1] == Line("OK")


def test_endless_line_is_cut():
    framer = LineFramer(max_line=16)
    tokens = framer.feed(b"x" * 40)
    assert tokens == [Line("x" * 40)]


def test_echo_info_and_final():
    proto = AtProtocol()
    assert proto.start(Command("AT+CSQ")) == b"AT+CSQ\r"
    events = run(proto, b"AT+CSQ\r\r\n+CSQ: 16,99\r\n\r\nOK\r\n")
    assert len(events) == 1 and isinstance(events[0], Completed)
    response = events[0].response
    assert response.lines == ("+CSQ: 16,99",) and response.ok
    assert not proto.busy


def test_urc_in_the_middle_of_a_response_is_delivered_apart():
    proto = AtProtocol()
    proto.start(Command("AT+CMGR=2"))
    events = run(
        proto,
        b"\r\n+CMGR: 0,\"\",32\r\n",
        b"\r\n^RSSI:15\r\n\r\n+CMTI: \"SM\",3\r\n",
        b"0891683110102105F0040D91688116728494F90008226091908561230C62117684732B53EB5C0F6A59\r\n\r\nOK\r\n",
    )
    assert events[0] == Urc("^RSSI:15")
    assert events[1] == Urc('+CMTI: "SM",3')
    response = events[2].response
    assert response.lines[0] == '+CMGR: 0,"",32'
    assert response.lines[1].startswith("0891683110102105F0")


def test_unprefixed_info_lines_are_information():
    proto = AtProtocol()
    proto.start(Command("AT+CGMM"))
    (event,) = run(proto, b"\r\nSIMCOM_SIM7600G-H\r\n\r\nOK\r\n")
    assert event.response.lines == ("SIMCOM_SIM7600G-H",)


def test_own_prefix_wins_over_urc_table():
    proto = AtProtocol()
    proto.start(Command("AT+CLCC"))
    (event,) = run(proto, b'\r\n+CLCC: 1,0,0,1,0,"",128\r\n+CLCC: 2,0,0,0,0,"10086",129\r\n\r\nOK\r\n')
    assert len(event.response.lines) == 2


def test_call_end_during_another_command_is_a_urc():
    proto = AtProtocol()
    proto.start(Command("AT+CLCC"))
    events = run(proto, b"\r\nBUSY\r\n\r\nOK\r\n")
    assert events[0] == Urc("BUSY")
    assert events[1].response.final.kind is ResultKind.OK


def test_dial_may_end_in_busy():
    proto = AtProtocol()
    proto.start(Command("ATD13912345678;"))
    (event,) = run(proto, b"\r\nBUSY\r\n")
    assert event.response.final.kind is ResultKind.BUSY


def test_results_without_command_are_urcs_or_dropped():
    proto = AtProtocol()
    assert run(proto, b"\r\nNO CARRIER\r\n\r\nOK\r\n\r\nRING\r\n") == [Urc("NO CARRIER"), Urc("RING")]


def test_late_result_after_abandon_is_dropped():
    proto = AtProtocol()
    proto.start(Command("AT+COPS?"))
    run(proto, b"\r\n+COPS: 0,0,\"X\"\r\n")
    assert proto.abandon() == (('+COPS: 0,0,"X"',), b"")
    assert run(proto, b"\r\nOK\r\n") == []
    proto.start(Command("AT"))
    (event,) = run(proto, b"\r\nOK\r\n")
    assert event.response.command.text == "AT"


def test_cmgs_prompt_sends_payload_with_ctrl_z():
    proto = AtProtocol()
    proto.start(Command("AT+CMGS=17", payload="0011000B91"))
    events = run(proto, b"\r\n> ")
    assert events == [SendPayload(b"0011000B91\x1a")]
    (done,) = run(proto, b"\r\n+CMGS: 23\r\n\r\nOK\r\n")
    assert done.response.lines == ("+CMGS: 23",)


def test_cpin_ready_without_ok_leaves_lines_for_the_caller():
    proto = AtProtocol()
    proto.start(Command("AT+CPIN?"))
    assert run(proto, b"\r\n+CPIN: READY\r\n") == []
    assert proto.abandon() == (("+CPIN: READY",), b"")


def test_final_result_spellings():
    assert parse_final("NO DIALTONE").kind is ResultKind.NO_DIALTONE
    assert parse_final("NO DIAL TONE").kind is ResultKind.NO_DIALTONE
    assert parse_final("COMMAND NOT SUPPORT").kind is ResultKind.NOT_SUPPORTED
    assert parse_final("+CMS ERROR: 321").error_code == "321"
    assert parse_final("+CME ERROR：340").error_code == "340"
    assert parse_final("+CME ERROR: incorrect password").kind is ResultKind.CME_ERROR
    assert parse_final("OKAY") is None


def test_prompt_followed_by_a_urc_in_the_same_read():
    proto = AtProtocol()
    proto.start(Command("AT+CMGS=17", payload="0011"))
    events = run(proto, b'\r\n> \r\n+CMTI: "SM",3\r\n')
    assert events == [SendPayload(b"0011\x1a"), Urc('+CMTI: "SM",3')]


def test_abandoned_prompt_command_asks_for_escape():
    proto = AtProtocol()
    proto.start(Command("AT+CMGS=17", payload="0011"))
    assert proto.abandon() == ((), b"\x1b")


def test_command_that_cannot_be_encoded_leaves_the_protocol_usable():
    proto = AtProtocol()
    try:
        proto.start(Command('AT+CPIN="１２３４"'))
    except UnicodeEncodeError:
        pass
    assert not proto.busy
    assert proto.start(Command("AT")) == b"AT\r"
