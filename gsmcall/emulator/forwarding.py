"""Call forwarding as the emulated network holds it: what a network does with each way of
changing it (profile data), the SIM's current forwarding (state), and which operation a dial
string is (pure).

Networks differ, not modems (reference atcommands.md §5, intake-and-carriers.md §3): China
Mobile and China Unicom take 22.030 strings (``**21*<n>#``, ``##21#``) and ``AT+CCFC`` and
answer the query; China Telecom takes its IN feature codes (``*72<n>``, ``*720``) as calls,
plays an announcement, hangs up, and answers no query; a SIM in arrears cannot change it at
all.  So a ``ForwardingNetwork`` rides on the emulator profile (``profile_overrides=
{"forwarding": NETWORKS["china-telecom"]}``) and the handlers read it instead of branching on
a carrier.  Values the reference marks [I] (the error codes, the announcement's timing) are
easy to change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class ForwardingNetwork:
    feature_codes: bool = False  # *72<n> / *720 are calls the network answers and ends
    mmi: bool = True  # 22.030 **21*<n>#, ##21#, *#21# reach the network's SS handling
    ccfc_error: int | None = None  # AT+CCFC changes answered +CME ERROR: <n> (None: they work)
    query_error: int | None = None  # AT+CCFC=<r>,2 answered +CME ERROR: <n> (None: answered)
    change_error: int | None = None  # every change refused (30: a SIM in arrears) [I]; a feature
    #                                  code is then a call the network ends at once, unanswered
    mmi_error: int = 100  # the CME code for a 22.030 string where ``mmi`` is False [I]
    none_class: int = 7  # "+CCFC: 0,<class>" when nothing is active (the SIM7600 manual: 255)
    reports: str | None = None  # hostile: the query names this target whatever was set
    announce_after: float = 0.3  # s from ATD to the announcement (scaled down, as TTS is)
    announcement: float = 1.0  # s it plays before the network releases the call


GSM = ForwardingNetwork()
NETWORKS: Mapping[str, ForwardingNetwork] = MappingProxyType({
    "gsm": GSM,
    # China Telecom: feature codes only; CCFC changes and queries refused [I: atcommands §5.3]
    "china-telecom": ForwardingNetwork(feature_codes=True, mmi=False, ccfc_error=100, query_error=100),
    # VoLTE without Ut/XCAP: the change by MMI goes through, the query does not [I]
    "no-query": ForwardingNetwork(query_error=100),
    # a SIM in arrears: "欠费状态下无法成功设置呼转"
    "arrears": ForwardingNetwork(change_error=30),
    "arrears-telecom": ForwardingNetwork(feature_codes=True, mmi=False, ccfc_error=100, query_error=100,
                                         change_error=30),
})


@dataclass
class ForwardingState:
    """The SIM's unconditional forwarding as the network holds it: it survives a modem reset
    and a replug (it is the network's), and every change is kept for test assertions."""

    target: str | None = None
    changes: list[tuple[str, str | None]] = field(default_factory=list)  # (how, target)

    def change(self, how: str, target: str | None) -> None:
        self.target = target
        self.changes.append((how, target))


@dataclass(frozen=True)
class Operation:
    """What a dial string asks of the forwarding: ``set`` (with ``target``), ``cancel`` or
    ``query``."""

    kind: str
    target: str | None = None


_MMI = (
    (re.compile(r"\*\*?21\*(\+?\d+)(?:\*\d+)*#"), "set"),  # register(+activate), *11 optional
    (re.compile(r"##?21#|##002#"), "cancel"),  # erase / deactivate; ##002# erases all
    (re.compile(r"\*#21#"), "query"),
)
_FEATURE_SET = re.compile(r"\*72(\d+)")


def mmi_operation(dial: str) -> Operation | None:
    """The forwarding operation of a 22.030 string; None for other SS strings (``*#06#``)."""
    for pattern, kind in _MMI:
        match = pattern.fullmatch(dial)
        if match:
            return Operation(kind, match.group(1) if match.groups() else None)
    return None


def feature_code_operation(dial: str) -> Operation | None:
    """``*720`` cancels, ``*72<n>`` forwards to ``<n>``; None for any other string."""
    if dial == "*720":
        return Operation("cancel")
    match = _FEATURE_SET.fullmatch(dial)
    return Operation("set", match.group(1)) if match else None


def query_line(network: ForwardingNetwork, state: ForwardingState) -> str:
    """The ``+CCFC:`` line for voice, as the network (truthful or not) reports it."""
    target = network.reports if network.reports is not None else state.target
    if target is None:
        return f"+CCFC: 0,{network.none_class}"
    return f'+CCFC: 1,1,"{target}",{145 if target.startswith("+") else 129}'
