"""The data behind the lifecycle page's charts: the cohort (served or detail), its cross-filters, the stage flow and
the stage mix.

**Served or detail.**  A filter change reads the serving layer (`clientscope.lifecycle.serving`): the cohort's
cells (`lifecycle/cohort_served`), the retention inputs (`lifecycle/retention_served`) and the flow of the two
months (`lifecycle/flow_served`), small answers whatever the bank's size.  The detail rows (`lifecycle/cohort_members`
over the per-customer mart, `lifecycle/flow` over its per-month lists) are read for the customer lists, and for
the charts only when the serving layer cannot answer:
- a cross-filter that selects customers by a per-customer fact (`PER_CUSTOMER_CROSS`: x.step, x.activation,
  x.flow, x.stage) — a click on a chart, not a filter change: the other charts then show those customers;
- funnel windows other than those the marts were built with (`view.windows` set by a caller);
- for the stage flow, a filter outside the flow aggregate's grain (city, gender, risk profile, tier_alt, age band).

**Cross-filters** (`COHORT_CROSS`, applied to the cohort frame by `narrow`): x.cohort (opened in that month),
x.step (reached that step), x.activation (first transacting month k after opening), x.flow (made that move
between months A and B), x.stage (in that stage at the as-of month, `churned` when the customer's rows ended
before it).  The chart a filter came from highlights it rather than filtering itself away; the stage flow and
stage mix show all customers and take none of them.  The funnel by group drops its own dimension's cross-filter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from clientscope.cache import run_named_cached
from clientscope.lifecycle import serving
from clientscope.lifecycle.codes import (
    CROSS_ACTIVATION,
    CROSS_COHORT,
    CROSS_FLOW,
    CROSS_STEP,
    FROM_STATES,
    NOT_ACTIVATED,
    OUTFLOW,
    REACTIVATED,
    STAGE_ORDER,
    TO_STATES,
)
from clientscope.lifecycle.measures import retention_inputs, step_mask
from clientscope.lifecycle.view import (
    CROSS_STAGE,
    RETENTION_MAX_OFFSET,
    LifecycleView,
    month_first,
    month_index,
    month_last,
    view_filters,
)
from clientscope.semantic import MetricRequest, run_metric_query
from clientscope.semantic.filtering import ViewFilters
from clientscope.view_context import PageContext

ROW_CAP = 2_000_000  # the cohort's customers and a flow link's: far above any cohort the page shows
PER_CUSTOMER_CROSS: tuple[str, ...] = (CROSS_STEP, CROSS_ACTIVATION, CROSS_FLOW, CROSS_STAGE)


def run_lifecycle(pc: PageContext, name: str, params: Mapping[str, Any], filters: ViewFilters) -> pl.DataFrame:
    """A lifecycle query through the bounded query cache (keyed by data version, scope, filters and parameters)."""
    return run_named_cached(pc.db, name, dict(params), scope=pc.scope, filters=filters, row_cap=ROW_CAP).frame


def cohort_members(pc: PageContext, view: LifecycleView, filters: ViewFilters | None = None) -> pl.DataFrame:
    """One row per cohort customer with every step flag (queries/lifecycle/cohort_members.sql): the detail."""
    return run_lifecycle(
        pc, "lifecycle/cohort_members", view.cohort_params, view.filters if filters is None else filters
    )


def flow_movers(pc: PageContext, view: LifecycleView, source: str, target: str) -> list[str]:
    """Customers in state `source` at the flow's month A and `target` at month B (queries/lifecycle/flow_customers)."""
    params = {**view.flow_params, "from_state": source, "to_state": target}
    return run_lifecycle(pc, "lifecycle/flow_customers", params, view.filters)["customer_id"].to_list()


def stage_at_as_of(view: LifecycleView) -> pl.Expr:
    """A cohort customer's stage at the as-of month, as the stage flow sees a month B: the stage of the row of that
    month, or `churned` when the customer's rows end before it (the relationship ended)."""
    return (
        pl.when(pl.col("latest_month") == month_last(view.as_of))
        .then(pl.col("latest_stage"))
        .otherwise(pl.lit(OUTFLOW))
    )


