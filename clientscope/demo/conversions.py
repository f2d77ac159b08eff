"""Conversions that happen without a campaign: account openings and the everyday purchases of products.

Campaign-driven conversions are made in `campaigns.py`; both share the value model here.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from clientscope.demo.dynamics import Trajectories
from clientscope.demo.people import Population
from clientscope.demo.reference import CURRENT, PRODUCTS
from clientscope.demo.sampling import categorical
from clientscope.demo.window import US_PER_DAY, US_PER_SECOND, Window

# Monthly probability of buying something unprompted, and what, by tier (mass, affluent, private).
_ORGANIC_RATE = np.array([0.005, 0.0075, 0.0075])
_ORGANIC_MIX = np.array(
    [
        [0.0, 0.25, 0.10, 0.20, 0.08, 0.22, 0.03, 0.12],
        [0.0, 0.25, 0.30, 0.20, 0.12, 0.08, 0.03, 0.02],
        [0.0, 0.20, 0.40, 0.20, 0.15, 0.03, 0.02, 0.00],
    ]
)
# Revenue multiplier of a conversion by tier: wealthier customers buy bigger tickets of savings products.
_VALUE_BY_TIER = {
    "deposit": (1.0, 2.5, 8.0),
    "investment": (1.0, 2.5, 8.0),
    "insurance": (1.0, 2.5, 8.0),
    "lending": (1.0, 1.5, 2.0),
    "payments": (1.0, 1.5, 2.0),
}
_MEDIAN = np.array([p.revenue_median for p in PRODUCTS])
_TIER_FACTOR = np.array([_VALUE_BY_TIER[p.category] for p in PRODUCTS])

CONVERSION_SCHEMA = {"customer": pl.Int64, "ts": pl.Int64, "product": pl.Int64, "value": pl.Float64}


def conversion_values(rng: np.random.Generator, product: np.ndarray, tier: np.ndarray) -> np.ndarray:
    median = _MEDIAN[product] * _TIER_FACTOR[product, tier]
    return np.round(median * rng.lognormal(0.0, 0.6, len(product)), 2)


def business_time(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Microsecond timestamps on the given days, between 09:00 and 21:00."""
    seconds = 9 * 3600 + (rng.random(len(days)) * 12 * 3600).astype(np.int64)
    return days * US_PER_DAY + seconds * US_PER_SECOND


def day_in_row_month(rng: np.random.Generator, window: Window, month: np.ndarray, open_day: np.ndarray) -> np.ndarray:
    """A random day of the row's month, not before the customer opened (rows end before the close date)."""
    lo = np.maximum(window.month_starts[month], open_day)
    hi = window.month_ends[month]
    return lo + (rng.random(len(month)) * (hi - lo + 1)).astype(np.int64)


def organic_conversions(rng: np.random.Generator, pop: Population, traj: Trajectories, window: Window) -> pl.DataFrame:
    n, months = traj.rows.shape
    rate = _ORGANIC_RATE[traj.tier] * (1.0 - traj.drift) * ~traj.dormant
    customer, month = np.nonzero(traj.rows & (rng.random((n, months)) < rate))
    tier = traj.tier[customer, month]
    product = categorical(rng, _ORGANIC_MIX[tier])
    day = day_in_row_month(rng, window, month, pop.open_day[customer])
    # Every customer who opened inside the window converted to a current account that day.
    opened = np.nonzero(pop.is_new)[0]
    customer = np.concatenate([customer, opened])
    product = np.concatenate([product, np.full(len(opened), CURRENT)])
    day = np.concatenate([day, pop.open_day[opened]])
    tier = np.concatenate([tier, traj.tier[opened, pop.first_row[opened]]])
    return pl.DataFrame(
        {
            "customer": customer.astype(np.int64),
            "ts": business_time(rng, day),
            "product": product.astype(np.int64),
            "value": conversion_values(rng, product, tier),
        },
        schema=CONVERSION_SCHEMA,
    )
