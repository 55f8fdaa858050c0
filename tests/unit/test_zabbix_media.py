"""The Zabbix media type script shipped in contrib/zabbix, run under node with stand-ins for
Zabbix's ``HttpRequest`` and ``Zabbix.log``: what it would POST to gsmcall for a problem, a
recovery, an acknowledgement and a plain update, and that the importable YAML carries the same
script. Node is not Duktape (Zabbix's engine is ECMAScript 5.1), so ES6 syntax is checked apart."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from gsmcall.intake.payloads import parse_generic

CONTRIB = Path(__file__).resolve().parents[2] / "contrib" / "zabbix"
SCRIPT = CONTRIB / "gsmcall_media.js"
MEDIA_TYPE = CONTRIB / "gsmcall_mediatype.yaml"
NODE = shutil.which("node")

# Runs the script as Zabbix does (its body in a function of `value`) and prints what happened.
HARNESS = r"""
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const sent = {headers: [], posts: [], proxy: null, logs: []};
function HttpRequest() {}
HttpRequest.prototype.addHeader = function (h) { sent.headers.push(h); };
HttpRequest.prototype.setProxy = function (p) { sent.proxy = p; };
HttpRequest.prototype.post = function (url, body) { sent.posts.push({url: url, body: body}); return input.answer; };
HttpRequest.prototype.getStatus = function () { return input.status; };
const Zabbix = {log: function (level, text) { sent.logs.push(text); }};
const run = new Function('value', 'HttpRequest', 'Zabbix', fs.readFileSync(input.script, 'utf8'));
try {
  sent.result = run(JSON.stringify(input.params), HttpRequest, Zabbix);
} catch (e) {
  sent.error = String(e);
}
process.stdout.write(JSON.stringify(sent));
"""

PROBLEM = {
    "gsmcall_url": "http://192.168.1.20:9466/alerts",
    "gsmcall_token": "s3cret",
    "eventid": "1234567",
    "eventvalue": "1",
    "eventupdate": "0",
    "eventack": "No",
    "event_source": "0",
    "subject": "db1: MySQL is down",
    "message": "Problem started at 01:02:03 on 2026.12.02\nHost: db1",
    "sendto": "roster",
    "HTTPProxy": "",
}

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the Zabbix media script is not run")


def run(params: dict[str, str], status: int = 202, answer: str = "accepted 1 alert(s)\n") -> dict[str, Any]:
    done = subprocess.run(
        [NODE, "-e", HARNESS],
        input=json.dumps({"script": str(SCRIPT), "params": params, "status": status, "answer": answer}),
        capture_output=True, text=True, timeout=30, check=True,
    )
    return json.loads(done.stdout)


def posted(params: dict[str, str]) -> dict[str, Any]:
    sent = run(params)
    assert "error" not in sent, sent
    assert sent["result"] == "OK"
    [post] = sent["posts"]
    assert post["url"] == params["gsmcall_url"]
    body = json.loads(post["body"])
    parse_generic(body)  # the shape gsmcall's /alerts takes, or PayloadError
    return body


def test_a_problem_fires_with_the_event_id_the_subject_and_the_token() -> None:
    sent = run(PROBLEM)
    assert sent["result"] == "OK"
    assert "Authorization: Bearer s3cret" in sent["headers"]
    assert "Content-Type: application/json" in sent["headers"]
    assert posted(PROBLEM) == {"id": "zabbix-1234567", "status": "firing", "text": "db1: MySQL is down"}


def test_a_recovery_resolves_the_same_id() -> None:
    body = posted({**PROBLEM, "eventvalue": "0", "subject": "Resolved: db1: MySQL is down"})
    assert (body["id"], body["status"]) == ("zabbix-1234567", "resolved")


def test_an_acknowledgement_in_zabbix_stops_the_ringing() -> None:
    body = posted({**PROBLEM, "eventupdate": "1", "eventack": "Yes"})
    assert (body["id"], body["status"]) == ("zabbix-1234567", "resolved")


def test_an_update_without_acknowledgement_is_not_sent() -> None:
    sent = run({**PROBLEM, "eventupdate": "1", "eventack": "No"})
    assert sent["posts"] == [] and sent["result"] == "skipped"


def test_send_to_numbers_become_phones_and_roster_or_empty_leaves_them_out() -> None:
    assert posted({**PROBLEM, "sendto": "18712340001, +8618712340002"})["phones"] == ["18712340001", "+8618712340002"]
    assert "phones" not in posted({**PROBLEM, "sendto": "Roster"})
    assert "phones" not in posted({**PROBLEM, "sendto": ""})


def test_a_send_to_that_is_neither_numbers_nor_roster_is_an_error_not_the_roster() -> None:
    sent = run({**PROBLEM, "sendto": "zhang"})
    assert sent["posts"] == [] and "Send to must be phone numbers" in sent["error"]


def test_the_message_is_the_text_only_when_the_subject_is_empty_and_no_token_sends_no_header() -> None:
    params = {**PROBLEM, "subject": " ", "gsmcall_token": ""}
    assert posted(params)["text"] == PROBLEM["message"]
    assert not any(h.startswith("Authorization") for h in run(params)["headers"])


@pytest.mark.parametrize(("status", "answer"), [(503, "the alert could not be stored; try again\n"), (401, "Authorization: Bearer <token> is missing or wrong\n")])
def test_anything_but_202_is_thrown_so_zabbix_shows_it_and_retries(status: int, answer: str) -> None:
    sent = run(PROBLEM, status=status, answer=answer)
    assert f"gsmcall answered {status}: {answer.strip()}" in sent["error"]


def test_a_wrong_url_or_event_id_is_refused_before_sending() -> None:
    assert "gsmcall_url must be" in run({**PROBLEM, "gsmcall_url": "http://192.168.1.20:9466/alertmanager"})["error"]
    assert "eventid must be" in run({**PROBLEM, "eventid": "{EVENT.ID}"})["error"]


def test_the_proxy_is_used_when_given() -> None:
    assert run({**PROBLEM, "HTTPProxy": "http://proxy:3128"})["proxy"] == "http://proxy:3128"


def test_the_importable_media_type_carries_the_same_script_and_every_parameter_it_reads() -> None:
    [media] = yaml.safe_load(MEDIA_TYPE.read_text(encoding="utf-8"))["zabbix_export"]["media_types"]
    script = SCRIPT.read_text(encoding="utf-8")
    assert media["type"] == "WEBHOOK"
    assert media["script"] == script
    names = {p["name"] for p in media["parameters"]}
    assert names == set(re.findall(r"params\.(\w+)", script))


def test_the_script_is_ecmascript_5_for_duktape() -> None:
    code = re.sub(r"//[^\n]*", "", SCRIPT.read_text(encoding="utf-8"))
    for es6 in (r"\blet\s", r"\bconst\s", r"=>", "`", r"\.includes\(", r"\.startsWith\(", r"\.endsWith\("):
        assert not re.search(es6, code), f"not ECMAScript 5.1: {es6}"
