"""The SIM PIN attempt remembered in ``state.dir``, so that restarts cannot spend the SIM's tries.

systemd (``Restart=always``) and Docker restart the daemon however it exits, and three wrong
PINs lock a SIM until someone types its PUK.  The attempt is therefore written down *before*
the PIN goes out (a crash or a timeout between sending and the answer must not make the PIN
sendable again), kept with the modem's answer when the SIM refuses it, and removed when the
SIM takes it.  ``gsmcall.modem.sim`` decides what a record means; this module only keeps it.

The file holds a SHA-256 of ``PIN:ICCID``, never the PIN, so a new PIN or another SIM is a
new record.  The hash is a fingerprint, not a secret: a four-digit PIN is 10,000 guesses
from the ICCID, so the file is also kept to its owner (mode 0600).  It is replaced atomically,
so a reader never sees half of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from gsmcall.durable_file import lasting, write_private

log = logging.getLogger(__name__)

FILENAME = "pin-refused"


def pin_digest(pin: str, iccid: str) -> str:
    """What identifies one PIN on one SIM in the memory; ``iccid`` is empty where the modem
    would not tell it."""
    return hashlib.sha256(f"{pin}:{iccid}".encode()).hexdigest()


@dataclass(frozen=True)
class PinRecord:
    """One remembered attempt.  ``digest`` None: the file could not be read, which must not
    be taken as "no attempt" (that would spend one); ``answer`` None: the PIN went out and no
    answer came (the daemon stopped or the modem timed out), so it may have cost a try."""

    digest: str | None
    sent_at: str
    answer: str | None

    def blocks(self, digest: str) -> bool:
        return self.digest is None or self.digest == digest


class PinMemory:
    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / FILENAME

    def recall(self) -> PinRecord | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            answer = data["answer"]
            return PinRecord(str(data["digest"]), str(data["sent_at"]), None if answer is None else str(answer))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("cannot read %s (%s): taking it as a refused PIN", self.path, exc)
            return PinRecord(None, "an unknown time", None)

    def remember(self, digest: str, answer: str | None) -> None:
        """Record an attempt now; raises OSError when it cannot be recorded (then the PIN must
        not be sent)."""
        sent_at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        write_private(self.path, json.dumps({"digest": digest, "sent_at": sent_at, "answer": answer}))

    def forget(self) -> None:
        """Raises OSError when the record stays (it then keeps blocking its PIN)."""
        if self.path.exists():
            with lasting(self.path.parent):
                self.path.unlink(missing_ok=True)
