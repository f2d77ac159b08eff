"""How a customer list shows its rows: the customer id as a link to the customer 360 page (carrying the view and
`p.back=<page>`), personal data masked by the one `mask_frame`, codes as labels, amounts formatted, and the
headers and AG Grid column definitions of the engine's default columns. A source's `cells` hook replaces the
value of the columns it names (its own labels, fallbacks and formats)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import polars as pl

from clientscope.access.masking import mask_frame
from clientscope.customer_list.source import ListSource
from clientscope.i18n import t
from clientscope.semantic import format_value
from clientscope.state import to_query
from clientscope.view_context import PageContext

# Columns holding a dimension's code: shown with the dimension's value labels.
CODE_COLUMNS: dict[str, str] = {
    "branch_id": "branch",
    "rm_id": "rm",
    "tier": "tier",
    "from_tier": "tier",
    "to_tier": "tier",
    "stage": "stage",
    "warning_level": "warning_level",
}
DIMENSION_HEADERS: dict[str, str] = {
    "region": "region",
    "branch_id": "branch",
    "rm_id": "rm",
    "tier": "tier",
    "stage": "stage",
    "warning_level": "warning_level",
}
METRIC_HEADERS: dict[str, str] = {"aum_total": "aum_total"}
MONEY_COLUMNS = frozenset(
    {"aum_total", "aum_from", "aum_to", "aum_change", "card_spend", "card_spend_avg", "cross_border_avg", "payroll_avg"}
)
COUNT_COLUMNS = frozenset({"products_held", "txn_count", "tenure_months", "warning_score", "signals"})
PERCENT_COLUMNS = frozenset({"aum_growth"})
WIDTHS: dict[str, int] = {"region": 90, "branch_id": 170, "rm_id": 100, "tier": 130, "from_tier": 150, "to_tier": 150}
PERSONAL_WIDTHS: dict[str, int] = {"name": 100, "phone": 130}


def customer_href(customer_id: str, query: str) -> str:
    """The customer 360 page of `customer_id`, carrying `query` (a URL query string with or without '?')."""
    query = query if not query or query.startswith("?") else "?" + query
    return f"/customers/{quote(customer_id, safe='')}{query}"


def link_query(pc: PageContext, back: str) -> str:
    """The query a list row carries to the customer page: the whole view plus where to come back to."""
    return to_query(pc.state.with_option("back", back))


def markdown_link(text: str, href: str) -> str:
    label = re.sub(r"([\\\[\]()*_`<>#])", r"\\\1", text)
    return f"[{label}]({href})"


def display_rows(
    pc: PageContext, frame: pl.DataFrame, *, query: str, source: ListSource | None = None
) -> list[dict[str, Any]]:
    """Rows as the grid shows them: labels for codes, formatted amounts, masked personal data, links.

    `id` holds the raw customer id (the grid's row id); `customer_id` its link. With a `source`, only its columns
    are sent (all of the frame's when it names none) and its `cells` hook gives the values of the columns it names.
    """
    lang = pc.lang
    labels = pc.value_labels()
    money = pc.model.format_of("aum_total")
    cells = source.cells(pc) if source is not None and source.cells is not None else {}
    wanted = (*source.personal, *source.columns) if source is not None and source.columns else None
    rows = []
    for row in mask_frame(frame, pc.scope).iter_rows(named=True):
        customer = str(row["customer_id"])
        shown: dict[str, Any] = {"id": customer, "customer_id": markdown_link(customer, customer_href(customer, query))}
        for key in wanted or row:
            if key in cells:
                shown[key] = cells[key](row)
            elif key != "customer_id":
                shown[key] = _value(key, row.get(key), labels, money, lang)
        rows.append(shown)
    return rows


def _value(key: str, value: object, labels: Mapping[str, Mapping[str, str]], money: Any, lang: str) -> object:
    if key in CODE_COLUMNS:
        return code_label(value, CODE_COLUMNS[key], labels, lang)
    if key in MONEY_COLUMNS:
        return format_value(value, money, lang) if value is not None else "—"
    if key in PERCENT_COLUMNS:
        return f"{value:+.1%}" if value is not None else "—"
    if key.startswith("sig_"):
        return "✓" if value else ""
    return value


def code_label(value: object, dimension: str, labels: Mapping[str, Mapping[str, str]], lang: str) -> str:
    if value is None:
        return "—"
    if dimension == "tier" and value in ("new", "closed"):
        return t(f"customer.list.{value}", lang)
    return labels.get(dimension, {}).get(str(value), str(value))


def column_header(pc: PageContext, source: ListSource, key: str) -> str:
    lang = pc.lang
    if key in source.extra_columns:
        return t(source.extra_columns[key], lang)
    if key in DIMENSION_HEADERS:
        return pc.model.dimension_label(DIMENSION_HEADERS[key], lang)
    if key in METRIC_HEADERS:
        return pc.model.label(METRIC_HEADERS[key], lang)
    return t(f"customer.list.col.{key}", lang)


def id_column(header: str, **extra: Any) -> dict[str, Any]:
    """The customer id column every list starts with: a link, pinned left."""
    return {
        "field": "customer_id",
        "colId": "customer_id",
        "headerName": header,
        "cellRenderer": "markdown",
        "pinned": "left",
        "width": 130,
        **extra,
    }


def column_defs(pc: PageContext, source: ListSource) -> list[dict[str, Any]]:
    """The AG Grid columns of a source: its own (`grid_columns`) or the engine's from its column names."""
    if source.grid_columns is not None:
        return source.grid_columns(pc)
    lang = pc.lang
    columns: list[dict[str, Any]] = [id_column(t("customer.list.col.customer_id", lang), sortable=True)]
    for key in source.personal:
        header = t(f"customer.list.col.{key}", lang)
        columns.append({"field": key, "headerName": header, "width": PERSONAL_WIDTHS.get(key, 120), "sortable": False})
    for key in source.columns:
        numeric = key in MONEY_COLUMNS | COUNT_COLUMNS | PERCENT_COLUMNS
        column = {
            "field": key,
            "headerName": column_header(pc, source, key),
            "sortable": key in source.sort_keys,
            "width": WIDTHS.get(key, 130 if key in MONEY_COLUMNS else (110 if numeric else 120)),
        }
        if numeric:
            column["type"] = "rightAligned"
        columns.append(column)
    return columns
