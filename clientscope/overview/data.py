"""Data behind the overview page: headline KPIs and the tier mix."""

from __future__ import annotations

import polars as pl

from clientscope.kpis import period_bounds
from clientscope.semantic import MetricRequest, run_metric_query
from clientscope.view_context import PageContext

HEADLINE_METRICS: tuple[str, ...] = (
    "customers",
    "aum_total",
    "active_rate",
    "churn_rate",
    "campaign_conversion_rate",
    "alert_aum",
)


def tier_mix(pc: PageContext) -> pl.DataFrame:
    """Customers and AUM by tier at the end of the selected period (detail rows only)."""
    _, end = period_bounds(pc)
    request = MetricRequest(
        metrics=("customers", "aum_total"),
        dimensions=("tier",),
        filters=pc.metric_filters(),
        grain="month",
        start=end,
        end=end,
    )
    frame = run_metric_query(pc.db, pc.model, request, pc.scope).frame
    return frame.filter(~pl.col("is_total")) if "is_total" in frame.columns else frame
