"""KPI values for the cards: the period's value, its prior (MoM / QoQ / YoY), changes and a monthly trend.

Numbers come from the semantic compiler; labels, descriptions and formats from metrics.yaml.
The card shows the selected period's last month (balances are stocks; a month is the unit of
comparison), and the sparkline the months of the selected period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from clientscope.components.filter_bar import DEFAULT_PERIOD_MONTHS as TREND_MONTHS
from clientscope.components.kpi import KpiView
from clientscope.components.page import PageContext
from clientscope.semantic import (
    MetricRequest,
    compare_query,
    format_change,
    format_pct_change,
    format_value,
    missing_tables,
    run_compiled,
    run_metric_query,
)


@dataclass(frozen=True)
class KpiNumbers:
    """The raw numbers behind one card (tests compare these with independent computations)."""

    metric: str
    value: float | None
    prior: float | None
    change: float | None
    pct_change: float | None
    trend: pl.DataFrame  # period, value


def period_bounds(pc: PageContext) -> tuple[str, str]:
    """The selected period (YYYY-MM); by default the last 12 months of data."""
    months = pc.choices.months
    end = pc.state.end or (months[-1] if months else "")
    if pc.state.start:
        return pc.state.start, end
    earlier = [m for m in months if m <= end]
    return (earlier[-TREND_MONTHS:][0] if earlier else end), end


def available(pc: PageContext, metrics: Sequence[str]) -> tuple[str, ...]:
    """The metrics whose extracts are present (e.g. no campaign KPIs without campaign data)."""
    return tuple(m for m in metrics if not missing_tables(pc.model, m, pc.db.tables))


def kpi_numbers(pc: PageContext, metrics: Sequence[str]) -> list[KpiNumbers]:
    metrics = available(pc, metrics)
    if not metrics:
        return []
    start, end = period_bounds(pc)
    filters = pc.metric_filters()
    current = MetricRequest(metrics=tuple(metrics), filters=filters, grain="month", start=end, end=end)
    compared = run_compiled(pc.db, compare_query(pc.model, current, pc.state.compare), pc.scope, "kpi cards").frame
    trend_request = MetricRequest(metrics=tuple(metrics), filters=filters, grain="month", start=start, end=end)
    trend = run_metric_query(pc.db, pc.model, trend_request, pc.scope).frame
    row = compared.row(0, named=True) if compared.height else {}
    return [
        KpiNumbers(
            metric=m,
            value=row.get(m),
            prior=row.get(f"{m}__prior"),
            change=row.get(f"{m}__change"),
            pct_change=row.get(f"{m}__pct_change"),
            trend=trend.select(pl.col("period"), pl.col(m).alias("value")) if trend.height else pl.DataFrame(),
        )
        for m in metrics
    ]


def kpi_views(pc: PageContext, metrics: Sequence[str]) -> list[KpiView]:
    views = []
    for numbers in kpi_numbers(pc, metrics):
        fmt = pc.model.format_of(numbers.metric)
        metric = pc.model.metric(numbers.metric)
        is_rate = fmt.type == "percent"
        direction = 0 if not numbers.change else (1 if numbers.change > 0 else -1)
        trend = numbers.trend
        views.append(
            KpiView(
                metric=numbers.metric,
                label=pc.model.label(numbers.metric, pc.lang),
                description=pc.model.description(numbers.metric, pc.lang),
                value=format_value(numbers.value, fmt, pc.lang),
                prior=format_value(numbers.prior, fmt, pc.lang) if numbers.prior is not None else None,
                change=format_change(numbers.change, fmt, pc.lang) if numbers.change is not None else None,
                pct_change=None
                if is_rate or numbers.pct_change is None
                else format_pct_change(numbers.pct_change, pc.lang),
                direction=direction,
                good_when_up=metric.good_direction != "down",
                spark_x=[p.strftime("%Y-%m") for p in trend["period"].to_list()] if trend.height else (),
                spark_y=trend["value"].to_list() if trend.height else (),
            )
        )
    return views
