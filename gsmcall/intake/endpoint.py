"""Client for the alert endpoint (the seed's protocol, DESIGN.md section 3).

Everything the endpoint can get wrong becomes an EndpointError with a one-line reason, so the
daemon can log it, back off and try again; nothing it sends is ever mistaken for an alert.

The poll and the callback run on the loop that owns the modem, so an endpoint must not be able
to hold it: ``alerts.timeout`` bounds each whole request (connect, status line, headers, body),
not each socket read as requests' own timeout does, and a reply is read only up to
``MAX_REPLY_BYTES``.  A slow, endless or absurd reply is one more EndpointError.

Every request, the poll and the callback alike, goes through ``AlertClient._request``, which
logs it at DEBUG (``-v``) as one line with its status and time; the headers, which may carry
a token, never reach the log, and the URL is shown as ``redact.shown_url`` shows it.
"""

from __future__ import annotations

import codecs
import http.client
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import urllib3.exceptions

from gsmcall import __version__
from gsmcall.config import AlertSettings
from gsmcall.dialstring import is_diallable
from gsmcall.intake.alert import Alert
from gsmcall.intake.deadline import Deadline, DeadlineAdapter
from gsmcall.redact import shown_url

log = logging.getLogger(__name__)

_SNIPPET = 80
MAX_REPLY_BYTES = 1024 * 1024  # a poll reply is a few hundred bytes; anything near this is not one
_CHUNK = 64 * 1024
_ERROR_PEEK = 4096  # enough of an error page for the log line's snippet
_MAX_INT_DIGITS = 4300  # Python 3.11's own limit for int(str); 3.10 has none and is quadratic
# The exceptions a request can end with; EndpointError is raised for each of them.
_TRANSPORT_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)


