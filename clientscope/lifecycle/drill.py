"""The customer lists behind the lifecycle page's clicks (`p.list`, a `DrillTarget`), read from the detail rows:
the cohort's customers (narrowed by the cross-filters), a flow link's movers, a stage at a month-end; and the
pages of the grid's infinite row model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from clientscope.lifecycle.codes import NOT_ACTIVATED
from clientscope.lifecycle.cohort import cohort_members, mix_filters, narrow, run_lifecycle
from clientscope.lifecycle.labels import list_value_labels
from clientscope.lifecycle.measures import step_mask
from clientscope.lifecycle.view import DrillTarget, LifecycleView, lifecycle_view, month_first
from clientscope.semantic import drill_count_query, drill_query, run_compiled
from clientscope.view_context import PageContext

_DRILL_LIMIT = 100_000

COHORT_LIST_COLUMNS: tuple[str, ...] = (
    "customer_id", "open_date", "acquisition_channel", "region", "branch_name", "rm_name", "entry_tier",
    "days_to_activate", "activated", "retained_early", "retained_late", "grown", "churned", "latest_stage",
    "latest_aum",
)  # fmt: skip
CELL_LIST_COLUMNS: tuple[str, ...] = (
    "customer_id", "active_at", "aum_at", "open_date", "acquisition_channel", "region", "branch_name", "rm_name",
    "entry_tier", "latest_stage", "latest_aum",
)  # fmt: skip
FLOW_LIST_COLUMNS: tuple[str, ...] = (
    "customer_id", "open_date", "acquisition_channel", "region", "branch_name", "rm_name", "from_state", "to_state",
    "aum_a", "aum_b",
)  # fmt: skip
MIX_LIST_FIELDS: tuple[str, ...] = (
    "customer_id", "open_date", "acquisition_channel", "region", "branch", "rm", "tier", "stage", "aum_total",
    "txn_count",
)  # fmt: skip


@dataclass(frozen=True)
class DrillList:
    """The customers behind the current drill target (all of them, or the first `_DRILL_LIMIT`)."""

    target: DrillTarget | None
    columns: tuple[str, ...]
    rows: pl.DataFrame
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > self.rows.height


def drill_list(pc: PageContext, view: LifecycleView, target: DrillTarget | None = None) -> DrillList:
    target = target if target is not None else view.target
    if target is None or target.kind in {"step", "cell", "act"}:
        members = narrow(pc, view, cohort_members(pc, view))
        return _cohort_list(members, target)
    if target.kind == "flow":
        params = {**view.flow_params, "from_state": target.args[0], "to_state": target.args[1]}
        rows = run_lifecycle(pc, "lifecycle/flow_customers", params, view.filters)
        return DrillList(target, FLOW_LIST_COLUMNS, rows.select(FLOW_LIST_COLUMNS), rows.height)
    month, stage = target.args
    clicked = {"stage": stage, "period": month}
    filters = mix_filters(pc)
    query = drill_query(
        pc.model, "customers", filters, clicked, fields=MIX_LIST_FIELDS, limit=_DRILL_LIMIT, order_by=("-aum_total",)
    )
    rows = run_compiled(pc.db, query, pc.scope).frame
    total = run_compiled(pc.db, drill_count_query(pc.model, "customers", filters, clicked), pc.scope).frame
    return DrillList(target, MIX_LIST_FIELDS, rows, int(total["rows"][0]) if total.height else rows.height)


def _cohort_list(members: pl.DataFrame, target: DrillTarget | None) -> DrillList:
    if target is None:
        return DrillList(None, COHORT_LIST_COLUMNS, members.select(COHORT_LIST_COLUMNS), members.height)
    if target.kind == "step":
        rows = members.filter(step_mask(target.args[0])).select(COHORT_LIST_COLUMNS)
        return DrillList(target, COHORT_LIST_COLUMNS, rows, rows.height)
    if target.kind == "act":
        bucket = target.args[0]
        condition = (
            pl.col("first_active_offset").is_null()
            if bucket == NOT_ACTIVATED
            else pl.col("first_active_offset") == int(bucket)
        )
        rows = members.filter(condition).select(COHORT_LIST_COLUMNS)
        return DrillList(target, COHORT_LIST_COLUMNS, rows, rows.height)
    month, k = target.args[0], int(target.args[1])
    cohort = members.filter(pl.col("open_month") == month_first(month))
    at_k = (
        cohort.select("customer_id", "book_offsets", "book_aum")
        .explode("book_offsets", "book_aum")
        .filter(pl.col("book_offsets") == k)
        .select("customer_id", pl.col("book_aum").cast(pl.Float64).alias("aum_at"))
    )
    rows = (
        cohort.join(at_k, on="customer_id", how="left")
        .with_columns(pl.col("active_offsets").list.contains(k).alias("active_at"))
        .sort("active_at", "aum_at", descending=True, nulls_last=True)
        .select(CELL_LIST_COLUMNS)
    )
    return DrillList(target, CELL_LIST_COLUMNS, rows, rows.height)


def drill_page(
    drill: DrillList,
    start_row: int,
    end_row: int,
    sort_model: Sequence[Mapping[str, Any]] | None = None,
    *,
    value_labels: Mapping[str, Mapping[str, str]] | None = None,
    link: str = "/customers/{id}",
) -> tuple[list[dict[str, Any]], int]:
    """One block of the grid's infinite row model: (rows, total row count), sorted as the grid asks.

    Coded columns are translated with `value_labels` (column → code → label), dates become ISO text, and
    `customer_link` holds a Markdown link to the customer's page (`link` with `{id}`).
    """
    rows = drill.rows
    keys = [(item.get("colId"), item.get("sort") == "desc") for item in sort_model or []]
    keys = [(column, desc) for column, desc in keys if column in rows.columns]
    if keys:
        rows = rows.sort([c for c, _ in keys], descending=[d for _, d in keys], nulls_last=True, maintain_order=True)
    start_row = max(0, int(start_row))
    block = rows.slice(start_row, max(0, int(end_row) - start_row))
    for column, mapping in (value_labels or {}).items():
        if column in block.columns and mapping:
            block = block.with_columns(pl.col(column).cast(pl.Utf8).replace(dict(mapping)))
    block = block.with_columns(pl.col(pl.Date, pl.Datetime).dt.strftime("%Y-%m-%d"))
    records = block.to_dicts()
    for record in records:
        record["customer_link"] = f"[{record['customer_id']}]({link.format(id=record['customer_id'])})"
    return records, rows.height


def grid_response(pc: PageContext, request: Mapping[str, Any], link_query: str = "") -> dict[str, Any]:
    """The infinite-row-model response for the drill list of the page's current state."""
    view = lifecycle_view(pc)
    drill = drill_list(pc, view)
    rows, count = drill_page(
        drill,
        int(request.get("startRow") or 0),
        int(request.get("endRow") or 100),
        request.get("sortModel"),
        value_labels=list_value_labels(pc),
        link="/customers/{id}" + link_query,
    )
    return {"rowData": rows, "rowCount": count}
