"""Client for the alert endpoint (the seed's protocol, DESIGN.md section 3).

Everything the endpoint can get wrong becomes an EndpointError with a one-line reason, so the
daemon can log it, back off and try again; nothing it sends is ever mistaken for an alert.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import urllib3.exceptions

from gsmcall import __version__
from gsmcall.config import AlertSettings
from gsmcall.dialstring import is_diallable
from gsmcall.intake.alert import Alert

_SNIPPET = 80


class EndpointError(Exception):
    """The endpoint could not be used this time; str() is a single line fit for the log."""


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


def _display_url(url: str) -> str:
    """The URL without user:password, which must not reach the log."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to its query string, replacing keys of the same name."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode(kept + list(params.items()))))


def _phone(index: int, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not is_diallable(value.strip()):
        raise ValueError(f"phone[{index}] is not a diallable number: {_one_line(repr(value))}")
    return value.strip()


def parse_alert(document: Any) -> Alert | None:
    """Turn a decoded GET reply into an Alert, None for "no alert", or raise ValueError."""
    if not isinstance(document, dict):
        raise ValueError(f"expected a JSON object, got {type(document).__name__}")
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
    return Alert(key=mid, numbers=tuple(_phone(i, p) for i, p in enumerate(phones)))


class AlertClient:
    """Polls the endpoint for alerts and posts each alert's result back to it."""

    def __init__(self, settings: AlertSettings, session: requests.Session | None = None) -> None:
        self._settings = settings
        self._session = session or requests.Session()
        self._session.headers["User-Agent"] = f"gsmcall/{__version__}"  # tells the server's log who polls
        self._shown_url = _display_url(settings.url)

    def close(self) -> None:
        self._session.close()

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        what = f"{method} {self._shown_url}"
        try:
            response = self._session.request(
                method,
                url,
                headers=dict(self._settings.headers),
                timeout=self._settings.timeout,
                verify=self._settings.verify_tls,
                **kwargs,
            )
        except requests.Timeout:
            raise EndpointError(f"{what}: no answer within {self._settings.timeout:g}s") from None
        except requests.RequestException as exc:
            cause = _root_cause(exc)
            raise EndpointError(f"{what}: {type(cause).__name__}: {_one_line(str(cause), 200)}") from None
        if not 200 <= response.status_code < 300:
            status = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
            body = _one_line(response.text)
            raise EndpointError(f"{what}: {status}: {body}" if body else f"{what}: {status}")
        return response

    def poll(self) -> Alert | None:
        """Ask for the next alert; None when the endpoint says there is nothing to call."""
        response = self._request("GET", self._settings.url)
        try:
            document = response.json()
        except ValueError:
            raise EndpointError(
                f"GET {self._shown_url}: reply is not JSON: {_one_line(response.text) or '(empty)'}"
            ) from None
        try:
            return parse_alert(document)
        except ValueError as exc:
            raise EndpointError(f"GET {self._shown_url}: unusable reply: {exc}") from None

    def post_result(self, mid: str, resp: str | None, attempts: list[dict]) -> None:
        """Report an alert's outcome: who answered (``resp``), or nobody (None).

        Redirects are not followed: requests would turn a redirected POST into a GET, and a
        callback that silently became a poll would count as delivered.
        """
        params = {"mid": mid} if resp is None else {"mid": mid, "resp": resp}
        body = {"mid": mid, "resp": resp, "attempts": attempts}
        self._request("POST", with_query(self._settings.url, params), json=body, allow_redirects=False)
