"""Data behind the lifecycle page: the acquisition-cohort funnel, cohort retention, stage flow, time to activate.

**The cohort.**  Customers whose `open_date` falls in the selected period (first day of the start month to the
last day of the end month), in the viewer's scope and matching the filters.  Customer attributes (region, branch,
RM, acquisition channel, gender, city, risk profile) filter directly; month-varying ones (tier, card tier, age
band) are taken at the customer's first month on the books (*entry*).  Steps are observed through the latest
month of data (the *as-of* month), whatever the period's end.

**Month offsets.**  `month_offset` = calendar months since the month of opening (0 = the opening month), from
the mart's `month_idx`; a gap in a customer's months never shifts "month 3".

**The funnel** (nested: each step is a subset of the previous one; windows from metrics.yaml
`rules.lifecycle.funnel`: `activation_days`, `retention_months` [early, late], `growth_months`, `churn_months`):

- **acquired**: in the cohort.
- **activated**: the first month with `txn_count > 0` ends at most `activation_days` days after `open_date`
  (month-end − open date in days: the data is monthly, so a month's transactions are dated at its month-end).
- **retained at 3 months** (the early checkpoint): activated, and *active* in the month 3 months after the opening
  month.
- **retained at 6 months** (the late checkpoint): retained at 3 months, and active in the month 6 months after.
- **grown**: retained at 6 months, and the mart's growing rule (`is_growing`: a higher tier or more products than
  `rules.lifecycle.growing_lookback_months` months before) holds in some month 1..`growth_months` after opening.
- **churned** (the outflow, beside the funnel, as % of the cohort): a churned month (the mart's `is_churned`:
  closed, or below `rules.churn.aum_floor` and dormant `rules.churn.dormant_months`) within `churn_months` months
  of opening.

*Active in a month* = the customer has a row for that month, `txn_count > 0`, and is not churned in it (the
`active` rule of metrics.yaml's lifecycle stages).

**Complete windows only** (metrics.yaml `rules.lifecycle.funnel`, decision "censored windows"): a step counts
only the customers *measurable* for it, those whose window for the step and for every step before it has fully
elapsed by the as-of month-end (activation: open date + `activation_days` ≤ that month-end; a checkpoint k
months after opening: the opening month + k ≤ the as-of month; churned: its own `churn_months` only).  A step's
customers are the measurable customers who reached it, its rate (`pct_start`) divides them by the step's
measurable customers, its conversion from the previous step (`pct_previous`) divides them by the measurable
customers who reached the previous step; `pending` customers of the cohort are not yet measurable for the
step (too young) and are counted in no rate.  The summary cards, the funnel by group, the drill lists of a
step and the workbook read the same frame.

**Cohort retention.**  For each opening month and each month offset k up to the as-of month: *customers
retained* = share of the cohort active in month k; *AUM retained* = AUM at month k of the cohort's customers not
churned in month k ÷ the cohort's AUM in its opening month (net AUM retention, may exceed 100%).

**Reopened relationships.**  The data contract models a reopen as a new `customer_id` with its own `open_date`
(there is no person key: `id_number` is optional personal data and is never used to link records).  Each id is
its own relationship: the old one churns in its own cohort, the new one is a new acquisition in the cohort of
its opening month.  **Gaps**: a month with no row while the relationship is open (an extract gap) counts as not
active and not churned; the customer counts again from the month its rows resume.

**Stage flow.**  Every customer's state at month A and month B (all customers, not only the cohort); see
`queries/lifecycle/flow.sql`.  *Reactivated* = dormant at A and active or growing at B; the reactivation rate is
reactivated ÷ dormant at A.

**Clicks** (`click_state`): every chart's click sets a cross-filter (a chip) and the customer list (`p.list`);
clicking the same point again removes both.  The cohort-level cross-filters (`COHORT_CROSS`, applied to the cohort
frame by `narrow`): `x.cohort` (a heatmap row: opened in that month), `x.step` (a funnel bar: reached that step),
`x.activation` (a time-to-activate bar: first transacting month k after opening), `x.flow` (a Sankey link: made that
move between months A and B), `x.stage` (a stage-mix segment: in that stage at the as-of month, `churned` when the
customer's rows ended before it).  The funnel by group sets its dimension's cross-filter, which the SQL applies
like the filter bar.  The chart a filter came from highlights it rather than filtering itself away
(`CohortFrames`); the stage flow and stage mix show all customers and take none of the cohort-level filters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

import polars as pl

from clientscope.components.crossfilter import point_values
from clientscope.components.page import PageContext
from clientscope.db import Database, ViewerScope, run_named
from clientscope.i18n import MESSAGES, join_words, t
from clientscope.kpis import period_bounds
from clientscope.lifecycle_codes import (
    CROSS_ACTIVATION,
    CROSS_COHORT,
    CROSS_FLOW,
    CROSS_STEP,
    FROM_STATES,
    NOT_ACTIVATED,
    OUTFLOW,
    PAGE_CROSS,
    REACTIVATED,
    STAGE_ORDER,
    STEPS,
    TO_STATES,
)
from clientscope.money import cents_sum
from clientscope.semantic import (
    MetricRequest,
    SemanticModel,
    drill_count_query,
    drill_query,
    run_compiled,
    run_metric_query,
)
from clientscope.semantic.formats import currency_unit
from clientscope.semantic.model import FunnelRules
from clientscope.state import ViewState, to_query


@dataclass(frozen=True)
class FunnelWindows:
    """The funnel's windows, as configured in metrics.yaml `rules.lifecycle.funnel` (see `funnel_windows`)."""

    activation_days: int  # activated: first transacting month ends ≤ this many days after opening
    retain_early: int  # retained: active this many months after the opening month ...
    retain_late: int  # ... and this many
    growth_months: int  # grown: the mart's growing rule holds in some month 1..this after opening
    churn_months: int  # churned outflow: a churned month within this many months of opening

    @classmethod
    def from_rules(cls, rules: FunnelRules) -> FunnelWindows:
        early, late = rules.retention_months  # two rising checkpoints (checked when metrics.yaml is loaded)
        return cls(rules.activation_days, early, late, rules.growth_months, rules.churn_months)

    def params(self) -> dict[str, int]:
        return {
            "activation_days": self.activation_days,
            "retain_early": self.retain_early,
            "retain_late": self.retain_late,
            "growth_months": self.growth_months,
            "churn_months": self.churn_months,
        }


