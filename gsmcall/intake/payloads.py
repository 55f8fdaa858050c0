"""Webhook bodies to intake alerts: one pure parser per route of the intake (DESIGN §6).

Kept apart from the HTTP server so the shapes can be tested with plain dicts and the server
stays a thin layer of status codes.  Every parser takes the already-decoded JSON value and
returns the notification's alerts, or raises ``PayloadError`` with the one-line reason the
sender gets with its 400: a sender that is told *what* is wrong can be fixed; a 400 without a
reason gets retried or ignored.

Identity (DESIGN §6): an alert is its ``fingerprint`` (Alertmanager, Grafana) or the generic
``id``; a page is a group (``groupKey``, or the generic ``id``).  Every alert of a notification
carries the page text built from the whole notification, so whichever alert starts or joins a
page brings a complete text with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

FIRING = "firing"
RESOLVED = "resolved"
STATUSES = (FIRING, RESOLVED)

ALERTMANAGER = "alertmanager"
GRAFANA = "grafana"
GENERIC = "alerts"
INTAKE_SOURCES = (ALERTMANAGER, GRAFANA, GENERIC)  # an alert's source names the route it came in by

# Appended when a notification has more than one firing alert; Chinese like calls.speech and
# calls.default_text, which this text is spoken inside.
COUNT_FORMAT = "，共{count}条告警"

# What the generic route takes as a number to ring: the same shape sms.allowed_targets accepts.
_PHONE = re.compile(r"\+?\d{3,20}")
# URLs and percent-escapes read out by TTS are noise ("h t t p colon slash slash ..."): drop them.
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*", re.IGNORECASE)
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_SPACE = re.compile(r"\s+")
_EDGE = " \t:;,.-"


class PayloadError(ValueError):
    """A body that is not the route's shape; the message is the reason sent with the 400."""


@dataclass(frozen=True)
class IntakeAlert:
    """One alert of one notification, as the queue needs it.

    ``key`` is the alert's identity (fingerprint or generic id), ``group`` the page it belongs
    to; ``text`` is ``None`` when the payload gives nothing to say (the daemon then uses
    ``calls.default_text``); ``phones`` is ``None`` when the roster decides who is rung.
    """

    key: str
    group: str
    source: str
    status: str
    text: str | None
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    phones: tuple[str, ...] | None = None


def clean_text(text: str) -> str:
    """``text`` without URLs and ``%xx`` escapes, on one line, for TTS and SMS."""
    text = _ESCAPE.sub("", _URL.sub(" ", text))
    return _SPACE.sub(" ", text).strip(_EDGE)


# --- shape checks: (path in the body, value) -> typed value, or PayloadError -------------------------


_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
_MISSING: Any = object()  # a key that is absent, told apart from an explicit null


def _wrong(where: str, expected: str, value: Any) -> PayloadError:
    """The reason for a 400: the field, what it must be, and (shortened) what came instead."""
    if value is _MISSING:
        got = "nothing"
    elif value is None:
        got = "null"
    elif isinstance(value, (dict, list)):
        got = _JSON_TYPES[type(value)]
    else:
        got = f"{_JSON_TYPES.get(type(value), 'a value')} {value!r}"[:80]
    return PayloadError(f"{where} must be {expected}, got {got}")


def _object(where: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(where, "an object", value)
    return value


def _string(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _wrong(where, "a non-empty string", value)
    return value


def _status(where: str, value: Any) -> str:
    if value not in STATUSES:
        raise _wrong(where, '"firing" or "resolved"', value)
    return value


def _string_map(where: str, value: Any) -> Mapping[str, str]:
    for name, item in _object(where, value).items():
        if not isinstance(item, str):
            raise _wrong(f"{where}.{name}", "a string", item)
    return MappingProxyType(dict(value))


def _version(body: Mapping[str, Any], expected: str, what: str) -> None:
    version = body.get("version", _MISSING)
    if version != expected:
        raise _wrong("version", f'"{expected}" ({what})', version)


# --- Alertmanager and Grafana: the same Data structure, a group of alerts ---------------------------


@dataclass(frozen=True)
class _Member:
    fingerprint: str
    status: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]


def _member(index: int, value: Any) -> _Member:
    where = f"alerts[{index}]"
    item = _object(where, value)
    return _Member(
        fingerprint=_string(f"{where}.fingerprint", item.get("fingerprint", _MISSING)),
        status=_status(f"{where}.status", item.get("status", _MISSING)),
        labels=_string_map(f"{where}.labels", item.get("labels", {})),
        annotations=_string_map(f"{where}.annotations", item.get("annotations", {})),
    )


def _group_text(members: list[_Member]) -> str | None:
    """The first firing alert's ``alertname`` and ``summary`` (or ``description``), and the count.

    A notification with nothing firing rings nobody; its text names the first alert anyway, so
    the log says which page the resolve was for.
    """
    firing = [m for m in members if m.status == FIRING]
    first = (firing or members)[0]
    detail = first.annotations.get("summary") or first.annotations.get("description") or ""
    parts = [clean_text(first.labels.get("alertname", "")), clean_text(detail)]
    text = ": ".join(part for part in parts if part)
    if len(firing) > 1:
        text += COUNT_FORMAT.format(count=len(firing))
    return text or None


def _group(body: Any, source: str) -> list[IntakeAlert]:
    body = _object("the body", body)
    group = _string("groupKey", body.get("groupKey", _MISSING))
    alerts = body.get("alerts", _MISSING)
    if not isinstance(alerts, list) or not alerts:
        raise _wrong("alerts", "a non-empty array", alerts)
    members = [_member(index, item) for index, item in enumerate(alerts)]
    text = _group_text(members)
    return [IntakeAlert(m.fingerprint, group, source, m.status, text, m.labels) for m in members]


def parse_alertmanager(body: Any) -> list[IntakeAlert]:
    """Prometheus Alertmanager's webhook, version 4: one group, firing and resolved alerts together."""
    _version(_object("the body", body), "4", "Alertmanager webhook")
    return _group(body, ALERTMANAGER)


def parse_grafana(body: Any) -> list[IntakeAlert]:
    """Grafana's webhook contact point: Alertmanager's shape with extras, version 1."""
    _version(_object("the body", body), "1", "Grafana unified alerting webhook")
    return _group(body, GRAFANA)


# --- the generic route: one alert, written by hand or by a script ----------------------------------


def _phones(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise _wrong("phones", "a non-empty array of numbers", value)
    for index, number in enumerate(value):
        if not isinstance(number, str) or not _PHONE.fullmatch(number):
            raise _wrong(f"phones[{index}]", "a string of 3-20 digits, optionally after +", number)
    return tuple(value)


def parse_generic(body: Any) -> list[IntakeAlert]:
    """``POST /alerts``: ``{"id", "text", "status" (default firing), "phones" (default: the roster)}``."""
    body = _object("the body", body)
    key = _string("id", body.get("id", _MISSING))
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise _wrong("text", "a string", text)
    status = _status("status", body.get("status", FIRING))
    cleaned = clean_text(text) if text else ""
    return [IntakeAlert(key, key, GENERIC, status, cleaned or None, phones=_phones(body.get("phones")))]


PARSERS: dict[str, Callable[[Any], list[IntakeAlert]]] = {
    "/alertmanager": parse_alertmanager,
    "/grafana": parse_grafana,
    "/alerts": parse_generic,
}
