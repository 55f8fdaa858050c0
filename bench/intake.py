"""The webhook intake (issue 13): how fast a webhook becomes a 202 and an ATD, how much the
intake takes while a call holds the modem, and what a notification storm turns into.

The real daemon runs with ``intake.listen`` on a loopback port, an ec25 emulator on a pty and
a two-person roster; the clients are in this process and stamp with ``time.monotonic()``, the
clock of the emulator's log, so "sent -> ATD received" needs no clock sync.  Each request is a
new connection (the intake answers one request per connection and closes), sent by a raw
socket so the client's own overhead stays small next to the daemon's on a 2-core box.

``report_url`` points at the bench endpoint: its POST says a page is finished, which is how a
phase waits for an idle modem instead of sleeping.  The polled path is measured beside it with
``alerts.poll_interval`` 1 s (alert queued on the endpoint -> ATD), since at the default 10 s
the wait is half the interval on average by construction (5 s) and costs minutes to sample.
"""

from __future__ import annotations

import json
import random
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from samples import alert_to_atd

from gsmcall.emulator import Callee, Emulator
from gsmcall.store.sqlite import DB_NAME

PROFILE = "ec25"
PEOPLE = {"a": "18700000001", "b": "18700000002"}
ROSTER = {"timezone": "UTC", "people": PEOPLE,
          "rotation": {"members": ["a", "b"], "start": "2020-01-06 09:00", "shift": "7d"},
          "escalate": ["oncall", "next"], "rounds": 1}
BUSY = "13800000999"  # never answers: the call that holds the modem during the load phase
BUSY_MARGIN = 3.0  # s the network lets that call ring beyond the load window, then ends it
RING_TIMEOUT = 120  # s: the daemon never gives up on it first
STORM_GROUPS = 5
LOAD_THREADS = 4
QUEUED_GROUPS = 10  # groups queued behind the busy call, which most load notifications repeat
NEW_SHARE = 0.1  # of the load notifications: a new group (a new page)
POLL_INTERVAL = 1.0  # the polled comparison's; the intake daemon polls at the default 10 s
DEFAULT_POLL_INTERVAL = 10.0

StartDaemon = Callable[[str, dict[str, Any]], Any]
ConfigFor = Callable[[Emulator, Path, float], dict[str, Any]]
Rss = Callable[[int], tuple[float, float]]


class IntakeError(RuntimeError):
    pass


# --- the client ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(port: int, path: str, body: dict[str, Any]) -> tuple[float, float, int]:
    """(sent, answered, status) of one request on a new connection, stamped by this client:
    ``sent`` before the connect, ``answered`` once the whole answer is read (not the close)."""
    data = json.dumps(body).encode()
    request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(data)}\r\n\r\n").encode() + data
    sent = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(request)
        reply = b""
        while True:
            chunk = sock.recv(4096)
            reply += chunk
            head, sep, rest = reply.partition(b"\r\n\r\n")
            if not chunk or (sep and len(rest) >= _content_length(head)):
                break
    answered = time.monotonic()
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0
    return sent, answered, status


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def am_body(group: str, fingerprints: list[str]) -> dict[str, Any]:
    """An Alertmanager v4 notification of ``group`` with these firing alerts, as it sends it:
    the group's whole current state, each alert under its stable fingerprint."""
    return {
        "version": "4", "groupKey": f'{{}}:{{alertname="{group}"}}', "status": "firing", "receiver": "gsmcall",
        "groupLabels": {"alertname": group}, "commonLabels": {"alertname": group}, "commonAnnotations": {},
        "externalURL": "http://alertmanager.invalid", "truncatedAlerts": 0,
        "alerts": [{"status": "firing", "labels": {"alertname": group, "instance": fp},
                    "annotations": {"summary": f"{group} is down on {fp}"}, "startsAt": "2026-12-02T00:00:00Z",
                    "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": fp}
                   for fp in fingerprints],
    }


