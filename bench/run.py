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
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from ack import ACK_PROFILES, ack_run  # noqa: E402
from daemon import SENDER, BenchError, Daemon, cpu_seconds, daemon_config, dump_log, rss_mb  # noqa: E402
from endpoint import BenchEndpoint  # noqa: E402
from intake import intake_run  # noqa: E402
from meta import code_hash, filesystem_of, git, machine  # noqa: E402
from report import check_targets, render  # noqa: E402
from samples import (  # noqa: E402
    ANSWER_MARK,
    alert_to_atd,
    answer_to_event,
    answer_to_hangup,
    cmgr_reply_to_atd,
    cmti_to_cmgr,
    in_window,
)

from gsmcall.emulator import Callee, Emulator  # noqa: E402
from tests.support.emulators import Emulators  # noqa: E402
from tests.support.profiles import PROFILES as ALL_PROFILES  # noqa: E402

THEIRS_PROFILES = ["huawei", "generic"]  # where gsmmodem's dial() can see an answer (see README)

BENCH_PROFILES = [p for p in ALL_PROFILES if p in ANSWER_MARK]
SECTIONS = ("reaction", "ack", "intake", "idle")



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


def idle_windows(args: argparse.Namespace, tmp: Path, report: dict[str, Any]) -> bool:
    """The two idle windows, concurrently with each other (both idle, two daemons on two
    emulators) but with nothing else; then the failing-callback one.  True when one failed."""
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
    return any("error" in v for v in idle.values())


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="CI smoke mode: a few samples, 1.5 s idle windows")
    p.add_argument("--samples", type=int, help="alert cycles per push profile (default 100; quick 4)")
    p.add_argument("--poll-samples", type=int, help="alert cycles on generic (default 60; quick 2)")
    p.add_argument("--sms-samples", type=int, help="SMS commands per profile (default 60; quick 2)")
    p.add_argument("--theirs-samples", type=int, help="python-gsmmodem-new dials per profile (default 60; quick 2)")
    p.add_argument("--idle-seconds", type=float, help="each idle window (default 65; quick 1.5)")
    p.add_argument("--ack-samples", type=int, help="acknowledged calls per TTS profile (default 40; quick 2)")
    p.add_argument("--intake-samples", type=int, help="webhook -> ATD pages, one at a time (default 100; quick 4)")
    p.add_argument("--intake-seconds", type=float, help="the intake load window during a call (default 5; quick 1)")
    p.add_argument("--polled-samples", type=int, help="alerts polled at 1 s for the intake comparison (default 20; quick 2)")
    p.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections to run, of {','.join(SECTIONS)}")
    p.add_argument("--idle-profile", default="ec25")
    p.add_argument("--poll-interval", type=float, default=10.0, help="alerts.poll_interval in the reaction runs")
    p.add_argument("--profiles", default=",".join(BENCH_PROFILES))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", help="keep configs, state and daemon logs here (default: a temp dir, removed)")
    p.add_argument("--json", help="write the raw report (samples included) as JSON here")
    p.add_argument("--markdown", help="write the report as Markdown here")
    p.add_argument("--write-results", action="store_true", help="write the report to bench/RESULTS.md")
    args = p.parse_args(argv)
    args.only = {s.strip() for s in args.only.split(",") if s.strip()}
    if args.only - set(SECTIONS):
        p.error(f"--only: unknown section(s) {', '.join(sorted(args.only - set(SECTIONS)))}")
    quick = args.quick
    for name, full, short in (("samples", 100, 4), ("poll_samples", 60, 2), ("sms_samples", 60, 2),
                              ("theirs_samples", 60, 2), ("idle_seconds", 65.0, 1.5), ("ack_samples", 40, 2),
                              ("intake_samples", 100, 4), ("intake_seconds", 5.0, 1.0), ("polled_samples", 20, 2)):
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
    report: dict[str, Any] = {"reaction": {}, "ack": {}, "intake": {}, "idle": {}}
    command = shlex.join(["python", os.path.relpath(__file__, Path.cwd()), *argv])
    report["meta"] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(), "python": sys.version.split()[0],
        "commit": git("rev-parse", "--short", "HEAD") or "?",
        "dirty": [line.split(maxsplit=1)[-1] for line in git("status", "--porcelain", "--", "gsmcall").splitlines()],
        "code_hash": code_hash(),
        "state_fs": filesystem_of(tmp), "command": command, "quick": args.quick,
        "profiles": [p for p in args.profiles.split(",") if p], "sections": sorted(args.only),
        "samples": {"push_alerts": args.samples, "generic_alerts": args.poll_samples, "sms": args.sms_samples,
                    "theirs": args.theirs_samples, "ack": args.ack_samples, "idle_seconds": args.idle_seconds,
                    "intake": args.intake_samples, "intake_seconds": args.intake_seconds,
                    "polled": args.polled_samples,
                    "idle_profile": args.idle_profile, "poll_interval": args.poll_interval},
    }
    failed = False
    try:
        # Reaction runs first, one profile at a time, then the acknowledgement and intake runs;
        # the idle windows last, with nothing else running.
        ep = BenchEndpoint()
        try:
            for profile in [p for p in args.profiles.split(",") if p and "reaction" in args.only]:
                print(f"[bench] reaction run: {profile}", file=sys.stderr, flush=True)
                t = time.monotonic()
                try:
                    reaction_run(profile, args, tmp, ep, rng, report)
                    print(f"[bench]   {profile} done in {time.monotonic() - t:.1f} s", file=sys.stderr, flush=True)
                except Exception as exc:  # noqa: BLE001 - reported, the run goes on
                    failed = True
                    report["reaction"][profile] = {"error": f"{type(exc).__name__}: {exc}"}
            for profile in [p for p in ACK_PROFILES if p in report["meta"]["profiles"] and "ack" in args.only]:
                print(f"[bench] acknowledgement run: {profile}", file=sys.stderr, flush=True)
                emulators = Emulators(tmp, name="modem-{profile}-ack", alerting_delay=0.03)
                try:
                    report["ack"][profile] = ack_run(
                        profile, args.ack_samples, tmp, ep, emulators,
                        lambda name, config: Daemon(tmp, name, config),
                        lambda emu, state, p=profile: daemon_config(emu, ep.url, state, p, args.poll_interval))
                except Exception as exc:  # noqa: BLE001 - reported, the run goes on
                    failed = True
                    report["ack"][profile] = {"error": f"{type(exc).__name__}: {exc}"}
                finally:
                    emulators.stop_all()
            if "intake" in args.only:
                print("[bench] webhook intake run: ec25", file=sys.stderr, flush=True)
                emulators = Emulators(tmp, alerting_delay=0.03)
                storm = (20, 1.0) if args.quick else (100, 10.0)
                try:
                    report["intake"] = intake_run(
                        args.intake_samples, args.intake_seconds, storm, args.polled_samples, tmp, ep, emulators,
                        lambda name, config: Daemon(tmp, name, config),
                        lambda emu, state, interval: daemon_config(emu, ep.url, state, "ec25", interval), rss_mb, rng)
                except Exception as exc:  # noqa: BLE001 - reported, the run goes on
                    failed = True
                    report["intake"] = {"error": f"{type(exc).__name__}: {exc}"}
                finally:
                    for emu in emulators.started:
                        dump_log(emu, tmp / f"emulator-{Path(emu.link).name}.log")
                    emulators.stop_all()
        finally:
            ep.close()
        if "idle" in args.only:
            failed = idle_windows(args, tmp, report) or failed
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
