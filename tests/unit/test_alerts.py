"""The endpoint client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from gsmcall.intake.alert import Alert
from gsmcall.intake.endpoint import MAX_REPLY_BYTES, AlertClient, EndpointError, parse_alert, with_query
from gsmcall.config import AlertSettings
from tests.support.http_endpoint import Endless, EndpointServer, Trickle


@pytest.fixture
def server() -> Iterator[EndpointServer]:
    with EndpointServer() as endpoint:
        yield endpoint


def client_for(url: str, **overrides: object) -> AlertClient:
    return AlertClient(AlertSettings(url=url, **{"timeout": 5, **overrides}))  # type: ignore[arg-type]


@pytest.fixture
def client(server: EndpointServer) -> Iterator[AlertClient]:
    alert_client = client_for(server.url)
    yield alert_client
    alert_client.close()


def poll_error(client: AlertClient) -> str:
    with pytest.raises(EndpointError) as caught:
        client.poll()
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# --- GET ------------------------------------------------------------------------------------------


def test_alert(server: EndpointServer, client: AlertClient) -> None:
    server.queue_alert("60d536885fa2a8643fa4d3a0", ["18712345678", "18812345678", "18712345678"])
    assert client.poll() == Alert("60d536885fa2a8643fa4d3a0", ("18712345678", "18812345678", "18712345678"))
    (request,) = server.requests
    assert (request.method, request.path) == ("GET", "/alert/phone")


def test_no_alert(server: EndpointServer, client: AlertClient) -> None:
    assert client.poll() is None
    server.script_get([(200, {"code": 1})])
    assert client.poll() is None


def test_numbers_are_kept_as_given_but_stripped_and_ints_become_strings(
    server: EndpointServer, client: AlertClient
) -> None:
    server.queue_alert("m", [" +8618712345678\t", 18812345678, "*7218712345678", "010#"])
    assert client.poll() == Alert("m", ("+8618712345678", "18812345678", "*7218712345678", "010#"))


def test_integer_mid_becomes_a_string(server: EndpointServer, client: AlertClient) -> None:
    server.script_get([(200, {"code": 0, "mid": 42, "phone": ["1"]})])
    assert client.poll() == Alert("42", ("1",))


def test_http_error_status(server: EndpointServer, client: AlertClient) -> None:
    server.script_get([(500, "Internal <b>oops</b>\nsecond line")])
    message = poll_error(client)
    assert "HTTP 500" in message and "oops" in message


def test_not_json(server: EndpointServer, client: AlertClient) -> None:
    server.script_get([(200, "<html>login page</html>")])
    assert "not JSON" in poll_error(client)


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ([1, 2], "JSON object"),
        ({"phone": ["187"], "mid": "m"}, "'code'"),
        ({"phone": ["187"], "mid": "m", "code": 2}, "'code'"),
        ({"phone": ["187"], "mid": "m", "code": "0"}, "'code'"),
        ({"phone": ["187"], "mid": "m", "code": False}, "'code'"),
        ({"phone": ["187"], "code": 0}, "'mid'"),
        ({"phone": ["187"], "mid": "", "code": 0}, "'mid'"),
        ({"phone": ["187"], "mid": None, "code": 0}, "'mid'"),
        ({"mid": "m", "code": 0}, "'phone'"),
        ({"phone": [], "mid": "m", "code": 0}, "'phone'"),
        ({"phone": "18712345678", "mid": "m", "code": 0}, "'phone'"),
        ({"phone": ["187", ""], "mid": "m", "code": 0}, "phone[1]"),
        ({"phone": ["187", "  "], "mid": "m", "code": 0}, "phone[1]"),
        ({"phone": [None], "mid": "m", "code": 0}, "phone[0]"),
        ({"phone": [True], "mid": "m", "code": 0}, "phone[0]"),
        ({"phone": [1.5], "mid": "m", "code": 0}, "phone[0]"),
        ({"phone": [["187"]], "mid": "m", "code": 0}, "phone[0]"),
        ({"phone": ["187;+CMGD=1,4"], "mid": "m", "code": 0}, "phone[0]"),
        ({"phone": ["187\r\nATH"], "mid": "m", "code": 0}, "phone[0]"),
    ],
)
def test_wrong_shape_is_an_error_never_an_alert(
    server: EndpointServer, client: AlertClient, body: object, complaint: str
) -> None:
    server.script_get([(200, body)])
    assert complaint in poll_error(client)


def test_connection_refused() -> None:
    # A bound socket that never listens: connecting to it is refused, and no other test can take it.
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}/alert/phone"
        message = poll_error(client_for(url))
    assert "refused" in message.lower() and message.startswith("GET http://127.0.0.1:")


def test_timeout(server: EndpointServer) -> None:
    server.stall()
    started = time.monotonic()
    message = poll_error(client_for(server.url, timeout=0.3))
    assert "no answer within 0.3s" in message
    assert time.monotonic() - started < 3
    server.release()


def test_headers_are_sent_with_get_and_post(server: EndpointServer) -> None:
    client = client_for(server.url, headers={"Authorization": "Bearer t0k", "X-Site": "bj"})
    client.poll()
    client.post_result("m", None, [])
    for request in server.requests:
        assert request.header("authorization") == "Bearer t0k"
        assert request.header("X-Site") == "bj"
        assert request.header("User-Agent").startswith("gsmcall/")


def test_credentials_in_the_url_stay_out_of_error_messages() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        message = poll_error(client_for(f"http://user:s3cret@127.0.0.1:{unused.getsockname()[1]}/a"))
    assert "s3cret" not in message


# --- POST -----------------------------------------------------------------------------------------


def test_callback_with_resp(server: EndpointServer, client: AlertClient) -> None:
    attempts = [{"number": "18712345678", "result": "answered", "answered_after": 4.2}]
    client.post_result("60d5", "18712345678", attempts)
    post = server.wait_for_post(timeout=5)
    assert post.path == "/alert/phone"
    assert post.query == {"mid": ["60d5"], "resp": ["18712345678"]}
    assert post.json() == {"mid": "60d5", "resp": "18712345678", "attempts": attempts}
    assert post.header("Content-Type") == "application/json"


def test_callback_without_resp_has_no_resp_parameter(server: EndpointServer, client: AlertClient) -> None:
    client.post_result("60d5", None, [])
    post = server.wait_for_post(timeout=5)
    assert post.query == {"mid": ["60d5"]}
    assert post.json() == {"mid": "60d5", "resp": None, "attempts": []}


def test_plus_in_resp_survives_url_encoding(server: EndpointServer, client: AlertClient) -> None:
    client.post_result("m", "+8618712345678", [])
    assert server.wait_for_post(timeout=5).params["resp"] == "+8618712345678"


def test_callback_merges_with_an_existing_query_string(server: EndpointServer) -> None:
    client = client_for(server.url + "?token=abc&mid=stale")
    client.poll()
    client.post_result("m1", "187", [])
    get, post = server.requests
    assert get.query == {"token": ["abc"], "mid": ["stale"]}
    assert post.query == {"token": ["abc"], "mid": ["m1"], "resp": ["187"]}


def test_callback_error_status(server: EndpointServer, client: AlertClient) -> None:
    server.script_post([(503, {"code": 1}), (201, "")])
    with pytest.raises(EndpointError, match="HTTP 503"):
        client.post_result("m", None, [])
    client.post_result("m", None, [])  # any 2xx is delivered, whatever the body
    assert len(server.posts()) == 2


def test_callback_redirect_is_not_delivered(server: EndpointServer, client: AlertClient) -> None:
    server.script_post([(302, "")])
    with pytest.raises(EndpointError, match="HTTP 302"):
        client.post_result("m", None, [])


def test_callback_connection_refused() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        client = client_for(f"http://127.0.0.1:{unused.getsockname()[1]}/alert/phone")
        with pytest.raises(EndpointError, match="refused"):
            client.post_result("m", "1", [])


# --- a slow or hostile endpoint: bounded in time and memory, always an EndpointError ---------------


def timed_poll_error(client: AlertClient) -> tuple[str, float]:
    started = time.monotonic()
    message = poll_error(client)
    return message, time.monotonic() - started


def peak_memory_of_poll_error(client: AlertClient) -> tuple[str, int]:
    """The poll's error and the most memory Python held meanwhile (all threads)."""
    tracemalloc.start()
    try:
        message = poll_error(client)
        return message, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("headers", [True, False], ids=["from-status-line", "body-only"])
