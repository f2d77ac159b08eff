"""Vectorised sampling helpers the generator needs beyond numpy's own."""

from __future__ import annotations

import numpy as np

# Coefficients of Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02, -3.066479806614716e01)
_A_LAST = 2.506628277459239e00
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01, -1.328068155288572e01)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
)
_C_LAST = 2.938163982698783e00
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_TAIL = 0.02425


def _polyval(coefficients: tuple[float, ...], x: np.ndarray, last: float) -> np.ndarray:
    out = np.zeros_like(x)
    for c in coefficients:
        out = out * x + c
    return out * x + last


def normal_quantile(p: np.ndarray) -> np.ndarray:
    """The standard normal inverse CDF for p in (0, 1)."""
    p = np.asarray(p, dtype=np.float64)
    r = p - 0.5
    s = r * r
    central = _polyval(_A, s, _A_LAST) * r / _polyval(_B, s, 1.0)
    q = np.minimum(p, 1.0 - p)
    tail_region = q < _TAIL
    t = np.sqrt(-2.0 * np.log(np.where(tail_region, q, 0.5)))
    tail = _polyval(_C, t, _C_LAST) / _polyval(_D, t, 1.0)
    return np.where(tail_region, np.where(p < 0.5, tail, -tail), central)


def stratified_normal(rng: np.random.Generator, n: int) -> np.ndarray:
    """n standard normal draws with exactly one in each 1/n quantile slice, in random order.

    Used for customer wealth: a small chunk then still has the expected share of private-banking
    customers instead of whatever a 1-in-100 tail happens to give.
    """
    slices = rng.permutation(n)
    return normal_quantile((slices + rng.random(n)) / n)


def categorical(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One draw per row of a (n, k) matrix of row-wise probabilities."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(len(probabilities)) * cumulative[:, -1]
    return (u[:, None] >= cumulative).sum(axis=1)
