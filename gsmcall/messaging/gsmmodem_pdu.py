"""python-gsmmodem-new's PDU codec, loaded without the rest of its package.

gsmcall has its own modem code and uses only that library's PDU codec, but the package's
``__init__`` imports its whole modem stack (``gsmmodem.modem`` and its serial threads): 1.5 MiB
of a Pi's resident memory for nothing.  So when nothing has imported the package yet, it is
registered as a bare package (its path, no ``__init__``): ``gsmmodem.pdu`` then loads with its
two small siblings only.  Submodules (``gsmmodem.modem``) still import normally afterwards;
only names the ``__init__`` would have re-exported are missing.  Should the library's layout
change, the normal import is used.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types


def _bare_package(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None:
        return
    package = types.ModuleType(name)
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    sys.modules[name] = package


_bare_package("gsmmodem")
try:
    pdu = importlib.import_module("gsmmodem.pdu")
    EncodingError = importlib.import_module("gsmmodem.exceptions").EncodingError
except ImportError:  # a layout that needs its __init__: import it the ordinary way
    sys.modules.pop("gsmmodem", None)
    pdu = importlib.import_module("gsmmodem.pdu")
    EncodingError = importlib.import_module("gsmmodem.exceptions").EncodingError
