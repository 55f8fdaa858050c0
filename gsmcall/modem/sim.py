"""The SIM: is it ready, which SIM is it (ICCID), how many PIN tries are left, and its PIN.

Three wrong PINs lock a SIM until someone types its PUK, and the daemon is restarted however
it exits (systemd ``Restart=always``, Docker).  So modem.pin goes to a SIM at most once:
with ``state.dir`` the attempt is remembered (``pin_memory``) before the PIN goes out and
forgotten when the SIM takes it, and a PIN the SIM refused, or that got no answer, is not
sent again until modem.pin or the SIM (its ICCID) changes.  Everything that needs a person
raises SimLocked, whose exit code systemd's ``RestartPreventExitStatus=`` does not restart.

The ICCID and the tries left have no 27.007 command every module answers, so each vendor's
form is one row below, asked in order; an unknown command costs an error reply and nothing
else.  The ICCID is asked before the modem is identified (the SIM comes first), and always in
the same order, so one SIM always gives the same text.  Error messages never hold the PIN.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gsmcall.modem.channel import AtChannel
from gsmcall.modem.errors import CommandTimeout, FatalModemError, ModemError, SimLocked
from gsmcall.modem.pin_memory import PinMemory, PinRecord, pin_digest
from gsmcall.modem.profiles import Profile

log = logging.getLogger(__name__)

SIM_WAIT = 30.0
PIN_TIMEOUT = 15.0

# The reference names none of these; all are [I] (vendor AT manuals, not seen on hardware).
ICCID_COMMANDS = (
    "AT+CCID",  # SIMCom and most others: "+CCID: <iccid>" or the bare digits
    "AT+QCCID",  # Quectel: "+QCCID: <iccid>"
    "AT^ICCID?",  # Huawei: "^ICCID: <iccid>" in the SIM's nibble order (only ever compared with itself)
)
_ICCID = re.compile(r"[0-9A-F]{18,22}")  # 19 or 20 digits as a rule, F-padded on some SIMs


@dataclass(frozen=True)
class AttemptsQuery:
    """One way to ask for the PIN tries left: ``command`` answers lines ``prefix`` + fields,
    the one whose first field is ``code`` (any when None) holds the count at ``index``."""

    command: str
    prefix: str
    code: str | None
    index: int
    family: str | None  # the profile whose firmware has it; None: 3GPP

    def parse(self, lines: Sequence[str]) -> int | None:
        for line in lines:
            if not line.upper().startswith(self.prefix):
                continue
            fields = [field.strip().strip('"') for field in line[len(self.prefix):].split(",")]
            if (self.code is None or fields[0].upper() == self.code) and len(fields) > self.index:
                count = fields[self.index]
                return int(count) if re.fullmatch(r"[0-9]{1,3}", count) else None
        return None


ATTEMPTS_QUERIES = (
    # 27.007 8.65: "+CPINR: SIM PIN,<retries>,<default_retries>" [I] on which modules have it
    AttemptsQuery('AT+CPINR="SIM PIN"', "+CPINR:", "SIM PIN", 1, None),
    # Quectel: "+QPINC: "SC",<pin_left>,<puk_left>" [I]
    AttemptsQuery('AT+QPINC="SC"', "+QPINC:", "SC", 1, "ec25"),
    # Huawei: "^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>" [I]
    AttemptsQuery("AT^CPIN?", "^CPIN:", None, 3, "huawei"),
)


def pin_attempts(channel: AtChannel, profile: Profile | None = None) -> int | None:
    """How many PIN tries the SIM has left, or None where the modem cannot tell.

    Safe to call whatever the SIM's state: the forms are only questions.  ``profile`` (when
    known) puts its family's form first; the others follow.  An error reply or a timeout
    moves on to the next form and never raises; only a lost port or a restarted modem does
    (ModemGone, ModemRestarted)."""
    family = profile.name if profile is not None else None
    for query in sorted(ATTEMPTS_QUERIES, key=lambda q: q.family != family):
        try:
            response = channel.command(query.command)
        except CommandTimeout:
            continue
        count = query.parse(response.lines) if response.ok else None
        if count is not None:
            return count
    return None


def parse_iccid(lines: Sequence[str]) -> str | None:
    """The ICCID in any of the ``ICCID_COMMANDS`` answers, upper-cased; None if none is there."""
    for line in lines:
        value = line.split(":", 1)[1] if ":" in line else line
        value = value.strip().strip('"').upper()
        if _ICCID.fullmatch(value):
            return value
    return None


def read_iccid(channel: AtChannel) -> str:
    """The SIM's ICCID, or "" where no form answers (the memory then holds the PIN alone)."""
    for command in ICCID_COMMANDS:
        try:
            response = channel.command(command)
        except CommandTimeout:
            continue
        iccid = parse_iccid(response.lines) if response.ok else None
        if iccid is not None:
            log.debug("SIM ICCID read with %s", command)
            return iccid
    log.debug("the modem answered none of %s: the PIN memory is not tied to this SIM", ", ".join(ICCID_COMMANDS))
    return ""


