"""The reusable drill-through customer list: an AG Grid paged and sorted on the server.

A page shows the customers behind a segment with

    from clientscope.customer_list import CustomerSegment, customer_list
    customer_list(pc, CustomerSegment(month="2026-09", filters=pc.metric_filters()), name="segments")

- `CustomerSegment` says which customers: the customers on the books at a month-end (`month`, YYYY-MM),
  narrowed by metrics.yaml dimension filters and an optional marketing tag (`NO_TAG`: customers without
  one).  `source` picks the list query:
  "snapshot" (this module) or a source another module registered with `register_source` (the segments page
  registers "migration" and "potential"), whose own parameters travel in `params`.
- The grid uses AG Grid's infinite row model: every page and sort is one `$named` query through
  `run_named` under the viewer's scope, with `count(*) over ()` giving the row count.
- Personal data (name, phone) is masked unless the viewer's scope allows it.
- Each customer id links to `/customers/<id>` with the page's whole query string (period, filters,
  cross-filters, options) plus `p.back=<page>`, so the customer 360 page can lead back.
- `list_frame` gives the raw rows (exports) and `list_sheet` the Excel sheet of a segment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

import dash_ag_grid as dag
import polars as pl
from dash import MATCH, Input, Output, State, callback, dcc, html, no_update

from clientscope.access.masking import mask_frame
from clientscope.components.grid import grid_options
from clientscope.db import query_sql, run_named
from clientscope.export import ColumnSpec, SheetSpec
from clientscope.i18n import t
from clientscope.semantic import excel_header_unit, excel_number_format, format_value
from clientscope.semantic.filtering import ViewFilters
from clientscope.state import to_query
from clientscope.view_context import PageContext

GRID = "customer-list"
STORE = "customer-list-segment"
COUNT = "customer-list-count"
PAGE_SIZE = 20
NO_TAG = "-"  # the tag value meaning "customers without a tag"
EXPORT_LIMIT = 100_000
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_MAX_VALUE = 200

# metrics.yaml dimensions the list queries can filter on (customer_month_facts columns) → SQL parameter.
# Filters on other dimensions (campaign, touch channel...) do not describe customers and are not applied.
LIST_DIMENSIONS: tuple[str, ...] = (
    "region",
    "branch",
    "rm",
    "city",
    "tier",
    "tier_alt",
    "stage",
    "acquisition_channel",
    "gender",
    "age_band",
    "risk_profile",
    "warning_level",
)
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
PERSONAL_COLUMNS = ("name", "phone")
WIDTHS: dict[str, int] = {"region": 90, "branch_id": 170, "rm_id": 100, "tier": 130, "from_tier": 150, "to_tier": 150}


@dataclass(frozen=True)
class ListSource:
    """One list query: `queries/<query>.sql` with the common parameters (month, filters, tag, sort, page)."""

    query: str
    columns: tuple[str, ...]  # shown after the customer id and the personal columns, in order
    sort_keys: frozenset[str]
    default_sort: tuple[str, bool] = ("aum_total", True)  # (column, descending)
    param_names: frozenset[str] = frozenset()  # keys a segment may carry in `params`
    params: Callable[[PageContext, CustomerSegment], dict[str, Any]] = lambda pc, segment: {}
    extra_columns: Mapping[str, str] = field(default_factory=dict)  # column → message key of its header
    own_filters: tuple[str, ...] = ()  # dimensions the query applies its own way (not through filtered_<table>)


_SOURCES: dict[str, ListSource] = {}


def register_source(name: str, source: ListSource) -> None:
    """Make a list query available to every customer list (done once, when the owning module is imported)."""
    _SOURCES[name] = source


def list_source(name: str) -> ListSource:
    if name not in _SOURCES:
        raise ValueError(f"unknown customer list source {name!r}")
    return _SOURCES[name]


register_source(
    "snapshot",
    ListSource(
        query="customer/list",
        columns=(
            "region",
            "branch_id",
            "rm_id",
            "tier",
            "stage",
            "aum_total",
            "products_held",
            "txn_count",
            "warning_level",
        ),
        sort_keys=frozenset(
            {
                "customer_id",
                "region",
                "branch_id",
                "rm_id",
                "tier",
                "stage",
                "aum_total",
                "products_held",
                "txn_count",
                "card_spend",
                "tenure_months",
                "warning_score",
                "warning_level",
            }
        ),
    ),
)


@dataclass(frozen=True)
class CustomerSegment:
    """Which customers a list shows; travels to the browser and back, so `from_dict` validates it."""

    month: str  # YYYY-MM: the month-end whose book the list is
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # metrics.yaml dimension → values
    tag: str | None = None
    source: str = "snapshot"
    params: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "filters": {k: list(v) for k, v in self.filters.items() if v},
            "tag": self.tag,
            "source": self.source,
            "params": dict(self.params),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CustomerSegment:
        month = data.get("month")
        if not isinstance(month, str) or not _MONTH.match(month):
            raise ValueError("segment month must be YYYY-MM")
        source = data.get("source") or "snapshot"
        allowed = list_source(source).param_names
        filters = {
            str(dim): tuple(_text(v) for v in values)
            for dim, values in (data.get("filters") or {}).items()
            if dim in LIST_DIMENSIONS and isinstance(values, list) and values
        }
        params = {str(k): _text(v) for k, v in (data.get("params") or {}).items() if k in allowed and v is not None}
        tag = data.get("tag")
        return cls(month, filters, _text(tag) if tag else None, source, params)

    def month_start(self) -> date:
        return date(int(self.month[:4]), int(self.month[5:7]), 1)


def _text(value: object) -> str:
    text = str(value)
    if len(text) > _MAX_VALUE:
        raise ValueError("segment value too long")
    return text


def customer_filters(filters: Mapping[str, Sequence[str | None]]) -> dict[str, tuple[str, ...]]:
    """The filters a customer list honours: dimensions of customer_month_facts with values."""
    return {d: tuple(v for v in filters[d] if v is not None) for d in LIST_DIMENSIONS if filters.get(d)}


def ignored_filters(filters: Mapping[str, Sequence[str | None]]) -> tuple[str, ...]:
    """Dimensions filtered on the page that do not describe customers (so a customer list ignores them)."""
    return tuple(d for d, values in filters.items() if values and d not in LIST_DIMENSIONS)


def bind(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters `queries/<name>.sql` names (DuckDB rejects unused ones); a missing one is an error."""
    code = "\n".join(line.split("--", 1)[0] for line in query_sql(name).splitlines())
    names = dict.fromkeys(_PARAM.findall(code))
    missing = [n for n in names if n not in params]
    if missing:
        raise KeyError(f"queries/{name}.sql needs parameters {missing}")
    return {n: params[n] for n in names}


