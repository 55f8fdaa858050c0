"""``gsmcall demo``: the whole story on a fresh machine, with no modem and no server.

It starts the bundled emulator and a tiny endpoint speaking the seed's protocol on
127.0.0.1, then runs one real cycle of the daemon: the alert's first number does not
answer, the second does, the callback reports who answered, and then a forwarding SMS
command stored on the "modem" is dialled.  The timeline is read back from the emulator's and the
endpoint's logs, i.e. from what really crossed the wire.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from gsmcall.config import parse_config
from gsmcall.emulator import Callee, Emulator
from gsmcall.runtime.loop import Loop
from gsmcall.runtime.parts import build

FIRST, SECOND = "18712345678", "18812345678"
DUTY = "+8618612748499"
FORWARD = "*7218812345678"
MID = "60d536885fa2a8643fa4d3a0"


@dataclass
class SeedEndpoint:
    """The seed's server in miniature: one queued alert, marked handled by the POST."""

    alerts: list[dict[str, object]] = field(default_factory=list)
    timeline: list[tuple[float, str]] = field(default_factory=list)

    def serve(self) -> ThreadingHTTPServer:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                body = endpoint.alerts[0] if endpoint.alerts else {"code": 1, "msg": "无告警"}
                endpoint.timeline.append((time.monotonic(), f"endpoint: GET -> {json.dumps(body, ensure_ascii=False)}"))
                self._reply(body)

            def do_POST(self) -> None:  # noqa: N802
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                endpoint.alerts = [a for a in endpoint.alerts if a.get("mid") != query.get("mid")]
                endpoint.timeline.append((time.monotonic(), f"endpoint: POST callback {query}"))
                self._reply({"code": 0})

            def _reply(self, body: dict[str, object]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def run_demo(profile: str = "ec25") -> tuple[int, list[str]]:
    """Run the demo; returns the daemon's exit code and the timeline lines."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gsmcall-demo-") as tmp:
        endpoint = SeedEndpoint(alerts=[{"phone": [FIRST, SECOND], "code": 0, "mid": MID, "text": "数据库主库宕机"}])
        server = endpoint.serve()
        emulator = Emulator(
            profile=profile,
            link=str(Path(tmp) / "modem"),
            callees={
                FIRST: Callee.answers(after=1.0),  # voicemail: connects, presses nothing
                SECOND: Callee.answers(after=1.0, press="1", press_after=1.5),
                FORWARD: Callee.announcement(after=0.5, duration=1.0),
            },
            alerting_delay=0.3,
        )
        emulator.start()
        emulator.store_sms(DUTY, f"|{FORWARD}|autocall|今天你值班，已设置呼叫转移为你")
        try:
            settings = parse_config({
                "modem": {"port": str(emulator.link), "profile": "auto"},
                "alerts": {"url": f"http://127.0.0.1:{server.server_address[1]}/alert/phone", "poll_interval": 1},
                "calls": {"ring_timeout": 4, "hold": 1, "gap": 0.5, "ack": "key", "ack_timeout": 4,
                          "speech_repeat": 1},
                "sms": {"allowed_senders": [DUTY]},
                "state": {"dir": str(Path(tmp) / "state")},
                "log": {"level": "WARNING", "show_numbers": True},
            })
            code = Loop(build(settings, once=True), once=True).run()
        finally:
            emulator.stop()
            server.shutdown()
        events = [(e.t, f"modem:    {e.text}") for e in emulator.log if e.kind == "event" and _worth_showing(e.text)]
        lines = [f"+{t - start:6.2f}s  {text}" for t, text in sorted(events + endpoint.timeline)]
        return code, lines


def _worth_showing(text: str) -> bool:
    return text.startswith(("call ", "sms deleted", "sms stored", "spoken", "DTMF"))
