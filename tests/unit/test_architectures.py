"""gsmcall installs on every Raspberry Pi: nothing it needs at run time must be compiled.

A Pi Zero (armv6) or 32-bit Raspberry Pi OS (armv7) may find no binary wheel on PyPI, and a
compiler on a Pi Zero takes an hour.  So every run-time dependency is either pure Python or
known to fall back to pure Python, and the fallback is exercised here with the compiled part
hidden, as it would be missing on such a machine.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Distributions whose installed wheel here is compiled, and why that is fine on any Pi.
PURE_FALLBACK = {
    "pyyaml": "builds without libyaml (no compiler needed) and then has only its Python parser",
    "charset-normalizer": "publishes a py3-none-any wheel; its compiled modules shadow .py twins",
}

# Run in a child: installed packages may load no compiled module at all (the standard
# library's own, in lib-dynload, still load), as on a Pi that found no wheel.
_NO_COMPILED_PACKAGES = """
import importlib.machinery as m, sys
pure = m.FileFinder.path_hook((m.SourceFileLoader, m.SOURCE_SUFFIXES))
def hook(path):
    if "site-packages" in path:
        return pure(path)
    raise ImportError(path)
sys.path_hooks.insert(0, hook)
sys.path_importer_cache.clear()
"""


def _runtime_closure() -> dict[str, bool]:
    """Every distribution gsmcall needs at run time (no extras), and whether its wheel is pure."""
    found: dict[str, bool] = {}
    todo = ["gsmcall"]
    while todo:
        dist = metadata.distribution(todo.pop())
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in found:
            continue
        found[key] = "Root-Is-Purelib: true" in (dist.read_text("WHEEL") or "") or key == "gsmcall"
        todo += [re.split(r"[ ;<>=!~\[(]", r)[0] for r in dist.requires or () if "extra ==" not in r]
    return found


def test_every_compiled_runtime_dependency_has_a_pure_python_fallback() -> None:
    compiled = {name for name, pure in _runtime_closure().items() if not pure}
    assert compiled <= set(PURE_FALLBACK), f"compiled with no known pure fallback: {compiled - set(PURE_FALLBACK)}"


def test_gsmcall_never_asks_for_the_c_yaml_loader() -> None:
    sources = "\n".join(p.read_text() for p in (ROOT / "gsmcall").rglob("*.py"))
    assert not re.search(r"\bC(Safe)?(Loader|Dumper)\b", sources)


def test_config_loads_and_the_daemon_imports_with_the_compiled_parts_hidden(tmp_path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("modem: {port: /dev/ttyUSB2, pin: \"0123\"}\nalerts: {url: http://127.0.0.1:9/alert/phone}\n")
    script = _NO_COMPILED_PACKAGES + (
        "import yaml, charset_normalizer.md as md, requests, gsmcall.runtime.loop, gsmcall.check, gsmcall.messaging.pdu\n"
        "from gsmcall.config import load_config\n"
        "assert not yaml.__with_libyaml__ and md.__file__.endswith('.py'), (yaml.__with_libyaml__, md.__file__)\n"
        f"print(load_config({str(config)!r}).modem.pin)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0123"
