"""Churn signals per customer-month: the transparent early-warning indicators, the warning score and the label.

The signals and the warning score (预警分) are written once, in `queries/churn/warning_signals.sql`, which the
customer-month mart includes too, so the mart's `warning_score` and these rows' `warning_score` are the same
number. Thresholds, windows and points come from metrics.yaml `rules.risk` (`SignalRules.from_rules`) and are
bound as `$named` parameters.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from clientscope.db import FULL_SCOPE, Database, ViewerScope, query_sql, run_named

if TYPE_CHECKING:
    from clientscope.semantic.model import Rules

HORIZON_MONTHS = 3  # the label: churned within the next 3 months after the month-end
ALL_CUSTOMERS = 10_000  # sample_per_10000 value that keeps every customer
# Training pulls a sampled frame that may exceed the interactive row cap; sampling bounds it instead.
FRAME_ROW_CAP = 100_000_000
FRAME_TIMEOUT_S = 600.0


class Signal(StrEnum):
    """The early-warning signals; each is also a reason code and a rule of the baseline score."""

    TXN_DROP = "txn_drop"
    AUM_DROP = "aum_drop"
    COMPLAINTS = "complaints"
    CLOSURES = "closures"
    INACTIVE = "inactive"
    LOGINS_DROP = "logins_drop"


# The column holding each signal's strength and the column saying whether it fires.
VALUE_COLUMN: dict[Signal, str] = {
    Signal.TXN_DROP: "txn_trend",
    Signal.AUM_DROP: "aum_trend",
    Signal.COMPLAINTS: "complaints_2m",
    Signal.CLOSURES: "closures_3m",
    Signal.INACTIVE: "inactive_months",
    Signal.LOGINS_DROP: "logins_trend",
}
FLAG_COLUMN: dict[Signal, str] = {signal: f"{signal.value}_flag" for signal in Signal}


@dataclass(frozen=True)
class SignalRules:
    """The warning score (预警分): thresholds and windows at which a signal fires, and its points.

    Built from metrics.yaml `rules.risk` (`from_rules`), the one definition the customer-month mart shares:
    both run queries/churn/warning_signals.sql with these values bound as `$named` parameters.
    """

    txn_drop: float  # transactions in the last `txn_months` months down by at least this share vs the ones before
    aum_drop: float  # AUM down by at least this share vs `aum_months` months earlier
    complaints_min: int  # at least this many complaints in the last `complaint_months` months
    closures_min: int  # at least this many products closed or redeemed in the last `closure_months` months
    inactive_months_min: int  # no transactions for this many consecutive months
    logins_drop: float  # digital logins in the last `login_months` months down by at least this share
    txn_months: int
    aum_months: int
    complaint_months: int
    closure_months: int
    login_months: int
    txn_drop_points: int
    aum_drop_points: int
    complaints_points: int
    closures_points: int
    inactive_points: int
    logins_drop_points: int
    level_medium: int  # warning level medium at a score at or above this, high at or above level_high
    level_high: int

    @classmethod
    def from_rules(cls, rules: Rules) -> SignalRules:
        """The values of metrics.yaml `rules.risk` (checked by `clientscope metrics validate`)."""
        s = rules.risk.signals
        return cls(
            txn_drop=float(s.txn_drop.threshold or 0),
            aum_drop=float(s.aum_drop.threshold or 0),
            complaints_min=int(s.complaints.threshold or 1),
            closures_min=int(s.closures.threshold or 1),
            inactive_months_min=s.inactive.months,
            logins_drop=float(s.logins_drop.threshold or 0),
            txn_months=s.txn_drop.months,
            aum_months=s.aum_drop.months,
            complaint_months=s.complaints.months,
            closure_months=s.closures.months,
            login_months=s.logins_drop.months,
            txn_drop_points=s.txn_drop.points,
            aum_drop_points=s.aum_drop.points,
            complaints_points=s.complaints.points,
            closures_points=s.closures.points,
            inactive_points=s.inactive.points,
            logins_drop_points=s.logins_drop.points,
            level_medium=rules.risk.levels.medium,
            level_high=rules.risk.levels.high,
        )

    def sql_params(self, *, use_holdings: bool = False) -> dict[str, float | int | bool]:
        """The `$named` parameters of queries/churn/warning_signals.sql."""
        values = asdict(self)
        params: dict[str, float | int | bool] = {
            key: values[key] for key in values if key not in ("level_medium", "level_high")
        }
        return {
            **params,
            "warning_medium": self.level_medium,
            "warning_high": self.level_high,
            "use_holdings": use_holdings,
        }

    def points(self, signal: Signal) -> int:
        # getattr, not asdict(): the action list asks this for every signal of every row it words
        return int(getattr(self, f"{signal.value}_points"))


@lru_cache(maxsize=4)
def rules_from_file(path: str) -> SignalRules:
    """The warning-score rules of a metrics.yaml file (the app passes its loaded model's rules instead)."""
    from clientscope.semantic import load_semantic_model  # the semantic layer loads lazily (start-up time)

    return SignalRules.from_rules(load_semantic_model(Path(path)).rules)


def default_rules() -> SignalRules:
    """The warning-score rules of the metrics.yaml the app serves (`settings.metrics_file()`)."""
    from clientscope import settings

    return rules_from_file(str(settings.metrics_file()))


@dataclass(frozen=True)
class Sample:
    """Which customers a query keeps: a seeded hash keeps `per_10000` of every 10,000."""

    seed: int = 0
    per_10000: int = ALL_CUSTOMERS

    def sql_params(self) -> dict[str, int]:
        return {"sample_seed": self.seed, "sample_per_10000": self.per_10000}


EVERYONE = Sample()


def load_signals(
    db: Database,
    rules: SignalRules | None = None,
    *,
    first_month: date | None = None,
    last_month: date | None = None,
    sample: Sample = EVERYONE,
    scope: ViewerScope = FULL_SCOPE,
) -> pl.DataFrame:
    """Signals, the warning score and level, the model's levels and the label for every open customer-month
    in [first_month, last_month]; `rules` defaults to metrics.yaml's (`default_rules()`).

    Closures come from holdings.close_date when the holdings extract is present, else from falls
    in customer_months.products_held.
    """
    name, params = signals_query(db, rules or default_rules(), first_month, last_month, sample)
    return run_named(db, name, params, scope=scope, row_cap=FRAME_ROW_CAP, timeout_s=FRAME_TIMEOUT_S).frame


def signals_query(
    db: Database, rules: SignalRules, first_month: date | None, last_month: date | None, sample: Sample = EVERYONE
) -> tuple[str, dict[str, Any]]:
    """The query file of the signals and its bound values (the Spark build transpiles the same file)."""
    with_holdings = db.has("holdings")
    name = "churn/signals" if with_holdings else "churn/signals_without_holdings"
    params: dict[str, Any] = {
        **rules.sql_params(use_holdings=with_holdings),
        **sample.sql_params(),
        "first_month": first_month,
        "last_month": last_month,
    }
    return name, _params_for(name, params)


def _params_for(name: str, params: dict[str, Any]) -> dict[str, Any]:
    # Only the parameters a file names are bound: DuckDB rejects unused ones.
    sql = query_sql(name)
    return {key: value for key, value in params.items() if re.search(rf"\${key}\b", sql)}
