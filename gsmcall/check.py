"""``gsmcall check``: everything an operator asks first, in one table.

It is a preflight: can the daemon keep its state (``state.dir`` writable), can it serve what
it listens on, can we open the port (and if not, who holds it), what modem is it, is the SIM
ready, are we registered and how strong is the signal, how full is the SMS store, and does the
endpoint answer in the seed's shape.  It reuses the daemon's own init so that "check passes"
means "the daemon would start".  When the port is held by a running gsmcall, it reports that
daemon's state from ``state.dir`` instead of failing (see ``gsmcall.status``).
"""

from __future__ import annotations

import errno
import re
import socket
import tempfile
from pathlib import Path

from gsmcall.config import Settings
from gsmcall.daemon_status import DaemonState
from gsmcall.diagnosis import CheckItem
from gsmcall.events import EventQueue
from gsmcall.intake.endpoint import AlertClient, EndpointError
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import FatalModemError, ModemError, PortBusy, SimLocked
from gsmcall.modem.profiles import Profile
from gsmcall.modem.setup import initialise
from gsmcall.modem.sim import pin_attempts
from gsmcall.status import daemon_items, running_daemon, sim_record_items


def run_checks(settings: Settings) -> list[CheckItem]:
    daemon = running_daemon(settings.state.dir)
    items = [_state_dir(settings.state.dir)]
    if settings.metrics.address is not None:
        items.append(_listen("metrics.listen", settings.metrics.address, daemon))
    if settings.intake.address is not None:
        items.append(_listen("intake.listen", settings.intake.address, daemon))
    record = [] if daemon is not None else sim_record_items(settings.state.dir)  # a daemon's rows include it
    return [*items, *_modem_checks(settings, daemon), *record, _endpoint_check(settings)]


def _state_dir(state_dir: Path) -> CheckItem:
    """The daemon refuses to ring without a journal, so an unwritable state.dir is fatal."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=state_dir, prefix=".check-"):
            pass
    except OSError as exc:
        return CheckItem("state.dir", False, f"cannot write {state_dir}: {exc.strerror or exc}", "config")
    return CheckItem("state.dir", True, f"{state_dir} writable", "config")


def _listen(key: str, address: tuple[str, int], daemon: DaemonState | None) -> CheckItem:
    host, port = address
    where = f"{host}:{port}"
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE and daemon is not None:
            return CheckItem(key, True, f"{where} served by the running gsmcall (pid {daemon.pid})", "config")
        return CheckItem(key, False, f"cannot listen on {where}: {exc.strerror or exc}", "config")
    return CheckItem(key, True, f"{where} free", "config")


def _modem_checks(settings: Settings, daemon: DaemonState | None) -> list[CheckItem]:
    items = []
    channel = AtChannel(settings.modem.port, settings.modem.baudrate, settings.modem.command_timeout)
    try:
        channel.open()
    except PortBusy as exc:
        if daemon is None:
            return [CheckItem("port", False, str(exc), "modem")]
        return [CheckItem("port", True, f"{settings.modem.port} held by the running gsmcall (pid {daemon.pid}); "
                          "its state follows", "modem"), *daemon_items(settings.state.dir, daemon)]
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
            CheckItem("SIM", True, _sim_ready(channel, info.profile), "sim"),
            CheckItem("registration", True, info.registration, "modem"),
            CheckItem("operator", True, _operator(channel), "modem"),
            CheckItem("signal", info.signal_dbm is not None,
                      f"{info.signal_dbm:.0f} dBm" if info.signal_dbm is not None else "unknown", "modem"),
        ]
        if settings.sms.enabled and not info.capabilities.sms:
            items.append(CheckItem("SMS", False, "the modem refused the SMS set-up: no SMS commands", "modem"))
        elif settings.sms.enabled:
            items.append(_storage(channel))
    except SimLocked as exc:
        items.append(CheckItem("SIM", False, str(exc), "sim"))
    except (ModemError, FatalModemError) as exc:
        items.append(CheckItem("modem", False, str(exc), "modem"))
    finally:
        channel.close()
    return items


def _sim_ready(channel: AtChannel, profile: Profile) -> str:
    left = pin_attempts(channel, profile)
    if left is None:
        return "ready (the modem does not tell PIN attempts left)"
    return f"ready, {left} PIN attempt{'' if left == 1 else 's'} left"


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
