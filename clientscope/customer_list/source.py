"""What a customer list shows: its sources (a SQL query or a fetch hook), the segment that travels with the grid,
and one page of rows with the list's size.

A source is registered once, by the package that owns it (`register_source`, when that module is imported), and
is either
- a SQL query (`query`: `queries/<query>.sql` with the common parameters month, filters, tag, sort and page, the
  row count from `count(*) over ()`), the customers on the books at the segment's month-end; or
- a `fetch` hook `(pc, segment, offset, limit, sort) -> (frame, total)` that reads the page's own numbers for the
  view in `pc` (the churn action list, the campaigns' converted customers, the lifecycle drill lists).

Either way the engine resolves the sort (an unknown column falls back to the source's default), caps the page,
and the grid (`grid.py`) and the display (`display.py`) treat every source alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from clientscope.db import query_sql, run_named
from clientscope.semantic.filtering import ViewFilters
from clientscope.view_context import PageContext

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

Sort = tuple[str, bool]  # (column, descending)
Fetch = Callable[[PageContext, "CustomerSegment", int, int, Sort | None], tuple[pl.DataFrame, int | None]]
Cell = Callable[[Mapping[str, Any]], Any]  # one row (personal columns masked) → the value the grid shows


@dataclass(frozen=True)
class ListSource:
    """One customer list: where its rows come from (`query` or `fetch`), its columns, sorts and display hooks."""

    columns: tuple[str, ...]  # shown after the customer id (and `personal`), in order; () = the frame's columns
    sort_keys: frozenset[str]
    query: str | None = None  # queries/<query>.sql, the customers at the segment's month-end
    fetch: Fetch | None = None  # or the page's own rows for the view the list was drawn from
    default_sort: Sort | None = ("aum_total", True)  # None: the order `fetch` gives
    param_names: frozenset[str] = frozenset()  # keys a segment may carry in `params`
    params: Callable[[PageContext, CustomerSegment], dict[str, Any]] = lambda pc, segment: {}
    extra_columns: Mapping[str, str] = field(default_factory=dict)  # column → message key of its header
    own_filters: tuple[str, ...] = ()  # dimensions the query applies its own way (not through filtered_<table>)
    personal: tuple[str, ...] = ("name", "phone")  # shown after the id by the default columns and the sheet
    page: str | None = None  # the one page whose lists it serves (None: any page, e.g. the book at a month-end)
    # display hooks: per-column values replacing the engine's (labels, fallbacks, formats) ...
    cells: Callable[[PageContext], Mapping[str, Cell]] | None = None
    # ... and the page's own AG Grid column definitions (else `display.column_defs`)
    grid_columns: Callable[[PageContext], list[dict[str, Any]]] | None = None

    def __post_init__(self) -> None:
        if (self.query is None) == (self.fetch is None):
            raise ValueError("a customer list source names either a query or a fetch hook")

    def resolve_sort(self, sort: Sort | None) -> Sort | None:
        """The requested sort when the list may be sorted by it, else the source's default."""
        return (sort[0], bool(sort[1])) if sort and sort[0] in self.sort_keys else self.default_sort


def register_source(name: str, source: ListSource) -> None:
    """Make a list available to every customer list (done once, when the owning module is imported).

    The registry is filled at import time and never changed afterwards (it is not request state)."""
    _SOURCES[name] = source


def list_source(name: str) -> ListSource:
    if name not in _SOURCES:
        raise ValueError(f"unknown customer list source {name!r}")
    return _SOURCES[name]


_SOURCES: dict[str, ListSource] = {}

_SNAPSHOT_COLUMNS = ("region", "branch_id", "rm_id", "tier", "stage", "aum_total", "products_held", "txn_count")
register_source(
    "snapshot",
    ListSource(
        query="customer/list",
        columns=(*_SNAPSHOT_COLUMNS, "warning_level"),
        sort_keys=frozenset(
            {*_SNAPSHOT_COLUMNS, "warning_level", "customer_id", "card_spend", "tenure_months", "warning_score"}
        ),
    ),
)


@dataclass(frozen=True)
class CustomerSegment:
    """Which customers a list shows; travels to the browser and back, so `from_dict` validates it.

    A query source lists the book at `month`'s end; a fetch source reads the view the list was drawn from
    (carried beside the segment) and needs no month."""

    month: str | None = None  # YYYY-MM: the month-end whose book the list is
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
        source_name = data.get("source") or "snapshot"
        source = list_source(str(source_name))
        month = data.get("month")
        if (source.query is not None or month is not None) and (not isinstance(month, str) or not _MONTH.match(month)):
            raise ValueError("segment month must be YYYY-MM")
        raw_filters = data.get("filters") or {}
        raw_params = data.get("params") or {}
        if not isinstance(raw_filters, Mapping) or not isinstance(raw_params, Mapping):
            raise ValueError("segment filters and params must be mappings")
        filters = {
            str(dim): tuple(_text(v) for v in values)
            for dim, values in raw_filters.items()
            if dim in LIST_DIMENSIONS and isinstance(values, list) and values
        }
        params = {str(k): _text(v) for k, v in raw_params.items() if k in source.param_names and v is not None}
        tag = data.get("tag")
        return cls(month, filters, _text(tag) if tag else None, str(source_name), params)

    def month_start(self) -> date:
        if self.month is None:
            raise ValueError(f"the {self.source!r} customer list has no month")
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
    sort: Sort | None = None,
) -> tuple[pl.DataFrame, int | None]:
    """One page of the segment's customers (raw values, nothing masked) and the list's size.

    The size is None when the page is past the end (no row carries it).
    """
    source = list_source(segment.source)
    limit, offset = max(0, min(int(limit), EXPORT_LIMIT)), max(0, int(offset))
    chosen = source.resolve_sort(sort)
    if source.fetch is not None:
        return source.fetch(pc, segment, offset, limit, chosen)
    key, descending = chosen or ("customer_id", False)
    params: dict[str, Any] = {
        **source.params(pc, segment),
        "month_start": segment.month_start(),
        "tag": segment.tag,
        "no_tag": NO_TAG,
        "sort_key": key,
        "sort_desc": descending,
        "limit": limit,
        "offset": offset,
    }
    filters = ViewFilters.compile(pc.model, segment.filters).without(*source.own_filters)
    query = str(source.query)
    frame = run_named(pc.db, query, bind(query, params), scope=pc.scope, filters=filters, row_cap=EXPORT_LIMIT).frame
    total = int(frame["total_rows"][0]) if frame.height else (0 if offset == 0 else None)
    return frame.drop("total_rows", strict=False), total


def page_of(
    frame: pl.DataFrame, offset: int, limit: int, sort: Sort | None, *, tie: str | None = "customer_id"
) -> pl.DataFrame:
    """Rows `offset`.. of a whole list held in memory, sorted (stable, nulls last, `tie` breaking ties)."""
    if sort is not None and sort[0] in frame.columns:
        keys = [sort[0]] + ([tie] if tie and tie != sort[0] and tie in frame.columns else [])
        frame = frame.sort(keys, descending=[sort[1], False][: len(keys)], nulls_last=True, maintain_order=True)
    return frame.slice(max(0, offset), max(0, limit))


def sort_from_model(sort_model: Sequence[Mapping[str, Any]] | None) -> Sort | None:
    """AG Grid's sort model (first column only) → (column, descending)."""
    if not sort_model:
        return None
    first = sort_model[0]
    return str(first.get("colId", "")), first.get("sort") == "desc"
