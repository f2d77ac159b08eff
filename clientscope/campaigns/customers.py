"""The converted-customer drill list: one row per customer whose conversions earned credit (from the selected
touches, if any) under the view's model, paged for the grid, with who the customers are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from clientscope.campaigns import attribution
from clientscope.campaigns.view import Settings
from clientscope.db import run_named
from clientscope.kpis import period_bounds
from clientscope.view_context import PageContext

CUSTOMER_SORT_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "conversions",
    "conversion_value",
    "attributed_conversions",
    "attributed_revenue",
    "last_conversion",
)
_DETAILS = {
    "customer_id": pl.String,
    "customer_name": pl.String,
    "region": pl.String,
    "branch_id": pl.String,
    "branch_name": pl.String,
    "rm_id": pl.String,
    "rm_name": pl.String,
    "tier": pl.String,
}


def converted_customers(pc: PageContext, settings: Settings) -> pl.DataFrame:
    """customer_id, conversions, conversion_value, attributed_conversions, attributed_revenue, last_conversion,
    top_campaign; largest attributed revenue first."""
    return attribution.credit_query(pc, settings, "credit_customers", {"model": settings.model}).frame


def sort_customers(frame: pl.DataFrame, sort_model: Sequence[Mapping[str, str]] | None) -> pl.DataFrame:
    """Order by the grid's sort model (allow-listed columns only), customer_id breaking ties."""
    keys, descending = [], []
    for item in sort_model or ():
        column = item.get("colId")
        if column in CUSTOMER_SORT_COLUMNS and column not in keys:
            keys.append(column)
            descending.append(item.get("sort") == "desc")
    if not keys:
        return frame
    if "customer_id" not in keys:
        keys.append("customer_id")
        descending.append(False)
    return frame.sort(keys, descending=descending, nulls_last=True)


def customer_details(pc: PageContext, customer_ids: Sequence[str]) -> pl.DataFrame:
    """Name, region, branch, RM and end-of-period tier of the listed customers (one query per page of rows)."""
    if not customer_ids:
        return pl.DataFrame(schema=_DETAILS)
    _, end = period_bounds(pc)
    params = {"customer_ids": list(customer_ids), "end_month": attribution.month_end(end)}
    frame = run_named(pc.db, "campaigns/customer_details", params, scope=pc.scope, row_cap=len(customer_ids)).frame
    return frame.select([pl.col(c).cast(t) for c, t in _DETAILS.items()])


def customer_rows(
    pc: PageContext, settings: Settings, start: int, end: int, sort_model: Sequence[Mapping[str, str]] | None
) -> tuple[pl.DataFrame, int]:
    """One page of the converted-customer list (rows `start`..`end`-1 in the grid's order) with details,
    and the number of rows in the whole list."""
    frame = sort_customers(converted_customers(pc, settings), sort_model)
    start = max(start, 0)
    page = frame.slice(start, max(end - start, 0))
    details = customer_details(pc, page["customer_id"].to_list())
    return page.join(details, on="customer_id", how="left", maintain_order="left"), frame.height