def accepted(port: int, path: str, body: dict[str, Any]) -> tuple[float, float]:
    sent, answered, status = post(port, path, body)
    if status != 202:
        raise IntakeError(f"{path} answered {status}, not 202")
    return sent, answered


# --- reading the emulator and the journal -----------------------------------------------------
def dials(emu: Emulator, since: float = 0.0) -> list[Any]:
    return [e for e in emu.log if e.t >= since and e.kind == "rx" and e.text.upper().startswith("ATD")]


def first_dial_after(atds: list[Any], sent: list[float]) -> list[float]:
    """Each send time -> the first ATD after it (one page at a time, so that ATD is its page's)."""
    out: list[float] = []
    for t in sent:
        after = [e.t for e in atds if e.t >= t]
        if after:
            out.append(after[0] - t)
    return out


def journal_pages(state: Path, prefix: str) -> int:
    """Distinct pages of the groups named ``prefix``*, read-only beside the live daemon (WAL)."""
    db = sqlite3.connect(f"{(state / DB_NAME).as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        (count,) = db.execute("SELECT COUNT(DISTINCT mid) FROM pages WHERE grp LIKE ?", (f"%{prefix}%",)).fetchone()
    finally:
        db.close()
    return int(count)


def wait_healthy(port: int, daemon: Any, timeout: float = 60) -> None:
    """Until /healthz answers 200 (the intake is up and the loop has turned), with a deadline."""
    deadline = time.monotonic() + timeout
    probe = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    while time.monotonic() < deadline:
        if not daemon.alive():
            raise IntakeError(f"the daemon exited {daemon.proc.returncode}\n{daemon.tail()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(probe)
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise IntakeError(f"/healthz never answered 200\n{daemon.tail()}")


def wait_reports(ep: Any, count: int, timeout: float, daemon: Any, what: str) -> None:
    if not ep.wait_posts(count, timeout):
        raise IntakeError(f"{what}: {len(ep.stats.posts)}/{count} reports\n{daemon.tail()}")


# --- the phases --------------------------------------------------------------------------------
def latency_phase(port: int, ep: Any, emu: Emulator, daemon: Any, samples: int,
                  rng: random.Random) -> dict[str, Any]:
    """One new page at a time with the modem idle: the client's send -> its 202, and -> the
    page's ATD.  The next one goes 20-120 ms after the previous page's report arrived (call
    over): a random moment of the loop's idle wait.  Sent at once, it can land in the loop's
    post-call step, whose routing drops the intake's wake-up (see README, Findings)."""
    sent: list[float] = []
    to_202: list[float] = []
    for i in range(samples):  # the warm-up page's report came just before the first one
        time.sleep(rng.uniform(0.02, 0.12))  # a random idle moment, deliberately
        posts = len(ep.stats.posts)
        t0, t1 = accepted(port, "/alertmanager", am_body(f"latency-{i}", [f"lat{i:05d}"]))
        sent.append(t0)
        to_202.append(t1 - t0)
        wait_reports(ep, posts + 1, 30, daemon, f"latency sample {i}")
    return {"to_202": to_202, "to_atd": first_dial_after(dials(emu, sent[0]), sent)}


def storm_phase(port: int, ep: Any, emu: Emulator, daemon: Any, state: Path, notifications: int,
                seconds: float) -> dict[str, Any]:
    """``notifications`` over ``seconds`` in 5 groups, round robin, each carrying its group's
    whole body (``notifications / 5`` alerts, stable fingerprints) as Alertmanager re-sends it
    (HA peers, repeat_interval): must be 5 pages, and the flood must not delay the first call."""
    per_group = max(1, notifications // STORM_GROUPS)
    bodies = [am_body(f"storm-{g}", [f"storm{g}-{k:03d}" for k in range(per_group)]) for g in range(STORM_GROUPS)]
    posts = len(ep.stats.posts)
    spacing = seconds / notifications
    sent: list[float] = []
    to_202: list[float] = []
    start = time.monotonic()
    for j in range(notifications):
        time.sleep(max(0.0, start + j * spacing - time.monotonic()))  # the storm's pace, not a wait
        t0, t1 = accepted(port, "/alertmanager", bodies[j % STORM_GROUPS])
        sent.append(t0)
        to_202.append(t1 - t0)
    pages = journal_pages(state, "storm-")  # final: every notification is journaled before its 202
    # Generous: pages queued during a call are rung at the loop's next timer (see README).
    wait_reports(ep, posts + pages, 60 + 15 * pages, daemon, "storm")
    atds = [e.t - sent[0] for e in dials(emu, sent[0])]
    return {"notifications": notifications, "alerts": per_group * STORM_GROUPS, "groups": STORM_GROUPS,
            "seconds": sent[-1] - sent[0], "pages": pages, "dials": len(atds), "atd_s": atds,
            "first_atd_s": atds[0] if atds else None, "to_202": to_202}


def load_phase(port: int, ep: Any, emu: Emulator, daemon: Any, seconds: float, rss: Rss,
               seed: int) -> dict[str, Any]:
    """While a call rings unanswered (the modem busy throughout), ``LOAD_THREADS`` clients post
    back to back: mostly repeats of groups queued behind that call, some new groups.  Then the
    network ends that call, and the first queued page's ATD is timed from that end: the queue
    should be rung at once, not at the loop's next timer.  The call starts right after a poll
    and (for a load under 7 s) ends before the next is due, so no poll timer hides a wait."""
    polled = len(ep.stats.gets)
    if not ep.wait_gets(polled + 1, DEFAULT_POLL_INTERVAL + 5):
        raise IntakeError(f"the intake daemon stopped polling\n{daemon.tail()}")
    t0, _ = accepted(port, "/alerts", {"id": "load-busy-call", "text": "busy", "phones": [BUSY]})
    emu.wait_for(f"ATD{BUSY}", timeout=10, since=t0)
    queued = [am_body(f"load-queued-{k}", [f"lq{k}-a", f"lq{k}-b"]) for k in range(QUEUED_GROUPS)]
    for body in queued:
        accepted(port, "/alertmanager", body)
    before = rss(daemon.pid)[0]
    results: list[list[tuple[float, float, int]]] = [[] for _ in range(LOAD_THREADS)]
    begin = time.monotonic()
    stop_at = begin + seconds

    def client(k: int) -> None:
        rnd, out, n = random.Random(seed * 100 + k), results[k], 0
        while time.monotonic() < stop_at:
            if rnd.random() < NEW_SHARE:
                n += 1
                body = am_body(f"load-new-{k}-{n}", [f"ln{k}-{n}"])
            else:
                body = rnd.choice(queued)
            try:
                out.append(post(port, "/alertmanager", body))
            except OSError:
                out.append((time.monotonic(), time.monotonic(), 0))

    threads = [threading.Thread(target=client, args=(k,), name=f"intake-load-{k}") for k in range(LOAD_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    end = max((r[-1][1] for r in results if r), default=stop_at)
    current, peak = rss(daemon.pid)
    every = [r for rs in results for r in rs]
    ok = [a - s for s, a, status in every if status == 202]
    window = [e for e in emu.log if begin <= e.t <= end and e.kind == "rx"]
    call_up = (not any(e.text.upper().startswith(("ATD", "ATH", "AT+CHUP")) for e in window)
               and any(c.number == BUSY for c in emu.active_calls()))
    ended = emu.wait_for(lambda e: e.kind == "event" and e.text.startswith(f"call {BUSY} ended"),
                         timeout=seconds + BUSY_MARGIN + 10, since=t0)
    after = emu.wait_for(lambda e: e.kind == "rx" and e.text.upper().startswith("ATD"), timeout=30, since=ended.t)
    return {"threads": LOAD_THREADS, "seconds": end - begin, "notifications": len(ok),
            "errors": len(every) - len(ok), "per_s": len(ok) / (end - begin), "latency": ok,
            "new_share": NEW_SHARE, "call_up": call_up, "rss_before_mb": before, "rss_mb": current,
            "peak_rss_mb": peak, "end_to_next_atd_s": after.t - ended.t}


def polled_phase(ep: Any, emu: Emulator, daemon: Any, samples: int, rng: random.Random) -> list[float]:
    """Alert queued on the endpoint at a random phase of the daemon's 1 s poll -> its ATD."""
    if not ep.wait_gets(1, 60):
        raise IntakeError(f"the polling daemon never polled\n{daemon.tail()}")
    queued: dict[str, float] = {}
    numbers: dict[str, str] = {}
    for i in range(samples):
        time.sleep(rng.uniform(0, POLL_INTERVAL))  # a random phase of the poll, deliberately
        mid, numbers[mid] = f"polled-{i}", f"1391000{i:04d}"
        queued[mid] = time.monotonic()
        ep.queue_alerts([(mid, [numbers[mid]])])
        wait_reports(ep, i + 1, 30, daemon, f"polled sample {i}")
    return alert_to_atd(emu.log, queued, numbers)


# --- the run -----------------------------------------------------------------------------------
def intake_config(base: dict[str, Any], port: int, report_url: str) -> dict[str, Any]:
    """The bench config plus the intake on loopback (no token), its reports to the endpoint, a
    roster, and a ring timeout longer than the busy call (the network ends that one)."""
    return {**base, "intake": {"listen": f"127.0.0.1:{port}", "token": None, "report_url": report_url},
            "roster": ROSTER, "calls": {**base["calls"], "ring_timeout": RING_TIMEOUT, "gap": 0, "hold": 0}}


def intake_run(samples: int, seconds: float, storm: tuple[int, float], polled: int, work: Path, ep: Any,
               emulators: Any, start_daemon: StartDaemon, config_for: ConfigFor, rss: Rss,
               rng: random.Random) -> dict[str, Any]:
    """Latency, then the storm, then the load on one daemon (stopped while it rings the pages
    queued during the load); then the polled comparison on a second one."""
    callees = {n: Callee.answers(after=0.02) for n in PEOPLE.values()}
    callees[BUSY] = Callee.no_answer(network_timeout=seconds + BUSY_MARGIN)
    emu = emulators(PROFILE, link=str(work / "modem-intake"), callees=callees)
    ep.reset()
    port, state = free_port(), work / "state-intake"
    report_url = ep.url + "?report=intake"
    daemon = start_daemon("daemon-intake", intake_config(config_for(emu, state, DEFAULT_POLL_INTERVAL), port, report_url))
    out: dict[str, Any] = {"profile": PROFILE}
    try:
        wait_healthy(port, daemon)
        out["rss_ready_mb"] = rss(daemon.pid)[0]  # started, intake listening, nothing taken yet
        accepted(port, "/alertmanager", am_body("warm-up", ["warm-up"]))  # imports, first commit
        wait_reports(ep, 1, 30, daemon, "warm-up page")
        out.update(latency_phase(port, ep, emu, daemon, samples, rng))
        out["storm"] = storm_phase(port, ep, emu, daemon, state, *storm)
        out["load"] = load_phase(port, ep, emu, daemon, seconds, rss, rng.randrange(1 << 30))
        out["exit_code"] = daemon.stop()
    finally:
        if daemon.alive():
            daemon.stop()
    emu2 = emulators(PROFILE, link=str(work / "modem-intake-polled"), default_callee=Callee.answers(after=0.02))
    ep.reset()
    polling = start_daemon("daemon-intake-polled", config_for(emu2, work / "state-intake-polled", POLL_INTERVAL))
    try:
        out["polled"] = {"poll_interval": POLL_INTERVAL, "queued_to_atd": polled_phase(ep, emu2, polling, polled, rng)}
    finally:
        polling.stop()
    return out