def test_trickling_reply_fails_at_the_timeout_not_per_read(server: EndpointServer, headers: bool) -> None:
    # A byte every 0.2 s: each read is answered in time, and the whole reply takes over 10 s.
    server.script_get([(200, Trickle(interval=0.2, headers=headers))])
    client = client_for(server.url, timeout=1)
    message, elapsed = timed_poll_error(client)
    assert "answer within 1s" in message
    assert 0.9 < elapsed < 1.5
    assert client.poll() is None  # the client (its connection pool) is fine afterwards


def test_trickling_callback_fails_at_the_timeout(server: EndpointServer) -> None:
    server.script_post([(200, Trickle(interval=0.2))])
    client = client_for(server.url, timeout=1)
    started = time.monotonic()
    with pytest.raises(EndpointError, match="no answer within 1s"):
        client.post_result("m", None, [])
    assert time.monotonic() - started < 1.5


def test_callback_answered_2xx_is_delivered_without_waiting_for_its_body(server: EndpointServer) -> None:
    server.script_post([(200, Trickle(interval=0.2, headers=False))])
    client = client_for(server.url, timeout=1)
    started = time.monotonic()
    client.post_result("m", None, [])  # the status says delivered; the body is not the news
    assert time.monotonic() - started < 0.5


def test_endless_body_is_refused_at_the_cap_without_growing_memory(server: EndpointServer) -> None:
    endless = Endless()
    server.script_get([(200, endless)])
    message, peak = peak_memory_of_poll_error(client_for(server.url, timeout=5))
    assert "over the 1 MiB limit" in message  # not a timeout: it stopped reading at the cap
    assert peak < 3 * MAX_REPLY_BYTES


