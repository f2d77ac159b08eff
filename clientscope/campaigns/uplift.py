"""Uplift of a campaign against its control group, with confidence intervals.

Absolute uplift (treated rate - control rate) gets Newcombe's hybrid score interval (Newcombe 1998,
method 10), built from the two Wilson score intervals: unlike the plain Wald interval it stays sensible
when a rate is 0 or 1 or a group is small, which is common for control groups.  Relative uplift
(treated / control - 1) gets the Katz interval of the log risk ratio.  The formulas are written out in
docs/attribution.md.  Parts that are undefined for the data (no control group, a zero rate under a
logarithm) are None, never an exception or a NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class Uplift:
    """Rates, absolute uplift (difference of rates) and relative uplift with their intervals."""

    treated_n: int
    treated_conv: int
    control_n: int
    control_conv: int
    confidence: float
    treated_rate: float | None
    control_rate: float | None
    absolute: float | None
    absolute_low: float | None
    absolute_high: float | None
    relative: float | None
    relative_low: float | None
    relative_high: float | None


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile, e.g. 1.959964 for 95%.

    The standard library's (scipy.stats.norm.ppf gives the same number to ~1e-15, but importing scipy.stats
    costs 2 s on the first campaigns request of a process).
    """
    return NormalDist().inv_cdf(1.0 - (1.0 - confidence) / 2.0)


def wilson_interval(conv: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval of a proportion conv / n (n > 0)."""
    p = conv / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator
    # Clamp rounding noise so the interval of 0/n starts at exactly 0 and of n/n ends at exactly 1.
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_interval(
    treated_conv: int, treated_n: int, control_conv: int, control_n: int, z: float
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p1 - p0 from the Wilson intervals (l1, u1) and (l0, u0)."""
    p1, p0 = treated_conv / treated_n, control_conv / control_n
    l1, u1 = wilson_interval(treated_conv, treated_n, z)
    l0, u0 = wilson_interval(control_conv, control_n, z)
    difference = p1 - p0
    low = difference - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return low, high


def log_risk_ratio_interval(
    treated_conv: int, treated_n: int, control_conv: int, control_n: int, z: float
) -> tuple[float, float] | None:
    """Katz interval for the risk ratio p1 / p0: exp(ln RR ± z·sqrt(1/a - 1/n1 + 1/c - 1/n0)).

    None when either group has no conversion: the log of a zero rate is undefined.
    """
    if treated_conv == 0 or control_conv == 0:
        return None
    ratio = (treated_conv / treated_n) / (control_conv / control_n)
    se = math.sqrt(1 / treated_conv - 1 / treated_n + 1 / control_conv - 1 / control_n)
    return ratio * math.exp(-z * se), ratio * math.exp(z * se)


def _check_counts(conv: int, n: int, conv_name: str, n_name: str) -> None:
    if n < 0:
        raise ValueError(f"{n_name} must be 0 or more, got {n}")
    if not 0 <= conv <= n:
        raise ValueError(f"{conv_name} must be between 0 and {n_name} ({n}), got {conv}")


def uplift(treated_n: int, treated_conv: int, control_n: int, control_conv: int, *, confidence: float = 0.95) -> Uplift:
    """Treated vs control conversion: rates, absolute and relative uplift, each with its interval."""
    _check_counts(treated_conv, treated_n, "treated_conv", "treated_n")
    _check_counts(control_conv, control_n, "control_conv", "control_n")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    z = z_value(confidence)
    treated_rate = treated_conv / treated_n if treated_n else None
    control_rate = control_conv / control_n if control_n else None
    absolute = absolute_low = absolute_high = None
    relative = relative_low = relative_high = None
    if treated_rate is not None and control_rate is not None:
        absolute = treated_rate - control_rate
        absolute_low, absolute_high = newcombe_interval(treated_conv, treated_n, control_conv, control_n, z)
        if control_rate > 0:
            relative = treated_rate / control_rate - 1.0
            ratio_interval = log_risk_ratio_interval(treated_conv, treated_n, control_conv, control_n, z)
            if ratio_interval is not None:
                relative_low, relative_high = ratio_interval[0] - 1.0, ratio_interval[1] - 1.0
    return Uplift(
        treated_n=treated_n,
        treated_conv=treated_conv,
        control_n=control_n,
        control_conv=control_conv,
        confidence=confidence,
        treated_rate=treated_rate,
        control_rate=control_rate,
        absolute=absolute,
        absolute_low=absolute_low,
        absolute_high=absolute_high,
        relative=relative,
        relative_low=relative_low,
        relative_high=relative_high,
    )
