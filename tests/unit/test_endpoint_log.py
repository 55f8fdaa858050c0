"""The ``-v`` line of each HTTP request: one per request, with its status or how it failed, and
its time; never the headers, the URL's user:password or a token in its query."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from gsmcall.config import AlertSettings
from gsmcall.intake.endpoint import AlertClient, EndpointError
from tests.support.http_endpoint import EndpointServer
from tests.support.wire import closed_port

SECRETS = {"Authorization": "Bearer t0k-s3cret"}


@pytest.fixture
def server() -> Iterator[EndpointServer]:
    with EndpointServer() as endpoint:
        yield endpoint


def client_for(url: str) -> AlertClient:
    return AlertClient(AlertSettings(url=url, timeout=5, headers=SECRETS))


def request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "gsmcall.intake.endpoint"]


def test_a_poll_and_a_callback_are_one_line_each_with_status_and_time(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.queue_alert("m1", ["18712345678"])
    client = client_for(server.url.replace("://", "://ops:pw@") + "?token=abc")
    client.poll()
    client.post_result("m1", "+8618712345678", [])
    client.close()
    get, post = request_lines(caplog)
    assert re.fullmatch(rf"GET {re.escape(server.url)}\?token=\*\*\* -> 200 in \d+ ms", get), get
    assert re.fullmatch(rf"POST {re.escape(server.url)}\?token=\*\*\*&mid=m1&resp=\+8618712345678 -> 200 in \d+ ms",
                        post), post
    assert not [r for r in caplog.records if "s3cret" in r.getMessage() or ":pw@" in r.getMessage()]


def test_an_error_status_is_its_line(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.script_get([(503, "busy")])
    with pytest.raises(EndpointError):
        client_for(server.url).poll()
    (line,) = request_lines(caplog)
    assert re.fullmatch(rf"GET {re.escape(server.url)} -> 503 in \d+ ms", line), line


def test_a_request_without_an_answer_says_how_it_failed_and_when(caplog):
    caplog.set_level(logging.DEBUG)
    url = f"http://127.0.0.1:{closed_port()}/a"
    with pytest.raises(EndpointError):
        client_for(url).poll()
    (line,) = request_lines(caplog)
    assert re.fullmatch(rf"GET {re.escape(url)} -> failed after \d+ ms: \w*ConnectionRefused\w*: .+", line), line
