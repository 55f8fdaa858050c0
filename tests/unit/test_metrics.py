"""Prometheus metrics, scraped over loopback HTTP the way Prometheus would."""

from __future__ import annotations

import math
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from gsmcall.metrics import SMS_OUTCOMES, Metrics

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def served() -> Iterator[tuple[Metrics, str]]:
    metrics = Metrics()
    host, port = metrics.serve("127.0.0.1", 0)
    yield metrics, f"http://{host}:{port}/metrics"
    metrics.close()


def scrape(url: str) -> Samples:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_series_exist_before_any_event(served: tuple[Metrics, str]) -> None:
    samples = scrape(served[1])
    assert samples[("gsmcall_calls_total", (("result", "answered"),))] == 0
    assert samples[("gsmcall_calls_total", (("result", "no_answer"),))] == 0
    for outcome in SMS_OUTCOMES:
        assert samples[("gsmcall_sms_total", (("outcome", outcome),))] == 0
    assert samples[("gsmcall_modem_up", ())] == 0
    assert math.isnan(samples[("gsmcall_signal_dbm", ())])


def test_values_after_the_daemon_reports(served: tuple[Metrics, str]) -> None:
    metrics, url = served
    metrics.call_finished("answered")
    metrics.call_finished("no_answer")
    metrics.call_finished("no_answer")
    metrics.callbacks_pending(2)
    metrics.sms_processed("dialled")
    metrics.sms_processed("refused")
    metrics.sms_processed("refused")
    metrics.sms_processed("undecodable")
    metrics.modem_up(True)
    metrics.registration("home")
    metrics.signal_dbm(-81)
    metrics.poll_succeeded(1_700_000_000.5)

    samples = scrape(url)
    assert samples[("gsmcall_calls_total", (("result", "answered"),))] == 1
    assert samples[("gsmcall_calls_total", (("result", "no_answer"),))] == 2
    assert samples[("gsmcall_calls_total", (("result", "busy"),))] == 0
    assert samples[("gsmcall_callbacks_pending", ())] == 2
    assert samples[("gsmcall_sms_total", (("outcome", "dialled"),))] == 1
    assert samples[("gsmcall_sms_total", (("outcome", "refused"),))] == 2
    assert samples[("gsmcall_sms_total", (("outcome", "not_command"),))] == 0
    assert samples[("gsmcall_sms_total", (("outcome", "undecodable"),))] == 1
    assert samples[("gsmcall_modem_up", ())] == 1
    assert samples[("gsmcall_registration", (("state", "home"),))] == 1
    assert samples[("gsmcall_signal_dbm", ())] == -81
    assert samples[("gsmcall_last_poll_success_timestamp_seconds", ())] == 1_700_000_000.5


def test_registration_keeps_only_the_current_state_at_one(served: tuple[Metrics, str]) -> None:
    metrics, url = served
    metrics.registration("home")
    metrics.registration("searching")
    samples = scrape(url)
    assert samples[("gsmcall_registration", (("state", "home"),))] == 0
    assert samples[("gsmcall_registration", (("state", "searching"),))] == 1


def test_modem_down_and_unknown_signal(served: tuple[Metrics, str]) -> None:
    metrics, url = served
    metrics.modem_up(True)
    metrics.signal_dbm(-95)
    metrics.modem_up(False)
    metrics.signal_dbm(None)
    samples = scrape(url)
    assert samples[("gsmcall_modem_up", ())] == 0
    assert math.isnan(samples[("gsmcall_signal_dbm", ())])


def test_instances_are_independent() -> None:
    """Each Metrics has its own registry: two in one process neither clash nor share counts."""
    first, second = Metrics(), Metrics()
    try:
        first_url = "http://127.0.0.1:%d/metrics" % first.serve("127.0.0.1", 0)[1]
        second_url = "http://127.0.0.1:%d/metrics" % second.serve("127.0.0.1", 0)[1]
        first.call_finished("busy")
        assert scrape(first_url)[("gsmcall_calls_total", (("result", "busy"),))] == 1
        assert scrape(second_url)[("gsmcall_calls_total", (("result", "busy"),))] == 0
    finally:
        first.close()
        second.close()


def test_close_stops_serving() -> None:
    metrics = Metrics()
    port = metrics.serve("127.0.0.1", 0)[1]
    metrics.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5)


def test_an_address_in_use_fails_at_once(served: tuple[Metrics, str]) -> None:
    port = int(served[1].rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(OSError):
        Metrics().serve("127.0.0.1", port)


def test_capabilities_say_what_the_probe_found(served: tuple[Metrics, str]) -> None:
    metrics, url = served
    metrics.capabilities({"speech": False, "key_detection": True})
    samples = scrape(url)
    assert samples[("gsmcall_modem_capability", (("capability", "speech"),))] == 0
    assert samples[("gsmcall_modem_capability", (("capability", "key_detection"),))] == 1


def test_metrics_off_takes_every_call_the_daemon_makes_without_prometheus() -> None:
    import subprocess
    import sys

    from gsmcall.metrics_off import MetricsOff

    assert MetricsOff().call_finished("answered") is None  # taken and dropped
    probe = "import sys, gsmcall.cli, gsmcall.runtime.loop, gsmcall.runtime.parts; print('prometheus_client' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"
