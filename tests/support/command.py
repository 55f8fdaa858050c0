"""How tests and the benchmark start gsmcall: as a user would, by its console script."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def gsmcall_command() -> list[str]:
    """The console script next to this interpreter; on PATH; the module as a last resort."""
    script = Path(sys.executable).with_name("gsmcall")
    if script.exists():
        return [str(script)]
    found = shutil.which("gsmcall")
    return [found] if found else [sys.executable, "-m", "gsmcall"]
