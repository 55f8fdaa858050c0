"""What a phone shows of the SMS the emulator received, read with an independent decoder
(python-gsmmodem-new's), for the tests that judge messages rather than PDUs."""

from __future__ import annotations

from gsmmodem.pdu import Concatenation, decodeSmsPdu


def messages_assembled(emu) -> dict[str, list[str]]:
    """What each phone shows: parts joined by concatenation reference, a repeated part (same
    reference and number) counted once, as phones do; a message missing a part shows "<partial>"."""
    messages: dict[tuple[str, int | None], dict[int, str]] = {}
    totals: dict[tuple[str, int | None], int] = {}
    for index, pdu in enumerate(emu.sent_sms):
        decoded = decodeSmsPdu(pdu)
        concat = next((ie for ie in decoded.get("udh", []) if isinstance(ie, Concatenation)), None)
        key = (decoded["number"].lstrip("+")[-11:], concat.reference if concat else -index)
        messages.setdefault(key, {}).setdefault(concat.number if concat else 1, decoded["text"])
        totals[key] = concat.parts if concat else 1
    shown: dict[str, list[str]] = {}
    for key, parts in messages.items():
        whole = len(parts) == totals[key]
        shown.setdefault(key[0], []).append("".join(parts[n] for n in sorted(parts)) if whole else "<partial>")
    return shown
