"""Bring a modem from power-up state to ready: awake, quiet, unlocked, registered, profiled.

Every family boots with echo on and some print their boot URCs late, so the sequence is
defensive: ``AT`` until ``OK``, ``ATE0``, verbose errors, SIM PIN once (a wrong PIN is never
retried: three wrong tries lock the SIM), a bounded wait for the network, then the
profile's own commands.  Waits are on the URC stream, so a ``+CREG``/``+CPIN`` URC ends
them early instead of a fixed sleep.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace

from gsmcall.at.urcs import is_urc
from gsmcall.config import ModemSettings
from gsmcall.modem.channel import INTERRUPTED, LOST, AtChannel, UrcStream
from gsmcall.modem.errors import CommandTimeout, FatalModemError, ModemError, ModemGone, Stopped
from gsmcall.modem.profiles import PROFILES, Profile, identify

log = logging.getLogger(__name__)

WAKE_ATTEMPTS = 10
PREFLIGHT_TIMEOUT = 3.0
WAKE_TIMEOUT = 1.0
SIM_WAIT = 30.0
REGISTRATION_WAIT = 90.0
RECHECK_EVERY = 2.0
SMS_SETUP_WAIT = 30.0

_REGISTERED = {1, 5}
_REG_STATES = {0: "not registered", 1: "home", 2: "searching", 3: "denied", 4: "unknown", 5: "roaming"}


@dataclass(frozen=True)
class ModemInfo:
    manufacturer: str
    model: str
    revision: str
    profile: Profile
    registration: str
    signal_dbm: float | None


def initialise(channel: AtChannel, settings: ModemSettings, sms_enabled: bool) -> ModemInfo:
    with channel.subscribe() as urcs:
        _wake(channel)
        if not channel.command("ATE0").ok:
            raise ModemError("the modem refused ATE0")
        channel.echo_off = True
        _optional(channel, "AT+CMEE=2")
        _unlock_sim(channel, urcs, settings.pin)
        manufacturer = _ident(channel, "AT+CGMI")
        model = _ident(channel, "AT+CGMM")
        revision = _ident(channel, "AT+CGMR")
        profile = identify(manufacturer, model) if settings.profile == "auto" else PROFILES[settings.profile]
        log.info("modem %s %s (%s), profile %s", manufacturer or "?", model or "?", revision or "?", profile.name)
        registration = _await_registration(channel, urcs)
        for command in profile.init_commands:
            _optional(channel, command)
        profile = _enable_call_state(channel, profile)
        if sms_enabled:
            _setup_sms(channel, urcs, profile)
        signal = read_signal_dbm(channel)
    return ModemInfo(manufacturer, model, revision, profile, registration, signal)


def check_alive(channel: AtChannel) -> None:
    """One ``AT``: a mute modem is found in seconds, and a restarted one by its echo
    (the channel raises ModemRestarted)."""
    if not channel.command("AT", timeout=PREFLIGHT_TIMEOUT).ok:
        raise ModemError("the modem answered AT with an error")


def _enable_call_state(channel: AtChannel, profile: Profile) -> Profile:
    """Switch on call-progress URCs; if the firmware refuses, poll AT+CLCC instead
    (a Quectel relative without ^DSCI must not report every answer as no answer)."""
    refused = [command for command in profile.call_state_commands if not _optional(channel, command)]
    if refused and profile.pushes_call_state:
        log.warning("call-state reports unavailable (%s refused); polling AT+CLCC during calls", ", ".join(refused))
        return replace(profile, pushes_call_state=False)
    return profile


def _wake(channel: AtChannel) -> None:
    """Autobauding SIM800s eat the first bytes; USB modems may still be booting; a
    modem may still wait for an SMS body from before a crash (ESC ends that)."""
    channel.cancel_input()
    for _ in range(WAKE_ATTEMPTS):
        try:
            if channel.command("AT", timeout=WAKE_TIMEOUT).ok:
                return
        except CommandTimeout:
            continue
    raise ModemError(f"modem on {channel.port} does not answer AT")


def _optional(channel: AtChannel, command: str) -> bool:
    response = channel.command(command)
    if not response.ok:
        log.info("modem refused %s (%s); carrying on without it", command, response.final.text)
    return response.ok


def _ident(channel: AtChannel, command: str) -> str:
    response = channel.command(command)
    # Skip URCs that firmware slips in (SIM800 "*PSUTTZ:"), keeping "+CGMR: LE20B03..." forms.
    lines = [line for line in response.lines
             if line.startswith("+CGM") or not (is_urc(line) or line.startswith(("*", "+", "^")))]
    if not response.ok or not lines:
        return ""
    text = lines[0]
    prefix = command[2:] + ":"
    return text[len(prefix):].strip() if text.upper().startswith(prefix) else text.strip()


def _sim_state(channel: AtChannel) -> str:
    try:
        response = channel.command("AT+CPIN?")
    except CommandTimeout as exc:
        # Some firmware answers "+CPIN: READY" and never sends the OK.
        lines = exc.lines
        if any("READY" in line for line in lines):
            log.info("AT+CPIN? answered READY without OK; taking it as ready")
            return "READY"
        raise
    if response.ok:
        value = response.first("+CPIN:")
        return (value or "").upper()
    return response.final.text


def _unlock_sim(channel: AtChannel, urcs: UrcStream, pin: str | None) -> None:
    deadline = time.monotonic() + SIM_WAIT
    pin_sent = False
    while True:
        state = _sim_state(channel)
        if state == "READY":
            return
        if state == "SIM PIN":
            if pin is None:
                raise FatalModemError("the SIM asks for a PIN: set modem.pin in the config")
            if pin_sent:
                raise FatalModemError("the SIM still asks for its PIN after we sent it; not retrying")
            response = channel.command(f'AT+CPIN="{pin}"', timeout=15)
            if not response.ok:
                raise FatalModemError(
                    f"the SIM refused modem.pin ({response.final.text}); not retrying, "
                    "as three wrong PINs lock the SIM: check the PIN in the config"
                )
            pin_sent = True
            log.info("SIM PIN accepted")
            continue
        if "PUK" in state:
            raise FatalModemError(f"the SIM is locked and needs its PUK ({state}); unlock it in a phone")
        if time.monotonic() >= deadline:
            raise ModemError(f"SIM not ready after {SIM_WAIT:g}s: {state}")
        log.info("SIM not ready yet (%s); waiting", state)
        _wait(urcs, RECHECK_EVERY)


def _await_registration(channel: AtChannel, urcs: UrcStream) -> str:
    deadline = time.monotonic() + REGISTRATION_WAIT
    logged = ""
    while True:
        states = _registration_states(channel)
        registered = [s for s in states if s in _REGISTERED]
        if registered:
            return _REG_STATES[registered[0]]
        summary = ", ".join(_REG_STATES.get(s, str(s)) for s in states) or "no answer"
        if time.monotonic() >= deadline:
            raise ModemError(f"not registered on the network after {REGISTRATION_WAIT:g}s ({summary})")
        if summary != logged:
            log.warning("not registered on the network yet (%s); waiting", summary)
            logged = summary
        _wait(urcs, RECHECK_EVERY)


def is_registered(channel: AtChannel) -> bool:
    return any(s in _REGISTERED for s in _registration_states(channel))


def _registration_states(channel: AtChannel) -> list[int]:
    """Circuit-switched (+CREG) and LTE (+CEREG) registration, as far as the modem knows."""
    states = []
    for command in ("AT+CREG?", "AT+CEREG?"):
        response = channel.command(command)
        value = response.first(command[2:-1] + ":") if response.ok else None
        match = re.match(r"\s*\d+\s*,\s*(\d+)", value or "")
        if match:
            states.append(int(match.group(1)))
    return states


def read_signal_dbm(channel: AtChannel) -> float | None:
    """``+CSQ: <rssi>,<ber>`` as dBm (27.007: -113 + 2*rssi); None when unknown (99)."""
    response = channel.command("AT+CSQ")
    match = re.match(r"\s*(\d+)", response.first("+CSQ:") or "") if response.ok else None
    if match is None or int(match.group(1)) > 31:
        return None
    return -113.0 + 2 * int(match.group(1))


def _setup_sms(channel: AtChannel, urcs: UrcStream, profile: Profile) -> None:
    storage = profile.sms_storage
    commands = ("AT+CMGF=0", f'AT+CPMS="{storage}","{storage}","{storage}"', profile.new_message_indication)
    deadline = time.monotonic() + SMS_SETUP_WAIT
    while not all(channel.command(command).ok for command in commands):
        if time.monotonic() >= deadline:
            log.error("SMS set-up refused for %gs: SMS commands will not be received", SMS_SETUP_WAIT)
            return
        # SIM800 refuses SMS commands until it has printed "SMS Ready".
        log.info("SMS set-up refused; waiting for the modem's SMS service")
        _wait(urcs, RECHECK_EVERY)


def _wait(urcs: UrcStream, seconds: float) -> None:
    """Wait up to ``seconds``, returning early on any URC (it may be the one we wait for)."""
    item = urcs.get(seconds)
    if item is not None and item[1] is LOST:
        raise ModemGone("modem port lost during initialisation")
    if item is not None and item[1] is INTERRUPTED:
        raise Stopped("stop requested during modem initialisation")