def list_frame(
    pc: PageContext,
    segment: CustomerSegment,
    *,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    sort: tuple[str, bool] | None = None,
) -> tuple[pl.DataFrame, int | None]:
    """One page of the segment's customers (raw values, nothing masked) and the list's size.

    The size is None when the page is past the end (no row carries it).
    """
    source = list_source(segment.source)
    key, descending = sort if sort and sort[0] in source.sort_keys else source.default_sort
    params: dict[str, Any] = {
        **source.params(pc, segment),
        "month_start": segment.month_start(),
        "tag": segment.tag,
        "no_tag": NO_TAG,
        "sort_key": key,
        "sort_desc": bool(descending),
        "limit": max(0, min(int(limit), EXPORT_LIMIT)),
        "offset": max(0, int(offset)),
    }
    filters = ViewFilters.compile(pc.model, segment.filters).without(*source.own_filters)
    frame = run_named(
        pc.db, source.query, bind(source.query, params), scope=pc.scope, filters=filters, row_cap=EXPORT_LIMIT
    ).frame
    total = int(frame["total_rows"][0]) if frame.height else (0 if offset == 0 else None)
    return frame.drop("total_rows", strict=False), total


def sort_from_model(sort_model: Sequence[Mapping[str, Any]] | None) -> tuple[str, bool] | None:
    """AG Grid's sort model (first column only) → (column, descending)."""
    if not sort_model:
        return None
    first = sort_model[0]
    return str(first.get("colId", "")), first.get("sort") == "desc"


