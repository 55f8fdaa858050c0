"""The acknowledgement path (issue 12): answer -> the first speech command, and the ack key's
URC -> the speech stop (or the hang-up), on the families with TTS and a key detector.

Every callee answers and presses 1 half a second later, mid-speech (the emulator plays 0.1 s
a character, as a module does), so each call yields one sample of each.  Taken, like the
other latencies, on the emulator's side of the line from its log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from samples import ANSWER_MARK, HANGUP

from gsmcall.emulator import Callee

ACK_PROFILES = ["ec25", "sim7600", "sim800"]
SPEAK = re.compile(r'^AT\+(QWTTS=1,1,1|CTTS=1),"')
STOP = re.compile(r"^AT\+(QWTTS=1,0,0|CTTS=0)$")
KEY_1 = {"ec25": "+QTONEDET: 49", "sim7600": "+RXDTMF: 1", "sim800": "+DTMF:1"}
ACK_CALLS = {"ack": "key", "ack_timeout": 10, "speech_repeat": 1, "hold": 0}


def pair(log: list[Any], start: Callable[[Any], bool], end: Callable[[Any], bool]) -> list[float]:
    """Each ``start`` entry to the first ``end`` entry after it (before the next start)."""
    out: list[float] = []
    since: float | None = None
    for e in log:
        if start(e):
            since = e.t
        elif since is not None and end(e):
            out.append(e.t - since)
            since = None
    return out


def ack_run(profile: str, samples: int, work: Path, ep: Any, emulators: Any,
            start_daemon: Callable[[str, dict[str, Any]], Any],
            config_for: Callable[[Any, Path], dict[str, Any]]) -> dict[str, Any]:
    numbers = [f"1350{ACK_PROFILES.index(profile)}{i:06d}" for i in range(samples)]
    callees = {n: Callee.answers(after=0.05, press="1", press_after=0.5) for n in numbers}
    emu = emulators(profile, link=str(work / f"modem-{profile}-ack"), callees=callees,
                    profile_overrides={"tts_char_seconds": 0.1})
    ep.reset()
    mids = {f"{profile}-ack-{i}": n for i, n in enumerate(numbers)}
    ep.queue_alerts([(mid, [n]) for mid, n in mids.items()])
    config = config_for(emu, work / f"state-{profile}-ack")
    config["calls"] = {**config["calls"], **ACK_CALLS}
    daemon = start_daemon(f"daemon-{profile}-ack", config)
    try:
        if not ep.wait_posts(samples, 30 + samples * 3):
            raise RuntimeError(f"{profile}: {len(ep.stats.posts)}/{samples} acknowledged alerts reported")
        log = emu.log
        kind, mark = ANSWER_MARK[profile]
        key = KEY_1[profile]
        acknowledged = sum(1 for _, p in ep.stats.posts if p.get("resp"))
        return {
            "alerts": samples, "acknowledged": acknowledged, "exit_code": daemon.stop(),
            "answer_to_speech": pair(log, lambda e: e.kind == kind and bool(mark.search(e.text)),
                                     lambda e: e.kind == "rx" and bool(SPEAK.match(e.text))),
            "key_to_stop": pair(log, lambda e: e.kind == "tx" and e.text.strip() == key,
                                lambda e: e.kind == "rx" and bool(STOP.match(e.text) or HANGUP.match(e.text.strip()))),
        }
    finally:
        if daemon.alive():
            daemon.stop()
