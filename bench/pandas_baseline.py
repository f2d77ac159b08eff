"""BASELINE — NOT PART OF THE APP.  "The usual way": a page's numbers computed with pandas in the callback.

This is what `clientscope bench` compares the app against for the design's "≥ 10× faster than the
same page written the usual way" claim.  It is written the way a competent pandas developer writes a
Dash callback, not as a straw man:

- it reads the same derived Parquet files the app queries (the marts, built once per extract refresh),
  so both sides start from identical, pre-joined data and only the callback's work differs;
- it reads with column projection and pyarrow filter push-down (month range and filter values), so it
  never loads more than the view needs;
- `Preloaded` is the other common style: the columns are loaded into memory once, at start-up, and each
  callback only filters and groups in memory (timed separately; its start-up load is not counted).

It computes exactly the numbers the page shows (the bench and tests/test_bench.py assert equality):
for the overview, the six headline KPIs for the last month of the period and the comparison month,
their monthly trend over the period, and customers and AUM by tier.  Only pandas and pyarrow are used;
it does not import Clientscope.  Definitions (from metrics.yaml, restated by hand as a pandas developer
would): rates are sum(numerator) / sum(denominator) per month; balances are month-end values; the
campaign conversion rate is the share of contacted (non-control) customers with a conversion within
30 days after a touch, over the touches whose 30-day window has ended by the data's last month-end
(touch_facts.observed_until; complete windows only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

CMF = "customer_month_facts.parquet"
CHURN = "churn_events.parquet"
TOUCHES = "touch_facts.parquet"
CONVERSIONS = "conversion_facts.parquet"
CMF_COLUMNS = ("month", "next_month", "close_date", "aum_total", "is_active", "warning_level", "stage", "tier")
MONEY = ("aum_total",)  # DECIMAL(18,2) in the marts: pandas reads Python Decimals, so they become float64
TOUCH_COLUMNS = ("month", "customer_id", "touch_ts", "is_control", "observed_until")
HEADLINE = ("customers", "aum_total", "active_rate", "churn_rate", "campaign_conversion_rate", "alert_aum")
ZERO_WHEN_EMPTY = ("customers", "aum_total", "alert_aum")  # counts and sums; rates stay empty


@dataclass(frozen=True)
class OverviewQuery:
    """What the overview callback needs from the URL: the period, the comparison month and the filters.

    Filters map a mart column (region, branch_id, rm_id, tier, acquisition_channel) to its allowed values,
    per table, keeping the columns that table can be cut by.
    """

    start: str  # YYYY-MM, first month of the trend
    end: str  # YYYY-MM, the month the cards show
    prior: str  # YYYY-MM, the comparison month (MoM, QoQ or YoY before `end`)
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)  # customer_month_facts
    churn_filters: Mapping[str, Sequence[str]] = field(default_factory=dict)  # churn_events
    touch_filters: Mapping[str, Sequence[str]] = field(default_factory=dict)  # touch_facts
    window_days: int = 30

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> OverviewQuery:
        def columns(key: str) -> dict[str, list[str]]:
            return {k: list(v) for k, v in raw.get(key, {}).items()}

        return cls(
            start=raw["start"],
            end=raw["end"],
            prior=raw["prior"],
            filters=columns("filters"),
            churn_filters=columns("churn_filters"),
            touch_filters=columns("touch_filters"),
            window_days=int(raw.get("window_days", 30)),
        )


def _first_day(month: str) -> date:
    return date.fromisoformat(month + "-01")


def _add_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _push_down(first: date, after: date, filters: Mapping[str, Sequence[str]]) -> list[tuple]:
    """pyarrow filters: the month range and every filter column (read only the row groups needed)."""
    predicates: list[tuple] = [("month", ">=", first), ("month", "<", after)]
    predicates += [(column, "in", list(values)) for column, values in filters.items()]
    return predicates


def _true(series: pd.Series) -> pd.Series:
    # Flags may be null in the marts; SQL's `filter (where flag)` counts only true.
    return series.eq(True).fillna(False).astype(bool)


def _month_key(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.strftime("%Y-%m")


class Preloaded:
    """The columns the overview needs, read once into memory (the "load at start-up" style)."""

    def __init__(self, marts: Path, filter_columns: Sequence[str]) -> None:
        self.cmf = _floats(pd.read_parquet(marts / CMF, columns=list(dict.fromkeys((*CMF_COLUMNS, *filter_columns)))))
        self.churn = pd.read_parquet(marts / CHURN, columns=list(dict.fromkeys(("month", *filter_columns))))
        touch_columns = list(dict.fromkeys((*TOUCH_COLUMNS, *filter_columns)))
        self.touches = pd.read_parquet(marts / TOUCHES, columns=touch_columns)
        self.conversions = pd.read_parquet(marts / CONVERSIONS, columns=["customer_id", "conversion_ts"])


def _in_memory(frame: pd.DataFrame, first: date, after: date, filters: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    months = pd.to_datetime(frame["month"])
    mask = (months >= pd.Timestamp(first)) & (months < pd.Timestamp(after))
    for column, values in filters.items():
        mask &= frame[column].isin(list(values))
    return frame[mask]


def _read(
    marts: Path,
    name: str,
    columns: Sequence[str],
    filters: Mapping[str, Sequence[str]],
    span: tuple[date, date],
    preloaded: pd.DataFrame | None,
) -> pd.DataFrame:
    if preloaded is not None:
        return _in_memory(preloaded, *span, filters)
    wanted = list(dict.fromkeys((*columns, *filters)))
    return _floats(pd.read_parquet(marts / name, columns=wanted, filters=_push_down(*span, filters)))


def _floats(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({column: "float64" for column in MONEY if column in frame.columns})


def _conversions(marts: Path, touches: pd.DataFrame, window: timedelta, pre: Preloaded | None) -> pd.DataFrame:
    low, high = touches["touch_ts"].min(), touches["touch_ts"].max() + window
    if pre is not None:
        frame = pre.conversions
        return frame[(frame["conversion_ts"] >= low) & (frame["conversion_ts"] <= high)]
    return pd.read_parquet(
        marts / CONVERSIONS,
        columns=["customer_id", "conversion_ts"],
        filters=[("conversion_ts", ">=", low.to_pydatetime()), ("conversion_ts", "<=", high.to_pydatetime())],
    )


def _monthly_kpis(cmf: pd.DataFrame) -> pd.DataFrame:
    # SQL's `stage <> 'churned'` is not true for a null stage, pandas' `ne` would be.
    red_warning = cmf["warning_level"].eq("high") & cmf["stage"].notna() & cmf["stage"].ne("churned")
    frame = cmf.assign(
        month_key=_month_key(cmf["month"]),
        active=_true(cmf["is_active"]),
        alert_aum=cmf["aum_total"].where(red_warning, 0.0),
    )
    grouped = frame.groupby("month_key").agg(
        customers=("aum_total", "size"),
        aum_total=("aum_total", "sum"),
        active=("active", "sum"),
        alert_aum=("alert_aum", "sum"),
    )
    grouped["active_rate"] = grouped["active"] / grouped["customers"]
    return grouped[["customers", "aum_total", "active_rate", "alert_aum"]]


def _opening_book(cmf: pd.DataFrame, first: date, after: date) -> pd.Series:
    """Customers on the books at the start of each month: last month-end's rows not yet closed by then."""
    next_month = pd.to_datetime(cmf["next_month"])
    in_span = (next_month >= pd.Timestamp(first)) & (next_month < pd.Timestamp(after))
    close = pd.to_datetime(cmf["close_date"])
    still_open = close.isna() | (close > pd.to_datetime(cmf["month"]))
    rows = cmf[in_span & still_open]
    return rows.groupby(_month_key(rows["next_month"])).size().rename("opening")


