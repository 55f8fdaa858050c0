"""The daemon's metrics when ``metrics.listen`` is null: every call is taken and dropped.

Nobody can scrape what is not served, and ``prometheus_client`` costs about 2 MiB of memory
on a Pi that has little; so without ``metrics.listen`` the daemon never imports it, and the
call sites still need no ``if metrics:``.  Any method name is taken, so this cannot drift from
``gsmcall.metrics.Metrics``; a unit test holds the two to the same names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


class MetricsOff:
    def __getattr__(self, name: str) -> Callable[..., None]:
        if name.startswith("_"):
            raise AttributeError(name)
        return _nothing