def funnel_windows(model: SemanticModel) -> FunnelWindows:
    """The funnel's windows from the loaded metrics.yaml (the only place they are defined)."""
    return FunnelWindows.from_rules(model.rules.lifecycle.funnel)


RETENTION_MAX_OFFSET = 24  # the retention heatmap shows months since opening 0..24 (a display choice)

STEP_COLUMNS: dict[str, str] = {"activated": "activated", "retained_early": "retained_early",
                                "retained_late": "retained_late", "grown": "grown", "churned": "churned"}  # fmt: skip
# A step's measurable customers: its window and those of the steps before it have elapsed (cohort_members.sql).
MEASURABLE_COLUMNS: dict[str, str] = {
    "activated": "measurable_activation",
    "retained_early": "measurable_early",
    "retained_late": "measurable_late",
    "grown": "measurable_growth",
    "churned": "measurable_churn",
}

# Comparison dimension (URL `dim`) → the cohort column holding it (month-varying ones at entry).
COMPARE_COLUMNS: dict[str, str] = {
    "acquisition_channel": "acquisition_channel",
    "tier": "entry_tier",
    "region": "region",
    "age_band": "entry_age_band",
}
DEFAULT_DIMENSION = "acquisition_channel"

# metrics.yaml dimension → SQL parameter of queries/lifecycle/*.sql; other filters are not applied here.
FILTER_PARAMS: dict[str, str] = {
    "region": "f_region",
    "branch": "f_branch",
    "rm": "f_rm",
    "acquisition_channel": "f_channel",
    "gender": "f_gender",
    "city": "f_city",
    "risk_profile": "f_risk_profile",
    "tier": "f_tier",
    "tier_alt": "f_tier_alt",
    "age_band": "f_age_band",
}

# Page options (`p.<name>` in the URL).
OPT_RETENTION = "retention"
OPT_FLOW_A = "flow_a"
OPT_FLOW_B = "flow_b"
OPT_LIST = "list"
RETENTION_MEASURES: tuple[str, ...] = ("customers", "aum")

# Cross-filters applied to the cohort frame here (not in the SQL): the page's own (clientscope/lifecycle_codes.py)
# and the metrics.yaml `stage` (the stage at the as-of month).
CROSS_STAGE = "stage"
COHORT_CROSS: tuple[str, ...] = (*PAGE_CROSS, CROSS_STAGE)

_ROW_CAP = 2_000_000  # cohort and flow frames; far above any cohort the page shows
_DRILL_LIMIT = 100_000


# --- the view: what the URL asks for, resolved against the data -----------------------------------------------


@dataclass(frozen=True)
class DrillTarget:
    """What the customer list shows, `p.list` in the URL: `kind:arg[:arg]`.

    step:<step>          customers who reached a funnel step (or `churned`)
    cell:<YYYY-MM>:<k>   the customers of one opening-month cohort, with their status k months after opening
    act:<k|none>         customers whose first transacting month is k months after opening (none: not yet)
    flow:<from>:<to>     customers in state <from> at month A and <to> at month B
    mix:<YYYY-MM>:<stage> customers in a stage at a month-end
    """

    kind: str
    args: tuple[str, ...] = ()

    def encode(self) -> str:
        return ":".join((self.kind, *self.args))

    @classmethod
    def parse(cls, raw: str | None) -> DrillTarget | None:
        if not raw:
            return None
        kind, *args = raw.split(":")
        checks = {
            "step": lambda a: len(a) == 1 and a[0] in (*STEPS, OUTFLOW),
            "cell": lambda a: len(a) == 2 and _is_month(a[0]) and a[1].isdigit(),
            "act": lambda a: len(a) == 1 and (a[0].isdigit() or a[0] == NOT_ACTIVATED),
            "flow": lambda a: len(a) == 2 and a[0] in FROM_STATES and a[1] in TO_STATES,
            "mix": lambda a: len(a) == 2 and _is_month(a[0]) and a[1] in STAGE_ORDER,
        }
        check = checks.get(kind)
        return cls(kind, tuple(args)) if check and check(args) else None