def _monthly_conversion(touches: pd.DataFrame, conversions: pd.DataFrame, window: timedelta) -> pd.Series:
    # complete windows only: a touch counts when its date + the window is on or before the data's last month-end
    complete = pd.to_datetime(touches["touch_ts"]).dt.normalize() + window <= pd.to_datetime(touches["observed_until"])
    months = touches.assign(month_key=_month_key(touches["month"]))["month_key"]
    touches = touches[complete].assign(month_key=_month_key(touches.loc[complete, "month"]))
    base = touches.groupby("month_key")["customer_id"].nunique()
    joined = touches.merge(conversions, on="customer_id", how="inner")
    after_touch = joined["conversion_ts"] >= joined["touch_ts"]
    hit = joined[after_touch & (joined["conversion_ts"] <= joined["touch_ts"] + window)]
    converted = hit.groupby("month_key")["customer_id"].nunique().reindex(base.index, fill_value=0)
    rate = (converted / base.where(base > 0)).rename("campaign_conversion_rate")
    return rate.reindex(sorted(set(months)))  # a month with touches but no complete window: no value


def _value(table: pd.DataFrame, month: str, metric: str) -> float | None:
    if month not in table.index or metric not in table.columns:
        return None
    value = table.at[month, metric]
    return None if pd.isna(value) else float(value)


