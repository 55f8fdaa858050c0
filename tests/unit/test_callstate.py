"""Call URCs of the four families, normalised."""

import pytest

from gsmcall.at.callstate import EndCause, Phase, parse_call_urc, parse_clcc


@pytest.mark.parametrize(
    "line, phase",
    [
        ('+CLCC: 1,0,2,0,0,"+8613912345678",145,""', Phase.DIALING),  # SIM800, alpha
        ('+CLCC: 1,0,3,0,0,"13912345678",129', Phase.ALERTING),  # SIM7600 / EC25, no alpha
        ('+CLCC: 1,0,0,0,0,"10011",129,"sm"', Phase.ACTIVE),
        ('+CLCC: 1,0,6,0,0,"085793001974",129,""', Phase.ENDED),
        ("^DSCI: 1,0,2,0,10086,129,0", Phase.DIALING),
        ("^DSCI: 1,0,7,0,10086,129,0", Phase.ALERTING),
        ("^DSCI: 1,0,3,0,10086,129,0", Phase.ACTIVE),
        ("^DSCI: 1,0,6,0,10086,129,0", Phase.ENDED),
        ('+QIND: "ccinfo",1,0,3,0,0,"10086",129', Phase.ALERTING),
        ('+QIND: "ccinfo",1,0,0,0,0,"10086",129', Phase.ACTIVE),
        ('+QIND: "ccinfo",1,0,-1,0,0,"10086",129', Phase.ENDED),
        ("VOICE CALL: BEGIN", Phase.ACTIVE),
        ("VOICE CALL:BEGIN", Phase.ACTIVE),
        ("VOICE CALL: END: 000352", Phase.ENDED),
        ("VOICE CALL:END:", Phase.ENDED),
        ("MO RING", Phase.ALERTING),
        ("MO CONNECTED", Phase.ACTIVE),
        ("^ORIG:1,0", Phase.DIALING),
        ("^CONF:1", Phase.ALERTING),
        ("^CONN:1,0", Phase.ACTIVE),
        ("^CEND:1,0,104,31", Phase.ENDED),
        ("NO CARRIER", Phase.ENDED),
    ],
)
def test_phases(line, phase):
    event = parse_call_urc(line)
    assert event is not None and event.phase is phase


def test_data_pseudo_call_is_not_a_voice_call():
    assert parse_call_urc('+CLCC: 1,0,0,1,0,"",128') is None
    assert parse_clcc('+CLCC: 1,0,0,1,0,"",128').voice is False


def test_incoming_call_is_marked_incoming():
    event = parse_call_urc('+CLCC: 4,1,4,0,0,"08020866256",128')
    assert event.phase is Phase.INCOMING and event.outgoing is False


@pytest.mark.parametrize(
    "line, cause",
    [
        ("^CEND:1,0,104,17", EndCause.BUSY),
        ("^CEND:1,0,104,19", EndCause.NO_ANSWER),
        ("^CEND:1,0,104,21", EndCause.REJECTED),
        ("^CEND:1,5,29,16", EndCause.LOCAL),
        ("^CEND:1,0,104", EndCause.UNKNOWN),
        ("BUSY", EndCause.BUSY),
        ("NO ANSWER", EndCause.NO_ANSWER),
        ("NO CARRIER", EndCause.NORMAL),
    ],
)
def test_end_causes(line, cause):
    assert parse_call_urc(line).cause is cause


def test_voice_call_end_duration():
    assert parse_call_urc("VOICE CALL: END: 000352").duration == 232


def test_unrelated_lines():
    for line in ("^RSSI:15", '+CMTI: "SM",1', "+QIND: SMS DONE", "RING", "garbage"):
        assert parse_call_urc(line) is None
