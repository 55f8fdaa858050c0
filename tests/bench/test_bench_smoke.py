"""The benchmark's quick mode, so bench/run.py cannot rot.  No timing is asserted here: CI
machines are noisy and a few samples say nothing; the full run's figures are in bench/RESULTS.md.
This checks that every section runs end to end and yields the samples it should."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.profiles import PUSH_PROFILES

ROOT = Path(__file__).resolve().parents[2]
METRICS = ("answer_to_hangup", "cmti_to_cmgr", "cmgr_to_atd", "alert_to_atd")


def test_quick_benchmark_produces_every_section(tmp_path: Path) -> None:
    out_json, out_md = tmp_path / "report.json", tmp_path / "report.md"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--workdir", str(tmp_path / "work"),
         "--json", str(out_json), "--markdown", str(out_md)],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-4000:] + "\n--- stderr ---\n" + result.stderr[-4000:]
    report = json.loads(out_json.read_text())
    n = report["meta"]["samples"]

    assert set(report["reaction"]) == set(report["meta"]["profiles"]) >= {"generic", *PUSH_PROFILES}
    assert set(report["ack"]) == {"ec25", "sim7600", "sim800"}
    for profile, a in report["ack"].items():
        assert "error" not in a, (profile, a.get("error"))
        assert a["acknowledged"] == a["alerts"] == n["ack"], profile
        assert len(a["answer_to_speech"]) == len(a["key_to_stop"]) == n["ack"], (profile, a)
    for profile, r in report["reaction"].items():
        assert "error" not in r, (profile, r.get("error"))
        alerts = n["generic_alerts"] if profile == "generic" else n["push_alerts"]
        assert r["alerts"]["answered"] == alerts, profile
        assert len(r["answer_to_hangup"]) == alerts, profile
        assert len(r["alert_to_atd"]) == alerts, profile
        assert len(r["cmti_to_cmgr"]) == n["sms"], profile
        assert len(r["cmgr_to_atd"]) == n["sms"], profile
        assert all(x > 0 for key in METRICS for x in r[key]), profile
        assert r["exit_code"] == 0, profile
        assert r["peak_rss_mb"] > 0 and r["alerts"]["cpu_s_per_cycle"] >= 0

    for profile in ("huawei", "generic"):  # python-gsmmodem-new side by side
        theirs = report["reaction"][profile]["theirs"]
        assert theirs["errors"] == [], (profile, theirs["errors"])
        assert theirs["polling"] is (profile == "generic")
        assert len(theirs["answer_to_hangup"]) == n["theirs"], profile
        assert len(theirs["answer_to_callback"]) == n["theirs"], profile

    intake = report["intake"]  # the webhook intake: samples exist and the storm made one page per group
    assert "error" not in intake, intake.get("error")
    assert len(intake["to_202"]) == len(intake["to_atd"]) == n["intake"], intake
    assert len(intake["polled"]["queued_to_atd"]) == n["polled"], intake["polled"]
    storm, load = intake["storm"], intake["load"]
    assert storm["pages"] == storm["groups"] == storm["dials"] == 5, storm
    assert storm["first_atd_s"] is not None and len(storm["to_202"]) == storm["notifications"], storm
    assert load["notifications"] > 0 and load["errors"] == 0 and load["call_up"], {k: load[k] for k in ("errors", "call_up")}
    assert load["peak_rss_mb"] > 0 and load["end_to_next_atd_s"] > 0 and intake["exit_code"] == 0

    assert set(report["idle"]) == {"10.0", "1.0", "callback-failing"}
    for window in report["idle"].values():
        assert "error" not in window, window
        assert {"cpu_pct", "at_per_min", "http_gets", "http_posts", "peak_rss_mb"} <= set(window)

    text = out_md.read_text()
    for heading in ("## 1. Reaction latency", "## 3. Side by side with python-gsmmodem-new",
                    "## 4. Footprint", "## 5. Webhook intake", "## Targets", "ours/theirs"):
        assert heading in text, heading
