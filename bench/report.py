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
TARGET_INTAKE_RATE = 200.0  # notifications/s with a call in progress
TARGET_STORM_FIRST_ATD = 1.0  # s


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

    render_intake(L, report)
    L.append("## Targets\n")
    L.append("| target | result |")
    L.append("|---|---|")
    for line in report["targets"]:
        L.append(f"| {line['target']} | {verdict(line['ok'])}: {line['value']} |")
    L.append("")
    return "\n".join(L)


def render_intake(L: list[str], report: dict[str, Any]) -> None:
    """Section 5: the webhook intake (bench/intake.py), beside the polled endpoint."""
    r = report.get("intake")
    if not r:
        return
    L.append("## 5. Webhook intake (ec25, `POST /alertmanager` on loopback)\n")
    if "error" in r:
        L.append(f"ERROR: {r['error']}\n")
        return
    L.append("The daemon with `intake.listen` on 127.0.0.1 (no token, `report_url` to the bench endpoint), a "
             "two-person roster, `calls.gap: 0`, `hold: 0`. Clients in the bench process, one new connection per "
             "request (the intake closes each), stamped with `time.monotonic()` like the emulator's log: "
             "*sent* is taken before the connect, *202* once the answer is read.\n")
    reaction = report.get("reaction", {}).get(r["profile"], {})
    polled, storm, load = r["polled"], r["storm"], r["load"]
    L.append("| sample | n | p50 | p90 | p99 | max |")
    L.append("|---|---|---|---|---|---|")
    L.append(dist_row("webhook sent → 202 received (one at a time, modem idle)", r["to_202"]))
    L.append(dist_row("webhook sent → first ATD received (one at a time, modem idle)", r["to_atd"]))
    if reaction.get("alert_to_atd"):
        L.append(dist_row(f"polled: endpoint alert reply sent → first ATD received (section 1, "
                          f"poll {report['meta']['samples']['poll_interval']:g} s)", reaction["alert_to_atd"]))
    L.append(dist_row(f"polled: alert queued on the endpoint → first ATD received (poll {polled['poll_interval']:g} s)",
                      polled["queued_to_atd"]))
    L.append(dist_row("storm: webhook sent → 202 received", storm["to_202"]))
    L.append(dist_row(f"load: webhook sent → 202 received, {load['threads']} clients, a call up", load["latency"]))
    L.append("")
    interval = report["meta"]["samples"]["poll_interval"]
    L.append(f"A polled alert waits for the next poll: half of `poll_interval` on average, {interval / 2:g} s at "
             f"{interval:g} s, plus the reply → ATD above; the intake skips that wait (the design's reason for it). "
             f"Measured at {polled['poll_interval']:g} s: the queued → ATD row.\n")
    first = storm["first_atd_s"]
    L.append(f"- Storm: {storm['notifications']} notifications in {storm['seconds']:.1f} s, {storm['groups']} groups "
             f"round robin, each the group's whole body ({storm['alerts'] // storm['groups']} alerts, stable "
             f"fingerprints): **{storm['pages']} pages** in the journal, {storm['dials']} ATDs; first ATD "
             + (f"{ms(first)} ms" if first is not None else "never")
             + " after the first notification; the pages' ATDs at "
             + ", ".join(f"{t:.2f}" for t in storm["atd_s"]) + " s.")
    L.append(f"- Load: {load['threads']} clients back to back for {load['seconds']:.1f} s while a call rang unanswered "
             f"(up throughout: {'yes' if load['call_up'] else '**no**'}), {1 - load['new_share']:.0%} repeats of groups "
             f"queued behind it, {load['new_share']:.0%} new groups: **{load['per_s']:.0f} notifications/s** "
             f"({load['notifications']} answered 202, {load['errors']} not). When the network ended that call (begun "
             f"right after a poll, ended before the next), the first queued page's ATD came "
             f"**{ms(load['end_to_next_atd_s'])} ms** later: milliseconds if the queue is rung at once, up to "
             f"`poll_interval` if it waits for the loop's timer. Daemon RSS {r['rss_ready_mb']:.1f} MiB when "
             f"ready, {load['rss_before_mb']:.1f} before the load, {load['rss_mb']:.1f} after (peak "
             f"{load['peak_rss_mb']:.1f}); exit code {r['exit_code']}.\n")


def intake_targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    if not r or "error" in r:
        return []
    rows: list[dict[str, Any]] = []
    s = Dist(r["to_atd"]).summary()
    if s["n"]:
        rows.append({"target": "intake webhook→first ATD: p50 ≤ 20 ms", "ok": s["p50"] <= TARGET_P50,
                     "value": f"p50 {ms(s['p50'])} ms, p99 {ms(s['p99'])} ms"})
    load, storm = r["load"], r["storm"]
    lat = Dist(load["latency"]).summary()
    rows.append({"target": f"intake during a call: ≥ {TARGET_INTAKE_RATE:g} notifications/s",
                 "ok": load["per_s"] >= TARGET_INTAKE_RATE and load["call_up"] and not load["errors"],
                 "value": f"{load['per_s']:.0f}/s, {load['errors']} errors, call up throughout: {load['call_up']}"})
    if lat["n"]:
        rows.append({"target": "intake during a call: p99 ≤ 100 ms", "ok": lat["p99"] <= TARGET_P99,
                     "value": f"p50 {ms(lat['p50'])} ms, p99 {ms(lat['p99'])} ms"})
    peak_mb = load["peak_rss_mb"] * 1.048576
    rows.append({"target": "intake during a call: RSS ≤ 40 MB", "ok": peak_mb <= TARGET_RSS_MB,
                 "value": f"peak {peak_mb:.1f} MB ({load['peak_rss_mb']:.1f} MiB)"})
    what = f"storm ({storm['notifications']} notifications in {storm['groups']} groups)"
    rows.append({"target": f"{what}: exactly {storm['groups']} pages", "ok": storm["pages"] == storm["groups"],
                 "value": f"{storm['pages']} pages, {storm['dials']} ATDs"})
    first = storm["first_atd_s"]
    rows.append({"target": f"{what}: first ATD ≤ 1 s after the first notification",
                 "ok": first is not None and first <= TARGET_STORM_FIRST_ATD,
                 "value": "never" if first is None else f"{ms(first)} ms"})
    return rows


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
    rows.extend(intake_targets(report.get("intake", {})))
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