def overview_numbers(marts: Path, query: OverviewQuery | Mapping[str, Any], pre: Preloaded | None = None) -> dict:
    """The overview page's numbers for one view: {"kpi": {metric: {value, prior}}, "trend": {metric: {YYYY-MM:
    value}}, "tier_mix": {tier: {customers, aum_total}}}."""
    q = query if isinstance(query, OverviewQuery) else OverviewQuery.from_dict(query)
    first, after = min(_first_day(q.start), _first_day(q.prior)), _add_month(_first_day(q.end), 1)
    window = timedelta(days=q.window_days)
    # one read of customer-months, from the month before the period: its rows are the first month's opening book
    wide = _read(marts, CMF, CMF_COLUMNS, q.filters, (_add_month(first, -1), after), pre.cmf if pre else None)
    cmf = wide[pd.to_datetime(wide["month"]) >= pd.Timestamp(first)]
    churned = _read(marts, CHURN, ("month",), q.churn_filters, (first, after), pre.churn if pre else None)
    touches = _read(marts, TOUCHES, TOUCH_COLUMNS, q.touch_filters, (first, after), pre.touches if pre else None)
    touches = touches[~_true(touches["is_control"])]
    opening = _opening_book(wide, first, after)
    events = churned.groupby(_month_key(churned["month"])).size().rename("churned")
    conversion = (
        _monthly_conversion(touches, _conversions(marts, touches, window, pre), window)
        if not touches.empty
        else pd.Series(dtype="float64", name="campaign_conversion_rate")
    )
    table = pd.concat([_monthly_kpis(cmf), events, opening, conversion], axis=1, join="outer")
    # SQL coalesces counts and sums to 0 for a month that only another table has rows for; rates stay empty.
    table[list(ZERO_WHEN_EMPTY)] = table[list(ZERO_WHEN_EMPTY)].fillna(0)
    table["churn_rate"] = table["churned"].fillna(0) / table["opening"].where(table["opening"] > 0)
    trend_months = sorted(m for m in table.index if q.start <= m <= q.end)
    last = cmf[_month_key(cmf["month"]) == q.end]
    mix = last.groupby("tier", dropna=False).agg(customers=("aum_total", "size"), aum_total=("aum_total", "sum"))
    return {
        "kpi": {m: {"value": _value(table, q.end, m), "prior": _value(table, q.prior, m)} for m in HEADLINE},
        "trend": {m: {month: _value(table, month, m) for month in trend_months} for m in HEADLINE},
        "tier_mix": {
            str(tier): {"customers": float(row.customers), "aum_total": float(row.aum_total)}
            for tier, row in mix.iterrows()
        },
    }


# Pages with a pandas twin: page module name → (numbers function, preloaded-data factory).
PAGES: dict[str, tuple[Callable[..., dict], Callable[[Path, Sequence[str]], Preloaded]]] = {
    "overview": (overview_numbers, Preloaded),
}
