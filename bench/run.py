#!/usr/bin/env python3
"""gsmcall benchmark: reaction latency, the polling path, python-gsmmodem-new side by side,
and footprint, against the bundled modem emulator on a pty.  See bench/README.md.

    python bench/run.py                      # the full run (several minutes), prints the report
    python bench/run.py --write-results      # ... and writes bench/RESULTS.md
    python bench/run.py --quick              # a few samples per section, for CI (no timings asserted)

The real ``gsmcall`` daemon runs as a subprocess with a config in a temp dir; the emulator and a
loopback alert endpoint run in this process.  Every latency is taken on the emulator's side of
the line, from the emulator's log (``time.monotonic()``, the same clock the endpoint stamps).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from endpoint import BenchEndpoint  # noqa: E402

from gsmcall.emulator import Callee, Emulator  # noqa: E402
from tests.support.command import gsmcall_command  # noqa: E402
from tests.support.emulators import Emulators  # noqa: E402
from tests.support.profiles import PROFILES as ALL_PROFILES  # noqa: E402
from tests.support.profiles import PUSH_PROFILES  # noqa: E402

THEIRS_PROFILES = ["huawei", "generic"]  # where gsmmodem's dial() can see an answer (see README)
SENDER = "+8613912345678"

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
BENCH_PROFILES = [p for p in ALL_PROFILES if p in ANSWER_MARK]
HANGUP = re.compile(r"^AT(H0?|\+CHUP)$", re.IGNORECASE)
FINAL = re.compile(r"^(OK|ERROR|\+CM[ES] ERROR:.*)$")

TARGET_P50 = 0.020
TARGET_P99 = 0.100
TARGET_IDLE_CPU = 0.5  # percent of one core
TARGET_RSS_MB = 40.0
TARGET_IDLE_AT_PER_MIN = 1.0


# --- small helpers ------------------------------------------------------------------------
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of ``pid`` (clock ticks, usually 10 ms)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) in MiB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def percentile(sorted_xs: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, math.ceil(p / 100 * len(sorted_xs)))
    return sorted_xs[rank - 1]


@dataclass
class Dist:
    samples: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        xs = sorted(self.samples)
        if not xs:
            return {"n": 0}
        return {"n": len(xs), "p50": percentile(xs, 50), "p90": percentile(xs, 90),
                "p99": percentile(xs, 99), "max": xs[-1], "min": xs[0]}


# --- the daemon under test --------------------------------------------------------------------
class Daemon:
    def __init__(self, workdir: Path, name: str, config: dict[str, Any]) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.config_path = workdir / f"{name}.yaml"
        self.config_path.write_text(yaml.safe_dump(config, allow_unicode=True))
        self.log_path = workdir / f"{name}.log"
        self._log = open(self.log_path, "w")
        env = dict(os.environ)
        env.pop("GSMCALL_CONFIG", None)
        self.command = [*gsmcall_command(), "-c", str(self.config_path)]
        self.proc = subprocess.Popen(self.command, stdout=self._log, stderr=subprocess.STDOUT, env=env)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-n:])
        except OSError:
            return ""


def daemon_config(emu: Emulator, url: str, state_dir: Path, profile: str, poll_interval: float) -> dict[str, Any]:
    return {
        "modem": {"port": str(emu.link), "profile": profile, "command_timeout": 5},
        "alerts": {"url": url, "poll_interval": poll_interval, "timeout": 10},
        "calls": {"ring_timeout": 15, "hold": 0, "gap": 0},
        "sms": {"enabled": True, "allowed_senders": [SENDER]},
        "state": {"dir": str(state_dir)},
        "log": {"level": "INFO"},
    }


class BenchError(RuntimeError):
    pass


# --- extracting samples from the emulator's log ----------------------------------------------------
def dump_log(emu: Emulator, path: Path) -> None:
    path.write_text("".join(f"{e.t:.6f} {e.kind:5} {e.text!r}\n" for e in emu.log))


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
def make_callees(rng: random.Random, numbers: list[str], polling: bool) -> dict[str, Callee]:
    # Push: answer 20-120 ms after alerting.  Polling: 0.6-1.1 s, so that the call is seen
    # ringing by a 0.5 s poll first (gsmmodem's poller needs to see it dialling/ringing) and
    # the answer falls at a random phase of either poller's 0.5 s period.
    lo, hi = (0.6, 1.1) if polling else (0.02, 0.12)
    return {n: Callee.answers(after=round(rng.uniform(lo, hi), 3)) for n in numbers}


def reaction_run(profile: str, args: argparse.Namespace, work: Path, ep: BenchEndpoint,
                 rng: random.Random, report: dict[str, Any]) -> None:
    polling = profile == "generic"
    n_alerts = args.poll_samples if polling else args.samples
    n_sms = args.sms_samples
    alert_numbers = [f"1390{ALL_PROFILES.index(profile)}{i:06d}" for i in range(n_alerts)]
    sms_numbers = [f"1370{ALL_PROFILES.index(profile)}{i:06d}" for i in range(n_sms)]
    their_numbers = [f"1360{ALL_PROFILES.index(profile)}{i:06d}" for i in range(args.theirs_samples)]
    callees = make_callees(rng, alert_numbers + their_numbers, polling)
    emulators = Emulators(work, name="modem-{profile}", alerting_delay=0.03)
    emu = emulators(profile, callees=callees, default_callee=Callee.answers(after=0.03))
    out: dict[str, Any] = {"profile": profile}
    daemon: Daemon | None = None
    try:
        ep.reset()
        mids = {f"{profile}-{i}": num for i, num in enumerate(alert_numbers)}
        ep.queue_alerts([(mid, [num]) for mid, num in mids.items()])
        ep.hold_first_get()
        config = daemon_config(emu, ep.url, work / f"state-{profile}", profile, args.poll_interval)
        daemon = Daemon(work, f"daemon-{profile}", config)
        if not ep.wait_gets(1, 60):
            raise BenchError(f"{profile}: the daemon never polled\n{daemon.tail()}")
        out["startup_cpu_s"] = cpu_seconds(daemon.pid)
        cpu0, t0 = cpu_seconds(daemon.pid), time.monotonic()
        ep.release()
        if not ep.wait_posts(n_alerts, 30 + n_alerts * (3 if polling else 1)):
            raise BenchError(f"{profile}: {len(ep.stats.posts)}/{n_alerts} alerts reported\n{daemon.tail()}")
        cpu1, t1 = cpu_seconds(daemon.pid), time.monotonic()
        answered = [p for _, p in ep.stats.posts if p.get("resp")]
        out["alerts"] = {"cycles": n_alerts, "answered": len(answered), "seconds": t1 - t0,
                         "cpu_s_per_cycle": (cpu1 - cpu0) / n_alerts}
        alert_log = in_window(emu.log, t0, t1)
        out["answer_to_hangup"] = answer_to_hangup(alert_log, profile)
        out["alert_to_atd"] = alert_to_atd(alert_log, dict(ep.stats.alert_sent), mids)

        # SMS commands, one at a time, at a random phase, once the daemon has swept the store
        # (it does that after alerts, so the first command is not picked up by the sweep).
        emu.wait_for("AT+CMGL=4", timeout=30)
        s0 = time.monotonic()
        for j, number in enumerate(sms_numbers):
            since = time.monotonic()
            stored = emu.deliver_sms(SENDER, f"|{number}|autocall|bench {profile} {j}")
            if not stored:
                raise BenchError(f"{profile}: SMS {j} not stored")
            emu.wait_for(f"AT+CMGD={stored[0]}", timeout=20, since=since)
            time.sleep(rng.uniform(0.01, 0.05))
        s1 = time.monotonic()
        sms_log = in_window(emu.log, s0, s1)
        out["sms"] = {"commands": n_sms, "seconds": s1 - s0,
                      "dialled": sum(1 for e in sms_log if e.kind == "rx" and e.text.startswith("ATD"))}
        out["cmti_to_cmgr"] = cmti_to_cmgr(sms_log)
        out["cmgr_to_atd"] = cmgr_reply_to_atd(sms_log)
        out["rss_mb"], out["peak_rss_mb"] = rss_mb(daemon.pid)
        out["exit_code"] = daemon.stop()

        if profile in THEIRS_PROFILES and args.theirs_samples:
            # A freshly booted modem for them too: the emulator's URC noise is interleaved by a
            # command count, so sharing ours would make their replies depend on our init.
            theirs_emu = emulators(profile, link=str(work / f"modem-{profile}-theirs"), callees=callees,
                                   default_callee=Callee.answers(after=0.03))
            out["theirs"] = theirs_run(theirs_emu, profile, their_numbers, work)
            dump_log(theirs_emu, work / f"emulator-{profile}-theirs.log")
    finally:
        if daemon is not None and daemon.alive():
            daemon.stop()
        emulators.stop_all()
        dump_log(emu, work / f"emulator-{profile}.log")
    report["reaction"][profile] = out


def theirs_run(emu: Emulator, profile: str, numbers: list[str], work: Path) -> dict[str, Any]:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, str(HERE / "theirs.py"), str(emu.link), *numbers],
                          capture_output=True, text=True, timeout=60 + 5 * len(numbers))
    t1 = time.monotonic()
    (work / f"theirs-{profile}.log").write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
    if proc.returncode != 0:
        raise BenchError(f"theirs.py on {profile} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    log = in_window(emu.log, t0, t1)
    stamps = [c["callback"] for c in result["calls"] if "callback" in c]
    return {
        "polling": result["polling"],
        "calls": len(numbers),
        "errors": [c["error"] for c in result["calls"] if "error" in c],
        "answer_to_hangup": answer_to_hangup(log, profile),
        "answer_to_callback": answer_to_event(log, profile, stamps),
    }


def idle_run(profile: str, poll_interval: float, seconds: float, work: Path,
             results: dict[str, Any], key: str, failing_callback: bool = False) -> None:
    """Start a daemon, let it settle, then count CPU, AT commands and polls over ``seconds``.

    ``failing_callback``: the endpoint offers one alert on every GET and answers every POST
    with 500 (its database is down): the daemon rings it once, then can only retry the report.
    """
    ep = BenchEndpoint()
    emulators = Emulators(work, alerting_delay=0.03)
    emu = emulators(profile, link=str(work / f"idle-{key}-modem"), default_callee=Callee.answers(after=0.05))
    daemon = None
    try:
        if failing_callback:
            ep.offer_unacknowledged("idle-failing", ["13500000000"])
        config = daemon_config(emu, ep.url, work / f"idle-{key}-state", profile, poll_interval)
        daemon = Daemon(work, f"idle-{key}", config)
        if not ep.wait_gets(1, 60):
            raise BenchError(f"idle daemon never polled\n{daemon.tail()}")
        if failing_callback and not ep.wait_posts(1, 30):
            raise BenchError(f"the daemon never reported the alert\n{daemon.tail()}")
        time.sleep(min(2.0, poll_interval / 2))  # past start-up (and the call)
        c0, t0 = cpu_seconds(daemon.pid), time.monotonic()
        time.sleep(seconds)
        c1, t1 = cpu_seconds(daemon.pid), time.monotonic()
        rx = [e for e in in_window(emu.log, t0, t1) if e.kind == "rx"]
        gets = [t for t in ep.stats.gets if t0 <= t <= t1]
        minutes = (t1 - t0) / 60
        rss, peak = rss_mb(daemon.pid)
        posts = [t for t, _ in ep.stats.posts if t0 <= t <= t1]
        results[key] = {
            "profile": profile, "poll_interval": poll_interval, "seconds": t1 - t0,
            "failing_callback": failing_callback, "http_posts": len(posts),
            "dials": sum(1 for e in rx if e.text.upper().startswith("ATD")),
            "cpu_s": c1 - c0, "cpu_pct": 100 * (c1 - c0) / (t1 - t0),
            "at_commands": len(rx), "at_per_min": len(rx) / minutes,
            "at_distinct": sorted({e.text for e in rx}),
            "http_gets": len(gets), "rss_mb": rss, "peak_rss_mb": peak,
        }
    except BaseException as exc:  # reported by the caller
        results[key] = {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        if daemon is not None:
            daemon.stop()
        emulators.stop_all()
        ep.close()


# --- report ------------------------------------------------------------------------------------
def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def dist_row(label: str, samples: list[float]) -> str:
    s = Dist(samples).summary()
    if not s["n"]:
        return f"| {label} | 0 | – | – | – | – |"
    return f"| {label} | {s['n']} | {ms(s['p50'])} | {ms(s['p90'])} | {ms(s['p99'])} | {ms(s['max'])} |"


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def render(report: dict[str, Any]) -> str:
    L: list[str] = []
    meta = report["meta"]
    L.append("# gsmcall benchmark results\n")
    L.append(f"- date: {meta['date']}")
    L.append(f"- machine: {meta['machine']}")
    L.append(f"- python: {meta['python']}")
    dirty = meta["dirty"]
    L.append(f"- gsmcall: commit {meta['commit']}"
             + (f" plus uncommitted changes to {len(dirty)} files under gsmcall/ ({', '.join(dirty)})" if dirty else ""))
    L.append(f"- gsmcall/ content digest {meta['code_hash']}"
             + (" — **the code changed during the run: figures mix versions, run again**"
                if meta.get("code_changed") else ", unchanged during the run"))
    L.append(f"- state dir (SQLite, synchronous=FULL) on: {meta['state_fs']}")
    L.append(f"- command: `{meta['command']}`")
    L.append(f"- mode: {'quick (CI smoke: too few samples for the percentiles to mean much)' if meta['quick'] else 'full'}; "
             f"wall time {meta['wall_s']:.0f} s\n")
    L.append("Latencies in milliseconds, taken on the emulator's side of the line from its log "
             "(`time.monotonic()`); percentiles are nearest-rank.\n")

    L.append("## 1. Reaction latency (push profiles) and 2. the polling path (generic)\n")
    for profile, r in report["reaction"].items():
        if "error" in r:
            L.append(f"### {profile}\n\nERROR: {r['error']}\n")
            continue
        a = r["alerts"]
        L.append(f"### {profile}{' (polls AT+CLCC every 50 ms while a call is up: no call URCs)' if profile == 'generic' else ''}\n")
        L.append("| sample | n | p50 | p90 | p99 | max |")
        L.append("|---|---|---|---|---|---|")
        L.append(dist_row("answer indication → hang-up received (hold 0)", r["answer_to_hangup"]))
        L.append(dist_row("+CMTI sent → AT+CMGR received", r["cmti_to_cmgr"]))
        L.append(dist_row("AT+CMGR reply sent → ATD received", r["cmgr_to_atd"]))
        L.append(dist_row("endpoint alert reply sent → first ATD received", r["alert_to_atd"]))
        L.append("")
        L.append(f"{a['cycles']} alert cycles ({a['answered']} answered) in {a['seconds']:.1f} s, "
                 f"{a['cpu_s_per_cycle'] * 1000:.1f} ms CPU per cycle (poll, dial, hang-up, confirm idle, "
                 f"report); {r['sms']['commands']} SMS commands ({r['sms']['dialled']} dialled) in "
                 f"{r['sms']['seconds']:.1f} s; start-up CPU {r['startup_cpu_s']:.2f} s; "
                 f"RSS {r['rss_mb']:.1f} MiB, peak {r['peak_rss_mb']:.1f} MiB; exit code {r['exit_code']}.\n")

    L.append("## 3. Side by side with python-gsmmodem-new (same run, same emulator)\n")
    L.append("Ours: the `gsmcall` daemon with `calls.hold: 0`. Theirs: `GsmModem.dial(number, "
             "callStatusUpdateCallbackFunc=cb)` where `cb` calls `call.hangup()` (`ATH`) on the first "
             "`call.answered == True` (bench/theirs.py, its own process). Both: answer indication sent → "
             "hang-up command received, on the emulator's clock, on the same emulator instance, one after "
             "the other. Theirs also: answer indication sent → callback entered (in its process).\n")
    L.append("| profile | who | n | p50 | p90 | p99 | max |")
    L.append("|---|---|---|---|---|---|---|")
    ratios: list[str] = []
    for profile, r in report["reaction"].items():
        t = r.get("theirs")
        if not t:
            continue
        ours_s, theirs_s = Dist(r["answer_to_hangup"]).summary(), Dist(t["answer_to_hangup"]).summary()
        cb = Dist(t["answer_to_callback"]).summary()
        for who, s in (("ours → hang-up", ours_s), ("theirs → hang-up", theirs_s), ("theirs → callback", cb)):
            if s["n"]:
                L.append(f"| {profile} | {who} | {s['n']} | {ms(s['p50'])} | {ms(s['p90'])} | {ms(s['p99'])} | {ms(s['max'])} |")
            else:
                L.append(f"| {profile} | {who} | 0 | – | – | – | – |")
        if ours_s["n"] and theirs_s["n"]:
            ratios.append(f"- {profile} ({'CLCC polling' if t['polling'] else 'push URCs'} on their side): "
                          f"ours/theirs p50 {ours_s['p50'] / theirs_s['p50']:.2f}, "
                          f"p90 {ours_s['p90'] / theirs_s['p90']:.2f}, p99 {ours_s['p99'] / theirs_s['p99']:.2f}, "
                          f"max {ours_s['max'] / theirs_s['max']:.2f}"
                          + (f"; their errors: {t['errors'][:3]}" if t["errors"] else ""))
    L.append("")
    L.extend(ratios or ["- (no comparison run)"])
    L.append("")

    L.append("## 4. Footprint\n")
    L.append("| state | poll interval | profile | window | CPU (% of one core) | AT commands | per minute | HTTP GET / POST | RSS / peak MiB |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for key, f in report["idle"].items():
        if "error" in f:
            L.append(f"| {key} | ERROR: {f['error']} | | | | | | | |")
            continue
        state = "idle, a callback failing (POST → 500, alert offered again)" if f["failing_callback"] else "idle"
        L.append(f"| {state} | {f['poll_interval']:g} s | {f['profile']} | {f['seconds']:.0f} s | {f['cpu_pct']:.2f} "
                 f"({f['cpu_s']:.2f} CPU s) | {f['at_commands']} {f['at_distinct'][:4]} | {f['at_per_min']:.1f} | "
                 f"{f['http_gets']} / {f['http_posts']} | {f['rss_mb']:.1f} / {f['peak_rss_mb']:.1f} |")
    L.append("")
    L.append("CPU from /proc/<pid>/stat (utime+stime, all threads, 10 ms ticks); RSS from /proc/<pid>/status "
             "(VmRSS, VmHWM). Peak RSS over the reaction runs: "
             + ", ".join(f"{p} {r['peak_rss_mb']:.1f} MiB" for p, r in report["reaction"].items() if "peak_rss_mb" in r)
             + ". CPU per alert cycle: "
             + ", ".join(f"{p} {r['alerts']['cpu_s_per_cycle'] * 1000:.1f} ms" for p, r in report["reaction"].items()
                         if "alerts" in r) + ".\n")

    L.append("## Targets\n")
    L.append("| target | result |")
    L.append("|---|---|")
    for line in report["targets"]:
        L.append(f"| {line['target']} | {verdict(line['ok'])}: {line['value']} |")
    L.append("")
    return "\n".join(L)


def check_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for profile, r in report["reaction"].items():
        if profile not in PUSH_PROFILES or "error" in r:
            continue
        for key, label in (("answer_to_hangup", "answer→hang-up"), ("cmti_to_cmgr", "+CMTI→CMGR"),
                           ("cmgr_to_atd", "CMGR reply→ATD"), ("alert_to_atd", "alert→ATD")):
            s = Dist(r[key]).summary()
            if s["n"]:
                rows.append({"target": f"{profile} {label}: p50 ≤ 20 ms, p99 ≤ 100 ms",
                             "ok": s["p50"] <= TARGET_P50 and s["p99"] <= TARGET_P99,
                             "value": f"p50 {ms(s['p50'])} ms, p99 {ms(s['p99'])} ms"})
    peaks = [r["peak_rss_mb"] for r in report["reaction"].values() if "peak_rss_mb" in r]
    peaks += [f["peak_rss_mb"] for f in report["idle"].values() if "peak_rss_mb" in f]
    if peaks:
        peak_mb = max(peaks) * 1.048576  # MiB -> MB
        rows.append({"target": "peak RSS ≤ 40 MB", "ok": peak_mb <= TARGET_RSS_MB,
                     "value": f"max {peak_mb:.1f} MB ({max(peaks):.1f} MiB)"})
    for key, f in report["idle"].items():
        if "error" in f:
            continue
        if f["failing_callback"]:
            rows.append({"target": "idle with a failing callback: CPU ≤ 0.5 % of a core, polls at the poll interval",
                         "ok": f["cpu_pct"] <= TARGET_IDLE_CPU and f["http_gets"] <= f["seconds"] / f["poll_interval"] + 2,
                         "value": f"{f['cpu_pct']:.2f} %, {f['http_gets']} GETs and {f['http_posts']} POSTs "
                                  f"in {f['seconds']:.0f} s"})
            continue
        rows.append({"target": f"idle CPU ≤ 0.5 % of a core (poll {f['poll_interval']:g} s)",
                     "ok": f["cpu_pct"] <= TARGET_IDLE_CPU, "value": f"{f['cpu_pct']:.2f} %"})
        rows.append({"target": f"idle wire: ≤ 1 health probe a minute (poll {f['poll_interval']:g} s)",
                     "ok": f["at_per_min"] <= TARGET_IDLE_AT_PER_MIN,
                     "value": f"{f['at_per_min']:.1f} AT commands/min {f['at_distinct'][:4]}"})
    return rows


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()} {platform.system()} {platform.release()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs"


def code_hash() -> str:
    """A digest of gsmcall/ as it is on disk: each daemon started imports what is there then."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "gsmcall").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def filesystem_of(path: Path) -> str:
    try:
        out = subprocess.run(["df", "-T", str(path)], capture_output=True, text=True, timeout=10).stdout.splitlines()
        dev, fstype = out[-1].split()[:2]
        return f"{path} ({fstype} on {dev})"
    except (OSError, subprocess.SubprocessError, IndexError, ValueError):
        return str(path)


