"""The typed settings every part of gsmcall is given, one frozen dataclass per config section.

Kept apart from their validation (``gsmcall.config``), so the parts that only read settings
do not depend on YAML parsing; the defaults here are the contract of DESIGN.md section 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from gsmcall.roster.model import RosterSettings


@dataclass(frozen=True)
class ModemSettings:
    port: str
    baudrate: int = 115200
    profile: str = "auto"
    pin: str | None = None
    command_timeout: float = 5


@dataclass(frozen=True)
class AlertSettings:
    url: str
    poll_interval: float = 10
    timeout: float = 10
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    verify_tls: bool = True


@dataclass(frozen=True)
class CallSettings:
    ring_timeout: float = 40
    hold: float = 3
    gap: float = 5
    ack: str = "none"  # none: an answer ends the escalation (the seed's rule); key: only the ack key
    ack_key: str = "1"
    ack_timeout: float = 30
    speech: str = "{text}。确认请按{ack_key}。"
    speech_repeat: int = 3
    default_text: str = "您有一条新的告警"
    sms: str = "none"  # none | unanswered | always: the alert's text by SMS, once per number per alert


@dataclass(frozen=True)
class SmsSettings:
    enabled: bool = True
    keyword: str = "autocall"
    allowed_senders: tuple[str, ...] = ()
    allowed_targets: tuple[str, ...] = (r"^\*72\d{5,20}$", r"^\+?\d{3,20}$")
    default_region: str = "CN"
    reply: bool = False


@dataclass(frozen=True)
class StateSettings:
    dir: Path = Path("/var/lib/gsmcall")


@dataclass(frozen=True)
class LogSettings:
    level: str = "INFO"
    show_numbers: bool = False


@dataclass(frozen=True)
class MetricsSettings:
    listen: str | None = None

    @property
    def address(self) -> tuple[str, int] | None:
        """``listen`` split for ``socket.bind``; brackets of an IPv6 literal are removed."""
        return None if self.listen is None else split_host_port(self.listen)


@dataclass(frozen=True)
class IntakeSettings:
    listen: str | None = None  # host:port of the webhook intake (DESIGN §6); None: no intake
    token: str | None = None
    max_body: int = 1048576
    repeat_after: float = 3600
    report_url: str | None = None

    @property
    def address(self) -> tuple[str, int] | None:
        return None if self.listen is None else split_host_port(self.listen)


@dataclass(frozen=True)
class WatchdogSettings:
    admins: tuple[str, ...] = ()  # told by SMS when alerting itself is broken (DESIGN §9)
    endpoint_down_after: float = 300
    ping_url: str | None = None  # a dead-man's switch push URL, GET about once a minute while healthy
    keepalive: float | None = None  # seconds between SIM keep-alive SMS to admins[0]; None: none


@dataclass(frozen=True)
class ForwardingSettings:
    """DESIGN.md section 8: how this SIM's call forwarding is changed ("ccfc": AT+CCFC)."""

    enabled: bool = False
    set: str = "*72{number}"
    cancel: str = "*720"
    verify: bool = True  # read AT+CCFC=0,2 after a change where the network answers it
    follow_roster: bool = False  # forward to the person on call at every handoff (runtime/follow.py)
    notify: bool = False


@dataclass(frozen=True)
class Settings:
    modem: ModemSettings
    alerts: AlertSettings
    calls: CallSettings = field(default_factory=CallSettings)
    sms: SmsSettings = field(default_factory=SmsSettings)
    state: StateSettings = field(default_factory=StateSettings)
    log: LogSettings = field(default_factory=LogSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    watchdog: WatchdogSettings = field(default_factory=WatchdogSettings)
    forwarding: ForwardingSettings = field(default_factory=ForwardingSettings)
    roster: RosterSettings | None = None  # DESIGN.md section 7; None: no roster configured


def split_host_port(text: str) -> tuple[str, int]:
    """Split ``host:port`` / ``[v6]:port``; raise ValueError with the reason."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError("must be host:port, e.g. 127.0.0.1:9464")
    if not 1 <= int(port) <= 65535:
        raise ValueError("port must be 1-65535")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError("an IPv6 address must be in brackets, e.g. [::1]:9464")
    return host, int(port)
