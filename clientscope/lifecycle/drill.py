"""The customer lists behind the lifecycle page's clicks (`p.list`, a `DrillTarget`), read from the detail rows:
the cohort's customers (narrowed by the cross-filters), a flow link's movers, a stage at a month-end (the grid
pages them through the customer-list engine, `lists.py`)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from clientscope.lifecycle.codes import NOT_ACTIVATED
from clientscope.lifecycle.cohort import cohort_members, mix_filters, narrow, run_lifecycle, served_list_cells
from clientscope.lifecycle.measures import step_mask
from clientscope.lifecycle.view import DrillTarget, LifecycleView, month_first
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


def list_columns_of(target: DrillTarget | None) -> tuple[str, ...]:
    """The columns of the list behind `target` (as `drill_list` gives them)."""
    if target is None or target.kind in {"step", "act"}:
        return COHORT_LIST_COLUMNS
    return {"cell": CELL_LIST_COLUMNS, "flow": FLOW_LIST_COLUMNS}.get(target.kind, MIX_LIST_FIELDS)


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
        rows = members.filter(_activation_condition(target.args[0])).select(COHORT_LIST_COLUMNS)
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


def drill_total(pc: PageContext, view: LifecycleView) -> int | None:
    """How many customers the list behind the view's target holds, from the served cohort cells (no customer is
    read); None when the cells cannot say: a flow, cell or stage target, a per-customer cross-filter, or funnel
    windows other than the marts'. Equal to `drill_list(...).total` (tests/test_lifecycle_serving.py)."""
    target = view.target
    if target is not None and target.kind not in {"step", "act"}:
        return None
    cells = served_list_cells(pc, view)
    if cells is None:
        return None
    if target is not None:
        cells = cells.filter(
            step_mask(target.args[0]) if target.kind == "step" else _activation_condition(target.args[0])
        )
    return int(cells["customers"].sum())


def _activation_condition(bucket: str) -> pl.Expr:
    offset = pl.col("first_active_offset")
    return offset.is_null() if bucket == NOT_ACTIVATED else offset == int(bucket)
