"""Tier mix, tier trend and the breakdown of the book at the period's last month.

Customers and AUM come from the semantic layer (its rollups); the breakdown by marketing tag (a list per customer)
from the serving layer's `segment_tag_mix`.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from clientscope.cache import run_named_cached
from clientscope.customer_list import NO_TAG
from clientscope.segments.serving import page_query
from clientscope.segments.view import TAG, SegmentsView, axis_filters, axis_view_filters, tag_label, tier_codes
from clientscope.semantic import MetricRequest, compare_query, run_compiled, run_metric_query
from clientscope.semantic.periods import month_start
from clientscope.view_context import PageContext


def _detail(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(~pl.col("is_total")) if "is_total" in frame.columns else frame


def _total(frame: pl.DataFrame) -> dict[str, Any]:
    if "is_total" not in frame.columns:
        return {}
    totals = frame.filter(pl.col("is_total"))
    return totals.row(0, named=True) if totals.height else {}


def tier_mix(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """Customers and AUM per tier at the period's last month, their shares, and the prior (MoM / QoQ / YoY).

    Columns: tier, customers, customers_prior, customers_change, customers_share, customers_share_prior,
    customers_share_change, and the same for aum_total.  Every tier of the scheme has a row.
    """
    request = MetricRequest(
        metrics=("customers", "aum_total"),
        dimensions=("tier",),
        filters=axis_filters(pc),
        grain="month",
        start=view.end,
        end=view.end,
        totals="grand",
    )
    frame = run_compiled(pc.db, compare_query(pc.model, request, pc.state.compare), pc.scope, "tier mix").frame
    total = _total(frame)
    detail = {row["tier"]: row for row in _detail(frame).iter_rows(named=True)}
    rows = []
    for tier in tier_codes(pc):
        row = detail.get(tier, {})
        out: dict[str, Any] = {"tier": tier}
        for m in ("customers", "aum_total"):
            value, prior = row.get(m) or 0, row.get(f"{m}__prior")
            total_now, total_prior = total.get(m), total.get(f"{m}__prior")
            share = value / total_now if total_now else None
            share_prior = (prior or 0) / total_prior if total_prior else None
            out[m] = value
            out[f"{m}_prior"] = prior
            out[f"{m}_change"] = value - prior if prior is not None else None
            out[f"{m}_share"] = share
            out[f"{m}_share_prior"] = share_prior
            out[f"{m}_share_change"] = share - share_prior if share is not None and share_prior is not None else None
        rows.append(out)
    return pl.DataFrame(rows, schema=_MIX_SCHEMA, orient="row") if rows else pl.DataFrame(schema=_MIX_SCHEMA)


_MIX_SCHEMA = {
    "tier": pl.Utf8,
    **{
        f"{m}{suffix}": pl.Float64
        for m in ("customers", "aum_total")
        for suffix in ("", "_prior", "_change", "_share", "_share_prior", "_share_change")
    },
}


def tier_trend(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """Per month of the period and tier: customers, AUM, and each tier's share of customers and of AUM."""
    request = MetricRequest(
        metrics=("customers", "aum_total"),
        dimensions=("tier",),
        filters=axis_filters(pc),
        grain="month",
        start=view.start,
        end=view.end,
    )
    frame = _detail(run_metric_query(pc.db, pc.model, request, pc.scope).frame)
    if not frame.height:
        return pl.DataFrame(
            schema={
                "period": pl.Date,
                "tier": pl.Utf8,
                "customers": pl.Int64,
                "aum_total": pl.Float64,
                "customers_share": pl.Float64,
                "aum_share": pl.Float64,
            }
        )
    return frame.select("period", "tier", "customers", "aum_total").with_columns(
        (pl.col("customers") / pl.col("customers").sum().over("period")).alias("customers_share"),
        (pl.col("aum_total") / pl.col("aum_total").sum().over("period")).alias("aum_share"),
    )


def breakdown(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """Customers and AUM per value of the breakdown dimension and tier, at the period's last month.

    Columns: value, tier, customers, aum_total.  For tags a customer counts under each of their tags.
    """
    filters = axis_filters(pc)
    if view.breakdown == TAG:
        params = {"month_start": month_start(view.end), "no_tag": NO_TAG}
        tag_filters = axis_view_filters(pc)
        query = page_query("tag_mix", tag_filters)
        frame = run_named_cached(pc.db, query, params, scope=pc.scope, filters=tag_filters).frame
        return frame.rename({"tag": "value"}).select("value", "tier", "customers", "aum_total")
    request = MetricRequest(
        metrics=("customers", "aum_total"),
        dimensions=(view.breakdown, "tier"),
        filters=filters,
        grain="month",
        start=view.end,
        end=view.end,
    )
    frame = _detail(run_metric_query(pc.db, pc.model, request, pc.scope).frame)
    return frame.select(
        pl.col(view.breakdown).cast(pl.Utf8).fill_null("").alias("value"), "tier", "customers", "aum_total"
    )


def breakdown_labels(pc: PageContext, view: SegmentsView, values: list[str]) -> dict[str, str]:
    if view.breakdown == TAG:
        return {v: tag_label(v, pc.lang) for v in values}
    labels = pc.value_labels().get(view.breakdown, {})
    return {v: labels.get(v, v) or "—" for v in values}
