"""config.yaml loading: defaults, and an error naming the key for every kind of mistake."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from gsmcall.config import (
    SCHEMA,
    ConfigError,
    Settings,
    load_config,
    parse_config,
)

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
MINIMAL = {"modem": {"port": "/dev/ttyUSB2"}, "alerts": {"url": "http://192.168.1.8:8080/alert/phone"}}


def with_value(section: str, key: str, value: object) -> dict:
    raw = copy.deepcopy(MINIMAL)
    raw.setdefault(section, {})[key] = value
    return raw


def error_for(raw: object) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    return caught.value


def test_minimal_config_gets_the_documented_defaults() -> None:
    s = parse_config(MINIMAL)
    assert (s.modem.port, s.modem.baudrate, s.modem.profile, s.modem.pin, s.modem.command_timeout) == (
        "/dev/ttyUSB2", 115200, "auto", None, 5,
    )
    assert s.alerts.url == "http://192.168.1.8:8080/alert/phone"
    assert (s.alerts.poll_interval, s.alerts.timeout, dict(s.alerts.headers), s.alerts.verify_tls) == (10, 10, {}, True)
    assert (s.calls.ring_timeout, s.calls.hold, s.calls.gap) == (40, 3, 5)
    assert s.sms.enabled is True and s.sms.keyword == "autocall" and s.sms.allowed_senders == ()
    assert s.sms.allowed_targets == (r"^\*72\d{5,20}$", r"^\+?\d{3,20}$")
    assert (s.sms.default_region, s.sms.reply) == ("CN", False)
    assert s.state.dir == Path("/var/lib/gsmcall")
    assert (s.log.level, s.log.show_numbers) == ("INFO", False)
    assert s.metrics.listen is None and s.metrics.address is None


def test_repository_config_yaml_loads_and_spells_out_every_default(tmp_path: Path) -> None:
    settings = load_config(REPO_CONFIG)
    assert settings == parse_config(MINIMAL)
    text = REPO_CONFIG.read_text(encoding="utf-8")
    for section, (_, checks) in SCHEMA.items():
        for key in checks:
            assert f"\n  {key}:" in text, f"config.yaml does not show {section}.{key}"


def test_settings_are_frozen() -> None:
    settings = parse_config(MINIMAL)
    with pytest.raises(AttributeError):
        settings.modem.port = "/dev/null"  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.alerts.headers["X"] = "y"  # type: ignore[index]


def test_full_config_is_typed(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        """
modem: {port: /dev/serial/by-id/usb-Quectel-if02, baudrate: 9600, profile: ec25, pin: "0123", command_timeout: 2.5}
alerts:
  url: https://alerts.example.com/alert/phone?token=x
  headers: {Authorization: "Bearer abc"}
  verify_tls: false
