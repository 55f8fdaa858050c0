"""The daemon's log, as an operator gets it: numbers masked to their last four digits, one line
per AT line and per HTTP request with ``-v``, and a ``ready`` line at INFO.

The real ``gsmcall`` runs with ``log.show_numbers`` off, once at INFO and once with ``-v``,
through an alert to two numbers that differ only in their last digit, an SMS command from an
allowed sender, one from a stranger, and an unplugged and replugged modem.  Nothing it dialled
or heard from may appear in full in its stderr: not as digits, not swapped in a PDU, not as
UCS2 text.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from gsmcall.emulator import Callee, Emulator
from gsmcall.emulator.pdu_encode import encode_address
from tests.support.command import gsmcall_command
from tests.support.daemon import Gsmcall, dials
from tests.support.http_endpoint import ALERT_PATH, EndpointServer
from tests.support.wire import assert_no_crash, event, lines_with

A, B = "18712345678", "18712345679"  # differ only in their last digit
DUTY, STRANGER, TARGET = "18612748499", "13900001111", "13912345678"
COMMAND = f"|{TARGET}|autocall|今天你值班"
NUMBERS = (A, B, DUTY, STRANGER, TARGET)
QUIET = {"log": {"level": "INFO", "show_numbers": False}, "sms": {"allowed_senders": [DUTY]}}
URL = re.escape("http://127.0.0.1:") + r"\d+" + re.escape(ALERT_PATH)


def start(runner: Gsmcall, log: Path, *options: str) -> subprocess.Popen[str]:
    """The daemon as a user starts it, with its stderr (the log) in ``log``."""
    with log.open("w") as out:
        proc = subprocess.Popen([*gsmcall_command(), "-c", str(runner.config(**QUIET)), *options],
                                stderr=out, text=True)
    runner.procs.append(proc)  # killed by the fixture's cleanup if the test fails
    return proc


def one_full_cycle(emu: Emulator, endpoint: EndpointServer) -> None:
    """An alert rung until its second number answers, a refused and an obeyed SMS command,
    and the modem unplugged and back, each awaited on the wire."""
    endpoint.wait_for_post(timeout=30)
    (stranger_index,) = emu.deliver_sms("+86" + STRANGER, COMMAND)
    (duty_index,) = emu.deliver_sms("+86" + DUTY, COMMAND)
    emu.wait_for("ATD" + TARGET, timeout=20)
    for index in (stranger_index, duty_index):
        emu.wait_for(f"AT+CMGD={index}", timeout=20)
    await_next_poll(endpoint)  # the loop went round: the last delete is done
    emu.unplug()
    emu.replug()
    replugged = event(emu, "replugged", timeout=5)
    emu.wait_for(lambda e: e.kind == "rx", since=replugged.t, timeout=15)  # reconnecting
    await_next_poll(endpoint)  # polling again


def await_next_poll(endpoint: EndpointServer) -> None:
    """The next GET: the daemon's loop (one thread) finished what it was doing before it."""
    endpoint.wait_for_requests("GET", count=len(endpoint.gets()) + 1, timeout=20)


def spellings(number: str) -> list[str]:
    """How a number can leak: as digits, swapped in pairs in a PDU's address, as UCS2 text."""
    forms = []
    for digits in (number, "86" + number):
        forms += [digits, encode_address("+" + digits)[2:].hex().upper(), "".join(f"{ord(c):04X}" for c in digits)]
    return forms


def assert_no_number_in_full(log: str) -> None:
    upper = log.upper()
    for number in NUMBERS:
        for form in spellings(number):
            assert form not in upper, (number, form, [line for line in log.splitlines() if form in line.upper()])


@pytest.mark.parametrize("verbose", [False, True], ids=["info", "verbose"])
def test_log_masks_every_number_and_says_what_an_operator_needs(verbose, make_emulator, gsmcall_factory, endpoint,
                                                               tmp_path):
    emu = make_emulator("ec25", callees={A: Callee.no_answer(), B: Callee.answers(after=0.3),
                                         TARGET: Callee.answers(after=0.2)})
    endpoint.queue_alert("m-privacy", [A, B])
    runner = gsmcall_factory(emu)
    log_path = tmp_path / "stderr.log"
    proc = start(runner, log_path, *(["-v"] if verbose else []))
    one_full_cycle(emu, endpoint)
    assert runner.stop(proc) == 0, log_path.read_text()[-6000:]
    log = log_path.read_text()
    assert_no_crash(log)
    assert dials(emu) == [A, B, TARGET]
    assert_no_number_in_full(log)
    assert lines_with(log, "ringing 1/2 187****5678") and lines_with(log, "ringing 2/2 187****5679"), log
    assert lines_with(log, "SMS command from +86186****8499: dialling 139****5678"), log
    assert lines_with(log, "+86139****1111"), log  # the stranger, refused
    ready = [line for line in log.splitlines() if re.search(rf"INFO \S+: ready: polling {URL} every 0.3 s$", line)]
    assert len(ready) == 1, lines_with(log, "ready")
    assert len(lines_with(log, "modem back; polling again")) == 1, lines_with(log, "modem")
    at_lines = [line for line in log.splitlines() if re.search(r": AT[<>] ", line)]
    http_lines = [line for line in log.splitlines() if re.search(rf": (GET|POST) {URL}", line)]
    if not verbose:
        assert (at_lines, http_lines, lines_with(log, " DEBUG ")) == ([], [], [])
        return
    assert lines_with(log, 'AT> ATD139****5678;') and lines_with(log, "AT< OK"), at_lines[:40]
    assert not [line for line in at_lines if "b'" in line or 'b"' in line], at_lines[:40]
    assert lines_with(log, " hex digits>"), at_lines  # the SMS PDUs, hidden but for their length
    assert [line for line in http_lines if re.search(rf": GET {URL} -> 200 in \d+ ms$", line)], http_lines
    post = re.compile(rf": POST {URL}\?mid=m-privacy&resp=187\*\*\*\*5679 -> 200 in \d+ ms$")
    assert [line for line in http_lines if post.search(line)], http_lines