def sim_state(channel: AtChannel) -> str:
    """``AT+CPIN?``: READY, SIM PIN, SIM PUK ..., or the error text (no SIM, SIM busy)."""
    try:
        response = channel.command("AT+CPIN?")
    except CommandTimeout as exc:
        # Some firmware answers "+CPIN: READY" and never sends the OK.
        if any("READY" in line for line in exc.lines):
            log.info("AT+CPIN? answered READY without OK; taking it as ready")
            return "READY"
        raise
    if response.ok:
        return (response.first("+CPIN:") or "").upper()
    return response.final.text


def unlock_sim(channel: AtChannel, pin: str | None, memory: PinMemory | None, wait: Callable[[], None],
               profile: Profile | None = None) -> None:
    """Return once the SIM is ready, sending ``pin`` when it asks, at most once.

    ``memory`` None remembers nothing across processes (unit tests).  ``wait`` waits a little
    while the SIM is not ready yet (returning early on a URC).  ``profile`` is the configured
    one, if any (it orders the attempts-left questions)."""
    deadline = time.monotonic() + SIM_WAIT
    pin_sent = False
    while True:
        state = sim_state(channel)
        if state == "READY":
            if memory is not None:
                _settle(memory)
            return
        if state == "SIM PIN":
            if pin is None:
                raise SimLocked(f"the SIM asks for a PIN{_left(pin_attempts(channel, profile))}: "
                                "set modem.pin in the config")
            if pin_sent:
                raise FatalModemError("the SIM still asks for its PIN after taking it; not sending it again")
            _send_pin(channel, pin, memory, profile)
            pin_sent = True
            continue
        if "PUK" in state:
            raise SimLocked(f"the SIM is locked and needs its PUK ({state}): unlock it in a phone, "
                            "then start gsmcall again")
        if time.monotonic() >= deadline:
            raise ModemError(f"SIM not ready after {SIM_WAIT:g}s: {state}")
        log.info("SIM not ready yet (%s); waiting", state)
        wait()


def _settle(memory: PinMemory) -> None:
    """A ready SIM has a full count of tries again (or never needed a PIN), so a PIN that went
    out without an answer cost nothing that still counts.  A refused one stays remembered."""
    record = memory.recall()
    if record is not None and record.digest is not None and record.answer is None:
        log.info("the SIM is ready: forgetting the unanswered PIN attempt of %s", record.sent_at)
        _record_answer(memory, record.digest, refusal=None)  # as good as taken


def _send_pin(channel: AtChannel, pin: str, memory: PinMemory | None, profile: Profile | None) -> None:
    if memory is None:
        refusal = _enter(channel, pin)
    else:
        digest = pin_digest(pin, read_iccid(channel))
        record = memory.recall()
        if record is not None and record.blocks(digest):
            raise SimLocked(_remembered(record, memory, pin_attempts(channel, profile)))
        try:
            memory.remember(digest, answer=None)
        except OSError as exc:
            raise FatalModemError(f"cannot record the SIM PIN attempt in {memory.path} ({exc}); not sending "
                                  "modem.pin unrecorded, as every restart would send it again") from None
        refusal = _enter(channel, pin)
        _record_answer(memory, digest, refusal)
    if refusal is not None:
        where = f" (remembered in {memory.path})" if memory is not None else ""
        raise SimLocked(f"the SIM refused modem.pin ({refusal}){_left(pin_attempts(channel, profile))}; "
                        f"it is not sent again{where}: fix modem.pin in the config")
    log.info("SIM PIN accepted")


def _record_answer(memory: PinMemory, digest: str, refusal: str | None) -> None:
    """Best effort: the record written before sending already keeps the PIN from going out again."""
    try:
        if refusal is None:
            memory.forget()
        else:
            memory.remember(digest, answer=refusal)
    except OSError as exc:
        log.warning("cannot update %s (%s): it keeps the attempt as unanswered", memory.path, exc)


def _enter(channel: AtChannel, pin: str) -> str | None:
    """Send the PIN; None when the SIM took it, else the modem's refusal."""
    try:
        response = channel.command(f'AT+CPIN="{pin}"', timeout=PIN_TIMEOUT)
    except CommandTimeout:
        # Not the timeout's own message: it quotes the command, PIN included.
        raise ModemError(f"the modem did not answer the SIM PIN within {PIN_TIMEOUT:g}s") from None
    return None if response.ok else response.final.text


def _remembered(record: PinRecord, memory: PinMemory, attempts: int | None) -> str:
    if record.digest is None:
        return (f"{memory.path} cannot be read, so it may hold a refused SIM PIN{_left(attempts)}; "
                "not sending modem.pin: check it in the config, then delete that file to allow one try")
    what = (f"the SIM refused this modem.pin at {record.sent_at} ({record.answer})" if record.answer is not None
            else f"this modem.pin was sent at {record.sent_at} and got no answer, so it may have cost a try")
    return (f"{what}{_left(attempts)}; not sending it again: fix modem.pin in the config "
            f"(deleting {memory.path} allows one more try of the same PIN)")


def _left(attempts: int | None) -> str:
    if attempts is None:
        return ""
    return f", {attempts} attempt{'' if attempts == 1 else 's'} left"