def test_declared_length_over_the_cap_is_refused_unread(server: EndpointServer) -> None:
    server.script_get([(200, Endless(declared_length=MAX_REPLY_BYTES + 1))])
    message, peak = peak_memory_of_poll_error(client_for(server.url, timeout=5))
    assert f"reply of {MAX_REPLY_BYTES + 1} bytes is over the 1 MiB limit" in message
    assert peak < MAX_REPLY_BYTES // 4


def padded_alert(size: int) -> bytes:
    """A valid alert reply of exactly ``size`` bytes (JSON whitespace before its last brace)."""
    document = json.dumps({"phone": ["18712345678"], "code": 0, "mid": "big"}).encode()
    return document[:-1] + b" " * (size - len(document)) + b"}"


@pytest.mark.parametrize("size", [MAX_REPLY_BYTES - 1, MAX_REPLY_BYTES])
def test_reply_up_to_the_cap_is_read(server: EndpointServer, client: AlertClient, size: int) -> None:
    server.script_get([(200, padded_alert(size))])
    assert client.poll() == Alert("big", ("18712345678",))


def test_reply_one_byte_over_the_cap_is_refused(server: EndpointServer, client: AlertClient) -> None:
    server.script_get([(200, padded_alert(MAX_REPLY_BYTES + 1))])
    assert "over the 1 MiB limit" in poll_error(client)


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b"[" * 100_000, "not JSON (nested too deeply"),
        (b'{"code": ' * 100_000, "not JSON (nested too deeply"),
        (b'{"code": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not JSON (nested too deeply"),
        (b'{"code": 1' + b"0" * 100_000 + b"}", "digits"),
        (b'{"code": 1, "msg": "\xff\xfe"}', "not JSON"),
    ],
    ids=["open-brackets", "open-objects", "deep-value", "endless-digits", "not-utf-8"],
)
def test_json_python_cannot_decode_is_an_endpoint_error(
    server: EndpointServer, client: AlertClient, body: bytes, complaint: str
) -> None:
    server.script_get([(200, body)])
    message = poll_error(client)
    assert complaint in message and len(message) < 500


def test_value_nested_just_within_the_decoder_is_still_an_endpoint_error(
    server: EndpointServer, client: AlertClient
) -> None:
    # Decodable (or nearly): either way too deep to repr() in the complaint about 'code'.
    depth = 950
    server.script_get([(200, b'{"code": ' + b"[" * depth + b"]" * depth + b"}")])
    message = poll_error(client)
    assert "unusable reply" in message or "nested too deeply" in message


# --- the test server behaves like the seed's --------------------------------------------------------


def test_server_serves_an_alert_until_its_callback_is_acknowledged(
    server: EndpointServer, client: AlertClient
) -> None:
    server.queue_alert("a", ["1"])
    server.queue_alert("b", ["2"])
    assert client.poll() == Alert("a", ("1",))
    assert client.poll() == Alert("a", ("1",))
    server.script_post([(500, "")])
    with pytest.raises(EndpointError):
        client.post_result("a", None, [])
    assert client.poll() == Alert("a", ("1",))
    client.post_result("a", None, [])
    assert client.poll() == Alert("b", ("2",))
    server.set_no_alert()
    assert client.poll() is None


def test_wait_for_post_times_out_with_an_assertion(server: EndpointServer) -> None:
    with pytest.raises(AssertionError, match="POST"):
        server.wait_for_post(timeout=0.05)


def test_unknown_path_is_404(server: EndpointServer) -> None:
    client = client_for(server.url.replace("/alert/phone", "/other"))
    assert "HTTP 404" in poll_error(client)


# --- pure helpers ---------------------------------------------------------------------------------


def test_with_query_replaces_and_appends() -> None:
    assert with_query("http://h/p", {"mid": "x"}) == "http://h/p?mid=x"
    assert with_query("http://h/p?a=1&mid=y&b=", {"mid": "x"}) == "http://h/p?a=1&b=&mid=x"


def test_parse_alert_no_alert_ignores_the_rest() -> None:
    assert parse_alert({"code": 1, "msg": "无告警"}) is None


def test_parse_alert_keeps_an_optional_text_and_never_drops_the_alert_for_a_bad_one() -> None:
    base = {"code": 0, "mid": "m1", "phone": ["18712345678"]}
    assert parse_alert({**base, "text": "  数据库\n主库宕机 "}).text == "数据库 主库宕机"
    assert parse_alert(base).text is None
    for bad in (None, 42, ["x"], {"a": 1}, "   "):
        alert = parse_alert({**base, "text": bad})
        assert alert is not None and alert.text is None and alert.numbers == ("18712345678",)
    assert len(parse_alert({**base, "text": "告" * 2000}).text) == 500
