"""The benchmark's report: the Markdown of bench/RESULTS.md and the targets it is judged by.

Kept apart from the runs (bench/run.py) so the figures and their presentation change
independently; it reads only the report dictionary the runs produce.
"""

from __future__ import annotations

from typing import Any

from stats import Dist
from tests.support.profiles import PUSH_PROFILES

TARGET_P50 = 0.020
TARGET_P99 = 0.100
TARGET_IDLE_CPU = 0.5  # percent of one core
TARGET_RSS_MB = 40.0
TARGET_IDLE_AT_PER_MIN = 1.0


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

    L.append("## 3b. Acknowledgement: speech after the answer, the ack key's reaction\n")
    L.append("Each callee answers and presses 1 half a second later, during the speech (0.1 s a character).\n")
    L.append("| profile | sample | n | p50 | p90 | p99 | max |")
    L.append("|---|---|---|---|---|---|---|")
    for profile, a in report.get("ack", {}).items():
        if "error" in a:
            L.append(f"| {profile} | **error**: {a['error']} | | | | | |")
            continue
        for key, label in (("answer_to_speech", "answer indication → first speech command"),
                           ("key_to_stop", "key URC → speech stop or hang-up")):
            L.append(f"| {profile} " + dist_row(label, a[key]))
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
    for profile, a in report.get("ack", {}).items():
        for key, label in (("answer_to_speech", "answer→first speech"), ("key_to_stop", "key→stop/hang-up")):
            s = Dist(a.get(key, [])).summary()
            if s["n"]:
                rows.append({"target": f"{profile} {label}: p50 ≤ 20 ms", "ok": s["p50"] <= TARGET_P50,
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