# --- main --------------------------------------------------------------------------------------
def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="CI smoke mode: a few samples, 1.5 s idle windows")
    p.add_argument("--samples", type=int, help="alert cycles per push profile (default 100; quick 4)")
    p.add_argument("--poll-samples", type=int, help="alert cycles on generic (default 60; quick 2)")
    p.add_argument("--sms-samples", type=int, help="SMS commands per profile (default 60; quick 2)")
    p.add_argument("--theirs-samples", type=int, help="python-gsmmodem-new dials per profile (default 60; quick 2)")
    p.add_argument("--idle-seconds", type=float, help="each idle window (default 65; quick 1.5)")
    p.add_argument("--idle-profile", default="ec25")
    p.add_argument("--poll-interval", type=float, default=10.0, help="alerts.poll_interval in the reaction runs")
    p.add_argument("--profiles", default=",".join(BENCH_PROFILES))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", help="keep configs, state and daemon logs here (default: a temp dir, removed)")
    p.add_argument("--json", help="write the raw report (samples included) as JSON here")
    p.add_argument("--markdown", help="write the report as Markdown here")
    p.add_argument("--write-results", action="store_true", help="write the report to bench/RESULTS.md")
    args = p.parse_args(argv)
    quick = args.quick
    for name, full, short in (("samples", 100, 4), ("poll_samples", 60, 2), ("sms_samples", 60, 2),
                              ("theirs_samples", 60, 2), ("idle_seconds", 65.0, 1.5)):
        if getattr(args, name) is None:
            setattr(args, name, short if quick else full)
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    started = time.monotonic()
    rng = random.Random(args.seed)
    tmp = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="gsmcall-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"reaction": {}, "idle": {}}
    command = shlex.join(["python", os.path.relpath(__file__, Path.cwd()), *argv])
    report["meta"] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(), "python": sys.version.split()[0],
        "commit": git("rev-parse", "--short", "HEAD") or "?",
        "dirty": [line.split(maxsplit=1)[-1] for line in git("status", "--porcelain", "--", "gsmcall").splitlines()],
        "code_hash": code_hash(),
        "state_fs": filesystem_of(tmp), "command": command, "quick": args.quick,
        "profiles": [p for p in args.profiles.split(",") if p],
        "samples": {"push_alerts": args.samples, "generic_alerts": args.poll_samples, "sms": args.sms_samples,
                    "theirs": args.theirs_samples, "idle_seconds": args.idle_seconds,
                    "idle_profile": args.idle_profile, "poll_interval": args.poll_interval},
    }
    failed = False
    try:
        # Reaction runs first, one profile at a time; then the two idle windows, concurrently
        # with each other (both idle, two daemons on two emulators) but with nothing else.
        ep = BenchEndpoint()
        try:
            for profile in [p for p in args.profiles.split(",") if p]:
                print(f"[bench] reaction run: {profile}", file=sys.stderr, flush=True)
                t = time.monotonic()
                try:
                    reaction_run(profile, args, tmp, ep, rng, report)
                    print(f"[bench]   {profile} done in {time.monotonic() - t:.1f} s", file=sys.stderr, flush=True)
                except Exception as exc:  # noqa: BLE001 - reported, the run goes on
                    failed = True
                    report["reaction"][profile] = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            ep.close()
        print(f"[bench] idle windows: 2 x {args.idle_seconds:g} s (concurrent)", file=sys.stderr, flush=True)
        idle: dict[str, Any] = {}
        threads = [threading.Thread(target=idle_run, args=(args.idle_profile, interval, args.idle_seconds, tmp, idle,
                                                            str(interval)))
                   for interval in (10.0, 1.0)]
        # The failing-callback window may burn a core: in the full run it goes after the idle
        # windows, so it cannot disturb them; the quick run has no figures to disturb.
        failing = threading.Thread(target=idle_run, args=(args.idle_profile, 10.0, min(args.idle_seconds, 30.0), tmp,
                                                           idle, "callback-failing"), kwargs={"failing_callback": True})
        if args.quick:
            threads.append(failing)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if not args.quick:
            print("[bench] idle with a failing callback: 30 s", file=sys.stderr, flush=True)
            failing.start()
            failing.join()
        report["idle"] = {key: idle[key] for key in ("10.0", "1.0", "callback-failing") if key in idle}
        failed = failed or any("error" in v for v in idle.values())
    finally:
        if not args.workdir:
            shutil.rmtree(tmp, ignore_errors=True)
    report["meta"]["wall_s"] = time.monotonic() - started
    report["meta"]["code_changed"] = code_hash() != report["meta"]["code_hash"]
    report["targets"] = check_targets(report)
    text = render(report)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))
    if args.markdown:
        Path(args.markdown).write_text(text)
    if args.write_results:
        (HERE / "RESULTS.md").write_text(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
