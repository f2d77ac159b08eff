"""Products held: which customer holds what and when, loans' balances, and the month-end product matrix.

A holding is open at a month-end `m` when `open_date ≤ m < close_date`; `products_held` in
customer_months counts the distinct product types open at that month-end, so the two tables agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from clientscope.demo.dynamics import Trajectories
from clientscope.demo.people import Population
from clientscope.demo.reference import (
    CONSUMER_LOAN,
    CREDIT_CARD,
    CURRENT,
    INSURANCE,
    MORTGAGE,
    PRODUCTS,
    TIME_DEPOSIT,
)
from clientscope.demo.window import OPEN_ENDED, Window

# Probability of holding each product by starting tier (mass, affluent, private), before age rules.
_HOLD = np.array(
    [
        [1.00, 1.00, 1.00],  # current_account: everyone
        [0.35, 0.55, 0.60],  # time_deposit
        [0.12, 0.55, 0.85],  # wealth_mgmt
        [0.12, 0.45, 0.65],  # fund
        [0.10, 0.35, 0.55],  # insurance
        [0.40, 0.60, 0.70],  # credit_card
        [0.15, 0.30, 0.25],  # mortgage
        [0.08, 0.05, 0.02],  # consumer_loan
    ]
)
# Yearly probability that a product is closed for ordinary reasons (maturity, redemption, cancellation).
_YEARLY_CLOSE = np.array([0.0, 0.35, 0.10, 0.15, 0.02, 0.05, 0.03, 0.0])
_CONSUMER_LOAN_DAYS = 3 * 365
_REDEEM_IN_DRIFT = 0.8  # share of a drifting churner's products closed before the relationship ends


@dataclass(frozen=True)
class Holdings:
    customer: np.ndarray  # index in the chunk
    product: np.ndarray  # index in PRODUCTS
    open_day: np.ndarray
    close_day: np.ndarray  # OPEN_ENDED while held
    principal: np.ndarray  # loans only, CNY
    term_months: np.ndarray  # loans only

    @property
    def size(self) -> int:
        return len(self.customer)


def _concat(parts: list[Holdings]) -> Holdings:
    return Holdings(*(np.concatenate([getattr(p, f) for p in parts]) for f in Holdings.__dataclass_fields__))


def _loan_terms(rng: np.random.Generator, product: np.ndarray, wealth_z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = len(product)
    mortgage = product == MORTGAGE
    loan = product == CONSUMER_LOAN
    principal = np.where(
        mortgage,
        np.exp(np.log(900_000.0) + 0.3 * wealth_z + 0.4 * rng.standard_normal(k)),
        np.where(loan, np.exp(np.log(60_000.0) + 0.2 * wealth_z + 0.5 * rng.standard_normal(k)), 0.0),
    )
    term = np.where(mortgage, rng.integers(240, 361, k), np.where(loan, 36, 0))
    return np.round(principal, -3), term


def base_holdings(rng: np.random.Generator, pop: Population, traj: Trajectories, window: Window) -> Holdings:
    """Products customers hold independently of campaigns, closed in the run-up to churn."""
    n = pop.size
    prob = _HOLD[:, pop.tier0].T.copy()  # (n, products)
    prob[:, INSURANCE] *= np.where(pop.age < 28, 0.3, 1.0)
    prob[:, CREDIT_CARD] *= np.where((pop.age < 22) | (pop.age > 65), 0.4, 1.0)
    prob[:, MORTGAGE] *= np.where((pop.age >= 26) & (pop.age <= 58), 1.0, 0.1)
    prob[:, CONSUMER_LOAN] *= np.where(pop.age < 45, 1.5, 0.6)
    prob[:, TIME_DEPOSIT] += np.where(pop.age >= 55, 0.15, 0.0)
    held = rng.random((n, len(PRODUCTS))) < prob
    delay = rng.exponential(500.0, (n, len(PRODUCTS))).astype(np.int64)
    delay[:, CURRENT] = 0
    open_day = pop.open_day[:, None] + delay
    customer_close = traj.close_day[:, None]
    held &= (open_day <= window.last_day) & (open_day < customer_close)

    customer, product = np.nonzero(held)
    open_h = open_day[customer, product]
    k = len(customer)
    yearly = _YEARLY_CLOSE[product]
    closes = yearly > 0
    natural = np.where(closes, open_h + (rng.exponential(365.0, k) / np.where(closes, yearly, 1.0)), OPEN_ENDED)
    natural = natural.astype(np.int64)
    natural = np.where(product == CONSUMER_LOAN, open_h + _CONSUMER_LOAN_DAYS, natural)
    natural = np.where(natural > window.last_day, OPEN_ENDED, natural)
    close_h = np.minimum(natural, traj.close_day[customer])
    # Drifting churners redeem and cancel products in the months before they leave (also those who
    # leave after the window: their redemptions inside it are already visible).
    start = traj.drift_start_day[customer]
    end = traj.leave_day[customer]
    redeem_day = start + (rng.random(k) * np.maximum(end - start, 1)).astype(np.int64)
    redeems = (start != OPEN_ENDED) & (product != CURRENT) & (rng.random(k) < _REDEEM_IN_DRIFT)
    redeems &= (redeem_day > open_h) & (redeem_day <= window.last_day)
    close_h = np.where(redeems, np.minimum(close_h, redeem_day), close_h)
    principal, term = _loan_terms(rng, product, pop.wealth_z[customer])
    return Holdings(customer, product, open_h, close_h, principal, term)


def held_at(holdings: Holdings, n: int, product: int, day: int) -> np.ndarray:
    """Which customers of the chunk hold `product` on `day`."""
    sel = (holdings.product == product) & (holdings.open_day <= day) & (holdings.close_day > day)
    out = np.zeros(n, dtype=bool)
    out[holdings.customer[sel]] = True
    return out


def add_conversion_holdings(
    rng: np.random.Generator,
    holdings: Holdings,
    conversions: pl.DataFrame,
    pop: Population,
    traj: Trajectories,
    window: Window,
) -> Holdings:
    """A conversion to a product the customer does not hold on that day opens a new holding."""
    conv = conversions.select(
        pl.col("customer"), pl.col("product"), (pl.col("ts") // 86_400_000_000).alias("day")
    ).with_row_index("conv")
    existing = pl.DataFrame(
        {
            "customer": holdings.customer,
            "product": holdings.product,
            "h_open": holdings.open_day,
            "h_close": holdings.close_day,
        }
    )
    covered = (
        conv.join(existing, on=["customer", "product"], how="inner")
        .filter((pl.col("h_open") <= pl.col("day")) & (pl.col("h_close") > pl.col("day")))
        .select("conv")
        .unique()
    )
    new = (
        conv.join(covered, on="conv", how="anti")
        .group_by("customer", "product")
        .agg(pl.col("day").min())
        .sort("customer", "product")
    )
    customer = new["customer"].to_numpy().astype(np.int64)
    product = new["product"].to_numpy().astype(np.int64)
    open_day = new["day"].to_numpy().astype(np.int64)
    repaid = np.where(product == CONSUMER_LOAN, open_day + _CONSUMER_LOAN_DAYS, OPEN_ENDED)
    repaid = np.where(repaid > window.last_day, OPEN_ENDED, repaid)  # the extract cannot know future dates
    close_day = np.minimum(traj.close_day[customer], repaid)
    principal, term = _loan_terms(rng, product, pop.wealth_z[customer])
    added = Holdings(customer, product, open_day, close_day, principal, term)
    return _concat([holdings, added])


def held_matrix(holdings: Holdings, n: int, window: Window) -> np.ndarray:
    """(products, n, M) booleans: product type open at each month-end (difference arrays, no loops over rows)."""
    months = window.size
    start = window.first_month_end_on_or_after(holdings.open_day)
    stop = window.first_month_end_on_or_after(holdings.close_day)
    out = np.zeros((len(PRODUCTS), n, months), dtype=bool)
    for p in range(len(PRODUCTS)):  # eight product types
        sel = (holdings.product == p) & (start < stop)
        base = holdings.customer[sel] * (months + 1)
        delta = np.bincount(base + start[sel], minlength=n * (months + 1)) - np.bincount(
            base + stop[sel], minlength=n * (months + 1)
        )
        out[p] = np.cumsum(delta.reshape(n, months + 1), axis=1)[:, :months] > 0
    return out


def loan_balances(holdings: Holdings, n: int, window: Window) -> np.ndarray:
    """(n, M) outstanding loans at month-end: straight-line amortisation of each loan while it is open."""
    months = window.size
    sel = holdings.term_months > 0
    ends = window.month_ends[None, :]
    open_day = holdings.open_day[sel][:, None]
    elapsed = (ends - open_day) / 30.44
    remaining = np.clip(1.0 - elapsed / holdings.term_months[sel][:, None], 0.0, 1.0)
    is_open = (open_day <= ends) & (holdings.close_day[sel][:, None] > ends)
    balance = holdings.principal[sel][:, None] * remaining * is_open
    out = np.zeros((n, months))
    np.add.at(out, holdings.customer[sel], balance)
    return out


def holdings_frame(holdings: Holdings) -> pl.DataFrame:
    """Rows without ids, ordered by customer, open date and product (ids are numbered by the caller)."""
    return (
        pl.DataFrame(
            {
                "customer": holdings.customer,
                "product_type": pl.Series([p.product_type for p in PRODUCTS]).gather(holdings.product),
                "open_date": holdings.open_day,
                "close_date": pl.Series(np.where(holdings.close_day == OPEN_ENDED, 0, holdings.close_day)),
                "is_open": holdings.close_day == OPEN_ENDED,
                "product": holdings.product,
            }
        )
        .sort("customer", "open_date", "product", maintain_order=True)
        .select(
            "customer",
            "product_type",
            "open_date",
            pl.when(~pl.col("is_open")).then(pl.col("close_date")).alias("close_date"),
        )
    )
