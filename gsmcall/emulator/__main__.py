"""``python -m gsmcall.emulator``: same as ``gsmcall emulator``."""

import sys

from .cli import main

sys.exit(main())
