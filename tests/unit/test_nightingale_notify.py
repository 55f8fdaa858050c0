"""contrib/nightingale/gsmcall_notify.py against a stand-in for gsmcall's intake on 127.0.0.1:
what it posts for Nightingale's script-channel stdin (firing, recovered, with and without
sendto), that every body is the shape /alerts takes, and which answers it tries again."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from gsmcall.intake.payloads import parse_generic

SCRIPT = Path(__file__).resolve().parents[2] / "contrib" / "nightingale" / "gsmcall_notify.py"

EVENT = {
    "id": 1097371, "hash": "54f5543591c6dc0e30139cae196a1eee", "rule_id": 54, "rule_name": "MySQL 宕机",
    "severity": 1, "target_ident": "db1", "tags": ["instance=db1:9104", "job=mysql"],
    "annotations": {"summary": "db1 MySQL 不可用"}, "is_recovered": False, "notify_cur_number": 1,
}


class Intake:
    """Records each POST and answers with the next of ``codes`` (the last one repeats)."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], Any]] = []
        self.codes = [202]
        intake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                intake.posts.append((dict(self.headers), body))
                code = intake.codes.pop(0) if len(intake.codes) > 1 else intake.codes[0]
                self.send_response(code)
                self.send_header("Content-Length", "3")
                self.end_headers()
                self.wfile.write(b"ok\n")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"


@pytest.fixture
def intake() -> Iterator[Intake]:
    server = Intake()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def run(intake: Intake, stdin: dict[str, Any], token: str = "s3cret") -> subprocess.CompletedProcess[str]:
    env = {"GSMCALL_URL": intake.url, "GSMCALL_TOKEN": token, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(SCRIPT)], input=json.dumps(stdin), env=env,
                          capture_output=True, text=True, timeout=30, check=False)


def test_a_firing_event_becomes_one_generic_alert_with_the_token(intake: Intake) -> None:
    done = run(intake, {"events": [EVENT], "tpl": {}, "params": {}, "sendto": []})
    assert done.returncode == 0, done.stdout
    [(headers, body)] = intake.posts
    assert headers["Authorization"] == "Bearer s3cret"
    assert body == {"id": "n9e-54f5543591c6dc0e30139cae196a1eee", "status": "firing", "text": "MySQL 宕机: db1 MySQL 不可用"}
    parse_generic(body)


def test_a_recovered_event_resolves_the_same_id_and_sendto_numbers_are_the_phones(intake: Intake) -> None:
    recovered = {**EVENT, "is_recovered": True}
    done = run(intake, {"events": [recovered], "sendto": ["18712340001", "ops@example.com"]})
    assert done.returncode == 0, done.stdout
    [(_, body)] = intake.posts
    assert (body["id"], body["status"], body["phones"]) == ("n9e-" + EVENT["hash"], "resolved", ["18712340001"])
    parse_generic(body)


def test_a_batch_posts_every_event_and_no_token_sends_no_header(intake: Intake) -> None:
    other = {**EVENT, "hash": "0123456789abcdef0123456789abcdef", "annotations": {}}
    done = run(intake, {"events": [EVENT, other]}, token="")
    assert done.returncode == 0, done.stdout
    assert [body["id"] for _, body in intake.posts] == ["n9e-" + EVENT["hash"], "n9e-" + other["hash"]]
    assert intake.posts[1][1]["text"] == "MySQL 宕机"
    assert all("Authorization" not in headers for headers, _ in intake.posts)


def test_a_refused_event_exits_1_without_trying_again(intake: Intake) -> None:
    intake.codes = [401]
    done = run(intake, {"events": [EVENT]})
    assert done.returncode == 1 and "gsmcall answered 401" in done.stdout
    assert len(intake.posts) == 1


def _module() -> Any:
    spec = importlib.util.spec_from_file_location("gsmcall_notify", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_503_is_tried_again(intake: Intake, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _module()
    monkeypatch.setattr(module, "GSMCALL_URL", intake.url)
    monkeypatch.setattr(module, "PAUSE", 0)
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"events": [EVENT]})))
    intake.codes = [503, 202]
    assert module.main() == 0
    assert len(intake.posts) == 2


@pytest.mark.parametrize("stdin", [EVENT, [EVENT]], ids=["one event", "an array"])
def test_a_bare_event_or_array_is_read_too(intake: Intake, stdin: Any) -> None:
    done = run(intake, stdin)
    assert done.returncode == 0, done.stdout
    [(_, body)] = intake.posts
    assert body["id"] == "n9e-" + EVENT["hash"] and "phones" not in body
