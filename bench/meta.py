"""What the report says about the run itself: the machine, the code under test, the disk."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()} {platform.system()} {platform.release()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs"


def code_hash() -> str:
    """A digest of gsmcall/ as it is on disk: each daemon started imports what is there then."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "gsmcall").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def filesystem_of(path: Path) -> str:
    try:
        out = subprocess.run(["df", "-T", str(path)], capture_output=True, text=True, timeout=10).stdout.splitlines()
        dev, fstype = out[-1].split()[:2]
        return f"{path} ({fstype} on {dev})"
    except (OSError, subprocess.SubprocessError, IndexError, ValueError):
        return str(path)


# --- main --------------------------------------------------------------------------------------
