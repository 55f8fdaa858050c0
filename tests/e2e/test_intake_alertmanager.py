"""The webhook intake fed by the real Prometheus Alertmanager (DESIGN §6).

First the harness itself: what Alertmanager 0.25 sends a webhook receiver, and when.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.alertmanager import Alertmanager, WebhookRecorder, require_binary

HOST_DOWN = {"alertname": "HostDown", "severity": "critical", "instance": "db1:9100"}


@pytest.fixture
def binary() -> str:
    return require_binary()


def test_harness_firing_repeat_and_resolved_reach_the_webhook(tmp_path, binary) -> None:
    with WebhookRecorder() as hook, Alertmanager(tmp_path / "am", hook.url, token="t0ken", binary=binary) as am:
        posted = time.monotonic()
        am.fire(HOST_DOWN, summary="db1 不可达")
        first = hook.wait_for(lambda bodies: bodies[:1], timeout=10, what="the first notification")[0]
        first_at = hook.received[0].at
        assert first["version"] == "4" and first["status"] == "firing" and first["receiver"] == "gsmcall"
        assert first["groupKey"] == '{}:{alertname="HostDown"}', first["groupKey"]
        (alert,) = first["alerts"]
        assert re.fullmatch(r"[0-9a-f]{16}", alert["fingerprint"]), alert
        assert alert["status"] == "firing" and alert["labels"] == HOST_DOWN
        assert alert["annotations"] == {"summary": "db1 不可达"}
        assert hook.received[0].header("Authorization") == "Bearer t0ken"
        assert hook.received[0].path == "/hook"

        repeat = hook.wait_for(lambda bodies: bodies[1:2], timeout=10, what="a repeat")[0]
        repeat_at = hook.received[1].at
        assert repeat["groupKey"] == first["groupKey"] and repeat["status"] == "firing"
        assert [a["fingerprint"] for a in repeat["alerts"]] == [alert["fingerprint"]]
        assert repeat_at - first_at >= 2.0 - 0.1, repeat_at - first_at  # not before repeat_interval

        am.resolve(HOST_DOWN)
        resolved = hook.wait_for(lambda bodies: [b for b in bodies if b["status"] == "resolved"], timeout=10,
                                 what="the resolved notification")[0]
        assert resolved["groupKey"] == first["groupKey"]
        (gone,) = resolved["alerts"]
        assert gone["fingerprint"] == alert["fingerprint"] and gone["status"] == "resolved"
        assert gone["endsAt"] < time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 1))
        print(f"first after {first_at - posted:.2f}s, repeat after {repeat_at - first_at:.2f}s")
    assert am.proc is None
