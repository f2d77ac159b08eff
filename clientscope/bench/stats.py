"""Order statistics for timings: nearest-rank percentiles, so every reported number is a measured one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    n: int
    p50: float
    p95: float
    max: float

    def as_dict(self) -> dict[str, float]:
        return {"n": self.n, "p50": self.p50, "p95": self.p95, "max": self.max}


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100): the smallest value with at least q% of values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(values: Sequence[float]) -> Summary:
    if not values:
        return Summary(0, math.nan, math.nan, math.nan)
    return Summary(len(values), percentile(values, 50), percentile(values, 95), max(values))


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when either is missing or the denominator is zero."""
    if denominator is None or numerator is None or math.isnan(denominator) or math.isnan(numerator) or denominator == 0:
        return math.nan
    return numerator / denominator
