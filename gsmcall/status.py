"""``gsmcall status``: the running daemon's state, read from ``state.dir`` without the modem.

``check`` shows the same lines when it finds the modem's port held by a running gsmcall, so
diagnosing a live pager never means stopping it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from gsmcall.daemon_status import STALE_AFTER, DaemonState, read_state
from gsmcall.diagnosis import CheckItem
from gsmcall.store.sqlite_view import JournalSummary, read_summary


def running_daemon(state_dir: Path) -> DaemonState | None:
    """The gsmcall running on this state.dir, None when none is."""
    state = read_state(state_dir)
    return state if state is not None and state.running else None


def daemon_items(state_dir: Path, state: DaemonState | None = None) -> list[CheckItem]:
    """``state``: the daemon's state when the caller has read it already."""
    state = state if state is not None else read_state(state_dir)
    if state is None or not state.running:
        last = f"; the last one (pid {state.pid}) stopped" if state is not None else ""
        return [CheckItem("daemon", False, f"no gsmcall is running on {state_dir}{last}", "modem")]
    now = time.time()
    items = [CheckItem("daemon", True, f"pid {state.pid}, up {_age(now - state.started_at)}", "modem")]
    fresh = state.heartbeat_age is not None and state.heartbeat_age <= STALE_AFTER
    items.append(CheckItem("heartbeat", fresh, "missing" if state.heartbeat_age is None
                           else f"{_age(state.heartbeat_age)} ago" + ("" if fresh else f" (stale after {STALE_AFTER:g} s)"),
                           "modem"))
    items.append(CheckItem("modem", state.modem_up, f"{'up' if state.modem_up else 'down'} "
                           f"{_age(now - state.modem_since)}: {state.modem_detail}", "modem"))
    return items + _journal_items(state_dir)


def _journal_items(state_dir: Path) -> list[CheckItem]:
    try:
        summary = read_summary(state_dir)
    except sqlite3.Error as exc:
        return [CheckItem("journal", False, f"unreadable: {exc}", "config")]
    if summary is None:
        return [CheckItem("journal", True, "none yet", "config")]
    alert = (f"{summary.alert_mid}: {summary.alert_rung} of {summary.alert_total} rung"
             if summary.alert_mid is not None else "none")
    return [CheckItem("alert", True, alert, "modem"),
            CheckItem("callbacks", True, f"{summary.pending_callbacks} pending", "endpoint"),
            CheckItem("outbox", True, f"{summary.pending_sms} SMS pending", "modem"),
            *sim_record_items(state_dir, summary)]


def sim_record_items(state_dir: Path, summary: JournalSummary | None = None) -> list[CheckItem]:
    """A failing row when the daemon last saw the network refuse the SIM a call or an SMS
    with a barring error (in debt, suspended): a person must top it up or call the carrier."""
    try:
        summary = summary if summary is not None else read_summary(state_dir)
    except sqlite3.Error:
        return []
    record = summary.sim_refused if summary is not None else None
    if record is None:
        return []
    since = record.get("since")
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(since)) if isinstance(since, (int, float)) else "?"
    return [CheckItem("sim service", False, f"refused by the network since {when}: {record.get('reason')}", "sim")]


def _age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
