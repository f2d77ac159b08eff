"""Product penetration and products per customer by tier at the period's last month.

Holders come from the serving layer's `segment_penetration`; the tier sizes and products per customer from the
semantic layer.
"""

from __future__ import annotations

import polars as pl

from clientscope.cache import run_named_cached
from clientscope.segments.mix import _detail
from clientscope.segments.serving import page_query
from clientscope.segments.view import SegmentsView, axis_filters, axis_view_filters
from clientscope.semantic import MetricRequest, run_metric_query
from clientscope.semantic.periods import month_start
from clientscope.view_context import PageContext


def penetration(pc: PageContext, view: SegmentsView) -> pl.DataFrame | None:
    """Share of each tier's customers holding each product type at the period's last month-end.

    None when the holdings extract is absent.  Columns: tier, product_type, holders, customers, share; every
    (tier with customers, product type seen in holdings or metrics.yaml) pair has a row.
    """
    if not pc.db.has("holdings"):
        return None
    filters = axis_view_filters(pc)
    query = page_query("penetration", filters)
    frame = run_named_cached(
        pc.db, query, {"month_start": month_start(view.end)}, scope=pc.scope, filters=filters
    ).frame
    sizes = run_metric_query(
        pc.db,
        pc.model,
        MetricRequest(("customers",), ("tier",), axis_filters(pc), "month", view.end, view.end),
        pc.scope,
    ).frame
    sizes = _detail(sizes)
    products = list(
        dict.fromkeys([*pc.model.value_labels("product_type", pc.lang), *frame["product_type"].unique().sort()])
    )
    grid = pl.DataFrame(
        [
            {"tier": tier, "product_type": product, "customers": customers}
            for tier, customers in zip(sizes["tier"].to_list(), sizes["customers"].to_list(), strict=True)
            if tier is not None
            for product in products
        ],
        schema={"tier": pl.Utf8, "product_type": pl.Utf8, "customers": pl.Int64},
    )
    joined = grid.join(frame.select("tier", "product_type", "holders"), on=["tier", "product_type"], how="left")
    return joined.with_columns(pl.col("holders").fill_null(0)).with_columns(
        (pl.col("holders") / pl.col("customers")).alias("share")
    )


def products_per_customer(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """Products per customer and the cross-sell rate per tier (and the total row) at the period's last month."""
    request = MetricRequest(
        metrics=("products_per_customer", "cross_sell_rate"),
        dimensions=("tier",),
        filters=axis_filters(pc),
        grain="month",
        start=view.end,
        end=view.end,
        totals="grand",
    )
    return run_metric_query(pc.db, pc.model, request, pc.scope).frame
