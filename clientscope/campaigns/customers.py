"""The converted-customer drill list: one row per customer whose conversions earned credit (from the selected
touches, if any) under the view's model, with who the customers are; registered as the customer-list engine's
"campaign_customers" source (clientscope/customer_list/), which pages, sorts, links and masks it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from clientscope.campaigns import attribution
from clientscope.campaigns.display import EMPTY, column_format, column_label, labels_of
from clientscope.campaigns.view import Settings, page_settings
from clientscope.customer_list import Cell, CustomerSegment, ListSource, Sort, id_column, page_of, register_source
from clientscope.db import run_named
from clientscope.i18n import t
from clientscope.kpis import period_bounds
from clientscope.semantic import format_value
from clientscope.view_context import PageContext

SOURCE = "campaign_customers"
NUMBER_COLUMNS = ("conversions", "conversion_value", "attributed_conversions", "attributed_revenue")
COLUMNS = (
    "customer_name", "region", "branch_name", "rm_name", "tier", *NUMBER_COLUMNS, "top_campaign", "last_conversion",
)  # fmt: skip

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


def customer_details(pc: PageContext, customer_ids: Sequence[str]) -> pl.DataFrame:
    """Name, region, branch, RM and end-of-period tier of the listed customers (one query per page of rows)."""
    if not customer_ids:
        return pl.DataFrame(schema=_DETAILS)
    _, end = period_bounds(pc)
    params = {"customer_ids": list(customer_ids), "end_month": attribution.month_end(end)}
    frame = run_named(pc.db, "campaigns/customer_details", params, scope=pc.scope, row_cap=len(customer_ids)).frame
    return frame.select([pl.col(c).cast(t) for c, t in _DETAILS.items()])


def _fetch(
    pc: PageContext, segment: CustomerSegment, offset: int, limit: int, sort: Sort | None
) -> tuple[pl.DataFrame, int]:
    """One page of the converted-customer list in the grid's order, with who the customers are, and its size."""
    del segment  # the view (period, filters, selected touches, the model's settings) defines the list
    frame = converted_customers(pc, page_settings(pc))
    page = page_of(frame, offset, limit, sort)
    details = customer_details(pc, page["customer_id"].to_list())
    return page.join(details, on="customer_id", how="left", maintain_order="left"), frame.height


def cells(pc: PageContext) -> Mapping[str, Cell]:
    """Names for codes (else the code, else a dash), metrics.yaml formats for the numbers, ISO dates."""
    labels = labels_of(pc)
    formats = {c: column_format(pc, c) for c in NUMBER_COLUMNS}

    def number(column: str) -> Cell:
        return lambda row: format_value(row[column], formats[column], pc.lang)

    return {
        "region": lambda row: row.get("region") or EMPTY,
        "branch_name": lambda row: row.get("branch_name") or row.get("branch_id") or EMPTY,
        "rm_name": lambda row: row.get("rm_name") or row.get("rm_id") or EMPTY,
        "tier": lambda row: _label(labels.tiers, row.get("tier")),
        "top_campaign": lambda row: labels.campaigns.get(
            row.get("top_campaign") or "", row.get("top_campaign") or EMPTY
        ),
        "last_conversion": lambda row: (
            row["last_conversion"].strftime("%Y-%m-%d") if row.get("last_conversion") else EMPTY
        ),
        **{column: number(column) for column in NUMBER_COLUMNS},
    }


def _label(labels: Mapping[str, str], code: str | None) -> str:
    return labels.get(code or "", code or EMPTY)


def _day(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d") if moment else EMPTY


def grid_columns(pc: PageContext) -> list[dict[str, Any]]:
    lang = pc.lang
    text = {"sortable": False}

    def number(field: str, header: str, width: int = 120) -> dict[str, Any]:
        return {"field": field, "headerName": header, "headerTooltip": header, "type": "rightAligned", "width": width}

    return [
        id_column(t("campaigns.col.customer_id", lang)),
        {"field": "customer_name", "headerName": t("campaigns.col.customer_name", lang), "width": 110, **text},
        {"field": "region", "headerName": pc.model.dimension_label("region", lang), "width": 100, **text},
        {"field": "branch_name", "headerName": t("campaigns.col.branch_name", lang), "width": 140, **text},
        {"field": "rm_name", "headerName": t("campaigns.col.rm_name", lang), "width": 110, **text},
        {"field": "tier", "headerName": pc.model.dimension_label("tier", lang), "width": 120, **text},
        number("conversions", t("campaigns.col.conversions", lang), width=100),
        number("conversion_value", t("campaigns.col.conversion_value", lang)),
        number("attributed_conversions", column_label(pc, "attributed_conversions"), width=130),
        number("attributed_revenue", column_label(pc, "attributed_revenue"), width=130),
        {"field": "top_campaign", "headerName": t("campaigns.col.top_campaign", lang), "width": 180, **text},
        {"field": "last_conversion", "headerName": t("campaigns.col.last_conversion", lang), "width": 120},
    ]


register_source(
    SOURCE,
    ListSource(
        columns=COLUMNS,
        sort_keys=frozenset(CUSTOMER_SORT_COLUMNS),
        fetch=_fetch,
        default_sort=None,  # the list's own order: largest attributed revenue first
        personal=(),
        page="campaigns",
        cells=cells,
        grid_columns=grid_columns,
    ),
)
