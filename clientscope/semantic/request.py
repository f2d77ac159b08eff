"""What a page asks the compiler for (`MetricRequest`), what it gets back (`CompiledQuery`), and the request's
checks, grouping shape, result columns and order — everything about a request that does not depend on how its
metrics are aggregated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from clientscope.semantic.model import SemanticModel
from clientscope.semantic.periods import GRAIN_MONTHS, add_months, month_start
from clientscope.semantic.problems import did_you_mean
from clientscope.semantic.resolve import RESERVED_COLUMNS, metric_dimensions
from clientscope.semantic.sqltext import CompileError, quote

GrainArg = Literal["month", "quarter", "year", "all"]
TotalsArg = Literal["none", "grand", "rollup"]


@dataclass(frozen=True)
class MetricRequest:
    """What a chart, table or KPI card asks for.

    grain "all" aggregates the whole period into one row per dimension value (KPI cards, bar charts).
    totals "grand" adds one total row per period; "rollup" adds subtotals for each dimension prefix.
    order_by names metrics or dimensions, "-name" for descending; limit caps the rows.
    grouping_sets, when given, replaces `totals`: each set is a subset of `dimensions` to group by (in the same
    query, within each period), e.g. a pivot's subtotals by row and by column (`clientscope.semantic.pivot`).
    """

    metrics: tuple[str, ...]
    dimensions: tuple[str, ...] = ()
    filters: Mapping[str, Sequence[str | None]] = field(default_factory=dict)
    grain: GrainArg = "month"
    start: str | date | None = None  # first month, YYYY-MM
    end: str | date | None = None  # last month, YYYY-MM (inclusive)
    totals: TotalsArg = "none"
    order_by: tuple[str, ...] = ()
    limit: int | None = None
    grouping_sets: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class CompiledQuery:
    """A statement and its `$named` values.  `sql` always reads the detail marts; `rollup`, when present, is the
    same query answered from rollups, which `run_compiled` prefers when they are built (`requires`: rollup table →
    the columns it reads).  Drill lists are not `cacheable`."""

    sql: str
    params: dict[str, Any]
    columns: tuple[str, ...] = ()
    ignored_filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # metric → filters not applied
    rollup: CompiledQuery | None = None
    requires: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cacheable: bool = True


@dataclass(frozen=True)
class Shape:
    """Grouping of a request: dimensions, grain, period bounds and totals."""

    dims: tuple[str, ...]
    grain: str
    start: date | None
    end_excl: date | None
    totals: str
    sets: tuple[tuple[int, ...], ...] = ()  # explicit grouping sets: indexes into dims


# --- request checks -------------------------------------------------------------------------------------------


def request_shape(request: MetricRequest) -> Shape:
    if request.grain not in (*GRAIN_MONTHS, "all"):
        raise CompileError(f"unknown time grain {request.grain!r}: use month, quarter, year or all")
    if request.totals not in ("none", "grand", "rollup"):
        raise CompileError(f"unknown totals {request.totals!r}: use none, grand or rollup")
    if not request.metrics:
        raise CompileError("a request needs at least one metric")
    if len(set(request.dimensions)) != len(request.dimensions):
        raise CompileError("a dimension is named twice")
    if len(set(request.metrics)) != len(request.metrics):
        raise CompileError("a metric is named twice")
    start = month_start(request.start) if request.start is not None else None
    end_excl = add_months(month_start(request.end), 1) if request.end is not None else None
    if start and end_excl and start >= end_excl:
        raise CompileError("the period starts after it ends")
    dims = tuple(request.dimensions)
    sets = tuple(tuple(dims.index(d) for d in _checked_set(s, dims)) for s in request.grouping_sets)
    return Shape(dims, request.grain, start, end_excl, request.totals, sets)


def _checked_set(dimensions: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [d for d in dimensions if d not in allowed]
    if unknown or len(set(dimensions)) != len(dimensions):
        raise CompileError(f"a grouping set must name distinct dimensions of the request, not {list(dimensions)}")
    return tuple(dimensions)


def check_metric(model: SemanticModel, name: str, request: MetricRequest) -> tuple[str, ...]:
    """The request's filter dimensions this metric honours; raise when the request does not fit the metric."""
    if name not in model.metrics:
        hint = did_you_mean(name, model.metrics)
        raise CompileError(f"unknown metric '{name}'" + (f" (did you mean '{hint}'?)" if hint else ""))
    for dim in (*request.dimensions, *request.filters):
        if dim not in model.dimensions:
            hint = did_you_mean(dim, model.dimensions)
            raise CompileError(f"unknown dimension '{dim}'" + (f" (did you mean '{hint}'?)" if hint else ""))
    allowed = metric_dimensions(model, name)
    for dim in request.dimensions:
        if dim not in allowed:
            raise CompileError(f"metric '{name}' cannot be broken down by '{dim}'")
    metric = model.metric(name)
    if request.grain != "all" and request.grain not in metric.time_grains:
        raise CompileError(f"metric '{name}' is not available by {request.grain}")
    return tuple(sorted(d for d, values in request.filters.items() if values and d in allowed))


def single_month(shape: Shape) -> bool:
    """True when the requested period is one month (so every group of the answer lies in one month)."""
    return shape.start is not None and shape.end_excl is not None and add_months(shape.start, 1) == shape.end_excl


def key_columns(request: MetricRequest) -> list[str]:
    return [quote(c, (*RESERVED_COLUMNS, *request.dimensions)) for c in key_column_names(request)]


def key_column_names(request: MetricRequest) -> list[str]:
    return (["period"] if request.grain != "all" else []) + [*request.dimensions, "grouping_id"]


def metric_columns(request: MetricRequest) -> tuple[str, ...]:
    return tuple(request.metrics)


def suffixed(request: MetricRequest, suffix: str) -> tuple[str, ...]:
    return tuple(f"{m}__{suffix}" for m in request.metrics)


def result_columns(request: MetricRequest) -> tuple[str, ...]:
    return (*key_column_names(request), "is_total", *request.metrics)


def order_sql(model: SemanticModel, request: MetricRequest, alias: str) -> str:
    """Detail rows first, then totals; within them the requested order, then period and dimensions."""
    allowed = (*request.metrics, *request.dimensions)
    items = [f'{alias}."grouping_id"']
    for raw in request.order_by:
        name = raw.lstrip("-")
        if name not in allowed:
            raise CompileError(f"cannot order by '{name}': not a metric or dimension of the request")
        items.append(f"{alias}.{quote(name, allowed)} {'desc' if raw.startswith('-') else 'asc'} nulls last")
    if request.grain != "all":
        items.append(f'{alias}."period"')
    items += [f"{alias}.{quote(d, request.dimensions)}" for d in request.dimensions]
    return ", ".join(items)
