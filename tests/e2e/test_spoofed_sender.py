"""A spoofed sender end to end: an alphanumeric sender ID spelling an allowed number.

Bulk-SMS gateways let a customer send under any alphanumeric ID (TP-OA type 0xD0), including
"18712345678". Its text is the allowed number's, so only the type of number from the PDU can
refuse it. The numeric control sends the same command from the real number, so a daemon that
cannot dial at all does not pass.
"""

from __future__ import annotations

import pytest

from gsmcall.emulator import Callee
from tests.support.daemon import dials, explain

ALLOWED = "18712345678"
COMMAND = f"|{ALLOWED}|autocall|今天你值班"
CONFIG = {"sms": {"allowed_senders": [ALLOWED]}}
ALPHANUMERIC_TOA = 0xD0
PROFILES = ["ec25", "huawei"]


@pytest.mark.parametrize("profile", PROFILES)
def test_alphanumeric_sender_spelling_an_allowed_number_is_never_dialled(
    profile, make_emulator, gsmcall_factory, endpoint
):
    emu = make_emulator(profile, default_callee=Callee.answers(after=0.1))
    emu.store_sms(ALLOWED, COMMAND, sender_toa=ALPHANUMERIC_TOA)
    endpoint.set_no_alert()
    result = gsmcall_factory(emu).once(**CONFIG)
    assert result.returncode == 0, explain(result)
    assert dials(emu) == []
    assert not any(c.upper().startswith("ATD") for c in emu.commands())
    assert any(c.upper().startswith("AT+CMGD") for c in emu.commands())
    assert emu.sms_store == {}
    # The sender is left out of the expected text: the log may mask numbers (log.show_numbers).
    assert "is alphanumeric; only phone numbers can be authorised" in result.stderr, explain(result)


@pytest.mark.parametrize("profile", PROFILES)
def test_same_command_from_the_numeric_sender_is_dialled(profile, make_emulator, gsmcall_factory, endpoint):
    emu = make_emulator(profile, default_callee=Callee.answers(after=0.1))
    emu.store_sms("+86" + ALLOWED, COMMAND)
    endpoint.set_no_alert()
    result = gsmcall_factory(emu).once(**CONFIG)
    assert result.returncode == 0, explain(result)
    assert dials(emu) == [ALLOWED]
    assert emu.sms_store == {}
    assert "alphanumeric" not in result.stderr