calls: {ring_timeout: 30, hold: 0, gap: 0}
sms: {allowed_senders: ["+8618712345678", "18812345678"], default_region: cn, keyword: Call}
state: {dir: state}
log: {level: debug, show_numbers: true}
metrics: {listen: "[::1]:9464"}
""",
        encoding="utf-8",
    )
    s = load_config(path)
    assert isinstance(s, Settings)
    assert s.modem.pin == "0123" and s.modem.profile == "ec25" and s.modem.command_timeout == 2.5
    assert dict(s.alerts.headers) == {"Authorization": "Bearer abc"} and s.alerts.verify_tls is False
    assert s.sms.allowed_senders == ("+8618712345678", "18812345678") and s.sms.default_region == "CN"
    assert s.state.dir == tmp_path / "state", "a relative state.dir is relative to the config file"
    assert s.log.level == "DEBUG"
    assert s.metrics.address == ("::1", 9464)


def test_empty_sections_mean_defaults() -> None:
    assert parse_config({**MINIMAL, "sms": None, "calls": {}}).sms.keyword == "autocall"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"alerts": MINIMAL["alerts"]}, "modem.port"),
        ({"modem": MINIMAL["modem"]}, "alerts.url"),
        ({}, "modem.port"),
        (None, "modem.port"),
    ],
)
def test_missing_required_key(raw: object, key: str) -> None:
    error = error_for(raw)
    assert error.key == key and "required" in str(error)


@pytest.mark.parametrize(
    ("raw", "key", "suggestion"),
    [
        ({**MINIMAL, "modme": {}}, "modme", "modem"),
        (with_value("modem", "prot", "/dev/x"), "modem.prot", "port"),
        (with_value("alerts", "poll_intervall", 5), "alerts.poll_intervall", "poll_interval"),
        (with_value("sms", "allowed_sender", []), "sms.allowed_sender", "allowed_senders"),
    ],
)
def test_unknown_key_is_named_with_the_closest_known_one(raw: dict, key: str, suggestion: str) -> None:
    error = error_for(raw)
    assert error.key == key
    assert f"did you mean '{suggestion}'" in str(error)


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("modem", "port", ""),
        ("modem", "port", 3),
        ("modem", "baudrate", True),
        ("modem", "baudrate", "115200"),
        ("modem", "baudrate", 0),
        ("modem", "baudrate", 9600.5),
        ("modem", "profile", "quectel"),
        ("modem", "pin", 1234),
        ("modem", "pin", "12"),
        ("modem", "pin", "123456789"),
        ("modem", "pin", "12a4"),
        ("modem", "command_timeout", 0),
        ("alerts", "url", "ftp://host/alert"),
        ("alerts", "url", "192.168.1.8:8080/alert/phone"),
        ("alerts", "url", "http:///alert/phone"),
        ("alerts", "url", "http://host:port/alert"),
        ("alerts", "poll_interval", "abc"),
        ("alerts", "poll_interval", 0),
        ("alerts", "poll_interval", -1),
        ("alerts", "poll_interval", True),
        ("alerts", "poll_interval", float("inf")),
        ("alerts", "timeout", None),
        ("alerts", "headers", ["Authorization: x"]),
        ("alerts", "headers", {"X-Id": 12}),
        ("alerts", "headers", {"Bad Name": "x"}),
        ("alerts", "headers", {"X": "a\nInjected: 1"}),
        ("alerts", "verify_tls", "yes please"),
        ("alerts", "verify_tls", 1),
        ("calls", "ring_timeout", 0),
        ("calls", "hold", -0.5),
        ("calls", "gap", -1),
        ("sms", "enabled", "true"),
        ("sms", "keyword", ""),
        ("sms", "allowed_senders", "18712345678"),
        ("sms", "allowed_senders", [18712345678]),
        ("sms", "allowed_senders", ["not a number"]),
        ("sms", "allowed_targets", ["^(unclosed"]),
        ("sms", "allowed_targets", "^\\d+$"),
        ("sms", "default_region", "XX"),
        ("sms", "default_region", "CHN"),
        ("sms", "default_region", 86),
        ("sms", "reply", None),
        ("state", "dir", ""),
        ("state", "dir", 5),
        ("log", "level", "LOUD"),
        ("log", "level", 10),
        ("log", "show_numbers", "no"),
        ("metrics", "listen", "9464"),
        ("metrics", "listen", "localhost:0"),
        ("metrics", "listen", "localhost:99999"),
        ("metrics", "listen", "::1:9464"),
        ("metrics", "listen", 9464),
        ("intake", "listen", "9466"),
        ("intake", "token", ""),
        ("intake", "token", "two words"),
        ("intake", "max_body", 0),
        ("intake", "repeat_after", -1),
        ("intake", "report_url", "ftp://x/"),
    ],
)
def test_bad_value_names_its_key(section: str, key: str, value: object) -> None:
    error = error_for(with_value(section, key, value))
    assert str(error).startswith(f"{section}.{key}"), str(error)


def test_error_message_shows_key_rule_and_value() -> None:
    assert str(error_for(with_value("alerts", "poll_interval", "abc"))) == (
        "alerts.poll_interval: must be a number > 0, got 'abc'"
    )


def test_unquoted_pin_is_refused_with_a_hint_to_quote_it() -> None:
    assert 'pin: "1234"' in str(error_for(with_value("modem", "pin", 1234)))


def test_list_items_are_named_by_index() -> None:
    assert error_for(with_value("sms", "allowed_targets", ["^ok$", "(bad"])).key == "sms.allowed_targets[1]"


def test_zero_hold_and_gap_are_allowed() -> None:
    raw = copy.deepcopy(MINIMAL)
    raw["calls"] = {"hold": 0, "gap": 0}
    assert parse_config(raw).calls.hold == 0


@pytest.mark.parametrize("section", ["modem", "alerts", "sms"])
def test_section_that_is_not_a_mapping(section: str) -> None:
    assert error_for({**MINIMAL, section: ["x"]}).key == section


def test_top_level_that_is_not_a_mapping() -> None:
    assert "mapping" in str(error_for(["modem"]))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found") as caught:
        load_config(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(caught.value)


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("modem:\n  port: /dev/ttyUSB2\nalerts: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="YAML syntax error") as caught:
        load_config(path)
    assert "line " in str(caught.value)


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "modem:\n  port: /dev/ttyUSB2\n  port: /dev/ttyUSB3\nalerts: {url: 'http://h/a'}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="duplicate key 'port'") as caught:
        load_config(path)
    assert "line 3" in str(caught.value)


def test_yaml_octal_looking_pin_cannot_slip_through(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("modem: {port: /dev/ttyUSB2, pin: 0123}\nalerts: {url: 'http://h/a'}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "modem.pin"


@pytest.mark.parametrize("typed", ["0123", "00001234", "1234"])
def test_unquoted_pin_hint_quotes_the_digits_as_typed(tmp_path: Path, typed: str) -> None:
    # YAML makes 83 of `0123` (octal); quoting "83" would send a wrong PIN.
    path = tmp_path / "config.yaml"
    path.write_text(f"modem:\n  port: /dev/ttyUSB2\n  pin: {typed}\nalerts: {{url: 'http://h/a'}}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "modem.pin"
    assert f'e.g. pin: "{typed}"' in str(caught.value)


def test_an_intake_on_the_network_needs_a_token_and_any_intake_a_roster() -> None:
    roster = {"people": {"a": "18700000001"}, "rotation": {"members": ["a"], "start": "2026-01-01 09:00", "shift": "1d"},
              "escalate": ["oncall"], "timezone": "UTC"}
    exposed = {**MINIMAL, "intake": {"listen": "0.0.0.0:9466"}, "roster": roster}
    assert str(error_for(exposed)).startswith("intake.token")
    assert str(error_for({**MINIMAL, "intake": {"listen": "127.0.0.1:9466"}})).startswith("roster")
    settings = parse_config({**exposed, "intake": {"listen": "0.0.0.0:9466", "token": "s3cret"}})
    assert settings.intake.address == ("0.0.0.0", 9466) and settings.intake.repeat_after == 3600
