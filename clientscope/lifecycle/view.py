"""The lifecycle page's view: what the URL asks for, resolved against the data, and the URL changes the page's
controls and clicks make.

The period is the cohort range (customers whose `open_date` falls in it) and the stage mix's months; the funnel's
windows come from metrics.yaml `rules.lifecycle.funnel`; the view's filters are compiled once (`ViewFilters`): they
apply to the cohort's customer attributes and its *entry* tier / tier_alt / age band.  The page's own cross-filters
(`x.cohort`, `x.step`, `x.activation`, `x.flow`, and the metrics.yaml `stage` at the as-of month) select cohort
customers: `cohort_cross`.  Clicks (`click_state`): every chart's click sets a cross-filter (a chip) and the customer
list (`p.list`); clicking the same point again removes both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from clientscope.components.points import point_values
from clientscope.kpis import period_bounds
from clientscope.lifecycle.codes import (
    CROSS_ACTIVATION,
    CROSS_COHORT,
    CROSS_FLOW,
    CROSS_STEP,
    FROM_STATES,
    NOT_ACTIVATED,
    OUTFLOW,
    PAGE_CROSS,
    STAGE_ORDER,
    STEPS,
    TO_STATES,
)
from clientscope.semantic import SemanticModel
from clientscope.semantic.filtering import ViewFilters
from clientscope.semantic.model import FunnelRules
from clientscope.semantic.periods import add_months, month_start
from clientscope.state import ViewState
from clientscope.view_context import PageContext


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

    @property
    def key(self) -> str:
        """As the serving marts record the windows they were built with (`windows` of lifecycle_cohort_cells)."""
        return "/".join(str(v) for v in self.params().values())

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


# Page options (`p.<name>` in the URL).
OPT_RETENTION = "retention"
OPT_FLOW_A = "flow_a"
OPT_FLOW_B = "flow_b"
OPT_LIST = "list"
RETENTION_MEASURES: tuple[str, ...] = ("customers", "aum")

# Cross-filters applied to the cohort frame here (not in the SQL): the page's own (clientscope/lifecycle/codes.py)
# and the metrics.yaml `stage` (the stage at the as-of month).
CROSS_STAGE = "stage"
COHORT_CROSS: tuple[str, ...] = (*PAGE_CROSS, CROSS_STAGE)


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
    filters: ViewFilters = field(default_factory=ViewFilters)  # the view's filters, compiled (`stage` left out)
    ignored: tuple[str, ...] = ()  # filter dimensions this page cannot apply
    cohort_cross: Mapping[str, str] = field(default_factory=dict)  # COHORT_CROSS filters (dimension → value)

    @property
    def cohort_params(self) -> dict[str, Any]:
        return {"cohort_start": month_first(self.start), "cohort_end": month_last(self.end), **self.windows.params()}

    @property
    def flow_params(self) -> dict[str, Any]:
        return {"month_a": month_last(self.flow_a), "month_b": month_last(self.flow_b)}


def month_first(month: str) -> date:
    return month_start(month)


def month_last(month: str) -> date:
    return add_months(month_start(month), 1) - timedelta(days=1)


def month_index(month: str | date) -> int:
    text = month if isinstance(month, str) else month.strftime("%Y-%m")
    return int(text[:4]) * 12 + int(text[5:7])


# The columns of the per-customer mart the cohort is selected from (`customer_lifecycle`): a filtered dimension
# whose metrics.yaml column is not among them cannot apply here (the page says so).
COHORT_COLUMNS: tuple[str, ...] = (
    "region", "branch_id", "rm_id", "city", "acquisition_channel", "gender", "risk_profile", "tier", "tier_alt",
    "age_band",
)  # fmt: skip


def view_filters(pc: PageContext) -> ViewFilters:
    """The view's filters the page applies: those on the cohort's columns, less the stage (a cohort-level
    cross-filter, the stage at the as-of month, applied to the cohort by `narrow`, never in the SQL)."""
    filters = pc.filters.without(CROSS_STAGE)
    return filters.without(*filters.ignored_by(COHORT_COLUMNS))


def lifecycle_view(pc: PageContext, windows: FunnelWindows | None = None) -> LifecycleView:
    """What the URL asks for, resolved against the data; `windows` default to metrics.yaml's."""
    start, end = period_bounds(pc)
    months = tuple(pc.choices.months)
    as_of = months[-1] if months else end
    state = pc.state
    flow_a = state.option(OPT_FLOW_A, months, start)
    flow_b = state.option(OPT_FLOW_B, months, end)
    if flow_a > flow_b:
        flow_a, flow_b = flow_b, flow_a
    filters = pc.filters.without(CROSS_STAGE)
    return LifecycleView(
        start=start,
        end=end,
        as_of=as_of,
        months=months,
        dim=compare_dimension(state),
        retention=state.option(OPT_RETENTION, RETENTION_MEASURES, RETENTION_MEASURES[0]),
        flow_a=flow_a,
        flow_b=flow_b,
        target=DrillTarget.parse(state.options.get(OPT_LIST)),
        windows=windows or funnel_windows(pc.model),
        filters=view_filters(pc),
        ignored=tuple(sorted(filters.ignored_by(COHORT_COLUMNS))),
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