def customer_href(customer_id: str, query: str) -> str:
    """The customer 360 page of `customer_id`, carrying `query` (a URL query string with or without '?')."""
    query = query if not query or query.startswith("?") else "?" + query
    return f"/customers/{quote(customer_id, safe='')}{query}"


def link_query(pc: PageContext, back: str) -> str:
    """The query a list row carries to the customer page: the whole view plus where to come back to."""
    return to_query(pc.state.with_option("back", back))


def _markdown_link(text: str, href: str) -> str:
    label = re.sub(r"([\\\[\]()*_`])", r"\\\1", text)
    return f"[{label}]({href})"


def display_rows(pc: PageContext, frame: pl.DataFrame, *, query: str) -> list[dict[str, Any]]:
    """Rows as the grid shows them: labels for codes, formatted amounts, masked personal data, links."""
    lang = pc.lang
    labels = pc.value_labels()
    money = pc.model.format_of("aum_total")
    rows = []
    for row in mask_frame(frame, pc.scope).iter_rows(named=True):
        shown: dict[str, Any] = {}
        for key, value in row.items():
            if key == "customer_id":
                shown[key] = _markdown_link(str(value), customer_href(str(value), query))
                shown["id"] = value
            elif key in CODE_COLUMNS:
                shown[key] = _code_label(value, CODE_COLUMNS[key], labels, lang)
            elif key in MONEY_COLUMNS:
                shown[key] = format_value(value, money, lang) if value is not None else "—"
            elif key in PERCENT_COLUMNS:
                shown[key] = f"{value:+.1%}" if value is not None else "—"
            elif key.startswith("sig_"):
                shown[key] = "✓" if value else ""
            else:
                shown[key] = value
        rows.append(shown)
    return rows


def _code_label(value: object, dimension: str, labels: Mapping[str, Mapping[str, str]], lang: str) -> str:
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


def column_defs(pc: PageContext, source: ListSource) -> list[dict[str, Any]]:
    lang = pc.lang
    columns: list[dict[str, Any]] = [
        {
            "field": "customer_id",
            "headerName": t("customer.list.col.customer_id", lang),
            "cellRenderer": "markdown",
            "pinned": "left",
            "width": 130,
            "sortable": True,
        },
        {"field": "name", "headerName": t("customer.list.col.name", lang), "width": 100, "sortable": False},
        {"field": "phone", "headerName": t("customer.list.col.phone", lang), "width": 130, "sortable": False},
    ]
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


def customer_list(
    pc: PageContext,
    segment: CustomerSegment,
    name: str,
    *,
    back: str,
    title: str | None = None,
    height: str = "560px",
) -> html.Div:
    """The list component: a header with the row count, and the server-side grid."""
    source = list_source(segment.source)
    key, descending = source.default_sort
    return html.Div(
        [
            html.Div(
                [
                    html.Span(title or t("customer.list.title", pc.lang), className="fw-semibold me-2"),
                    html.Span(id={"type": COUNT, "name": name}, className="text-muted small"),
                ],
                className="mb-1",
            ),
            dcc.Store(
                id={"type": STORE, "name": name},
                data={"segment": segment.to_dict(), "query": to_query(pc.state), "back": back},
            ),
            dag.AgGrid(
                id={"type": GRID, "name": name},
                rowModelType="infinite",
                columnDefs=[
                    {**c, "sort": ("desc" if descending else "asc") if c["field"] == key else None}
                    for c in column_defs(pc, source)
                ],
                defaultColDef={"resizable": True, "suppressHeaderMenuButton": True},
                dashGridOptions=grid_options(
                    pc.lang,
                    pagination=True,
                    paginationPageSize=PAGE_SIZE,
                    paginationPageSizeSelector=False,
                    cacheBlockSize=PAGE_SIZE,
                    maxBlocksInCache=10,
                    infiniteInitialRowCount=PAGE_SIZE,
                    rowBuffer=0,
                ),
                getRowId="params.data.id",
                style={"height": height},
            ),
        ],
        className="customer-list",
    )


