"""``gsmcall check``: everything an operator asks first, in one table.

Can we open the port (and if not, who holds it), what modem is it, is the SIM ready,
are we registered and how strong is the signal, how full is the SMS store, and does the
endpoint answer in the seed's shape.  It reuses the daemon's own init so that "check
passes" means "the daemon would start".
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from gsmcall.intake.endpoint import AlertClient, EndpointError
from gsmcall.config import Settings
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import FatalModemError, ModemError
from gsmcall.modem.setup import initialise
from gsmcall.events import EventQueue


@dataclass(frozen=True)
class CheckItem:
    name: str
    ok: bool
    value: str
    area: str  # "modem" or "endpoint": which exit code a failure maps to


def run_checks(settings: Settings) -> list[CheckItem]:
    return [*_modem_checks(settings), _endpoint_check(settings)]


def _modem_checks(settings: Settings) -> list[CheckItem]:
    items = []
    channel = AtChannel(settings.modem.port, settings.modem.baudrate, settings.modem.command_timeout)
    try:
        channel.open()
    except ModemError as exc:
        return [CheckItem("port", False, str(exc), "modem")]
    items.append(CheckItem("port", True, settings.modem.port, "modem"))
    try:
        info = initialise(channel, EventQueue(), settings.modem.profile, settings.modem.pin, settings.sms.enabled,
                          state_dir=settings.state.dir)
        items += [
            CheckItem("modem", True, f"{info.manufacturer} {info.model}".strip() or "?", "modem"),
            CheckItem("firmware", True, info.revision or "?", "modem"),
            CheckItem("profile", True, info.profile.name, "modem"),
            CheckItem("capabilities", True, info.capabilities.describe(), "modem"),
            CheckItem("SIM", True, "ready", "modem"),
            CheckItem("registration", True, info.registration, "modem"),
            CheckItem("operator", True, _operator(channel), "modem"),
            CheckItem("signal", info.signal_dbm is not None,
                      f"{info.signal_dbm:.0f} dBm" if info.signal_dbm is not None else "unknown", "modem"),
        ]
        if settings.sms.enabled and not info.capabilities.sms:
            items.append(CheckItem("SMS", False, "the modem refused the SMS set-up: no SMS commands", "modem"))
        elif settings.sms.enabled:
            items.append(_storage(channel))
    except (ModemError, FatalModemError) as exc:
        items.append(CheckItem("modem", False, str(exc), "modem"))
    finally:
        channel.close()
    return items


def _operator(channel: AtChannel) -> str:
    response = channel.command("AT+COPS?")
    match = re.search(r'"([^"]*)"', response.first("+COPS:") or "")
    return match.group(1).strip() if match else "?"


def _storage(channel: AtChannel) -> CheckItem:
    response = channel.command("AT+CPMS?")
    match = re.match(r'\s*"?(\w{0,8})"?,\s*(\d{1,5}),\s*(\d{1,5})', response.first("+CPMS:") or "")
    if not response.ok or match is None:
        return CheckItem("SMS storage", False, f"unreadable ({response.final.text})", "modem")
    storage, used, total = match.group(1), int(match.group(2)), int(match.group(3))
    return CheckItem("SMS storage", used < total, f"{storage} {used}/{total} used", "modem")


def _endpoint_check(settings: Settings) -> CheckItem:
    client = AlertClient(settings.alerts)
    try:
        alert = client.poll()
    except EndpointError as exc:
        return CheckItem("endpoint", False, str(exc), "endpoint")
    finally:
        client.close()
    if alert is None:
        return CheckItem("endpoint", True, "answers: no alert", "endpoint")
    return CheckItem("endpoint", True, f"answers: alert {alert.key} with {len(alert.numbers)} numbers", "endpoint")


def format_table(items: list[CheckItem]) -> str:
    width = max(len(item.name) for item in items)
    lines = [f"{item.name:<{width}}  {'ok  ' if item.ok else 'FAIL'}  {item.value}" for item in items]
    return "\n".join(lines)


def as_json(items: list[CheckItem]) -> dict[str, object]:
    return {"ok": all(item.ok for item in items), "checks": [asdict(item) for item in items]}
