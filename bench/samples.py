"""Latency samples read off the emulator's log: each function pairs one moment on the line
(an answer indication, a +CMTI, an alert reply) with our reaction to it (the hang-up, the
AT+CMGR, the ATD), so every figure is taken on the emulator's side of the line."""

from __future__ import annotations

import re
from typing import Any

# The first line of each profile's answer indication (what our call logic reacts to first).
# generic has none: the moment is the emulator's own "answered" event.
ANSWER_MARK: dict[str, tuple[str, re.Pattern[str]]] = {
    "sim800": ("tx", re.compile(r"^MO CONNECTED$")),
    "ec25": ("tx", re.compile(r"^\^DSCI: \d+,0,3,")),
    "sim7600": ("tx", re.compile(r"^VOICE CALL: BEGIN$")),
    "huawei": ("tx", re.compile(r"^\^CONN:\d+,")),
    "generic": ("event", re.compile(r"^call \S+ answered")),
}
# The families measured: those with an answer mark.  Dongles whose ATD blocks until the answer
# (wavecom, zte, qualcomm) are left out: their "answer" is ATD's own reply, not a URC.
HANGUP = re.compile(r"^AT(H0?|\+CHUP)$", re.IGNORECASE)
FINAL = re.compile(r"^(OK|ERROR|\+CM[ES] ERROR:.*)$")

def in_window(log: list[Any], start: float, end: float) -> list[Any]:
    return [e for e in log if start <= e.t <= end]


def answer_to_hangup(log: list[Any], profile: str) -> list[float]:
    """Answer indication -> the next hang-up command, one sample per answered call."""
    kind, mark = ANSWER_MARK[profile]
    out: list[float] = []
    answered_at: float | None = None
    for e in log:
        if e.kind == "rx" and e.text.upper().startswith("ATD"):
            answered_at = None
        elif answered_at is None and e.kind == kind and mark.search(e.text):
            answered_at = e.t
        elif answered_at is not None and e.kind == "rx" and HANGUP.match(e.text.strip()):
            out.append(e.t - answered_at)
            answered_at = None
    return out


def cmti_to_cmgr(log: list[Any]) -> list[float]:
    out: list[float] = []
    pending: dict[str, float] = {}
    for e in log:
        if e.kind == "tx" and e.text.startswith("+CMTI:"):
            pending[e.text.rsplit(",", 1)[1].strip()] = e.t
        elif e.kind == "rx" and e.text.upper().startswith("AT+CMGR="):
            t = pending.pop(e.text.split("=", 1)[1].strip(), None)
            if t is not None:
                out.append(e.t - t)
    return out


def cmgr_reply_to_atd(log: list[Any]) -> list[float]:
    """The final result of AT+CMGR sent -> the ATD it commands received.  Commands in between
    (a pre-dial ``AT`` check) count in the latency; an SMS command (``AT+CMGD``...) first means
    the message dialled nothing."""
    out: list[float] = []
    reading = False
    replied: float | None = None
    for e in log:
        if e.kind == "rx":
            text = e.text.upper()
            if replied is not None and text.startswith("ATD"):
                out.append(e.t - replied)
                replied = None
            elif text.startswith("AT+CMG"):
                replied = None
            reading = text.startswith("AT+CMGR=")
        elif e.kind == "tx" and reading and FINAL.match(e.text):
            replied, reading = e.t, False
    return out


def alert_to_atd(log: list[Any], sent: dict[str, float], numbers: dict[str, str]) -> list[float]:
    """Endpoint's alert reply written -> the ATD of that alert's (unique) number received."""
    dials = {}
    for e in log:
        if e.kind == "rx" and e.text.upper().startswith("ATD"):
            dials.setdefault(e.text[3:].rstrip(";"), e.t)
    return [dials[numbers[mid]] - t for mid, t in sent.items() if numbers[mid] in dials]


def answer_to_event(log: list[Any], profile: str, stamps: list[float]) -> list[float]:
    """Answer indication -> an in-process stamp (gsmmodem's callback), paired in call order."""
    kind, mark = ANSWER_MARK[profile]
    answers: list[float] = []
    armed = False
    for e in log:
        if e.kind == "rx" and e.text.upper().startswith("ATD"):
            armed = True
        elif armed and e.kind == kind and mark.search(e.text):
            answers.append(e.t)
            armed = False
    return [s - a for a, s in zip(answers, stamps)]


# --- the runs ----------------------------------------------------------------------------------