def _is_month(text: str) -> bool:
    return len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() and 1 <= int(text[5:]) <= 12


@dataclass(frozen=True)
class LifecycleView:
    start: str  # cohort range and stage-mix period, YYYY-MM
    end: str
    as_of: str  # the latest month of data: steps are observed through it
    months: tuple[str, ...]  # months of data (for the flow month pickers)
    dim: str  # comparison dimension
    retention: str  # "customers" | "aum"
    flow_a: str
    flow_b: str
    target: DrillTarget | None
    windows: FunnelWindows  # from metrics.yaml rules.lifecycle.funnel
    params: Mapping[str, Any] = field(default_factory=dict)  # filter parameters of the SQL
    ignored: tuple[str, ...] = ()  # filter dimensions this page cannot apply
    cohort_cross: Mapping[str, str] = field(default_factory=dict)  # COHORT_CROSS filters (dimension → value)

    @property
    def cohort_params(self) -> dict[str, Any]:
        return {
            "cohort_start": _month_first(self.start),
            "cohort_end": _month_last(self.end),
            **self.windows.params(),
            **self.params,
        }

    @property
    def flow_params(self) -> dict[str, Any]:
        return {"month_a": _month_last(self.flow_a), "month_b": _month_last(self.flow_b), **self.params}


def _month_first(month: str) -> date:
    return date.fromisoformat(month + "-01")


def _month_last(month: str) -> date:
    first = _month_first(month)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def month_index(month: str | date) -> int:
    text = month if isinstance(month, str) else month.strftime("%Y-%m")
    return int(text[:4]) * 12 + int(text[5:7])


def filter_params(filters: Mapping[str, Sequence[str]]) -> tuple[dict[str, list[str] | None], tuple[str, ...]]:
    """The SQL filter parameters for metrics.yaml-keyed filters, and the dimensions that cannot apply here.

    The stage is applied to the cohort frame (`narrow`), not in the SQL.
    """
    params: dict[str, list[str] | None] = dict.fromkeys(FILTER_PARAMS.values())
    ignored = []
    for dimension, values in filters.items():
        if not values or dimension in COHORT_CROSS:
            continue
        if dimension in FILTER_PARAMS:
            params[FILTER_PARAMS[dimension]] = [str(v) for v in values]
        else:
            ignored.append(dimension)
    return params, tuple(sorted(ignored))


def lifecycle_view(pc: PageContext, windows: FunnelWindows | None = None) -> LifecycleView:
    """What the URL asks for, resolved against the data; `windows` default to metrics.yaml's."""
    start, end = period_bounds(pc)
    months = tuple(pc.choices.months)
    as_of = months[-1] if months else end
    state = pc.state
    dim = compare_dimension(state)
    flow_a = state.option(OPT_FLOW_A, months, start)
    flow_b = state.option(OPT_FLOW_B, months, end)
    if flow_a > flow_b:
        flow_a, flow_b = flow_b, flow_a
    params, ignored = filter_params(pc.metric_filters())
    return LifecycleView(
        start=start,
        end=end,
        as_of=as_of,
        months=months,
        dim=dim,
        retention=state.option(OPT_RETENTION, RETENTION_MEASURES, RETENTION_MEASURES[0]),
        flow_a=flow_a,
        flow_b=flow_b,
        target=DrillTarget.parse(state.options.get(OPT_LIST)),
        windows=windows or funnel_windows(pc.model),
        params=params,
        ignored=ignored,
        cohort_cross={d: v for d, v in state.cross.items() if d in COHORT_CROSS},
    )


# --- URL changes made by the page's controls -------------------------------------------------------------------


def with_dimension(state: ViewState, dim: str | None) -> ViewState:
    return replace(state, dim=dim if dim in COMPARE_COLUMNS and dim != DEFAULT_DIMENSION else None)


def with_retention(state: ViewState, measure: str | None) -> ViewState:
    value = measure if measure in RETENTION_MEASURES and measure != RETENTION_MEASURES[0] else None
    return state.with_option(OPT_RETENTION, value)


