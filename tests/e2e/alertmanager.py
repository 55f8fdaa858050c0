"""The real Prometheus Alertmanager for end-to-end tests, a loopback webhook recorder (or
relay); gsmcall's side of the intake tests is tests/support/intake.py.

``Alertmanager`` runs the installed binary on 127.0.0.1 (a free port, its own storage, no
clustering) with one route and one webhook receiver pointing at ``webhook_url``, timed for
tests instead of production::

    with WebhookRecorder() as hook, Alertmanager(tmp_path, hook.url(), token="s3cret") as am:
        am.fire({"alertname": "HostDown", "instance": "db1"}, summary="db1 down")
        first = hook.nth(1, what="notifications")  # a Received: .json(), .header(), .at
        am.resolve({"alertname": "HostDown", "instance": "db1"})

Timing facts of Alertmanager 0.25 that the defaults rest on (its config validation, its
``dispatch/dispatch.go``, and what the tests measured):

* ``group_interval`` and ``repeat_interval`` must be non-zero, ``group_wait`` may be 0;
  sub-second values ("100ms") are accepted.
* ``group_interval`` is also the deadline of each send (the pipeline's context), retries
  included, so it must leave the receiver time to answer: 1s here.
* The first notification of a group goes out ``group_wait`` after its first alert arrives,
  or at once when that alert's ``startsAt`` is already ``group_wait`` old (``fire`` backdates
  ``startsAt`` for that reason).  After that the group is flushed every ``group_interval``;
  a flush sends when the firing or resolved set changed, or when ``repeat_interval`` has passed
  since the last send, so a repeat comes ``repeat_interval`` rounded up to whole
  ``group_interval`` ticks after the last notification: 3.0 s with 1s/2s, measured.  The first
  notification of a backdated alert arrives within ~10 ms of the POST to ``/api/v2/alerts``.
* A resolved alert (``endsAt`` in the past) goes out at the group's next flush, once
  (``send_resolved: true``), and is then deleted from the group.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from tests.support.intake import LOOPBACK, free_port, wait_until

if TYPE_CHECKING:  # typing.Self is 3.11+; the project runs on 3.10
    from typing_extensions import Self

T = TypeVar("T")

BINARY_NAMES = ("prometheus-alertmanager", "alertmanager")


def find_binary() -> str | None:
    """The Alertmanager binary: $ALERTMANAGER, else the Debian or upstream name on PATH."""
    explicit = os.environ.get("ALERTMANAGER")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/bin"
    return next((found for name in BINARY_NAMES if (found := shutil.which(name, path=path))), None)


def require_binary() -> str:
    """The binary, or a pytest skip that says how to get it (the only reason to skip)."""
    import pytest

    binary = find_binary()
    if binary is None:
        pytest.skip("Prometheus Alertmanager is not installed: apt-get install prometheus-alertmanager "
                    "(or set $ALERTMANAGER to the binary); .ci/run installs it")
    return binary


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- a loopback receiver that records what Alertmanager (or gsmcall) sends it ------------------------


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival
    answer: int  # the status sent back (when relaying: the one gsmcall gave)

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


class WebhookRecorder:
    """A ThreadingHTTPServer on 127.0.0.1 recording every request.

    It answers ``status`` (200), or, with ``forward`` set (a base URL), is a relay: each request
    is sent on to ``forward`` + its path with its body and headers, and the answer comes back
    to the sender.  A relay between Alertmanager and gsmcall shows each notification and the
    status gsmcall gave it, the event a test waits for; changes nothing in between.
    """

    def __init__(self, status: int = 200, forward: str | None = None) -> None:
        self.status = status
        self.forward = forward
        self._cond = threading.Condition()
        self._received: list[Received] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                arrived = time.monotonic()
                status, payload = recorder._answer(self.command, self.path, self.headers, body)
                recorder._record(Received(self.command, self.path, dict(self.headers.items()), body, arrived, status))
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def _answer(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes]:
        if self.forward is None:
            return self.status, b"ok"
        kept = {k: v for k, v in headers.items() if k.lower() in ("content-type", "authorization", "user-agent")}
        request = urllib.request.Request(self.forward + path, data=body, method=method, headers=kept)
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError as exc:
            return 502, f"relay: {exc}".encode()

    def url(self, path: str = "/hook") -> str:
        return f"http://{LOOPBACK}:{self._httpd.server_address[1]}{path}"

    def _record(self, item: Received) -> None:
        with self._cond:
            self._received.append(item)
            self._cond.notify_all()

    @property
    def received(self) -> list[Received]:
        with self._cond:
            return list(self._received)

    def bodies(self) -> list[Any]:
        return [r.json() for r in self.received if r.body]

    def wait_for(self, predicate: Callable[[list[Received]], T], timeout: float = 10.0, what: str = "a request") -> T:
        """``predicate(received)`` once truthy, re-checked on every arrival; AssertionError on timeout."""
        result: list[T] = []

        def ready() -> bool:
            value = predicate(list(self._received))
            if value:
                result.append(value)
            return bool(value)

        with self._cond:
            if not self._cond.wait_for(ready, timeout=timeout):
                got = [(r.path, r.answer, r.body[:300]) for r in self._received]
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; got {got!r}"[:4000])
        return result[0]

    def nth(self, count: int, where: Callable[[Received], bool] = lambda r: True, timeout: float = 10.0,
            what: str = "requests") -> Received:
        """The ``count``-th request that ``where`` holds for, waiting for it."""
        def found(got: list[Received]) -> Received | None:
            hits = [r for r in got if where(r)]
            return hits[count - 1] if len(hits) >= count else None

        return self.wait_for(found, timeout, f"{count} {what}")

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the Alertmanager process ---------------------------------------------------------------------


class Alertmanager:
    """The real Alertmanager on a free loopback port, one webhook receiver, test timings."""

    def __init__(
        self,
        workdir: str | Path,
        webhook_url: str,
        *,
        token: str | None = None,
        group_by: Iterable[str] = ("alertname",),
        group_wait: str = "0s",
        group_interval: str = "1s",
        repeat_interval: str = "2s",
        receiver: str = "gsmcall",
        binary: str | None = None,
    ) -> None:
        self.binary = binary or find_binary()
        if self.binary is None:
            raise FileNotFoundError("no Alertmanager binary: " + " or ".join(BINARY_NAMES))
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.receiver = receiver
        self.config = {
            "route": {
                "receiver": receiver, "group_by": list(group_by), "group_wait": group_wait,
                "group_interval": group_interval, "repeat_interval": repeat_interval,
            },
            "receivers": [{"name": receiver, "webhook_configs": [self._webhook(webhook_url, token)]}],
        }
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = self.workdir / "alertmanager.log"

    @staticmethod
    def _webhook(url: str, token: str | None) -> dict[str, Any]:
        hook: dict[str, Any] = {"url": url, "send_resolved": True}
        if token is not None:
            hook["http_config"] = {"authorization": {"type": "Bearer", "credentials": token}}
        return hook

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    # --- lifecycle ---

    def start(self, timeout: float = 20.0) -> Self:
        config = self.workdir / "alertmanager.yml"
        config.write_text(yaml.safe_dump(self.config))
        for attempt in range(3):  # the free port may be taken between choosing and binding it
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [self.binary, f"--config.file={config}", f"--storage.path={self.workdir / 'data'}",
                     f"--web.listen-address={LOOPBACK}:{self.port}", "--cluster.listen-address=",
                     f"--web.external-url=http://{LOOPBACK}:{self.port}", "--log.level=debug"],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                )
            try:
                wait_until(self._ready, timeout, f"Alertmanager's /-/ready on port {self.port}")
                return self
            except _Exited:
                if attempt == 2 or "address already in use" not in self.log():
                    raise AssertionError(f"Alertmanager exited at start:\n{self.log()[-4000:]}") from None
            except AssertionError:
                self.close()
                raise AssertionError(f"Alertmanager not ready within {timeout}s:\n{self.log()[-4000:]}") from None
        raise AssertionError("unreachable")

    def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise _Exited()
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=0.5) as answer:
                return answer.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def close(self) -> None:
        """Kill it (SIGKILL to its session: nothing of it outlives the test)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the API ---

    def post_alerts(self, alerts: list[dict[str, Any]]) -> int:
        """POST alerts to /api/v2/alerts as Prometheus does; returns the status (200 expected)."""
        request = urllib.request.Request(
            f"{self.url}/api/v2/alerts", data=json.dumps(alerts).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status

    @staticmethod
    def alert(labels: Mapping[str, str], *, summary: str | None = None, starts_at: datetime | None = None,
              ends_at: datetime | None = None, annotations: Mapping[str, str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"labels": dict(labels), "annotations": dict(annotations or {}),
                                "generatorURL": "http://prometheus.invalid/graph?g0.expr=up%3D%3D0"}
        if summary is not None:
            body["annotations"]["summary"] = summary
        if starts_at is not None:
            body["startsAt"] = rfc3339(starts_at)
        if ends_at is not None:
            body["endsAt"] = rfc3339(ends_at)
        return body

    def fire(self, *label_sets: Mapping[str, str], summary: str | None = None,
             started: float = 60.0, lasts: float = 3600.0) -> None:
        """Post firing alerts that started ``started`` seconds ago (so ``group_wait`` is already over
        and the group is sent at once) and end in ``lasts`` seconds unless resolved or re-posted."""
        now = _now()
        starts, ends = now - timedelta(seconds=started), now + timedelta(seconds=lasts)
        status = self.post_alerts([self.alert(labels, summary=summary, starts_at=starts, ends_at=ends)
                                   for labels in label_sets])
        assert status == 200, status

    def resolve(self, *label_sets: Mapping[str, str], started: float = 60.0) -> None:
        """Post the same label sets with ``endsAt`` in the past: Alertmanager marks them resolved."""
        now = _now()
        starts, ends = now - timedelta(seconds=started), now - timedelta(seconds=1)
        status = self.post_alerts([self.alert(labels, starts_at=starts, ends_at=ends) for labels in label_sets])
        assert status == 200, status


class _Exited(Exception):
    """The process ended before it was ready."""
