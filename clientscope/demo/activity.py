"""The monthly facts: balances, activity and service for every customer_months row, and the complaints behind them.

Values are computed on the flat list of rows (month-major, customers ascending within a month),
never on a customer-by-customer loop.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from clientscope.demo.conversions import business_time, day_in_row_month
from clientscope.demo.dynamics import Trajectories
from clientscope.demo.people import Population
from clientscope.demo.reference import (
    ACQUISITION_CHANNELS,
    COMPLAINT_CATEGORIES,
    COMPLAINT_CATEGORY_WEIGHTS,
    COMPLAINT_CHANNEL_WEIGHTS,
    COMPLAINT_CHANNELS,
    CREDIT_CARD,
    FUND,
    INSURANCE,
    WEALTH,
)
from clientscope.demo.window import Window

# Seasonality by calendar month (January first): Spring Festival, 618 and Double 11 lift spending.
_SEASON_TXN = np.array([1.10, 1.15, 0.95, 0.97, 1.00, 1.05, 0.98, 0.98, 1.00, 1.02, 1.12, 1.12])
_SEASON_CARD = np.array([1.15, 1.30, 0.90, 0.95, 1.00, 1.10, 1.00, 1.00, 0.95, 1.05, 1.35, 1.20])
_SEASON_TRAVEL = np.array([1.0, 1.6, 0.8, 0.9, 1.1, 0.9, 1.4, 1.5, 0.9, 1.5, 0.7, 1.0])
_PAYROLL_BONUS = np.array([1.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])  # year-end bonus
_CROSS_BORDER_RATE = np.array([0.015, 0.10, 0.25])  # share of months with spending abroad, by tier
_WEALTH_SHARE = np.array([[0.15, 0.50], [0.30, 0.65], [0.40, 0.75]])  # of AUM, for holders, by tier
_COMPLAINT_RATE = 0.006  # per month, for a customer not about to leave
_DRIFT_COMPLAINTS = 0.30  # extra complaints per month at the end of a full drift
_PAYROLL_MOVES = 0.6  # share of leaving payroll customers whose salary stops arriving during the drift


def _customer_parameters(rng: np.random.Generator, pop: Population) -> dict[str, np.ndarray]:
    n = pop.size
    age = pop.age
    logins = np.select([age < 35, age < 55, age < 70], [22.0, 12.0, 4.0], 1.2)
    logins *= np.where(pop.channel == ACQUISITION_CHANNELS.index("mobile_app"), 1.5, 1.0)
    wealth_share = rng.uniform(_WEALTH_SHARE[pop.tier0, 0], _WEALTH_SHARE[pop.tier0, 1])
    return {
        "txn_rate": np.exp(
            np.log(14.0) + 0.25 * (age < 35) - 0.35 * (age > 65) + 0.15 * pop.wealth_z + 0.45 * rng.standard_normal(n)
        ),
        "ticket": np.exp(np.log(350.0) + 0.3 * (pop.log_aum0 - 10.55) + 0.3 * rng.standard_normal(n)),
        "logins": logins * rng.lognormal(0.0, 0.4, n),
        "credit_spend": np.exp(np.log(2500.0) + 0.3 * pop.wealth_z + 0.5 * rng.standard_normal(n)),
        "debit_spend": np.exp(np.log(700.0) + 0.2 * pop.wealth_z + 0.5 * rng.standard_normal(n)),
        "wealth_share": wealth_share,
        "insurance_share": rng.uniform(0.05, 0.20, n),
        "payroll_moves": rng.random(n) < _PAYROLL_MOVES,
        "complaint_factor": np.where(age >= 60, 1.5, 1.0),
    }


def _cents(values: np.ndarray) -> np.ndarray:
    return np.round(values * 100.0).astype(np.int64)


def _money(cents: np.ndarray) -> np.ndarray:
    return cents / 100.0


def month_rows(
    rng: np.random.Generator,
    pop: Population,
    traj: Trajectories,
    held: np.ndarray,
    loans: np.ndarray,
    window: Window,
) -> pl.DataFrame:
    """customer_months rows of the chunk with a `customer` index column instead of the id."""
    par = _customer_parameters(rng, pop)
    month, c = np.nonzero(traj.rows.T)  # month-major order
    r = len(c)
    cal = window.calendar_months[month] - 1
    dormant = traj.dormant[c, month]
    drift = traj.drift[c, month]
    active = (month >= pop.activation_row[c]) & ~dormant
    level = active * (1.0 - 0.8 * drift)
    tier = traj.tier[c, month]

    # Balances in whole cents, so that aum_total is exactly the sum of its parts.
    aum = _cents(np.exp(traj.log_aum[c, month]))
    jitter = rng.lognormal(0.0, 0.05, (2, r))
    has_wealth = held[WEALTH, c, month] | held[FUND, c, month]
    wealth_share = np.minimum(par["wealth_share"][c] * jitter[0] * has_wealth, 0.8)
    insurance_share = np.minimum(par["insurance_share"][c] * jitter[1] * held[INSURANCE, c, month], 0.15)
    wealth = np.round(aum * wealth_share).astype(np.int64)
    insurance = np.round(aum * insurance_share).astype(np.int64)
    deposits = aum - wealth - insurance

    txn_count = rng.poisson(par["txn_rate"][c] * _SEASON_TXN[cal] * level)
    txn_amount = _cents(txn_count * par["ticket"][c] * rng.lognormal(0.0, 0.25, r))
    spend_base = np.where(held[CREDIT_CARD, c, month], par["credit_spend"][c], par["debit_spend"][c])
    card_spend = _cents(spend_base * _SEASON_CARD[cal] * level * rng.lognormal(0.0, 0.3, r))
    logins = rng.poisson(par["logins"][c] * active * (1.0 - 0.85 * drift))
    complaint_rate = _COMPLAINT_RATE * par["complaint_factor"][c] + _DRIFT_COMPLAINTS * drift
    complaints = rng.poisson(complaint_rate)

    payroll_stops = par["payroll_moves"][c] & (drift > 0.25)
    payroll = pop.salary[c] * _PAYROLL_BONUS[cal] * rng.lognormal(0.0, 0.05, r) * ~dormant * ~payroll_stops
    payroll = np.where(pop.has_payroll[c], _money(_cents(payroll)), np.nan)
    abroad = rng.random(r) < _CROSS_BORDER_RATE[tier] * _SEASON_TRAVEL[cal] * (level > 0)
    cross_border = np.where(abroad, _cents(np.exp(np.log(2500.0) + 0.7 * tier + 0.9 * rng.standard_normal(r))), 0)

    return pl.DataFrame(
        {
            "customer": c,
            "month": window.month_ends[month],
            "aum_total": _money(aum),
            "deposits": _money(deposits),
            "wealth": _money(wealth),
            "insurance": _money(insurance),
            "loan_balance": _money(_cents(loans[c, month])),
            "card_spend": _money(card_spend),
            "txn_count": txn_count,
            "txn_amount": _money(txn_amount),
            "digital_logins": logins,
            "products_held": held[:, c, month].sum(axis=0),
            "complaints": complaints,
            "payroll_inflow": pl.Series(payroll).fill_nan(None),
            "cross_border_spend": _money(cross_border),
        }
    )


def complaint_rows(rng: np.random.Generator, months: pl.DataFrame, pop: Population, window: Window) -> pl.DataFrame:
    """One complaints row per complaint counted in customer_months, dated inside that month."""
    counts = months["complaints"].to_numpy()
    has = counts > 0
    customer = np.repeat(months["customer"].to_numpy()[has], counts[has])
    month_end = np.repeat(months["month"].to_numpy()[has], counts[has])
    month = np.searchsorted(window.month_ends, month_end)
    day = day_in_row_month(rng, window, month, pop.open_day[customer])
    k = len(customer)
    months_to_end = window.size - 1 - month
    resolved_p = np.select([months_to_end == 0, months_to_end == 1], [0.55, 0.8], 0.93)
    frame = pl.DataFrame(
        {
            "customer": customer.astype(np.int64),
            "complaint_ts": business_time(rng, day),
            "channel": pl.Series(COMPLAINT_CHANNELS).gather(
                rng.choice(len(COMPLAINT_CHANNELS), k, p=COMPLAINT_CHANNEL_WEIGHTS)
            ),
            "category": pl.Series(COMPLAINT_CATEGORIES).gather(
                rng.choice(len(COMPLAINT_CATEGORIES), k, p=COMPLAINT_CATEGORY_WEIGHTS)
            ),
            "resolved": rng.random(k) < resolved_p,
        }
    )
    return frame.sort("customer", "complaint_ts", maintain_order=True)