def rows_response(
    pc: PageContext, segment: CustomerSegment, request: Mapping[str, Any], back: str
) -> tuple[dict[str, Any], int | None]:
    """The grid's answer to one getRows request: {rowData, rowCount} and the list size."""
    start = max(0, int(request.get("startRow") or 0))
    end = max(start, int(request.get("endRow") or start + PAGE_SIZE))
    frame, total = list_frame(
        pc, segment, limit=end - start, offset=start, sort=sort_from_model(request.get("sortModel"))
    )
    rows = display_rows(pc, frame, query=link_query(pc, back))
    count = total if total is not None else start
    return {"rowData": rows, "rowCount": count}, total


@callback(
    Output({"type": GRID, "name": MATCH}, "getRowsResponse"),
    Output({"type": COUNT, "name": MATCH}, "children"),
    Input({"type": GRID, "name": MATCH}, "getRowsRequest"),
    State({"type": STORE, "name": MATCH}, "data"),
    prevent_initial_call=True,
)
def on_get_rows(request, data):
    if not request or not data:
        return no_update, no_update
    from clientscope.components.request_context import page_context
    from clientscope.state import parse_query

    pc = page_context(parse_query(data.get("query") or ""))
    segment = CustomerSegment.from_dict(data.get("segment") or {})
    response, total = rows_response(pc, segment, request, str(data.get("back") or ""))
    count = t("customer.list.count", pc.lang, count=f"{total:,}") if total is not None else no_update
    return response, count


def list_sheet(pc: PageContext, segment: CustomerSegment, *, name: str, title: str) -> SheetSpec:
    """The segment's customers as an Excel sheet (personal columns masked by the workbook unless allowed)."""
    source = list_source(segment.source)
    frame, _ = list_frame(pc, segment, limit=EXPORT_LIMIT)
    labels = pc.value_labels()
    for key, dimension in CODE_COLUMNS.items():
        if key in frame.columns:
            mapping = {**labels.get(dimension, {})}
            if dimension == "tier":
                mapping.update({c: t(f"customer.list.{c}", pc.lang) for c in ("new", "closed")})
            frame = frame.with_columns(pl.col(key).cast(pl.Utf8).replace(mapping))
    money = pc.model.format_of("aum_total")
    columns = [
        ColumnSpec("customer_id", t("customer.list.col.customer_id", pc.lang), "text"),
        ColumnSpec("name", t("customer.list.col.name", pc.lang), "text", personal=True, personal_kind="name"),
        ColumnSpec("phone", t("customer.list.col.phone", pc.lang), "text", personal=True, personal_kind="phone"),
    ]
    for key in source.columns:
        header = column_header(pc, source, key)
        if key in MONEY_COLUMNS:
            columns.append(
                ColumnSpec(
                    key, header + excel_header_unit(money, pc.lang), "currency", excel_number_format(money, pc.lang)
                )
            )
        elif key in PERCENT_COLUMNS:
            columns.append(ColumnSpec(key, header, "percent", "0.0%"))
        elif key in COUNT_COLUMNS:
            columns.append(ColumnSpec(key, header, "integer"))
        elif key.startswith("sig_"):
            frame = frame.with_columns(pl.when(pl.col(key)).then(pl.lit("✓")).otherwise(pl.lit("")).alias(key))
            columns.append(ColumnSpec(key, header, "text"))
        else:
            columns.append(ColumnSpec(key, header, "text"))
    return SheetSpec(name=name, title=title, columns=tuple(columns), rows=frame)