def _cross_condition(pc: PageContext, view: LifecycleView, dimension: str, value: str) -> pl.Expr:
    if dimension == CROSS_COHORT:
        return pl.col("open_month") == month_first(value)
    if dimension == CROSS_STEP:
        return step_mask(value)
    if dimension == CROSS_ACTIVATION:
        first = pl.col("first_active_offset")
        return first.is_null() if value == NOT_ACTIVATED else first == int(value)
    if dimension == CROSS_FLOW:
        source, target = value.split(":")
        return pl.col("customer_id").is_in(flow_movers(pc, view, source, target))
    return stage_at_as_of(view) == value  # CROSS_STAGE


def narrow(pc: PageContext, view: LifecycleView, members: pl.DataFrame, skip: Sequence[str] = ()) -> pl.DataFrame:
    """The cohort rows that every cohort-level cross-filter keeps (`COHORT_CROSS`), except those in `skip`."""
    for dimension, value in view.cohort_cross.items():
        if dimension not in skip:
            members = members.filter(_cross_condition(pc, view, dimension, value))
    return members


def group_filters(pc: PageContext, view: LifecycleView) -> ViewFilters:
    """The funnel by group's filters: the view's without the group dimension's cross-filter (a bar value stays)."""
    return view_filters(replace(pc, state=pc.state.with_cross(view.dim, None)))


@dataclass(frozen=True)
class CohortFrames:
    """The cohort's customers behind each chart (the detail).

    Every cross-filter narrows every cohort chart except the one it came from, which highlights the clicked value
    instead of filtering itself away (as tier-axis charts do on /segments): the funnel and the summary cards keep
    every step (x.step), the funnel by group every step and every group of its dimension, the heatmap every cohort
    (x.cohort), time to activate every bucket (x.activation).  The customer list takes every filter.
    """

    funnel: pl.DataFrame
    groups: pl.DataFrame
    retention: pl.DataFrame
    activation: pl.DataFrame
    listed: pl.DataFrame


def cohort_frames(pc: PageContext, view: LifecycleView) -> CohortFrames:
    members = cohort_members(pc, view)
    groups = cohort_members(pc, view, group_filters(pc, view)) if view.dim in pc.state.cross else members
    return CohortFrames(
        funnel=narrow(pc, view, members, skip=(CROSS_STEP,)),
        groups=narrow(pc, view, groups, skip=(CROSS_STEP,)),
        retention=narrow(pc, view, members, skip=(CROSS_COHORT,)),
        activation=narrow(pc, view, members, skip=(CROSS_ACTIVATION,)),
        listed=narrow(pc, view, members),
    )


@dataclass(frozen=True)
class CohortCells:
    """What each cohort chart counts (`clientscope.lifecycle.measures`): served cells with a `customers` weight, or
    the cohort's customers when the serving layer cannot answer (`served` says which).  `retention` is in
    `retention_inputs`' shape either way."""

    funnel: pl.DataFrame
    groups: pl.DataFrame
    retention: pl.DataFrame
    activation: pl.DataFrame
    served: bool


def cohort_cells(pc: PageContext, view: LifecycleView) -> CohortCells:
    """The page's and the workbook's cohort data: the serving layer when it can answer, else the detail."""
    cells = None if any(d in view.cohort_cross for d in PER_CUSTOMER_CROSS) else _served_cells(pc, view, view.filters)
    if cells is None:
        frames = cohort_frames(pc, view)
        retention = retention_inputs(frames.retention)
        return CohortCells(frames.funnel, frames.groups, retention, frames.activation, served=False)
    groups = _served_cells(pc, view, group_filters(pc, view)) if view.dim in pc.state.cross else cells
    params = {"cohort_start": month_first(view.start), "cohort_end": month_last(view.end)}
    retention = run_lifecycle(pc, "lifecycle/retention_served", {**params, "max_offset": RETENTION_MAX_OFFSET},
                              view.filters)  # fmt: skip
    return CohortCells(
        funnel=narrow(pc, view, cells, skip=(CROSS_STEP,)),
        groups=narrow(pc, view, groups if groups is not None else cells, skip=(CROSS_STEP,)),
        retention=retention,  # x.cohort, the only cross-filter served, is the heatmap's own
        activation=narrow(pc, view, cells, skip=(CROSS_ACTIVATION,)),
        served=True,
    )