def with_flow_months(
    state: ViewState, month_a: str | None, month_b: str | None, defaults: tuple[str, str] = ("", "")
) -> ViewState:
    """The Sankey's months; a month equal to its default (the period's start / end) is left out of the URL."""
    month_a = month_a if month_a and month_a != defaults[0] else None
    month_b = month_b if month_b and month_b != defaults[1] else None
    return state.with_option(OPT_FLOW_A, month_a).with_option(OPT_FLOW_B, month_b)


def with_target(state: ViewState, target: DrillTarget | None) -> ViewState:
    return state.with_option(OPT_LIST, target.encode() if target else None)


def link_query(state: ViewState) -> str:
    """The query string a link to a customer's page carries: language, theme, period and filter-bar values."""
    return to_query(replace(state, cross={}, dim=None, drill=(), options={}))


def compare_dimension(state: ViewState) -> str:
    return state.dim if state.dim in COMPARE_COLUMNS else DEFAULT_DIMENSION


def target_from_click(chart: str, click: Mapping[str, Any] | None) -> DrillTarget | None:
    """The drill target a click on one of the page's charts asks for (None when the click holds no valid one).

    `point_values` reads bars' customdata, a heatmap cell's (cohort, month offset) and a Sankey link's (from, to).
    """
    values = point_values(click)
    raw = {
        "funnel": lambda v: f"step:{v[0]}",
        "groups": lambda v: f"step:{v[1]}",  # customdata = [group, step, ...]
        "heatmap": lambda v: f"cell:{v[0]}:{v[1]}",
        "activation": lambda v: f"act:{v[0]}",
        "flow": lambda v: f"flow:{v[0]}:{v[1]}",
        "mix": lambda v: f"mix:{v[0]}:{v[1]}",
    }.get(chart)
    try:
        return DrillTarget.parse(raw(values)) if raw else None
    except IndexError:
        return None


def cross_from_click(chart: str, click: Mapping[str, Any] | None, dim: str) -> tuple[str, str | None] | None:
    """The cross-filter a click sets, (dimension, value): what the clicked point is, for the other charts.

    A click on the funnel's `acquired` bar (the whole cohort) removes the step filter: (step, None).  `dim` is
    the comparison dimension of the funnel by group.  The value is checked when the page parses the URL: an
    unknown one is dropped there with the usual notice.
    """
    target = target_from_click(chart, click)
    if target is None:
        return None
    args = target.args
    match chart:
        case "funnel":
            return CROSS_STEP, None if args[0] == "acquired" else args[0]
        case "groups":
            group = point_values(click)[0]
            return (dim, group) if group else None  # customers without a value (shown as unknown): no filter
        case "heatmap":
            return CROSS_COHORT, args[0]
        case "activation":
            return CROSS_ACTIVATION, args[0]
        case "flow":
            return CROSS_FLOW, f"{args[0]}:{args[1]}"
        case "mix":
            return CROSS_STAGE, args[1]
    return None


def click_state(state: ViewState, chart: str, click: Mapping[str, Any] | None) -> ViewState | None:
    """The state after a click on one of the page's charts: the clicked value becomes a cross-filter (a chip that
    narrows the other charts) and the customer list shows the clicked point's customers.

    Clicking the value that is already the cross-filter removes both (the toggle of decision 14).  None when the
    click means nothing (a Sankey node, a point without data).
    """
    target = target_from_click(chart, click)
    cross = cross_from_click(chart, click, compare_dimension(state))
    if target is None or cross is None:
        return None
    dimension, value = cross
    if value is not None and state.cross.get(dimension) == value:
        return with_target(state.with_cross(dimension, None), None)
    return with_target(state.with_cross(dimension, value), target)


# --- queries ----------------------------------------------------------------------------------------------------


