"""The ``|status|<keyword>|`` SMS command end to end: a query answered by SMS with the
forwarding state (decoded by an independent decoder), whatever ``sms.reply`` says; it dials
nothing, and only an allowed sender is answered."""

from __future__ import annotations

import subprocess

from gsmmodem.pdu import decodeSmsPdu

from gsmcall.emulator.forwarding import NETWORKS
from tests.support.command import gsmcall_command
from tests.support.daemon import dials, explain

DUTY = "18612748499"
N = "13912345678"
CT = {"enabled": True, "set": "*72{number}", "cancel": "*720"}


def replies(emu) -> list[tuple[str, str]]:
    """(number, text) of each message the daemon sent, parts joined in the order sent."""
    out: list[tuple[str, str]] = []
    for pdu in emu.sent_sms:
        decoded = decodeSmsPdu(pdu)
        number, text = decoded["number"].lstrip("+")[-11:], decoded["text"]
        udh = decoded.get("udh") or []
        if out and udh and getattr(udh[0], "number", 1) > 1:
            out[-1] = (number, out[-1][1] + text)
        else:
            out.append((number, text))
    return out


def test_status_sms_is_answered_with_the_state_and_the_last_change(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("sim7600", profile_overrides={"forwarding": NETWORKS["china-telecom"]})
    runner = gsmcall_factory(emu)
    path = runner.config(forwarding=CT, sms={"allowed_senders": [DUTY]})
    changed = subprocess.run([*gsmcall_command(), "-c", str(path), "forward", "set", N],
                             capture_output=True, text=True, timeout=60)
    assert changed.returncode == 0, explain(changed)
    emu.store_sms("+86" + DUTY, "｜status｜AutoCall｜")
    emu.store_sms("+8613900000000", "|status|autocall|")  # not an allowed sender: no answer
    endpoint.set_no_alert()
    result = runner.once(forwarding=CT, sms={"allowed_senders": [DUTY]})  # sms.reply stays false
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [f"*72{N}"]  # the forward set only: the query dials nothing
    ((number, text),) = replies(emu)
    assert number == DUTY
    assert text.startswith("gsmcall forwarding: network: unknown: the network does not answer forwarding queries")
    assert f"last change by gsmcall: set to {N} at " in text and "(verified: cannot-verify)" in text
    assert emu.sms_store == {}


def test_status_sms_on_a_network_that_answers(make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator("ec25")
    emu.store_sms(DUTY, "|status|autocall|")
    endpoint.set_no_alert()
    result = gsmcall_factory(emu).once(sms={"allowed_senders": [DUTY]})
    assert result.returncode == 0, explain(result)
    assert "AT+CCFC=0,2" in emu.commands() and dials(emu) == []
    assert replies(emu) == [(DUTY, "gsmcall forwarding: network: no forwarding; last change by gsmcall: none recorded")]