def served_list_cells(pc: PageContext, view: LifecycleView) -> pl.DataFrame | None:
    """The served cells of the cohort's customer list (every cross-filter applied, as the list applies them), or
    None when a per-customer cross-filter or other funnel windows leave the answer to the detail rows."""
    if any(d in view.cohort_cross for d in PER_CUSTOMER_CROSS):
        return None
    cells = _served_cells(pc, view, view.filters)
    return None if cells is None else narrow(pc, view, cells)


def _served_cells(pc: PageContext, view: LifecycleView, filters: ViewFilters) -> pl.DataFrame | None:
    """The cohort's served cells, or None when the marts' funnel windows are not the view's."""
    params = {"cohort_start": month_first(view.start), "cohort_end": month_last(view.end), "dim": view.dim}
    cells = run_lifecycle(pc, "lifecycle/cohort_served", params, filters)
    if cells.height and set(cells["windows"].unique()) != {view.windows.key}:
        return None
    return cells


def stage_flow(pc: PageContext, view: LifecycleView) -> pl.DataFrame:
    """from_state, to_state, customers, aum_a, aum_b, share (of the from state): served by the month-pair aggregate
    unless a filter is outside its grain."""
    if view.filters.ignored_by(serving.FLOW_PAIRS.columns):
        frame = run_lifecycle(pc, "lifecycle/flow", view.flow_params, view.filters)
    else:
        params = {"a_idx": month_index(view.flow_a), "b_idx": month_index(view.flow_b)}
        frame = run_lifecycle(pc, "lifecycle/flow_served", params, view.filters)
    if not frame.height:
        return frame.with_columns(pl.lit(None, pl.Float64).alias("share"))
    return frame.with_columns((pl.col("customers") / pl.col("customers").sum().over("from_state")).alias("share")).sort(
        pl.col("from_state").replace_strict(FROM_STATES, list(range(len(FROM_STATES))), default=99),
        pl.col("to_state").replace_strict(TO_STATES, list(range(len(TO_STATES))), default=99),
    )


@dataclass(frozen=True)
class Reactivation:
    dormant: int
    reactivated: int

    @property
    def rate(self) -> float | None:
        return self.reactivated / self.dormant if self.dormant else None


def reactivation(flow: pl.DataFrame) -> Reactivation:
    if not flow.height:
        return Reactivation(0, 0)
    dormant = flow.filter(pl.col("from_state") == "dormant")
    reactivated = dormant.filter(pl.col("to_state") == REACTIVATED)
    return Reactivation(int(dormant["customers"].sum()), int(reactivated["customers"].sum()))


def mix_filters(pc: PageContext) -> dict[str, list[str]]:
    """The stage mix's filters: all but the stage, which the mix highlights (and its list takes from the click)."""
    return {d: v for d, v in pc.metric_filters().items() if d != CROSS_STAGE}


def stage_mix(pc: PageContext, view: LifecycleView) -> pl.DataFrame:
    """period (date), stage, customers, share of the month: all customers on the books, by month-end stage.

    A metric query: the semantic layer answers it from the customer-month rollups (the serving layer of every
    customer-month metric), so the lifecycle needs no mart of its own for it."""
    request = MetricRequest(
        metrics=("customers",),
        dimensions=("stage",),
        filters=mix_filters(pc),
        grain="month",
        start=view.start,
        end=view.end,
    )
    frame = run_metric_query(pc.db, pc.model, request, pc.scope).frame
    if "is_total" in frame.columns:
        frame = frame.filter(~pl.col("is_total"))
    if not frame.height:
        return pl.DataFrame(schema={"period": pl.Date, "stage": pl.Utf8, "customers": pl.Int64, "share": pl.Float64})
    return (
        frame.select(pl.col("period").cast(pl.Date), pl.col("stage").cast(pl.Utf8), pl.col("customers").cast(pl.Int64))
        .with_columns((pl.col("customers") / pl.col("customers").sum().over("period")).alias("share"))
        .sort("period", pl.col("stage").replace_strict(STAGE_ORDER, list(range(len(STAGE_ORDER))), default=99))
    )
