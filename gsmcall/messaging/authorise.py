"""Decide whether an SMS command may be carried out.

Two independent checks, both required: the sender is one of the configured
people (compared as phone numbers, so ``+8618712345678`` and ``18712345678``
are the same person in region CN), and the number to dial is made only of
dial-string characters and fully matches a configured target pattern. The
character check comes first and does not rely on the patterns, because the
number ends up inside ``ATD<number>;``: a permissive pattern such as ``.*``
must still not let ``123;ATH`` through.

Before either, the sender's type of number (from the PDU) must say it is a phone
number at all. Bulk-SMS gateways let anyone send under an alphanumeric ID, and an
ID made of the digits of an allowed number is the same text as that number: only
the type tells them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from gsmcall.dialstring import is_diallable
from gsmcall.messaging.pdu import NUMERIC_TONS, TON_ALPHANUMERIC, TON_NAMES, TON_UNKNOWN
from gsmcall.messaging.pdu import sender_ton as carried_ton

_SENDER = re.compile(r"\+?[0-9]+")
_CONFIGURED_NUMBER = re.compile(r"\+?[0-9][0-9 ()-]*")


@dataclass(frozen=True)
class Decision:
    """Outcome with a reason fit for the log (values are repr-quoted)."""

    allowed: bool
    reason: str


class Authoriser:
    """Checks (sender, number) pairs against the configured allow lists."""

    def __init__(self, allowed_senders: list[str], allowed_targets: list[str], default_region: str) -> None:
        """Validate and prepare the lists; raises ValueError naming the bad entry."""
        if default_region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"default_region {default_region!r} is not a known region code")
        self._region = default_region
        self._senders = frozenset(self._configured_sender(s) for s in allowed_senders)
        self._targets = tuple(self._compile_target(t) for t in allowed_targets)

    def check(self, sender: str, number: str, sender_ton: int | None = TON_UNKNOWN) -> Decision:
        """Allow only a known numeric sender asking to dial a plain, whitelisted number.

        ``sender_ton`` is the sender's type of number from the PDU (``Message.sender_ton``);
        None means it is not known, which refuses. The default, "unknown", is what a number
        typed by a person has. A decoded ``pdu.Sender`` also carries its own type, and is
        refused if that is not numeric whatever ``sender_ton`` says, so a caller that forgets
        to pass the type cannot let an alphanumeric ID through.
        """
        sender_decision = self.check_sender(sender, sender_ton)
        if not sender_decision.allowed:
            return sender_decision
        if not is_diallable(number):
            return Decision(False, f"number {number!r} has characters other than digits, * and # (and a leading +)")
        for target in self._targets:
            if target.fullmatch(number):
                return Decision(True, f"sender {sender!r} may dial {number!r} (matches {target.pattern!r})")
        return Decision(False, f"number {number!r} matches no allowed_targets pattern")

    def check_sender(self, sender: str, sender_ton: int | None = TON_UNKNOWN) -> Decision:
        """The sender half of ``check``, alone: for a command that dials nothing (``|status|``),
        where ``allowed_targets`` has nothing to say."""
        if not self._senders:
            return Decision(False, "no allowed_senders configured")
        refusal = _type_refusal(sender, sender_ton)
        if refusal is not None:
            return Decision(False, refusal)
        if self._canonical(sender) not in self._senders:
            return Decision(False, f"sender {sender!r} is not in allowed_senders")
        return Decision(True, f"sender {sender!r} is allowed")

    def _canonical(self, sender: str) -> str | None:
        """E.164 form of a numeric sender; None for alphanumeric or unparsable ones."""
        if not _SENDER.fullmatch(sender):
            return None
        try:
            parsed = phonenumbers.parse(sender, self._region)
        except phonenumbers.NumberParseException:
            return None
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    def _configured_sender(self, entry: str) -> str:
        canonical = None
        if _CONFIGURED_NUMBER.fullmatch(entry.strip()):
            canonical = self._canonical(re.sub(r"[ ()-]", "", entry.strip()))
        if canonical is None:
            raise ValueError(f"allowed_senders entry {entry!r} is not a phone number")
        return canonical

    @staticmethod
    def _compile_target(pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"allowed_targets pattern {pattern!r} is not a valid regex: {exc}") from None


def _type_refusal(sender: str, sender_ton: int | None) -> str | None:
    """Why the sender's type of number rules it out, or None if it is a phone number's."""
    carried = carried_ton(sender)
    for ton in (sender_ton,) if carried is None else (sender_ton, carried):
        if ton is None:
            return f"sender {sender!r} has no known type of number; only phone numbers can be authorised"
        if ton == TON_ALPHANUMERIC:
            return f"sender {sender!r} is alphanumeric; only phone numbers can be authorised"
        if ton not in NUMERIC_TONS:
            return (f"sender {sender!r} is a {TON_NAMES.get(ton, 'invalid')} address (type of number {ton});"
                    " only international, national or unknown-type phone numbers can be authorised")
    return None
