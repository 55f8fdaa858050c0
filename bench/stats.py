"""Latency samples and their nearest-rank percentiles, shared by the runs and the report."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


def percentile(sorted_xs: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, math.ceil(p / 100 * len(sorted_xs)))
    return sorted_xs[rank - 1]


@dataclass
class Dist:
    samples: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        xs = sorted(self.samples)
        if not xs:
            return {"n": 0}
        return {"n": len(xs), "p50": percentile(xs, 50), "p90": percentile(xs, 90),
                "p99": percentile(xs, 99), "max": xs[-1], "min": xs[0]}