class EndpointError(Exception):
    """The endpoint could not be used this time; str() is a single line fit for the log.

    ``reason`` is that line without the request it names and ``status`` the HTTP status the
    endpoint answered with, if it did: what the ``-v`` line of the request shows."""

    def __init__(self, message: str, reason: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.reason = message if reason is None else reason
        self.status = status


def _failed(what: str, reason: str, status: int | None = None) -> EndpointError:
    return EndpointError(f"{what}: {reason}", reason, status)


def _took(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def _log_request(method: str, url: str, started: float, status: int | None, failure: str | None = None) -> None:
    """The one ``-v`` line of a request: ``GET <url> -> 200 in 12 ms``, or how it failed."""
    took = _took(time.monotonic() - started)
    if status is not None:
        log.debug("%s %s -> %d in %s", method, shown_url(url), status, took)
    else:
        log.debug("%s %s -> failed after %s: %s", method, shown_url(url), took, failure)


def _one_line(text: str, limit: int = _SNIPPET) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost cause: "[Errno 111] Connection refused" instead of urllib3's wrapper prose."""
    for _ in range(10):  # the chain is short; the bound only guards against a cycle
        if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
            inner = exc.reason
        elif exc.args and isinstance(exc.args[0], BaseException):
            inner = exc.args[0]  # requests wraps urllib3's exception as its first argument
        else:
            inner = exc.__cause__
        if inner is None:
            break
        exc = inner
    return exc


def _describe(exc: BaseException) -> str:
    cause = _root_cause(exc)
    return f"{type(cause).__name__}: {_one_line(str(cause), 200)}"


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to its query string, replacing keys of the same name."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode(kept + list(params.items()))))


def _bounded_int(digits: str) -> int:
    """json's int parser with a length limit, so a megabyte of digits is refused at once."""
    if len(digits) > _MAX_INT_DIGITS:
        raise ValueError(f"a number of {len(digits)} digits")
    return int(digits)


def decode_json(data: bytes, encoding: str | None) -> Any:
    """The JSON document in ``data``; ValueError with a one-line reason for anything Python
    cannot decode, whatever the decoder raised (nesting deeper than the stack, digits without
    end, bytes that are not the declared charset)."""
    try:
        if encoding is None or codecs.lookup(encoding).name == "utf-8":
            return json.loads(data, parse_int=_bounded_int)  # bytes: json finds UTF-8/16/32 itself
        return json.loads(data.decode(encoding), parse_int=_bounded_int)
    except RecursionError:
        raise ValueError("nested too deeply to decode") from None
    except MemoryError:
        raise ValueError("too large to decode") from None
    except LookupError:
        raise ValueError(f"unknown charset {_one_line(repr(encoding))}") from None
    except ValueError as exc:  # also UnicodeDecodeError
        raise ValueError(_one_line(str(exc), 200)) from None


def _text(data: bytes, encoding: str | None) -> str:
    """``data`` as text for a log snippet: never fails, whatever the charset claims."""
    try:
        return data.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _phone(index: int, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not is_diallable(value.strip()):
        raise ValueError(f"phone[{index}] is not a diallable number: {_one_line(repr(value))}")
    return value.strip()


MAX_TEXT = 500  # characters of an alert's text kept for speech and SMS


def parse_alert(document: Any) -> Alert | None:
    """Turn a decoded GET reply into an Alert, None for "no alert", or raise ValueError."""
    if not isinstance(document, dict):
        raise ValueError(f"expected a JSON object, got {type(document).__name__}")  # noqa: TRY004 - callers catch ValueError
    code = document.get("code")
    if isinstance(code, bool) or code not in (0, 1):
        raise ValueError(f"'code' must be 0 or 1, got {_one_line(repr(code))}")
    if code == 1:
        return None
    mid = document.get("mid")
    if isinstance(mid, int) and not isinstance(mid, bool):
        mid = str(mid)
    if not isinstance(mid, str) or not mid.strip():
        raise ValueError(f"'mid' must be a non-empty string, got {_one_line(repr(mid))}")
    phones = document.get("phone")
    if not isinstance(phones, list) or not phones:
        raise ValueError(f"'phone' must be a non-empty list, got {_one_line(repr(phones))}")
    return Alert(key=mid, numbers=tuple(_phone(i, p) for i, p in enumerate(phones)), text=_alert_text(document))


def _alert_text(document: dict[str, Any]) -> str | None:
    """The optional ``"text"``; one that is not a string is dropped, never the alert with it
    (calls.default_text is spoken instead).  Long texts are cut: a call is not a report."""
    text = document.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    return " ".join(text.split())[:MAX_TEXT]


def _read(response: requests.Response, deadline: Deadline, limit: int) -> tuple[bytes, bool]:
    """The body up to ``limit`` bytes, and whether there was more; it stops reading there,
    and early when the deadline has passed (the caller checks ``deadline.expired``)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(_CHUNK):
        size += len(chunk)
        if size > limit:
            return b"".join(chunks), True
        chunks.append(chunk)
        if deadline.expired:
            break
    return b"".join(chunks), False


class AlertClient:
    """Polls the endpoint for alerts and posts each alert's result back to it."""

    def __init__(self, settings: AlertSettings, session: requests.Session | None = None,
                 health: Callable[[], Mapping[str, str]] = dict) -> None:
        """``health`` gives the headers that tell the endpoint how the caller is (DESIGN §3:
        ``X-Gsmcall-Modem``, ``X-Gsmcall-Signal``), read afresh for every request."""
        self._settings = settings
        self._health = health
        self._session = session or requests.Session()
        self._session.headers["User-Agent"] = f"gsmcall/{__version__}"  # tells the server's log who polls
        adapter = DeadlineAdapter()  # without it alerts.timeout would bound each read, not the request
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._shown_url = shown_url(settings.url)

    def close(self) -> None:
        self._session.close()

    def _request(self, method: str, url: str, *, read_body: bool, **kwargs: Any) -> tuple[bytes, str | None]:
        """One request within ``alerts.timeout`` from start to end: a 2xx reply's body (read up to
        MAX_REPLY_BYTES, only when ``read_body``) and its charset; any other status is an error."""
        started = time.monotonic()
        try:
            status, body, encoding = self._exchange(method, url, read_body, **kwargs)
        except EndpointError as exc:
            _log_request(method, url, started, exc.status, exc.reason)
            raise
        _log_request(method, url, started, status)
        return body, encoding

    def _exchange(self, method: str, url: str, read_body: bool, **kwargs: Any) -> tuple[int, bytes, str | None]:
        what = f"{method} {self._shown_url}"
        timeout = self._settings.timeout
        with Deadline(timeout) as deadline:
            try:
                response = self._session.request(
                    method,
                    url,
                    headers={**self._settings.headers, **self._health()},
                    timeout=timeout,
                    verify=self._settings.verify_tls,
                    stream=True,
                    **kwargs,
                )
            except _TRANSPORT_ERRORS as exc:
                if isinstance(exc, requests.Timeout) or deadline.expired:
                    raise _failed(what, f"no answer within {timeout:g}s") from None
                raise _failed(what, _describe(exc)) from None
            with response:
                if not 200 <= response.status_code < 300:
                    raise self._status_error(what, response, deadline)
                if not read_body:
                    return response.status_code, b"", response.encoding  # any 2xx counts, whatever its body
                return response.status_code, *self._read_reply(what, response, deadline)

    def _read_reply(self, what: str, response: requests.Response, deadline: Deadline) -> tuple[bytes, str | None]:
        limit = f"the {MAX_REPLY_BYTES // 1024 // 1024} MiB limit"
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > MAX_REPLY_BYTES:
            raise _failed(what, f"reply of {int(declared)} bytes is over {limit}; not read")
        try:
            body, more = _read(response, deadline, MAX_REPLY_BYTES)
        except _TRANSPORT_ERRORS as exc:
            if not deadline.expired:
                raise _failed(what, f"reply broken off: {_describe(exc)}") from None
            body, more = b"", False
        if more:
            raise _failed(what, f"reply is over {limit}; not read further")
        if deadline.expired:
            raise _failed(what, f"no complete answer within {self._settings.timeout:g}s")
        return body, response.encoding

    @staticmethod
    def _status_error(what: str, response: requests.Response, deadline: Deadline) -> EndpointError:
        status = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
        try:
            peek, _ = _read(response, deadline, _ERROR_PEEK)  # the status is the news; a glimpse will do
        except _TRANSPORT_ERRORS:
            peek = b""
        body = _one_line(_text(peek, response.encoding))
        return _failed(what, f"{status}: {body}" if body else status, response.status_code)

    def poll(self) -> Alert | None:
        """Ask for the next alert; None when the endpoint says there is nothing to call."""
        body, encoding = self._request("GET", self._settings.url, read_body=True)
        try:
            document = decode_json(body, encoding)
        except ValueError as exc:
            snippet = _one_line(_text(body, encoding)) or "(empty)"
            raise EndpointError(f"GET {self._shown_url}: reply is not JSON ({exc}): {snippet}") from None
        try:
            return parse_alert(document)
        except (ValueError, RecursionError) as exc:  # RecursionError: repr() of a value nested deep
            raise EndpointError(f"GET {self._shown_url}: unusable reply: {exc}") from None

    def post_result(self, mid: str, resp: str | None, attempts: list[dict]) -> None:
        """Report an alert's outcome: who answered (``resp``), or nobody (None).

        Redirects are not followed: requests would turn a redirected POST into a GET, and a
        callback that silently became a poll would count as delivered.  The reply's body is not
        read: the status says it was delivered, and an endless body must not turn a delivered
        callback into a failed one that would be posted again.
        """
        params = {"mid": mid} if resp is None else {"mid": mid, "resp": resp}
        self.post_json({"mid": mid, "resp": resp, "attempts": attempts}, params)

    def post_json(self, body: dict[str, Any], params: dict[str, str] | None = None) -> None:
        """POST ``body`` as JSON to the configured URL (with ``params`` in its query), not
        following redirects and not reading the reply, for the reasons post_result gives."""
        url = with_query(self._settings.url, params) if params else self._settings.url
        self._request("POST", url, read_body=False, json=body, allow_redirects=False)
