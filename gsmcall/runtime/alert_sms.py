"""SMS with the call (``calls.sms``): the alert's text by SMS, once per number per alert.

A callee whose phone rang while they were in a meeting still gets the text; with ``always``
everyone rung gets it as they are rung.  Messages go through the durable outbox under a key
made of the alert and the number, so a restart or a number that appears twice in the list
never queues a second one.
"""

from __future__ import annotations

from collections.abc import Sequence

from gsmcall.messaging.outbox import Outbox


class AlertSms:
    def __init__(self, outbox: Outbox, mode: str, default_text: str) -> None:
        self._outbox = outbox
        self._mode = mode  # none | unanswered | always
        self._default_text = default_text

    def ringing(self, mid: str, number: str, text: str | None) -> None:
        """``always``: each number gets the text as it is rung."""
        if self._mode == "always":
            self._queue(mid, number, text)

    def finished(self, mid: str, rung: Sequence[str], resp: str | None, text: str | None) -> None:
        """``unanswered``: when nobody acknowledged (or answered), every number rung gets it."""
        if self._mode == "unanswered" and resp is None:
            for number in dict.fromkeys(rung):
                self._queue(mid, number, text)

    def _queue(self, mid: str, number: str, text: str | None) -> None:
        self._outbox.enqueue(number, text or self._default_text, key=f"alert:{mid}:{number}")
