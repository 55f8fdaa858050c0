"""The checks of config.yaml that span sections or need more than a key's own value, run by
``gsmcall.config.parse_config`` once every section is parsed: numbers read against
``sms.default_region``, the intake's exposure, a feature that needs another section.
Each error still names the key at fault."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

import phonenumbers

from gsmcall.config_base import ConfigError
from gsmcall.settings import ForwardingSettings, IntakeSettings, WatchdogSettings, split_host_port
from gsmcall.store.base import DAY, KEEP_DAYS

KEEP_SECONDS = KEEP_DAYS * DAY
_TOKEN = re.compile(r"[\x21-\x7e]+")  # what an HTTP header carries as a bearer token


def check_numbers(key: str, numbers: tuple[str, ...], region: str) -> tuple[str, ...]:
    """The numbers in E.164 (``+8618712345678``): what an SMS can be addressed to, whatever
    spaces or dashes the config wrote (``"187 1234 5678"`` would be refused when sent)."""
    normal = []
    for index, number in enumerate(numbers):
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException as exc:
            raise ConfigError(f"{key}[{index}]", f"is not a phone number ({exc}): {number!r}") from None
        normal.append(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return tuple(normal)


def check_watchdog(watchdog: WatchdogSettings) -> None:
    if watchdog.keepalive is not None and not watchdog.admins:
        raise ConfigError("watchdog.keepalive", "needs watchdog.admins: the keep-alive SMS goes to the first admin")


def check_intake_settings(listen: str | None, token: str | None) -> None:
    """Refuse an intake anybody on the network could page through, at start-up, naming the key.

    Loopback (``127.0.0.0/8``, ``::1``, ``localhost``) is the one place a token may be left out:
    only the box itself (or a reverse proxy on it) can reach the server there.
    """
    if token is not None and not _TOKEN.fullmatch(token):
        raise ConfigError("intake.token", "must be printable ASCII without spaces (it is sent in an HTTP header)")
    if listen is None:
        return
    try:
        host, _ = split_host_port(listen)
    except ValueError as exc:
        raise ConfigError("intake.listen", f"{exc}, got {listen!r}") from None
    if token is None and not _is_loopback(host):
        raise ConfigError(
            "intake.token",
            f"is required when intake.listen ({listen}) is not a loopback address, else anyone who reaches it can page",
        )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def check_follow(forwarding: ForwardingSettings, roster: Any) -> None:
    if forwarding.follow_roster and roster is None:
        raise ConfigError("forwarding.follow_roster", "needs a roster: section to say who is on call")
    if forwarding.follow_roster and not forwarding.enabled:
        raise ConfigError("forwarding.follow_roster", "needs forwarding.enabled: true (it changes the forwarding)")


def check_intake(intake: IntakeSettings, roster: Any) -> None:
    check_intake_settings(intake.listen, intake.token)
    if intake.repeat_after > KEEP_SECONDS:
        raise ConfigError("intake.repeat_after", f"must be at most {KEEP_SECONDS:g} (the journal keeps {KEEP_DAYS} days "
                          f"of pages to deduplicate against), got {intake.repeat_after:g}")
    if intake.listen is not None and roster is None:
        raise ConfigError("roster", "is required when intake.listen is set: it says whom a webhook alert rings")
