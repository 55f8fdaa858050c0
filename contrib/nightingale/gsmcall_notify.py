#!/usr/bin/env python3
"""Nightingale (n9e v8) notify script: hand each alert event to gsmcall's POST /alerts.

Nightingale's script notify channel runs this with one JSON document on stdin:
{"events": [...], "tpl": {...}, "params": {...}, "sendto": [...]}. A bare event object or an
array of events (what Nightingale's callbacks post) is read too. Each event becomes one generic
intake alert:

  id      "n9e-" + the event's hash (rule + series; the same for every repeat and the recovery)
  status  "resolved" when is_recovered, else "firing"
  text    rule_name, and annotations.summary (or description) when there is one
  phones  the numbers in sendto (the users' phone contacts), when the channel sends any;
          without them gsmcall's roster decides who is rung

Standard library only. Set GSMCALL_URL and GSMCALL_TOKEN below, or in the environment of
n9e's process. Exits 1 when an event was not accepted, so Nightingale records the failure.
"""

import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

GSMCALL_URL = os.environ.get("GSMCALL_URL", "http://127.0.0.1:9466/alerts")
GSMCALL_TOKEN = os.environ.get("GSMCALL_TOKEN", "")
TIMEOUT = 5  # seconds; gsmcall answers once the alert is journaled, never after a call
# gsmcall unreachable or answering 503 (its journal could not take the alert) is worth another
# try; a 400 or 401 is not. Keep ATTEMPTS * (TIMEOUT + PAUSE) under the channel's script timeout.
ATTEMPTS = 3
PAUSE = 2
PHONE = re.compile(r"\+?\d{3,20}")


def alert(event, sendto):
    """The /alerts body for one Nightingale event."""
    annotations = event.get("annotations") or {}
    detail = annotations.get("summary") or annotations.get("description") or ""
    text = ": ".join(part for part in (str(event.get("rule_name") or ""), str(detail)) if part.strip())
    body = {
        "id": f"n9e-{event['hash']}",
        "status": "resolved" if event.get("is_recovered") else "firing",
    }
    if text:
        body["text"] = text
    phones = [number for number in sendto if isinstance(number, str) and PHONE.fullmatch(number)]
    if phones:
        body["phones"] = phones
    return body


def post(body):
    """POST one alert, trying again on 503 or no connection; None once gsmcall answered 202."""
    for attempt in range(1, ATTEMPTS + 1):
        reason, again = post_once(body)
        if reason is None or not again or attempt == ATTEMPTS:
            return reason
        time.sleep(PAUSE)


def post_once(body):
    """One POST: (None, False) on 202, else (the reason, whether to try again)."""
    request = urllib.request.Request(
        GSMCALL_URL, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json"},
    )
    if GSMCALL_TOKEN:
        request.add_header("Authorization", "Bearer " + GSMCALL_TOKEN)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            status, text = answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode("utf-8", "replace")
    except OSError as exc:
        return f"gsmcall unreachable: {exc}", True
    if status == 202:
        return None, False
    return f"gsmcall answered {status}: {text.strip()}", status == 503


def events_of(data):
    """The events and the sendto list: v8's {"events", "sendto"}, or a bare event or array."""
    if isinstance(data, list):
        return data, []
    if "events" in data:
        return data.get("events") or [], data.get("sendto") or []
    return [data], []


def main():
    events, sendto = events_of(json.load(sys.stdin))
    failed = 0
    for event in events:
        if not event.get("hash"):
            print(f"n9e event {event.get('id')} has no hash, skipped")
            failed += 1
            continue
        body = alert(event, sendto)
        reason = post(body)
        if reason is None:
            print(f"{body['id']} {body['status']}: accepted")
        else:
            print(f"{body['id']} {body['status']}: {reason}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
