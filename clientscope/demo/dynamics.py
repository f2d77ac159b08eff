"""How customers move through the window: dormancy, churn (with its warning drift) and balances.

Everything is a (customers × months) matrix; only the dormancy chain steps through the months,
each step vectorised over the whole chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clientscope.demo.people import Population, tier_of
from clientscope.demo.window import OPEN_ENDED, Window

# Monthly churn hazard by starting tier (mass, affluent, private), before the multipliers below.
_CHURN_HAZARD = np.array([0.0105, 0.006, 0.004])
_DORMANT_CHURN_FACTOR = 2.5
_EARLY_CHURN_FACTOR = 1.6  # customers in their first six months leave more often
_SILENT_CHURN_SHARE = 0.15  # churners who leave without warning signs
_BALANCE_DROP = 1.6  # log-AUM fall at the end of a full-strength churn drift (≈ 80% withdrawn)
_SLEEP = np.array([0.012, 0.005, 0.004])  # monthly probability an active customer goes dormant, by tier
_WAKE = 0.10  # monthly probability a dormant customer reactivates
_INITIAL_DORMANT = 0.10  # about the chain's steady state, so the dormant share does not trend
FUTURE_MONTHS = 6


@dataclass(frozen=True)
class Trajectories:
    rows: np.ndarray  # (n, M) bool: a customer_months row exists
    close_day: np.ndarray  # close date as a day number; OPEN_ENDED when open at the end of the window
    leave_day: np.ndarray  # the day the customer leaves, possibly after the window; OPEN_ENDED if never
    drift_start_day: np.ndarray  # first day of the churn drift; OPEN_ENDED without one
    dormant: np.ndarray  # (n, M) bool
    drift: np.ndarray  # (n, M) 0..1: how far into its pre-churn drift the customer is, times its strength
    log_aum: np.ndarray  # (n, M)
    tier: np.ndarray  # (n, M) int8 from log_aum


def simulate(rng: np.random.Generator, pop: Population, window: Window) -> Trajectories:
    """Churn is simulated FUTURE_MONTHS past the window, so the last months hold customers already drifting
    towards a departure the data does not show yet: the ones a retention list must find."""
    n, months = pop.size, window.size
    horizon = months + FUTURE_MONTHS
    starts, ends = window.horizon_bounds(FUTURE_MONTHS)
    t = np.arange(horizon)[None, :]
    first = pop.first_row[:, None]
    dormant = _dormancy(rng, pop, horizon)

    # Churn: the first month whose draw falls under the hazard, at least one month after the first row.
    months_open = t - first
    hazard = _CHURN_HAZARD[pop.tier0][:, None] * np.where(dormant, _DORMANT_CHURN_FACTOR, 1.0)
    hazard = hazard * np.where(pop.is_new[:, None] & (months_open < 6), _EARLY_CHURN_FACTOR, 1.0)
    leaves = (rng.random((n, horizon)) < hazard) & (months_open >= 1)
    close_row = np.where(leaves.any(axis=1), leaves.argmax(axis=1), horizon)
    safe_row = np.minimum(close_row, horizon - 1)
    month_len = ends[safe_row] - starts[safe_row] + 1
    leave_day = np.where(
        close_row < horizon, starts[safe_row] + (rng.random(n) * month_len).astype(np.int64), OPEN_ENDED
    )
    close_day = np.where(close_row < months, leave_day, OPEN_ENDED)
    rows = (t[:, :months] >= first) & (t[:, :months] < close_row[:, None])

    # The drift: 3-6 months of falling activity and balances before the close month.
    length = rng.integers(3, 7, n)
    strength = np.where((close_row < horizon) & (rng.random(n) >= _SILENT_CHURN_SHARE), rng.uniform(0.6, 1.0, n), 0.0)
    before_close = close_row[:, None] - t[:, :months]
    in_drift = (before_close >= 1) & (before_close <= length[:, None])
    drift = np.where(in_drift, strength[:, None] * (length[:, None] + 1 - before_close) / length[:, None], 0.0)
    drift_row = np.clip(close_row - length, 0, horizon - 1)
    drift_start_day = np.where(strength > 0, starts[drift_row], OPEN_ENDED)

    log_aum = _log_balances(rng, pop, months, drift)
    return Trajectories(
        rows=rows,
        close_day=close_day,
        leave_day=leave_day,
        drift_start_day=drift_start_day,
        dormant=dormant[:, :months] & rows,
        drift=drift,
        log_aum=log_aum,
        tier=tier_of(np.exp(log_aum)),
    )


def _dormancy(rng: np.random.Generator, pop: Population, months: int) -> np.ndarray:
    """A two-state chain per customer: active customers fall asleep now and then, and some wake up."""
    n = pop.size
    u = rng.random((n, months))
    initial = ~pop.is_new & (rng.random(n) < _INITIAL_DORMANT)
    sleep = _SLEEP[pop.tier0]
    dormant = np.empty((n, months), dtype=bool)
    state = initial
    for month in range(months):  # months, not customers: each step is vectorised over the chunk
        step = np.where(state, u[:, month] >= _WAKE, u[:, month] < sleep)
        state = np.where(month <= pop.first_row, initial, step)
        dormant[:, month] = state
    return dormant


def _log_balances(rng: np.random.Generator, pop: Population, months: int, drift: np.ndarray) -> np.ndarray:
    """A log random walk per customer with its own drift, rare jumps, a ramp-up when new and a run-down before churn."""
    n = pop.size
    trend = rng.normal(0.002, 0.006, n)
    noise = np.where(pop.tier0 >= 1, 0.035, 0.05)
    steps = trend[:, None] + noise[:, None] * rng.standard_normal((n, months))
    jumps = rng.random((n, months)) < 0.01
    steps += np.where(jumps, rng.normal(0.0, 0.5, (n, months)), 0.0)
    walk = np.cumsum(steps, axis=1)
    walk -= walk[np.arange(n), np.minimum(pop.first_row, months - 1)][:, None]
    since_open = np.arange(months)[None, :] - pop.first_row[:, None]
    ramp = np.where(pop.is_new[:, None], np.log(np.clip(0.4 + 0.15 * since_open, 0.4, 1.0)), 0.0)
    return pop.log_aum0[:, None] + walk + ramp - _BALANCE_DROP * drift
