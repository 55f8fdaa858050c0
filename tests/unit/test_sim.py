"""The SIM PIN is sent at most once per PIN and SIM, across processes, and the tries left are read.

The flow runs over a real channel against the emulator (its own counters say how many PINs
reached the SIM); the parsers and the fallbacks of ``pin_attempts`` run against a table of
replies.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gsmcall.at.protocol import Command, Response
from gsmcall.at.results import parse_final
from gsmcall.emulator import Emulator
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import CommandTimeout, FatalModemError, ModemError, SimLocked
from gsmcall.modem.pin_memory import PinMemory, pin_digest
from gsmcall.modem.profiles import PROFILES
from gsmcall.modem.sim import (
    ATTEMPTS_QUERIES,
    parse_iccid,
    pin_attempts,
    read_iccid,
    unlock_sim,
)
from tests.support.emulators import Emulators

RIGHT, WRONG, OTHER = "1234", "0000", "1111"
ICCID_A, ICCID_B = "89860000000000000001", "89860000000000000002"
CPINR, QPINC, HUAWEI = ATTEMPTS_QUERIES


def no_wait() -> None:
    raise AssertionError("the SIM was ready or asking; nothing to wait for")


@pytest.fixture
def modem(tmp_path: Path) -> Iterator[Callable[..., tuple[Emulator, AtChannel]]]:
    """Start an emulated modem whose SIM wants ``RIGHT`` and open a channel on it, as init does."""
    channels: list[AtChannel] = []
    with Emulators(tmp_path, noise_interval=None, noise_interleave_every=0) as make:
        def open_modem(profile: str = "sim7600", **kw: object) -> tuple[Emulator, AtChannel]:
            emu = make(profile, **{"pin": RIGHT, **kw})
            channel = AtChannel(emu.link, default_timeout=3)
            channel.open()
            channels.append(channel)
            assert channel.command("ATE0").ok
            channel.echo_off = True
            assert channel.command("AT+CMEE=2").ok
            return emu, channel

        yield open_modem
        for channel in channels:
            channel.close()


@pytest.fixture
def memory(tmp_path: Path) -> PinMemory:
    return PinMemory(tmp_path / "state")


def refused(channel: AtChannel, pin: str | None, memory: PinMemory | None) -> str:
    """The SimLocked message of one start; it never holds a PIN."""
    with pytest.raises(SimLocked) as caught:
        unlock_sim(channel, pin, memory, no_wait)
    assert all(digits not in str(caught.value) for digits in (RIGHT, WRONG, OTHER))
    return str(caught.value)


# --- the memory ----------------------------------------------------------------------------------


def test_a_refused_pin_is_remembered_as_a_hash_and_never_sent_again(modem, memory):
    emu, channel = modem(iccid=ICCID_A)
    first = refused(channel, WRONG, memory)
    assert "refused modem.pin" in first and "2 attempts left" in first
    assert stat.S_IMODE(memory.path.stat().st_mode) == 0o600
    record = json.loads(memory.path.read_text())
    assert record["digest"] == pin_digest(WRONG, ICCID_A)
    assert WRONG not in record.values()
    for _ in range(2):  # two more starts, as systemd would make them
        again = refused(channel, WRONG, memory)
        assert f"refused this modem.pin at {record['sent_at']}" in again
        assert "2 attempts left" in again and str(memory.path) in again
    assert (emu.pin_attempts, emu.wrong_pin_attempts) == (1, 1)


def test_a_changed_pin_gets_one_new_attempt(modem, memory):
    emu, channel = modem()
    refused(channel, WRONG, memory)
    assert "1 attempt left" in refused(channel, OTHER, memory)
    refused(channel, OTHER, memory)
    assert (emu.pin_attempts, emu.wrong_pin_attempts) == (2, 2)


def test_another_sim_gets_one_new_attempt(modem, memory):
    first, channel = modem(iccid=ICCID_A)
    refused(channel, WRONG, memory)
    second, channel = modem(iccid=ICCID_B)
    refused(channel, WRONG, memory)
    refused(channel, WRONG, memory)
    assert (first.pin_attempts, second.pin_attempts) == (1, 1)


def test_an_accepted_pin_removes_the_memory(modem, memory):
    emu, channel = modem()
    refused(channel, WRONG, memory)
    unlock_sim(channel, RIGHT, memory, no_wait)
    assert not memory.path.exists()
    assert (emu.pin_attempts, emu.wrong_pin_attempts) == (2, 1)


def test_without_a_state_dir_a_refusal_is_still_reported_once(modem):
    emu, channel = modem()
    assert "remembered" not in refused(channel, WRONG, None)
    assert emu.pin_attempts == 1


def test_a_pin_that_got_no_answer_is_not_sent_again_until_the_sim_is_ready(modem, memory):
    memory.remember(pin_digest(WRONG, ICCID_A), answer=None)  # the last start died mid-command
    emu, channel = modem(iccid=ICCID_A)
    assert "got no answer, so it may have cost a try" in refused(channel, WRONG, memory)
    assert emu.pin_attempts == 0
    _, ready = modem(pin=None)  # a ready SIM has its full count again
    unlock_sim(ready, WRONG, memory, no_wait)
    assert not memory.path.exists()


def test_a_ready_sim_keeps_a_refusal(modem, memory):
    _, channel = modem()
    refused(channel, WRONG, memory)
    _, ready = modem(pin=None)
    unlock_sim(ready, WRONG, memory, no_wait)
    assert memory.path.exists()


def test_an_unreadable_memory_blocks_every_pin(modem, memory):
    memory.path.parent.mkdir(parents=True)
    memory.path.write_text("{half a rec")
    emu, channel = modem()
    assert "cannot be read" in refused(channel, RIGHT, memory)
    assert emu.pin_attempts == 0


def test_a_pin_that_cannot_be_recorded_is_not_sent(modem, memory, monkeypatch):
    def unwritable(digest: str, answer: str | None) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(memory, "remember", unwritable)
    emu, channel = modem()
    with pytest.raises(FatalModemError, match="not sending modem.pin unrecorded"):
        unlock_sim(channel, RIGHT, memory, no_wait)
    assert emu.pin_attempts == 0


def test_no_pin_configured_and_puk_need_a_person(modem, memory):
    emu, channel = modem()
    assert "3 attempts left: set modem.pin" in refused(channel, None, memory)
    for pin in (WRONG, OTHER, "2222"):
        memory.forget()
        refused(channel, pin, memory)
    assert "needs its PUK" in refused(channel, RIGHT, memory)
    assert emu.wrong_pin_attempts == 3


@pytest.mark.parametrize("profile", ["generic", "sim800", "sim7600", "ec25", "huawei"])
def test_each_family_tells_its_iccid_and_the_tries_left(modem, profile):
    _, channel = modem(profile, iccid=ICCID_B)
    assert read_iccid(channel) == ICCID_B
    assert pin_attempts(channel, PROFILES[profile]) == 3
    assert "2 attempts left" in refused(channel, WRONG, None)
    assert pin_attempts(channel) == 2


# --- replies from a table ------------------------------------------------------------------------


class Replies:
    """A channel that answers from ``table`` (command -> (lines, final) or an exception to
    raise) and ERROR to everything else; ``sent`` lists what it was asked."""

    def __init__(self, table: dict[str, tuple[tuple[str, ...], str] | Exception]) -> None:
        self.table = table
        self.sent: list[str] = []

    def command(self, text: str, timeout: float | None = None) -> Response:
        self.sent.append(text)
        reply = self.table.get(text, ((), "ERROR"))
        if isinstance(reply, Exception):
            raise reply
        lines, final = reply
        result = parse_final(final)
        assert result is not None
        return Response(Command(text), lines, result)


def test_a_pin_command_without_answer_is_remembered_and_its_error_hides_the_pin(memory):
    channel = Replies({"AT+CPIN?": (("+CPIN: SIM PIN",), "OK"), "AT+CCID": ((ICCID_A,), "OK"),
                       f'AT+CPIN="{WRONG}"': CommandTimeout(f'AT+CPIN="{WRONG}"', 15)})
    with pytest.raises(ModemError) as caught:
        unlock_sim(channel, WRONG, memory, no_wait)  # type: ignore[arg-type]
    assert WRONG not in str(caught.value) and caught.value.__cause__ is None
    record = memory.recall()
    assert record is not None and record.answer is None and record.blocks(pin_digest(WRONG, ICCID_A))


@pytest.mark.parametrize(("lines", "expected"), [
    (("+CCID: 89860000000000000001",), "89860000000000000001"),
    (('+QCCID: "89860000000000000001"',), "89860000000000000001"),
    (("^ICCID: 98680000000000000010",), "98680000000000000010"),
    (("8986000000000000001f",), "8986000000000000001F"),  # SIM800 prints the bare digits
    (("+CCID: 123",), None),
    (("+CCID: not an iccid at all",), None),
    ((), None),
])
def test_parse_iccid(lines, expected):
    assert parse_iccid(lines) == expected


def test_read_iccid_falls_back_to_the_vendor_forms_and_else_is_empty():
    quectel = Replies({"AT+QCCID": (("+QCCID: 89860000000000000001",), "OK")})
    assert read_iccid(quectel) == "89860000000000000001"  # type: ignore[arg-type]
    assert quectel.sent == ["AT+CCID", "AT+QCCID"]
    silent = Replies({"AT+CCID": CommandTimeout("AT+CCID", 3)})
    assert read_iccid(silent) == ""  # type: ignore[arg-type]
    assert silent.sent == ["AT+CCID", "AT+QCCID", "AT^ICCID?"]


@pytest.mark.parametrize(("query", "lines", "expected"), [
    (CPINR, ("+CPINR: SIM PIN,2,3",), 2),
    (CPINR, ('+CPINR: "SIM PIN",3,3', '+CPINR: "SIM PUK",10,10'), 3),
    (CPINR, ("+CPINR: SIM PUK,10,10", "+CPINR: SIM PIN,1,3"), 1),
    (CPINR, ("+CPINR: SIM PUK,10,10",), None),
    (CPINR, ("+CPINR: SIM PIN,x,3",), None),
    (CPINR, ("+CPINR: SIM PIN",), None),
    (QPINC, ('+QPINC: "SC",3,10',), 3),
    (QPINC, ('+QPINC: "P2",3,10', '+QPINC: "SC",0,10'), 0),
    (QPINC, ('+QPINC: "SC",,10',), None),
    (QPINC, ("+QPINC: garbage",), None),
    (HUAWEI, ("^CPIN: SIM PIN,2,10,2,10,3",), 2),
    (HUAWEI, ("^CPIN: READY,,10,3,10,3",), 3),
    (HUAWEI, ("^CPIN: READY,,10",), None),
    (HUAWEI, ("^CPIN: SIM PIN,2,10,-1,10,3",), None),
    (HUAWEI, ("+CPIN: SIM PIN",), None),
])
def test_parse_attempts(query, lines, expected):
    assert query.parse(lines) == expected


def test_pin_attempts_tries_each_form_and_never_raises_on_errors():
    assert pin_attempts(Replies({})) is None  # type: ignore[arg-type]
    timeouts = Replies({q.command: CommandTimeout(q.command, 5) for q in ATTEMPTS_QUERIES})
    assert pin_attempts(timeouts) is None  # type: ignore[arg-type]
    garbled = Replies({CPINR.command: (("+CPINR: ???",), "OK"), HUAWEI.command: (("^CPIN: SIM PIN,1,10,1,10,3",), "OK")})
    assert pin_attempts(garbled) == 1  # type: ignore[arg-type]
    assert garbled.sent == [CPINR.command, QPINC.command, HUAWEI.command]


def test_pin_attempts_asks_the_profile_s_own_form_first():
    quectel = Replies({QPINC.command: (('+QPINC: "SC",2,10',), "OK")})
    assert pin_attempts(quectel, PROFILES["ec25"]) == 2  # type: ignore[arg-type]
    assert quectel.sent == [QPINC.command]
