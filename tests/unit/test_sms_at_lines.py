"""gsmcall.at.sms_lines: the SMS lines of the four modem families."""

import pytest

from gsmcall.at.sms_lines import parse_cmgl_header, parse_cmgr_header, parse_cmti, parse_storage_full


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('+CMTI: "SM",3', ("SM", 3)),
        ('+CMTI: "ME",1', ("ME", 1)),
        ('+CMTI: "MT",0', ("MT", 0)),
        ("+CMTI: ,2", ("", 2)),
        ('+CMTI: "",2', ("", 2)),
        ("+CMTI: SM,7", ("SM", 7)),
        ('+CMTI: "SM",3,"MMS PUSH"', ("SM", 3)),
        ('+CMTI: "SM",3,"MMS PUSH",2,1', ("SM", 3)),
        ('+CMTI:"SM",12', ("SM", 12)),
        ('+CMTI: "SM", 4\r', ("SM", 4)),
        ('\r\n+CMTI: "SM",2\r\n', ("SM", 2)),
    ],
)
def test_cmti(line: str, expected: tuple[str, int]) -> None:
    assert parse_cmti(line) == expected


@pytest.mark.parametrize("line", ["+CMTI:", '+CMTI: "SM"', '+CMTI: "SM",', '+CMTI: "SM",x', "+CMT: ,23", 'x+CMTI: "SM",1', "OK"])
def test_not_cmti(line: str) -> None:
    assert parse_cmti(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("+CMGR: 0,,23", (0, 23)),
        ("+CMGR: 1,,23", (1, 23)),
        ('+CMGR: 0,"",38', (0, 38)),
        ('+CMGR: 1,"alpha",32', (1, 32)),
        ('+CMGR: 1,"a,b",32', (1, 32)),
        ("+CMGR: 0,,0", (0, 0)),
        ("+CMGR:0,,152", (0, 152)),
        ("+CMGR: 0, ,160\r", (0, 160)),
        ("+CMGR: ,,27", (None, 27)),  # ZTE leaves the status empty
    ],
)
def test_cmgr_header(line: str, expected: tuple[int, int]) -> None:
    assert parse_cmgr_header(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        '+CMGR: "REC UNREAD","+8613918186089","","02/01/30,20:40:31+00"',  # text mode
        "+CMGR: 0,23",
        "+CMGR: 0,,",
        '+CMGRD: 0,"",32',
        "+CMGL: 3,1,,32",
        "07913366003041F5040B913366304381F900005190828185838004D4F29C0E",
    ],
)
def test_not_cmgr_header(line: str) -> None:
    assert parse_cmgr_header(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('+CMGL: 3,1,"",32', (3, 1, 32)),
        ("+CMGL: 3,1,,32", (3, 1, 32)),
        ("+CMGL: 0,0,,23", (0, 0, 23)),
        ('+CMGL: 12,1,"Bob",160', (12, 1, 160)),
    ],
)
def test_cmgl_header(line: str, expected: tuple[int, int, int]) -> None:
    assert parse_cmgl_header(line) == expected


@pytest.mark.parametrize(
    "line",
    ['+CMGL: 0,"REC READ","+27840001656","","22/08/08,12:01:40+08"', "+CMGL: 3,1,32", "+CMGR: 0,,23"],
)
def test_not_cmgl_header(line: str) -> None:
    assert parse_cmgl_header(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "+SMS FULL",
        "+SMS FULL\r",
        "+SMSFULL",
        '+QIND: "smsfull","SM"',
        '+QIND:"smsfull","SM"',
        '+QIND: "smsfull", "ME"',
        '^SMMEMFULL:"SM"',
        '^SMMEMFULL: "SM"',
        '^SMMEMFULL:"ME"',
    ],
)
def test_storage_full(line: str) -> None:
    assert parse_storage_full(line) is True


@pytest.mark.parametrize("line", ["OK", '+QIND: "ccinfo",1,0,0,0,0,"10086",129', "+CMS ERROR: 322", "+SMS READY", "SMS DONE", ""])
def test_not_storage_full(line: str) -> None:
    assert parse_storage_full(line) is False


def test_an_index_thousands_of_digits_long_is_not_an_index() -> None:
    assert parse_cmti('+CMTI: "SM",' + "9" * 5000) is None
    assert parse_cmgl_header("+CMGL: " + "9" * 5000 + ",0,,22") is None
