"""Churn signals per customer-month: the transparent early-warning indicators and the 3-month label.

The SQL lives in `queries/churn/signals.sql` (windows over each customer's months, backwards only)
and `queries/churn/holding_closures.sql` (closures from the holdings extract, when present).
Thresholds are bound as `$named` parameters from `SignalRules`; the rule-based score adds
points per firing signal.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import polars as pl

from clientscope.db import FULL_SCOPE, Database, ViewerScope, query_sql, run_named

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
    """Thresholds at which a signal fires, and the points it adds to the rule-based score.

    Defaults are the documented ones (docs/churn-model.md); later they come from
    metrics.yaml `rules.risk`.
    """

    txn_drop: float = 0.5  # transactions (last 3 months vs previous 3) down by at least 50 %
    aum_drop: float = 0.3  # AUM down by at least 30 % vs 3 months earlier
    complaints_min: int = 1  # at least one complaint in the last 2 months (60 days)
    closures_min: int = 1  # at least one product closed or redeemed in the last 3 months
    inactive_months_min: int = 3  # no transactions for 3+ consecutive months (dormant: 90+ days)
    logins_drop: float = 0.5  # digital logins (last 3 vs previous 3 months) down by at least 50 %
    txn_drop_points: int = 2
    aum_drop_points: int = 2
    complaints_points: int = 2
    closures_points: int = 1
    inactive_points: int = 3
    logins_drop_points: int = 1

    def sql_params(self) -> dict[str, float | int]:
        """The thresholds as `$named` parameters of queries/churn/*.sql."""
        return {
            "txn_drop": self.txn_drop,
            "aum_drop": self.aum_drop,
            "complaints_min": self.complaints_min,
            "closures_min": self.closures_min,
            "inactive_months_min": self.inactive_months_min,
            "logins_drop": self.logins_drop,
        }

    def points(self, signal: Signal) -> int:
        return int(asdict(self)[f"{signal.value}_points"])


@dataclass(frozen=True)
class Sample:
    """Which customers a query keeps: a seeded hash keeps `per_10000` of every 10,000."""

    seed: int = 0
    per_10000: int = ALL_CUSTOMERS

    def sql_params(self) -> dict[str, int]:
        return {"sample_seed": self.seed, "sample_per_10000": self.per_10000}


EVERYONE = Sample()
DEFAULT_RULES = SignalRules()


def load_signals(
    db: Database,
    rules: SignalRules = DEFAULT_RULES,
    *,
    first_month: date | None = None,
    last_month: date | None = None,
    sample: Sample = EVERYONE,
    scope: ViewerScope = FULL_SCOPE,
) -> pl.DataFrame:
    """Signals, levels, rule points and label for every open customer-month in [first_month, last_month].

    Closures come from holdings.close_date when the holdings extract is present, else from falls
    in customer_months.products_held.
    """
    params: dict[str, Any] = {
        **rules.sql_params(),
        **sample.sql_params(),
        "first_month": first_month,
        "last_month": last_month,
    }
    frame = _run(db, "churn/signals", params, scope)
    if db.has("holdings"):
        frame = _use_holding_closures(frame, _run(db, "churn/holding_closures", params, scope))
    return with_rule_points(frame, rules)


def _run(db: Database, name: str, params: dict[str, Any], scope: ViewerScope) -> pl.DataFrame:
    # Only the parameters a file names are bound: DuckDB rejects unused ones.
    return run_named(
        db, name, _params_for(name, params), scope=scope, row_cap=FRAME_ROW_CAP, timeout_s=FRAME_TIMEOUT_S
    ).frame


def _params_for(name: str, params: dict[str, Any]) -> dict[str, Any]:
    sql = query_sql(name)
    return {key: value for key, value in params.items() if re.search(rf"\${key}\b", sql)}


def _use_holding_closures(signals: pl.DataFrame, closures: pl.DataFrame) -> pl.DataFrame:
    """Replace the products_held-based closure columns with the holdings-based ones."""
    replaced = signals.drop("closures_3m", "closures_flag").join(
        closures, on=["customer_id", "month"], how="left", maintain_order="left"
    )
    return replaced.with_columns(
        pl.col("closures_3m").fill_null(0).cast(pl.Int32), pl.col("closures_flag").fill_null(False)
    ).select(signals.columns)


def with_rule_points(frame: pl.DataFrame, rules: SignalRules) -> pl.DataFrame:
    """Add `rule_points`: the transparent baseline score, points per firing signal."""
    points = pl.sum_horizontal(
        pl.col(FLAG_COLUMN[signal]).cast(pl.Int32) * rules.points(signal) for signal in Signal
    ).alias("rule_points")
    return frame.with_columns(points)
