"""Decide whether an SMS command may be carried out.

Two independent checks, both required: the sender is one of the configured
people (compared as phone numbers, so ``+8618712345678`` and ``18712345678``
are the same person in region CN), and the number to dial is made only of
dial-string characters and fully matches a configured target pattern. The
character check comes first and does not rely on the patterns, because the
number ends up inside ``ATD<number>;``: a permissive pattern such as ``.*``
must still not let ``123;ATH`` through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from gsmcall.dialstring import is_diallable

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

    def check(self, sender: str, number: str) -> Decision:
        """Allow only a known sender asking to dial a plain, whitelisted number."""
        if not self._senders:
            return Decision(False, "no allowed_senders configured")
        if self._canonical(sender) not in self._senders:
            return Decision(False, f"sender {sender!r} is not in allowed_senders")
        if not is_diallable(number):
            return Decision(False, f"number {number!r} has characters other than digits, * and # (and a leading +)")
        for target in self._targets:
            if target.fullmatch(number):
                return Decision(True, f"sender {sender!r} may dial {number!r} (matches {target.pattern!r})")
        return Decision(False, f"number {number!r} matches no allowed_targets pattern")

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
