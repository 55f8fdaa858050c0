"""The ``forwarding:`` section (DESIGN.md section 8): its defaults, and errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from gsmcall.config import ConfigError, load_config, parse_config

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
MINIMAL = {"modem": {"port": "/dev/ttyUSB2"}, "alerts": {"url": "http://127.0.0.1:8080/alert/phone"}}


def with_value(key: str, value: object) -> dict:
    return {**MINIMAL, "forwarding": {key: value}}


def error_for(raw: object) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    return caught.value


def test_defaults_are_the_china_telecom_codes_and_off() -> None:
    f = parse_config(MINIMAL).forwarding
    assert (f.enabled, f.set, f.cancel, f.verify, f.follow_roster, f.notify) == (
        False, "*72{number}", "*720", True, False, False)


ROSTER = {"people": {"a": "18700000001"}, "rotation": {"members": ["a"], "start": "2026-01-01 09:00", "shift": "1d"},
          "timezone": "UTC"}


def test_following_the_roster_needs_a_roster_and_forwarding_enabled() -> None:
    for forwarding, roster, key in (({"enabled": True, "follow_roster": True}, None, "forwarding.follow_roster"),
                                    ({"follow_roster": True}, ROSTER, "forwarding.follow_roster")):
        raw = {**MINIMAL, "forwarding": forwarding, **({"roster": roster} if roster else {})}
        with pytest.raises(ConfigError, match=key):
            parse_config(raw)


def test_gsm_codes_and_ccfc_are_accepted() -> None:
    raw = {**MINIMAL, "forwarding": {"enabled": True, "set": "**21*{number}#", "cancel": "##21#", "verify": False,
                                     "follow_roster": True, "notify": True}, "roster": ROSTER}
    f = parse_config(raw).forwarding
    assert (f.enabled, f.set, f.cancel, f.verify, f.follow_roster, f.notify) == (
        True, "**21*{number}#", "##21#", False, True, True)
    ccfc = parse_config({**MINIMAL, "forwarding": {"set": "ccfc", "cancel": "ccfc"}}).forwarding
    assert (ccfc.set, ccfc.cancel) == ("ccfc", "ccfc")


@pytest.mark.parametrize(("key", "value", "words"), [
    ("set", "*7213912345678", "must contain {number}"),
    ("set", "*72{number};ATH", "only digits"),
    ("set", "*72{number}{name}", "only digits"),
    ("set", 72, "must be a string"),
    ("cancel", "*72{number}", "takes no {number}"),
    ("cancel", "*720 ", "must be ccfc or a dial string"),
    ("cancel", "", "must be ccfc or a dial string"),
    ("verify", "yes", "true or false"),
    ("follow_roster", 1, "true or false"),
    ("enabled", None, "true or false"),
])
def test_a_bad_value_names_its_key(key: str, value: object, words: str) -> None:
    error = error_for(with_value(key, value))
    assert error.key == f"forwarding.{key}" and words in error.problem


def test_an_unknown_key_is_named() -> None:
    assert error_for(with_value("sett", "*72{number}")).key == "forwarding.sett"


def test_the_sample_config_shows_the_section_with_its_defaults() -> None:
    assert load_config(REPO_CONFIG).forwarding == parse_config(MINIMAL).forwarding
    with pytest.raises(ConfigError):
        parse_config({**MINIMAL, "forwarding": "on"})
