"""Route what arrives on the event queue while no step is waiting for it.

Routing is bookkeeping only, never modem I/O, so it is safe between any two steps: a
``+CMTI`` is noted for the inbox, a full store asks for a sweep, a boot URC asks the
supervisor to check for a restart, and a lost port raises so the loop reconnects.
Arrivals from before the last (re)initialisation are stale and only counted as such.
"""

from __future__ import annotations

import logging

from gsmcall.at.sms_lines import parse_cmti, parse_storage_full
from gsmcall.at.urcs import is_boot_marker
from gsmcall.messaging.inbox import SmsInbox
from gsmcall.modem.errors import raise_for_signal
from gsmcall.events import LOST, Arrival
from gsmcall.runtime.supervisor import ModemSupervisor

log = logging.getLogger(__name__)


class Router:
    def __init__(self, supervisor: ModemSupervisor, inbox: SmsInbox, sms_enabled: bool) -> None:
        self._supervisor = supervisor
        self._inbox = inbox
        self._sms_enabled = sms_enabled

    def route(self, arrival: Arrival) -> None:
        arrived, payload = arrival
        stale = arrived < self._supervisor.connected_at
        if payload is LOST:
            if not stale:
                raise_for_signal(payload, "while idle")
            return
        if not isinstance(payload, str):
            return  # a stop request: the flag on the queue is what counts
        cmti = parse_cmti(payload)
        if cmti is not None:
            if self._sms_enabled:
                self._inbox.indicated(cmti[1])
        elif parse_storage_full(payload):
            log.warning("the modem's SMS storage is full; sweeping it")
            self._inbox.request_sweep()
        elif is_boot_marker(payload) and not stale:
            self._supervisor.verify_needed = True
