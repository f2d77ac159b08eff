"""The compile plan: the aggregates a request's metrics need, each given its CTE and column alias.

Metrics are reduced to aggregates over one source (`Agg`) or conversion counts (`Conv`); all of a request's
aggregates over the same source share one CTE (one scan).  In aggregate-aware compiles `rollup_router` names the
rollup that answers an aggregate exactly (see rollups.py), else the aggregate reads the detail mart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from clientscope.semantic import month_masks
from clientscope.semantic.expressions import render
from clientscope.semantic.model import ConversionMetric, DerivedMetric, RatioMetric, SemanticModel, SimpleMetric
from clientscope.semantic.request import Shape, single_month
from clientscope.semantic.rollups import choose, measures_of, metric_conditions
from clientscope.semantic.sqltext import CompileError, Params


@dataclass(frozen=True)
class Agg:
    """One aggregate over one source; `applied` are the request filter dimensions it honours; `snapshot` the month
    of a period a semi-additive aggregate takes ("last" or "first"); `rollup` the rollup answering it, if any;
    `event` a date column that must fall on or before the period's last month (`event_in_period`)."""

    source: str
    agg: str
    expr: str | None
    conditions: tuple[str, ...]
    snapshot: str | None
    applied: tuple[str, ...]
    rollup: str | None = None
    event: str | None = None


@dataclass(frozen=True)
class Conv:
    metric: str
    applied: tuple[str, ...]


CteKey = tuple[str, tuple[str, ...], str | None]  # (source, applied filters, rollup or None for the detail rows)


@dataclass
class Plan:
    """The aggregates a request needs, each with its CTE and column alias (built per call, never shared).

    `router` (aggregate-aware compiles only) names the rollup answering an aggregate; `requires` collects the
    rollup tables and columns the SQL reads."""

    aggs: dict[Agg, tuple[str, str]] = field(default_factory=dict)  # → (cte, column)
    convs: dict[Conv, tuple[str, str, str]] = field(default_factory=dict)  # → (cte, numerator, denominator)
    ctes: dict[CteKey, str] = field(default_factory=dict)  # → cte
    router: Callable[[Agg], str | None] | None = None
    requires: dict[str, set[str]] = field(default_factory=dict)

    def column(self) -> str:
        return f"a{len(self.aggs) + 2 * len(self.convs)}"

    def agg(self, item: Agg) -> tuple[str, str]:
        if self.router is not None:
            item = replace(item, rollup=self.router(item))
        if item not in self.aggs:
            key = (item.source, item.applied, item.rollup)
            cte = self.ctes.setdefault(key, f"s{len(self.ctes)}")
            self.aggs[item] = (cte, self.column())
        return self.aggs[item]

    def conv(self, item: Conv) -> tuple[str, str, str]:
        if item not in self.convs:
            first = self.column()
            self.convs[item] = (f"c{len(self.convs)}", first, f"a{int(first[1:]) + 1}")
        return self.convs[item]

    def cte_names(self) -> tuple[str, ...]:
        return (*self.ctes.values(), *(c[0] for c in self.convs.values()))


def rollup_router(model: SemanticModel, shape: Shape) -> Callable[[Agg], str | None]:
    """Names the rollup that answers an aggregate exactly, or None for the detail rows.

    A distinct count of customers re-adds from a rollup only within one month (see rollups.py); over a whole
    period of several months the month masks answer it (month_masks.py)."""

    def route(item: Agg) -> str | None:
        one_month = shape.grain == "month" or item.snapshot is not None or single_month(shape)
        if item.agg == "count_distinct" and not one_month:
            masked = month_masks.answers(model, item, shape, (*shape.dims, *item.applied))
            return month_masks.MASK_LAYOUT.name if masked else None
        if measures_of(model, item.source, item.agg, item.expr, item.conditions) is None:
            return None
        # an event_in_period count depends on the period's last month: only a rollup keyed by the event holds it
        events = (item.event,) if item.event is not None else ()
        layout = choose(model, item.source, (*shape.dims, *item.applied), events)
        return layout.name if layout is not None else None

    return route


def metric_expr(model: SemanticModel, name: str, applied: tuple[str, ...], plan: Plan, params: Params) -> str:
    metric = model.metric(name)
    if isinstance(metric, SimpleMetric):
        return _agg_ref(plan, _simple_agg(metric, None, applied))
    if isinstance(metric, RatioMetric):
        num = _ref_agg(model, metric.numerator.metric, metric.numerator.filter, applied)
        den = _ref_agg(model, metric.denominator.metric, metric.denominator.filter, applied)
        return f"cast({_agg_ref(plan, num)} as double) / nullif({_agg_ref(plan, den)}, 0)"
    if isinstance(metric, ConversionMetric):
        cte, num, den = plan.conv(Conv(name, applied))
        return f'cast(coalesce("{cte}"."{num}", 0) as double) / nullif("{cte}"."{den}", 0)'
    assert isinstance(metric, DerivedMetric)
    return render(
        metric.expr,
        ident=lambda ref: f"({metric_expr(model, _known(model, ref), applied, plan, params)})",
        literal=params.add,
    )


def _known(model: SemanticModel, name: str) -> str:
    if name not in model.metrics:
        raise CompileError(f"unknown metric '{name}'")
    return name


def _simple_agg(metric: SimpleMetric, extra: str | None, applied: tuple[str, ...]) -> Agg:
    conditions = metric_conditions(metric, extra)
    event = metric.event_in_period
    return Agg(metric.source, metric.agg, metric.expr, conditions, metric.snapshot, applied, event=event)


def _ref_agg(model: SemanticModel, name: str, ref_filter: str | None, applied: tuple[str, ...]) -> Agg:
    target = model.metric(name)
    if not isinstance(target, SimpleMetric):
        raise CompileError(f"ratio part '{name}' must be a simple metric")
    return _simple_agg(target, ref_filter, applied)


def _agg_ref(plan: Plan, item: Agg) -> str:
    cte, column = plan.agg(item)
    ref = f'"{cte}"."{column}"'
    return f"coalesce({ref}, 0)" if item.agg in ("count", "count_distinct", "sum") else ref
