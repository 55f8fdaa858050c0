"""gsmcall.modem.capabilities.speech: the key-press and end-of-speech URCs of each family."""

from __future__ import annotations

import pytest

from gsmcall.modem.capabilities.speech import KeySpec, SpeechSpec, parse_key, speech_ended

SIM800 = KeySpec(probe="AT+DDET=?", enable="AT+DDET=1,0,0", urc_prefix="+DTMF:")
SIM7600 = KeySpec(probe="AT+DDET=?", enable="AT+DDET=1", urc_prefix="+RXDTMF:")
EC25 = KeySpec(probe="AT+QTONEDET=?", enable="AT+QTONEDET=1", urc_prefix="+QTONEDET:", ascii_codes=True)
HUAWEI = KeySpec(probe="AT^DDTMFCFG=?", enable="AT^DDTMFCFG=0,1", urc_prefix="^DDTMF:")
QWTTS = SpeechSpec(probe="AT+QWTTS=?", speak='AT+QWTTS=1,1,1,"{hex}"', stop="AT+QWTTS=1,0,0",
                   done_prefix="+QWTTS:", max_hex=540)
CTTS = SpeechSpec(probe="AT+CTTS=?", speak='AT+CTTS=1,"{hex}"', stop="AT+CTTS=0", done_prefix="+CTTS:",
                  max_hex=512, prepare=("AT+CDTAM=1",))


@pytest.mark.parametrize(("spec", "line", "key"), [
    (SIM800, "+DTMF:1", "1"),
    (SIM800, "+DTMF:2,160", "2"),
    (SIM800, "+DTMF:#", "#"),
    (SIM7600, "+RXDTMF: 1", "1"),
    (SIM7600, "+RXDTMF: *", "*"),
    (EC25, "+QTONEDET: 49", "1"),
    (EC25, "+QTONEDET: 56", "8"),
    (EC25, "+QTONEDET: 35", "#"),
    (EC25, "+QTONEDET: 65", "A"),
    (HUAWEI, "^DDTMF:4", "4"),
    (HUAWEI, "^DDTMF: 0", "0"),
])
def test_each_family_reports_its_key(spec: KeySpec, line: str, key: str) -> None:
    assert parse_key(spec, line) == key


@pytest.mark.parametrize(("spec", "line"), [
    (SIM800, "+RXDTMF: 1"),  # another family's URC
    (SIM800, "+DTMF:"),
    (SIM800, "+DTMF:X"),
    (EC25, "+QTONEDET: 1"),  # a digit, not an ASCII code
    (EC25, "+QTONEDET: 999"),
    (EC25, "+QTONEDET: abc"),
    (HUAWEI, "^DDTMF:12"),
])
def test_garbled_or_foreign_lines_are_no_key(spec: KeySpec, line: str) -> None:
    assert parse_key(spec, line) is None


def test_end_of_speech_reports() -> None:
    assert speech_ended(QWTTS, "+QWTTS: 0") is True
    assert speech_ended(QWTTS, "+QWTTS: 4111") is False  # interrupted by a call event
    assert speech_ended(CTTS, "+CTTS:0") is True  # SIM800's form, no space
    assert speech_ended(CTTS, "+CTTS: 0") is True
    assert speech_ended(CTTS, "+CTTS:") is None  # SIM7600's "started" line
    assert speech_ended(CTTS, "+QWTTS: 0") is None