def _freeze(params: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _thaw(frozen: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}


@lru_cache(maxsize=16)
def _cached(db: Database, version: str, scope: ViewerScope, name: str, frozen: tuple) -> pl.DataFrame:
    # Keyed by the data version: the grid's page requests reuse the frame; refreshed extracts never see it.
    del version
    return run_named(db, name, _thaw(frozen), scope=scope, row_cap=_ROW_CAP).frame


def run_lifecycle(pc: PageContext, name: str, params: Mapping[str, Any]) -> pl.DataFrame:
    return _cached(pc.db, pc.db.version, pc.scope, name, _freeze(params))


def cohort_members(pc: PageContext, view: LifecycleView) -> pl.DataFrame:
    """One row per cohort customer with every step flag (queries/lifecycle/cohort_members.sql)."""
    return run_lifecycle(pc, "lifecycle/cohort_members", view.cohort_params)


def flow_movers(pc: PageContext, view: LifecycleView, source: str, target: str) -> list[str]:
    """Customers in state `source` at the flow's month A and `target` at month B (queries/lifecycle/flow_customers)."""
    params = {**view.flow_params, "from_state": source, "to_state": target}
    return run_lifecycle(pc, "lifecycle/flow_customers", params)["customer_id"].to_list()


def stage_at_as_of(view: LifecycleView) -> pl.Expr:
    """A cohort customer's stage at the as-of month, as the stage flow sees a month B: the stage of the row of that
    month, or `churned` when the customer's rows end before it (the relationship ended)."""
    return (
        pl.when(pl.col("latest_month") == _month_last(view.as_of))
        .then(pl.col("latest_stage"))
        .otherwise(pl.lit(OUTFLOW))
    )


def _cross_condition(pc: PageContext, view: LifecycleView, dimension: str, value: str) -> pl.Expr:
    if dimension == CROSS_COHORT:
        return pl.col("open_month") == _month_first(value)
    if dimension == CROSS_STEP:
        return _step_mask(value)
    if dimension == CROSS_ACTIVATION:
        first = pl.col("first_active_offset")
        return first.is_null() if value == NOT_ACTIVATED else first == int(value)
    if dimension == CROSS_FLOW:
        source, target = value.split(":")
        return pl.col("customer_id").is_in(flow_movers(pc, view, source, target))
    return stage_at_as_of(view) == value  # CROSS_STAGE


def narrow(pc: PageContext, view: LifecycleView, members: pl.DataFrame, skip: Sequence[str] = ()) -> pl.DataFrame:
    """The cohort customers that every cohort-level cross-filter keeps (`COHORT_CROSS`), except those in `skip`."""
    for dimension, value in view.cohort_cross.items():
        if dimension not in skip:
            members = members.filter(_cross_condition(pc, view, dimension, value))
    return members


@dataclass(frozen=True)
class CohortFrames:
    """The cohort behind each chart of the page (and its workbook).

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
    groups = members
    if view.dim in pc.state.cross:  # the cohort without the group's own cross-filter (a bar-filter value stays)
        without = replace(pc, state=pc.state.with_cross(view.dim, None))
        params, _ = filter_params(without.metric_filters())
        groups = cohort_members(pc, replace(view, params=params))
    return CohortFrames(
        funnel=narrow(pc, view, members, skip=(CROSS_STEP,)),
        groups=narrow(pc, view, groups, skip=(CROSS_STEP,)),
        retention=narrow(pc, view, members, skip=(CROSS_COHORT,)),
        activation=narrow(pc, view, members, skip=(CROSS_ACTIVATION,)),
        listed=narrow(pc, view, members),
    )


def stage_flow(pc: PageContext, view: LifecycleView) -> pl.DataFrame:
    """from_state, to_state, customers, aum_a, aum_b, share (of the from state)."""
    frame = run_lifecycle(pc, "lifecycle/flow", view.flow_params)
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
    """period (date), stage, customers, share of the month: all customers on the books, by month-end stage."""
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


# --- aggregations over the cohort (pure functions of the cohort frame) -----------------------------------------


def _measurable_mask(step: str) -> pl.Expr:
    return pl.lit(True) if step == "acquired" else pl.col(MEASURABLE_COLUMNS[step])


def _step_mask(step: str) -> pl.Expr:
    """Reached the step, counted only when measurable for it: the funnel bar, its list and its cross-filter agree."""
    return pl.lit(True) if step == "acquired" else pl.col(STEP_COLUMNS[step]) & _measurable_mask(step)


FUNNEL_SCHEMA: dict[str, pl.DataType] = {
    "step": pl.Utf8(),
    "kind": pl.Utf8(),
    "customers": pl.Int64(),
    "pct_start": pl.Float64(),
    "pct_previous": pl.Float64(),
    "measurable": pl.Int64(),
    "pending": pl.Int64(),
}


def funnel(members: pl.DataFrame) -> pl.DataFrame:
    """step, kind (step | outflow), customers, pct_start, pct_previous, measurable, pending: the funnel and the
    churned outflow over complete windows only (see the module docstring).

    customers = measurable for the step and reached it; pct_start = customers ÷ measurable; pct_previous =
    customers ÷ those measurable for this step who reached the previous one; pending = cohort − measurable.
    """
    rows = []
    previous: str | None = None
    for step in (*STEPS, OUTFLOW):
        is_step = step != OUTFLOW
        measurable = members.filter(_measurable_mask(step))
        count = measurable.filter(_step_mask(step)).height
        if not is_step:
            before = None
        else:  # the acquired step is its own previous step (100 %)
            before = measurable.filter(_step_mask(previous)).height if previous else measurable.height
        rows.append(
            {
                "step": step,
                "kind": "step" if is_step else "outflow",
                "customers": count,
                "pct_start": count / measurable.height if measurable.height else None,
                "pct_previous": count / before if before else None,
                "measurable": measurable.height,
                "pending": members.height - measurable.height,
            }
        )
        if is_step:
            previous = step
    return pl.DataFrame(rows, schema=FUNNEL_SCHEMA)


def funnel_by(members: pl.DataFrame, dim: str, order: Sequence[str] = ()) -> pl.DataFrame:
    """group, step, customers, pct_start, pct_previous, measurable, pending, group_size: the funnel per value of a
    dimension (each group's rates over its own measurable customers)."""
    column = COMPARE_COLUMNS[dim]
    schema = {
        "group": pl.Utf8,
        "step": pl.Utf8,
        "customers": pl.Int64,
        "pct_start": pl.Float64,
        "pct_previous": pl.Float64,
        "measurable": pl.Int64,
        "pending": pl.Int64,
        "group_size": pl.Int64,
    }
    if not members.height:
        return pl.DataFrame(schema=schema)
    grouped = members.with_columns(pl.col(column).cast(pl.Utf8).fill_null("").alias("group"))
    sizes = grouped.group_by("group").len().sort("len", "group", descending=[True, False])
    groups = list(sizes["group"])
    ranked = [g for g in order if g in groups] + [g for g in groups if g not in order]
    frames = [funnel(grouped.filter(pl.col("group") == g)).with_columns(pl.lit(g).alias("group")) for g in ranked]
    out = pl.concat(frames).filter(pl.col("kind") == "step")
    sizes_by = dict(zip(sizes["group"], sizes["len"], strict=True))
    return out.with_columns(pl.col("group").replace_strict(sizes_by, return_dtype=pl.Int64).alias("group_size")).select(
        list(schema)
    )


def retention(members: pl.DataFrame, max_offset: int = RETENTION_MAX_OFFSET) -> pl.DataFrame:
    """One row per (cohort, month_offset) the as-of month has reached.

    cohort (the opening month's first day), month_offset, cohort_size, active, active_share, aum_base (the cohort's
    AUM in its opening month), aum (AUM at the offset of customers not churned in it), aum_share.
    """
    schema = {
        "cohort": pl.Date,
        "month_offset": pl.Int64,
        "cohort_size": pl.Int64,
        "active": pl.Int64,
        "active_share": pl.Float64,
        "aum_base": pl.Float64,
        "aum": pl.Float64,
        "aum_share": pl.Float64,
    }
    if not members.height:
        return pl.DataFrame(schema=schema)
    cohorts = members.group_by("open_month").agg(
        pl.len().cast(pl.Int64).alias("cohort_size"),
        pl.col("observed_months").max().alias("observed"),
    )
    grid = (
        cohorts.with_columns(pl.int_ranges(0, pl.min_horizontal(pl.col("observed"), max_offset) + 1).alias("k"))
        .explode("k")
        .drop_nulls("k")
        .select(pl.col("open_month").alias("cohort"), pl.col("k").cast(pl.Int64).alias("month_offset"), "cohort_size")
    )
    active = (
        members.select(pl.col("open_month").alias("cohort"), pl.col("active_offsets").alias("month_offset"))
        .explode("month_offset")
        .drop_nulls("month_offset")
        .group_by("cohort", "month_offset")
        .agg(pl.len().cast(pl.Int64).alias("active"))
        .with_columns(pl.col("month_offset").cast(pl.Int64))
    )
    aum = (
        members.select(
            pl.col("open_month").alias("cohort"), pl.col("book_offsets").alias("month_offset"), pl.col("book_aum")
        )
        .explode("month_offset", "book_aum")
        .drop_nulls("month_offset")
        .group_by("cohort", "month_offset")
        .agg(cents_sum("book_aum").alias("aum"))  # exact in cents: the group order of a polars sum is not fixed
        .with_columns(pl.col("month_offset").cast(pl.Int64))
    )
    base = aum.filter(pl.col("month_offset") == 0).select("cohort", pl.col("aum").alias("aum_base"))
    return (
        grid.join(active, on=["cohort", "month_offset"], how="left")
        .join(aum, on=["cohort", "month_offset"], how="left")
        .join(base, on="cohort", how="left")
        .with_columns(pl.col("active").fill_null(0), pl.col("aum").fill_null(0.0), pl.col("aum_base").fill_null(0.0))
        .with_columns(
            (pl.col("active") / pl.col("cohort_size")).alias("active_share"),
            pl.when(pl.col("aum_base") > 0).then(pl.col("aum") / pl.col("aum_base")).alias("aum_share"),
        )
        .select(list(schema))
        .sort("cohort", "month_offset")
    )


def activation_histogram(members: pl.DataFrame) -> pl.DataFrame:
    """bucket (k as text, or `none`), month_offset, within (activated inside the window), after, customers."""
    schema = {"bucket": pl.Utf8, "month_offset": pl.Int64, "within": pl.Int64, "after": pl.Int64, "customers": pl.Int64}
    if not members.height:
        return pl.DataFrame(schema=schema)
    rows = (
        members.filter(pl.col("first_active_offset").is_not_null())
        .group_by(pl.col("first_active_offset").cast(pl.Int64).alias("month_offset"))
        .agg(
            pl.col("activated").sum().cast(pl.Int64).alias("within"),
            (~pl.col("activated")).sum().cast(pl.Int64).alias("after"),
        )
    )
    top = int(rows["month_offset"].max()) if rows.height else 0
    grid = pl.DataFrame({"month_offset": list(range(top + 1))}, schema={"month_offset": pl.Int64})
    counted = grid.join(rows, on="month_offset", how="left").with_columns(
        pl.col("within").fill_null(0), pl.col("after").fill_null(0)
    )
    never = members.filter(pl.col("first_active_offset").is_null()).height
    never_row = pl.DataFrame(
        {"bucket": [NOT_ACTIVATED], "month_offset": [None], "within": [0], "after": [never]},
        schema={k: v for k, v in schema.items() if k != "customers"},
    )
    return (
        pl.concat([counted.select(pl.col("month_offset").cast(pl.Utf8).alias("bucket"), pl.all()), never_row])
        .with_columns((pl.col("within") + pl.col("after")).alias("customers"))
        .select(list(schema))
    )


@dataclass(frozen=True)
class CohortSummary:
    acquired: int
    activation_rate: float | None
    retained_early_rate: float | None
    retained_late_rate: float | None
    churn_rate: float | None
    median_days_to_activate: float | None
    pending: Mapping[str, int] = field(default_factory=dict)  # step → cohort customers not yet measurable for it


def summary(members: pl.DataFrame, funnel_frame: pl.DataFrame) -> CohortSummary:
    """The cards: the funnel's rates (complete windows only); the median days to activate of the customers counted
    as activated (measurable ones: a young cohort's fast activators alone would pull it down)."""
    share = dict(zip(funnel_frame["step"], funnel_frame["pct_start"], strict=True))
    activated = members.filter(_step_mask("activated")) if members.height else members
    days = activated["days_to_activate"] if members.height else pl.Series([], dtype=pl.Int64)
    return CohortSummary(
        acquired=members.height,
        activation_rate=share.get("activated"),
        retained_early_rate=share.get("retained_early"),
        retained_late_rate=share.get("retained_late"),
        churn_rate=share.get(OUTFLOW),
        median_days_to_activate=float(days.median()) if days.len() else None,
        pending=dict(zip(funnel_frame["step"], funnel_frame["pending"], strict=True)),
    )


# --- drill lists ------------------------------------------------------------------------------------------------

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
        rows = run_lifecycle(pc, "lifecycle/flow_customers", params)
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
        rows = members.filter(_step_mask(target.args[0])).select(COHORT_LIST_COLUMNS)
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
    cohort = members.filter(pl.col("open_month") == _month_first(month))
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


# --- labels shared by the page and the workbook -----------------------------------------------------------------


def step_labels(lang: str, windows: FunnelWindows) -> dict[str, str]:
    return {
        "acquired": t("lifecycle.step.acquired", lang),
        "activated": t("lifecycle.step.activated", lang),
        "retained_early": t("lifecycle.step.retained_early", lang, months=windows.retain_early),
        "retained_late": t("lifecycle.step.retained_late", lang, months=windows.retain_late),
        "grown": t("lifecycle.step.grown", lang),
        "churned": t("lifecycle.step.churned", lang, months=windows.churn_months),
    }


def pending_note(lang: str, funnel_frame: pl.DataFrame, labels: Mapping[str, str], count: Any = str) -> str | None:
    """The sentence under the funnel (and in the workbook): per step, the cohort customers not yet measurable for
    it, left out of its rate; None when every window has elapsed.  `count` formats a number."""
    items = [
        t("lifecycle.pending_item", lang, step=labels.get(step, step), count=count(pending))
        for step, pending in zip(funnel_frame["step"], funnel_frame["pending"], strict=True)
        if pending
    ]
    return t("lifecycle.pending_note", lang, items=join_words(items, lang)) if items else None


def step_definitions(pc: PageContext, windows: FunnelWindows) -> dict[str, str]:
    lang = pc.lang
    lookback = pc.model.rules.lifecycle.growing_lookback_months
    return {
        "acquired": t("lifecycle.def.acquired", lang),
        "activated": t("lifecycle.def.activated", lang, days=windows.activation_days),
        "retained_early": t("lifecycle.def.retained_early", lang, months=windows.retain_early),
        "retained_late": t("lifecycle.def.retained_late", lang, early=windows.retain_early, months=windows.retain_late),
        "grown": t(
            "lifecycle.def.grown", lang, late=windows.retain_late, months=windows.growth_months, lookback=lookback
        ),
        "churned": t("lifecycle.def.churned", lang, months=windows.churn_months),
    }


def state_labels(pc: PageContext) -> dict[str, str]:
    """Stage codes (metrics.yaml) plus the flow's own states, in the page's language."""
    labels = pc.model.value_labels("stage", pc.lang)
    for state in ("not_yet", "gap", REACTIVATED, "churned"):
        labels[state] = t(f"lifecycle.state.{state}", pc.lang)
    return labels


def group_labels(pc: PageContext, dim: str) -> dict[str, str]:
    if dim == "tier":
        return pc.model.tier_labels(pc.lang)
    return dict(pc.value_labels().get(dim, {}))


def group_order(pc: PageContext, dim: str) -> tuple[str, ...]:
    """Coded dimensions keep their metrics.yaml order (tiers highest first, age bands youngest first)."""
    if dim == "tier":
        return tuple(pc.model.tier_labels(pc.lang))
    if dim in pc.model.dimensions and pc.model.dimension(dim).value_labels:
        return tuple(pc.model.value_labels(dim, pc.lang))
    return ()


def cross_dimension_label(pc: PageContext, dimension: str) -> str:
    """A cross-filter's name: the page's own from the messages (as its chip), metrics.yaml dimensions' from there."""
    key = f"filter.{dimension}"
    if key in MESSAGES:
        return t(key, pc.lang)
    return pc.model.dimension_label(dimension, pc.lang) if dimension in pc.model.dimensions else dimension


def cross_value_labels(pc: PageContext, view: LifecycleView) -> dict[str, dict[str, str]]:
    """Labels of the chips of the page's own cross-filters (value → label), added to the dimensions' labels."""
    lang = pc.lang
    states = state_labels(pc)
    activation = {str(k): t("lifecycle.cross.activation", lang, k=k) for k in range(len(view.months))}
    activation[NOT_ACTIVATED] = t("lifecycle.activation.never", lang)
    flows = {
        f"{a}:{b}": t("lifecycle.list.flow", lang, a=view.flow_a, b=view.flow_b, source=states[a], target=states[b])
        for a in FROM_STATES
        for b in TO_STATES
    }
    return {
        **pc.value_labels(),
        CROSS_STEP: step_labels(lang, view.windows),
        CROSS_ACTIVATION: activation,
        CROSS_FLOW: flows,
    }


def unapplied(view: LifecycleView, chart: str) -> tuple[str, ...]:
    """The cohort-level cross-filters an all-customer chart (`flow`, `mix`) does not apply: they select cohort
    customers, while those charts show every customer.  Each highlights its own (x.flow, x.stage) instead."""
    own = {"flow": CROSS_FLOW, "mix": CROSS_STAGE}[chart]
    return tuple(d for d in COHORT_CROSS if d in view.cohort_cross and d != own)


def list_value_labels(pc: PageContext) -> dict[str, dict[str, str]]:
    """Translations of the coded columns of the drill lists."""
    labels = pc.value_labels()
    states = state_labels(pc)
    tiers = pc.model.tier_labels(pc.lang)
    return {
        "acquisition_channel": dict(labels.get("acquisition_channel", {})),
        "entry_tier": tiers,
        "tier": tiers,
        "latest_stage": states,
        "stage": states,
        "from_state": states,
        "to_state": states,
        "branch": dict(labels.get("branch", {})),
        "rm": dict(labels.get("rm", {})),
    }


def list_header(pc: PageContext, view: LifecycleView, column: str) -> str:
    """A drill-list column's header (dimension labels from metrics.yaml, the rest from the messages)."""
    lang = pc.lang
    if column in {"acquisition_channel", "region", "branch", "rm", "tier", "stage"}:
        return pc.model.dimension_label(column, lang)
    if column in {"retained_early", "retained_late"}:
        months = view.windows.retain_early if column == "retained_early" else view.windows.retain_late
        return t(f"lifecycle.col.{column}", lang, months=months)
    unit = currency_unit(pc.model.currency, lang)  # amounts are in the extracts' currency
    if column in {"active_at", "aum_at"}:
        k = view.target.args[1] if view.target is not None and view.target.kind == "cell" else "k"
        return t(f"lifecycle.col.{column}", lang, k=k, unit=unit)
    return t(f"lifecycle.col.{column}", lang, unit=unit)


def list_title(pc: PageContext, view: LifecycleView, target: DrillTarget | None) -> str:
    lang = pc.lang
    if target is None:
        return t("lifecycle.list.cohort", lang)
    if target.kind == "step":
        return t("lifecycle.list.step", lang, step=step_labels(lang, view.windows)[target.args[0]])
    if target.kind == "cell":
        return t("lifecycle.list.cell", lang, cohort=target.args[0], k=target.args[1])
    if target.kind == "act":
        if target.args[0] == NOT_ACTIVATED:
            return t("lifecycle.list.act_none", lang)
        return t("lifecycle.list.act", lang, k=target.args[0])
    states = state_labels(pc)
    if target.kind == "flow":
        return t(
            "lifecycle.list.flow",
            lang,
            a=view.flow_a,
            b=view.flow_b,
            source=states.get(target.args[0], target.args[0]),
            target=states.get(target.args[1], target.args[1]),
        )
    return t("lifecycle.list.mix", lang, month=target.args[0], stage=states.get(target.args[1], target.args[1]))


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
