"""Bring a modem from power-up state to ready: awake, quiet, unlocked, registered, profiled.

Every family boots with echo on and some print their boot URCs late, so the sequence is
defensive: ``AT`` until ``OK``, ``ATE0``, verbose errors, the SIM PIN at most once per SIM and
PIN (``sim``: three wrong tries lock the SIM), a bounded wait for the network, then the
profile's own commands.  Waits are on the URC stream, so a ``+CREG``/``+CPIN`` URC ends
them early instead of a fixed sleep.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from gsmcall.at.urcs import is_urc
from gsmcall.modem.capabilities.probe import (
    Capabilities, optional, probe_call_state, probe_forwarding, probe_speech_and_keys,
)
from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import CommandTimeout, ModemError, Stopped, raise_for_signal
from gsmcall.modem.health import REG_STATES, REGISTERED, read_signal_dbm, registration_states
from gsmcall.modem.pin_memory import PinMemory
from gsmcall.modem.profiles import PROFILES, Profile, identify
from gsmcall.modem.sim import unlock_sim
from gsmcall.events import EventQueue

log = logging.getLogger(__name__)

WAKE_ATTEMPTS = 10
WAKE_TIMEOUT = 1.0
REGISTRATION_WAIT = 90.0
RECHECK_EVERY = 2.0
SMS_SETUP_WAIT = 30.0


@dataclass(frozen=True)
class ModemInfo:
    manufacturer: str
    model: str
    revision: str
    profile: Profile
    capabilities: Capabilities
    registration: str
    signal_dbm: float | None


def initialise(channel: AtChannel, events: EventQueue, profile_name: str, pin: str | None,
               sms_enabled: bool, state_dir: Path | None = None) -> ModemInfo:
    """``profile_name`` is a key of PROFILES or "auto".  URCs that arrive meanwhile are set
    aside on ``events`` for the loop to route.  ``state_dir`` is where a refused PIN is
    remembered (None: not remembered, e.g. in unit tests); a SIM that needs a person raises
    SimLocked."""
    _wake(channel)
    if not channel.command("ATE0").ok:
        raise ModemError("the modem refused ATE0")
    channel.echo_off = True
    optional(channel, "AT+CMEE=2")
    memory = PinMemory(state_dir) if state_dir is not None else None
    unlock_sim(channel, pin, memory, partial(_wait, events, RECHECK_EVERY), PROFILES.get(profile_name))
    manufacturer = _ident(channel, "AT+CGMI")
    model = _ident(channel, "AT+CGMM")
    revision = _ident(channel, "AT+CGMR")
    profile = identify(manufacturer, model) if profile_name == "auto" else PROFILES[profile_name]
    log.info("modem %s %s (%s), profile %s", manufacturer or "?", model or "?", revision or "?", profile.name)
    registration = _await_registration(channel, events)
    for command in profile.init_commands:
        optional(channel, command)
    pushes = probe_call_state(channel, profile)
    sms = _setup_sms(channel, events, profile) if sms_enabled else False
    speech, keys = probe_speech_and_keys(channel, profile)
    capabilities = Capabilities(call_state_push=pushes, sms=sms, forwarding_query=probe_forwarding(channel, profile),
                                speech=speech, key_detection=keys)
    signal = read_signal_dbm(channel)
    return ModemInfo(manufacturer, model, revision, profile, capabilities, registration, signal)


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


def _await_registration(channel: AtChannel, events: EventQueue) -> str:
    deadline = time.monotonic() + REGISTRATION_WAIT
    logged = ""
    while True:
        states = registration_states(channel)
        registered = [s for s in states if s in REGISTERED]
        if registered:
            return REG_STATES[registered[0]]
        summary = ", ".join(REG_STATES.get(s, str(s)) for s in states) or "no answer"
        if time.monotonic() >= deadline:
            raise ModemError(f"not registered on the network after {REGISTRATION_WAIT:g}s ({summary})")
        if summary != logged:
            log.warning("not registered on the network yet (%s); waiting", summary)
            logged = summary
        _wait(events, RECHECK_EVERY)


def _setup_sms(channel: AtChannel, events: EventQueue, profile: Profile) -> bool:
    """True when the modem took the SMS set-up; False means no SMS commands arrive."""
    deadline = time.monotonic() + SMS_SETUP_WAIT
    while not (channel.command("AT+CMGF=0").ok and _select_storage(channel, profile.sms.storage)
               and channel.command(profile.sms.new_message_indication).ok):
        if time.monotonic() >= deadline:
            log.error("SMS set-up refused for %gs: SMS commands will not be received", SMS_SETUP_WAIT)
            return False
        # SIM800 refuses SMS commands until it has printed "SMS Ready".
        log.info("SMS set-up refused; waiting for the modem's SMS service")
        _wait(events, RECHECK_EVERY)
    return True


def _select_storage(channel: AtChannel, storage: str) -> bool:
    """Read, write and receive in ``storage``; older sticks (ZTE, Qualcomm) take only the
    first two memories, so a refused three-memory form is tried again with two."""
    return (channel.command(f'AT+CPMS="{storage}","{storage}","{storage}"').ok
            or channel.command(f'AT+CPMS="{storage}","{storage}"').ok)


def _wait(events: EventQueue, seconds: float) -> None:
    """Wait up to ``seconds``, returning early on any URC (it may be the one we wait for);
    the URC itself is set aside for the loop."""
    if events.stopping:
        raise Stopped("stop requested during modem initialisation")
    arrival = events.get(seconds)
    if arrival is None:
        return
    raise_for_signal(arrival[1], "during modem initialisation")
    events.set_aside(arrival)
