"""The last forwarding change gsmcall made, kept in ``state.dir/forwarding.json``.

Where the network answers no query (China Telecom's feature codes, VoLTE without Ut/XCAP), this
record is all there is to say where calls go, so ``gsmcall forward status`` shows it with its
time and verification.

A JSON file rather than a journal table, because it is one record, replaced whole and read by a
one-shot command: the journal (``store/``) has a versioned schema shared with the daemon's alert
state, and a table there would be a migration and a contract for one row.  Written atomically
(``durable_file``), a reader never sees half a record; mode 0600, as it names a phone number.
When the daemon follows the roster (a change per handoff, exactly once, retried), those
changes belong in the journal; this file stays the operator's view of the latest one.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from gsmcall.durable_file import write_private
from gsmcall.modem.capabilities.forwarding import ForwardingResult, State

log = logging.getLogger(__name__)

FILENAME = "forwarding.json"


@dataclass(frozen=True)
class LastChange:
    action: str  # "set" | "cancel"
    target: str | None
    how: str  # the dial string template, or "ccfc"
    verified: str  # a Verified value
    at: float  # seconds since the epoch
    detail: str = ""

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.at))


def change_of(result: ForwardingResult, how: str, at: float) -> LastChange:
    action = "set" if result.state is State.SET else "cancel"
    return LastChange(action, result.target, how, result.verified.value, at, result.detail)


def record(state_dir: Path, change: LastChange) -> None:
    """Raises OSError when it cannot be written (the change itself has been made)."""
    write_private(Path(state_dir) / FILENAME, json.dumps(asdict(change), ensure_ascii=False))


def last_change(state_dir: Path) -> LastChange | None:
    """The record, None when there is none (or it cannot be read: it is only a report)."""
    path = Path(state_dir) / FILENAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        target = data["target"]
        return LastChange(str(data["action"]), None if target is None else str(target), str(data["how"]),
                          str(data["verified"]), float(data["at"]), str(data.get("detail", "")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("cannot read %s: %s", path, exc)
        return None
