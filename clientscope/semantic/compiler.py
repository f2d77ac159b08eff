"""The one SQL compiler every page, export and report uses to turn metric requests into DuckDB SQL.

- A request names metrics, dimensions (allow-listed from the model), filters (dimension → values), a time
  grain and a period; `compile_query` returns SQL plus its `$named` parameters.
- Simple metrics are aggregates over one source; all of a request's aggregates over the same source are
  computed in one scan.  Semi-additive balances keep only the last month of each period (FILTER clause).
- Ratios are sum(numerator) / sum(denominator) at every grain, totals included (GROUPING SETS, never an
  average of row ratios); derived metrics are expressions over other metrics' final values.
- Conversion metrics mark each base event whose entity converts within the window, then count entities; only
  base events whose window has ended by the data's last month-end (the base table's `observed_until`) count.
- Identifiers come only from the model's allow-lists and are quoted by `sqltext.quote`; every value (filter
  values, months, literals inside metrics.yaml expressions, window days, limits) is a `$named` parameter.
- Aggregate awareness: each request is also compiled against the rollups (`rollups.py`) — every aggregate that a
  rollup holding the request's dimensions and filters can answer reads it instead of the detail mart — and
  `run_compiled` runs that variant when the rollups are built.  Results go through the query cache (`cache.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from clientscope.cache import QUERY_CACHE, QueryCache
from clientscope.db import FULL_SCOPE, Database, QueryResult, ViewerScope, run_query
from clientscope.semantic import rollups
from clientscope.semantic.expressions import render
from clientscope.semantic.model import (
    ConversionMetric,
    DerivedMetric,
    RatioMetric,
    SemanticModel,
    SimpleMetric,
)
from clientscope.semantic.periods import COMPARISON_MONTHS, GRAIN_MONTHS, add_months, month_start
from clientscope.semantic.problems import did_you_mean
from clientscope.semantic.resolve import OBSERVED_UNTIL_COLUMN, RESERVED_COLUMNS, metric_dimensions, table_columns
from clientscope.semantic.sqltext import CompileError, Params, quote, time_bounds

GrainArg = Literal["month", "quarter", "year", "all"]
TotalsArg = Literal["none", "grand", "rollup"]
_TRUNC: dict[str, str] = {"month": "'month'", "quarter": "'quarter'", "year": "'year'"}  # constant SQL units
# (base table, conversion table) → the base table's column holding the customer's first conversion at or after
# the row's event time (queries/marts/touch_facts.sql): conversion metrics then need no join at query time,
# which made the campaign conversion rate ~4× faster on 5M touches.
NEXT_EVENT_COLUMNS: dict[tuple[str, str], str] = {("touch_facts", "conversion_facts"): "next_conversion_ts"}


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


# --- internal plan --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Agg:
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
class _Conv:
    metric: str
    applied: tuple[str, ...]


_CteKey = tuple[str, tuple[str, ...], str | None]  # (source, applied filters, rollup or None for the detail rows)


@dataclass
class _Plan:
    """The aggregates a request needs, each with its CTE and column alias (built per call, never shared).

    `router` (aggregate-aware compiles only) names the rollup answering an aggregate; `requires` collects the
    rollup tables and columns the SQL reads."""

    aggs: dict[_Agg, tuple[str, str]] = field(default_factory=dict)  # → (cte, column)
    convs: dict[_Conv, tuple[str, str, str]] = field(default_factory=dict)  # → (cte, numerator, denominator)
    ctes: dict[_CteKey, str] = field(default_factory=dict)  # → cte
    router: Callable[[_Agg], str | None] | None = None
    requires: dict[str, set[str]] = field(default_factory=dict)

    def column(self) -> str:
        return f"a{len(self.aggs) + 2 * len(self.convs)}"

    def agg(self, item: _Agg) -> tuple[str, str]:
        if self.router is not None:
            item = replace(item, rollup=self.router(item))
        if item not in self.aggs:
            key = (item.source, item.applied, item.rollup)
            cte = self.ctes.setdefault(key, f"s{len(self.ctes)}")
            self.aggs[item] = (cte, self.column())
        return self.aggs[item]

    def conv(self, item: _Conv) -> tuple[str, str, str]:
        if item not in self.convs:
            first = self.column()
            self.convs[item] = (f"c{len(self.convs)}", first, f"a{int(first[1:]) + 1}")
        return self.convs[item]

    def cte_names(self) -> tuple[str, ...]:
        return (*self.ctes.values(), *(c[0] for c in self.convs.values()))


@dataclass(frozen=True)
class _Shape:
    """Grouping of a request: dimensions, grain, period bounds and totals."""

    dims: tuple[str, ...]
    grain: str
    start: date | None
    end_excl: date | None
    totals: str
    sets: tuple[tuple[int, ...], ...] = ()  # explicit grouping sets: indexes into dims


# --- public API -----------------------------------------------------------------------------------------------


def compile_query(model: SemanticModel, request: MetricRequest) -> CompiledQuery:
    """SQL for the request's metrics by period and dimensions (with totals rows when asked)."""
    detail = _compile(model, request, routed=False)
    routed = _compile(model, request, routed=True)
    return replace(detail, rollup=routed) if routed.requires else detail


def _compile(model: SemanticModel, request: MetricRequest, routed: bool) -> CompiledQuery:
    params = Params()
    core, ignored, requires = _core(model, request, _shape(request), params, routed)
    columns = _result_columns(request)
    order = _order(model, request, "k")
    sql = f'{core}\nselect * from "result" as k\norder by {order}'
    if request.limit is not None:
        sql += f"\nlimit {params.add(int(request.limit))}"
    return CompiledQuery(sql, params.values, columns, ignored, requires=_frozen(requires))


def compare_query(model: SemanticModel, request: MetricRequest, comparison: str = "mom") -> CompiledQuery:
    """Each metric with its prior-period value, change and % change (MoM, QoQ or YoY).

    Output columns per metric m: m, m__prior, m__change (m − prior) and m__pct_change ((m − prior) / |prior|).
    For rates (percent formats) m__change is the difference of the 0–1 rates, i.e. percentage points / 100
    (+0.012 = +1.2 pp); m__pct_change is still the relative change.
    """
    shift = COMPARISON_MONTHS.get(comparison)
    if shift is None:
        raise CompileError(f"unknown comparison {comparison!r}: use mom, qoq or yoy")
    shape = _shape(request)
    if request.grain != "all" and shift < GRAIN_MONTHS[request.grain]:
        raise CompileError(f"a {comparison} comparison needs a grain no coarser than {shift} month(s)")
    if shape.start is None or shape.end_excl is None:
        raise CompileError("a period comparison needs a start and an end month")
    detail = _compare(model, request, shape, shift, routed=False)
    routed = _compare(model, request, shape, shift, routed=True)
    return replace(detail, rollup=routed) if routed.requires else detail


def _compare(model: SemanticModel, request: MetricRequest, shape: _Shape, shift: int, routed: bool) -> CompiledQuery:
    assert shape.start is not None and shape.end_excl is not None
    prior_shape = _Shape(
        shape.dims,
        shape.grain,
        add_months(shape.start, -shift),
        add_months(shape.end_excl, -shift),
        shape.totals,
        shape.sets,
    )
    params = Params()
    current, ignored, requires = _core(model, request, shape, params, routed)
    prior, _, prior_requires = _core(model, request, prior_shape, params, routed)
    for table, columns in prior_requires.items():
        requires.setdefault(table, set()).update(columns)
    keys = _key_columns(request)
    on = [f"p.{c} is not distinct from c.{c}" for c in keys if c != '"period"']
    if request.grain != "all":
        on.append(f'cast(p."period" + to_months(cast({params.add(shift)} as integer)) as date) = c."period"')
    outputs = [f"c.{c}" for c in keys] + ['c."is_total"']
    metric_names = _metric_columns(request)
    for name in request.metrics:
        m = quote(name, metric_names)
        before, change, pct = (quote(f"{name}__{s}", _suffixed(request, s)) for s in ("prior", "change", "pct_change"))
        outputs += [
            f"c.{m} as {m}",
            f"p.{m} as {before}",
            f"c.{m} - p.{m} as {change}",
            f"(c.{m} - p.{m}) / nullif(abs(p.{m}), 0) as {pct}",
        ]
    sql = (
        f'with "cur" as (\n{current}\nselect * from "result"\n),\n"prior" as (\n{prior}\nselect * from "result"\n)\n'
        f"select {', '.join(outputs)}\n"
        f'from "cur" as c\nleft join "prior" as p on {" and ".join(on) or "true"}\n'
        f"order by {_order(model, request, 'c')}"
    )
    columns = (
        *_key_columns_plain(request),
        "is_total",
        *[f"{n}{suffix}" for n in request.metrics for suffix in ("", "__prior", "__change", "__pct_change")],
    )
    return CompiledQuery(sql, params.values, columns, ignored, requires=_frozen(requires))


def _frozen(requires: Mapping[str, set[str]]) -> dict[str, tuple[str, ...]]:
    return {table: tuple(sorted(columns)) for table, columns in sorted(requires.items())}


def run_metric_query(
    db: Database,
    model: SemanticModel,
    request: MetricRequest,
    scope: ViewerScope = FULL_SCOPE,
    *,
    cache: QueryCache | None = QUERY_CACHE,
) -> QueryResult:
    """Compile and run a request through `run_query`, which applies the viewer's scope."""
    label = "metrics " + ",".join(request.metrics)
    return run_compiled(db, compile_query(model, request), scope, label=label, cache=cache)


def run_compiled(
    db: Database,
    compiled: CompiledQuery,
    scope: ViewerScope = FULL_SCOPE,
    label: str = "metric query",
    *,
    cache: QueryCache | None = QUERY_CACHE,
) -> QueryResult:
    """Run a compiled query: from the rollups when they are built, else from the detail marts.

    Metric results are cached by (SQL, parameters, data version, viewer scope) in `cache` (None: no cache); the
    key is the detail SQL, as the rollup variant gives the same answer.  Drill lists are never cached.
    """

    def run() -> QueryResult:
        chosen = chosen_variant(db, compiled)
        return run_query(db, chosen.sql, chosen.params, scope=scope, label=label)

    if cache is None or not compiled.cacheable:
        return run()
    return cache.fetch(db, compiled.sql, compiled.params, scope, run)


def chosen_variant(db: Database, compiled: CompiledQuery) -> CompiledQuery:
    """The variant `run_compiled` runs on `db`: the rollup one when its rollups are built, else the detail one."""
    if compiled.rollup is not None and rollups.available(db, compiled.rollup.requires):
        return compiled.rollup
    return compiled


# --- request checks -------------------------------------------------------------------------------------------


def _shape(request: MetricRequest) -> _Shape:
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
    return _Shape(dims, request.grain, start, end_excl, request.totals, sets)


def _checked_set(dimensions: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [d for d in dimensions if d not in allowed]
    if unknown or len(set(dimensions)) != len(dimensions):
        raise CompileError(f"a grouping set must name distinct dimensions of the request, not {list(dimensions)}")
    return tuple(dimensions)


def _check_metric(model: SemanticModel, name: str, request: MetricRequest) -> tuple[str, ...]:
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


# --- the core: one CTE per source (and per conversion metric), joined on the group keys --------------------------


def _core(
    model: SemanticModel, request: MetricRequest, shape: _Shape, params: Params, routed: bool = False
) -> tuple[str, dict[str, tuple[str, ...]], dict[str, set[str]]]:
    """`with ... "result" as (...)`: CTEs ending in one named "result"; the caller adds the final select.

    Also returns the filters each metric ignores and (when `routed`) the rollup tables and columns read."""
    plan = _Plan(router=_router(model, shape) if routed else None)
    exprs: dict[str, str] = {}
    ignored: dict[str, tuple[str, ...]] = {}
    for name in request.metrics:
        applied = _check_metric(model, name, request)
        exprs[name] = _metric_expr(model, name, applied, plan, params)
        skipped = tuple(d for d, v in request.filters.items() if v and d not in applied)
        if skipped:
            ignored[name] = skipped
    ctes = [_source_cte(model, plan, key, shape, request, params) for key in plan.ctes]
    ctes += [_conversion_cte(model, plan, conv, shape, request, params) for conv in plan.convs]
    ctes.append(_result_cte(plan, exprs, shape, request))
    return "with " + ",\n".join(ctes), ignored, plan.requires


def _single_month(shape: _Shape) -> bool:
    """True when the requested period is one month (so every group of the answer lies in one month)."""
    return shape.start is not None and shape.end_excl is not None and add_months(shape.start, 1) == shape.end_excl


def _router(model: SemanticModel, shape: _Shape) -> Callable[[_Agg], str | None]:
    """Names the rollup that answers an aggregate exactly, or None for the detail rows.

    A distinct count of customers re-adds from a rollup only within one month (see rollups.py)."""

    def route(item: _Agg) -> str | None:
        one_month = shape.grain == "month" or item.snapshot is not None or _single_month(shape)
        if item.agg == "count_distinct" and not one_month:
            return None
        if item.event is not None:  # depends on the period's last month: no partial aggregate holds it
            return None
        if rollups.measures_of(model, item.source, item.agg, item.expr, item.conditions) is None:
            return None
        layout = rollups.choose(model, item.source, (*shape.dims, *item.applied))
        return layout.name if layout is not None else None

    return route


def _metric_expr(model: SemanticModel, name: str, applied: tuple[str, ...], plan: _Plan, params: Params) -> str:
    metric = model.metric(name)
    if isinstance(metric, SimpleMetric):
        return _agg_ref(plan, _simple_agg(metric, None, applied))
    if isinstance(metric, RatioMetric):
        num = _ref_agg(model, metric.numerator.metric, metric.numerator.filter, applied)
        den = _ref_agg(model, metric.denominator.metric, metric.denominator.filter, applied)
        return f"cast({_agg_ref(plan, num)} as double) / nullif({_agg_ref(plan, den)}, 0)"
    if isinstance(metric, ConversionMetric):
        cte, num, den = plan.conv(_Conv(name, applied))
        return f'cast(coalesce("{cte}"."{num}", 0) as double) / nullif("{cte}"."{den}", 0)'
    assert isinstance(metric, DerivedMetric)
    return render(
        metric.expr,
        ident=lambda ref: f"({_metric_expr(model, _known(model, ref), applied, plan, params)})",
        literal=params.add,
    )


def _known(model: SemanticModel, name: str) -> str:
    if name not in model.metrics:
        raise CompileError(f"unknown metric '{name}'")
    return name


def _simple_agg(metric: SimpleMetric, extra: str | None, applied: tuple[str, ...]) -> _Agg:
    conditions = rollups.metric_conditions(metric, extra)
    event = metric.event_in_period
    return _Agg(metric.source, metric.agg, metric.expr, conditions, metric.snapshot, applied, event=event)


def _ref_agg(model: SemanticModel, name: str, ref_filter: str | None, applied: tuple[str, ...]) -> _Agg:
    target = model.metric(name)
    if not isinstance(target, SimpleMetric):
        raise CompileError(f"ratio part '{name}' must be a simple metric")
    return _simple_agg(target, ref_filter, applied)


def _agg_ref(plan: _Plan, item: _Agg) -> str:
    cte, column = plan.agg(item)
    ref = f'"{cte}"."{column}"'
    return f"coalesce({ref}, 0)" if item.agg in ("count", "count_distinct", "sum") else ref


def _source_sql(model: SemanticModel, source: str) -> tuple[str, tuple[str, ...], str]:
    """(quoted table, its columns, quoted time column) for a source."""
    src = model.sources[source]
    columns = table_columns(src.table) or ()
    return quote(src.table, (src.table,)), columns, quote(src.time_column, columns)


def _rollup_sql(model: SemanticModel, source: str, name: str, items: list[_Agg]) -> tuple[str, tuple[str, ...], str]:
    """(quoted rollup table, the columns the CTE may read, quoted time column) for aggregates answered by a rollup."""
    layout = next(layout for layout in rollups.LAYOUTS if layout.name == name)
    keys = rollups.layout_columns(model, layout) or ()
    measures = [m for a in items for m in rollups.measures_of(model, a.source, a.agg, a.expr, a.conditions) or ()]
    columns = (*keys, *dict.fromkeys(m.column for m in measures))
    return quote(name, (name,)), columns, quote(model.sources[source].time_column, columns)


def _col(columns: tuple[str, ...], alias: str) -> Any:
    return lambda name: f"{alias}.{quote(name, columns)}"


def _period(shape: _Shape, time_col: str) -> str | None:
    return None if shape.grain == "all" else f"cast(date_trunc({_TRUNC[shape.grain]}, {time_col}) as date)"


def _where(
    model: SemanticModel,
    source: str,
    applied: tuple[str, ...],
    shape: _Shape,
    request: MetricRequest,
    params: Params,
    alias: str = "t",
    table: tuple[str, tuple[str, ...], str] | None = None,
) -> list[str]:
    """Period bounds and the applied dimension filters, for rows of `source` (or of `table`: a rollup's
    (quoted name, columns, quoted time column)) aliased `alias`.  Rows without a time value belong to no period."""
    _, columns, time_col = table or _source_sql(model, source)
    conditions = time_bounds(f"{alias}.{time_col}", shape.start, shape.end_excl, params)
    if shape.start is None and shape.end_excl is None:
        conditions.append(f"{alias}.{time_col} is not null")
    for dim in applied:
        values = list(request.filters[dim])
        column = f"{alias}.{quote(model.dimension(dim).column, columns)}"
        condition = f"list_contains({params.add([v for v in values if v is not None])}, {column})"
        conditions.append(f"({condition} or {column} is null)" if None in values else condition)
    return conditions


def _group_by(keys: list[str], dim_exprs: list[str], totals: str, sets: tuple[tuple[int, ...], ...] = ()) -> str:
    """GROUP BY clause: plain, or grouping sets adding a grand total / subtotals (or the request's own sets)
    within each period."""
    if not keys and not dim_exprs:
        return ""
    if sets:
        groups = ["(" + ", ".join(keys + [dim_exprs[i] for i in s]) + ")" for s in sets]
        return "group by grouping sets (" + ", ".join(groups) + ")"
    if totals == "none" or not dim_exprs:
        return "group by " + ", ".join(keys + dim_exprs)
    cut = [len(dim_exprs), 0] if totals == "grand" else list(range(len(dim_exprs), -1, -1))
    sets = ["(" + ", ".join(keys + dim_exprs[:n]) + ")" for n in cut]
    return "group by grouping sets (" + ", ".join(sets) + ")"


def _grouping(dim_exprs: list[str]) -> str:
    return f"cast(grouping({', '.join(dim_exprs)}) as integer)" if dim_exprs else "cast(0 as integer)"


def _one_row_per_entity(model: SemanticModel, item: _Agg, shape: _Shape) -> bool:
    """True when count(distinct entity) equals count(*): the source is keyed by (entity, time) and every
    counted row of a group lies in one month (month grain, a semi-additive snapshot, or a one-month period)."""
    one_month = shape.grain == "month" or item.snapshot is not None or _single_month(shape)
    return rollups.entity_count(model, item.source, item.agg, item.expr) and one_month


def _agg_sql(item: _Agg, columns: tuple[str, ...], params: Params, semi_check: str | None, unique: bool) -> str:
    ident = _col(columns, "t")
    value = render(item.expr, ident, params.add) if item.expr else None
    conditions = [f"({render(c, ident, params.add)})" for c in item.conditions]
    if item.snapshot and semi_check:
        conditions.append(semi_check)
        if item.event:  # the opening book's rows whose event falls in the period (e.__last: its last month)
            conditions.append(f"{ident(item.event)} <= e.__last")
    filter_sql = f" filter (where {' and '.join(conditions)})" if conditions else ""
    if item.agg == "count":
        return f"count({value or '*'}){filter_sql}"
    if item.agg == "count_distinct":
        return f"count(*){filter_sql}" if unique else f"count(distinct {value}){filter_sql}"
    if item.agg == "avg":  # an exact sum over a count, divided once: the same double as from a rollup
        return f"cast(sum({value}){filter_sql} as double) / nullif(count({value}){filter_sql}, 0)"
    # money sums are DECIMAL (exact in any order of addition), then rounded once to the nearest double
    return f"cast({item.agg}({value}){filter_sql} as double)"


def _rollup_agg_sql(model: SemanticModel, item: _Agg, columns: tuple[str, ...], semi_check: str | None) -> str:
    """The aggregate re-computed from a rollup's partial aggregates (the metric's filter is baked into them)."""
    measures = rollups.measures_of(model, item.source, item.agg, item.expr, item.conditions) or ()
    part = [f"t.{quote(m.column, columns)}" for m in measures]
    filter_sql = f" filter (where {semi_check})" if item.snapshot and semi_check else ""
    if item.agg in ("count", "count_distinct"):
        return f"cast(sum({part[0]}){filter_sql} as bigint)"
    if item.agg == "avg":
        return f"cast(sum({part[0]}){filter_sql} as double) / nullif(sum({part[1]}){filter_sql}, 0)"
    combine = "sum" if item.agg == "sum" else item.agg
    return f"cast({combine}({part[0]}){filter_sql} as double)"


def _select_keys(
    model: SemanticModel, shape: _Shape, columns: tuple[str, ...], period: str | None, alias: str = "t"
) -> tuple[list[str], list[str], list[str]]:
    """(select items for the keys, period key expressions, dimension expressions)."""
    dims = [f"{alias}.{quote(model.dimension(d).column, columns)}" for d in shape.dims]
    names = [quote(d, shape.dims) for d in shape.dims]
    items = ([f'{period} as "period"'] if period else []) + [f"{e} as {n}" for e, n in zip(dims, names, strict=True)]
    items.append(f'{_grouping(dims)} as "grouping_id"')
    return items, ([period] if period else []), dims


def _snapshot_ends(cte: str, table: str, time_col: str, shape: _Shape, params: Params) -> tuple[str, str]:
    """The CTE of each period's last and first month, over the whole source (not per group: a balance is a
    snapshot of the bank), and the join that brings them to the rows."""
    period = _period(shape, f"t.{time_col}")
    end_period = _period(shape, f"x.{time_col}")
    bounds = time_bounds(f"x.{time_col}", shape.start, shape.end_excl, params)
    ends = (
        f'"{cte}_ends" as (\n  select {end_period + " as __period, " if end_period else ""}'
        f"max(x.{time_col}) as __last, min(x.{time_col}) as __first\n  from {table} as x"
        + (f"\n  where {' and '.join(bounds)}" if bounds else "")
        + ("\n  group by 1" if end_period else "")
        + "\n),\n"
    )
    join = (
        f'\n  inner join "{cte}_ends" as e on e.__period = {period}' if period else f'\n  cross join "{cte}_ends" as e'
    )
    return ends, join


def _source_cte(
    model: SemanticModel,
    plan: _Plan,
    key: _CteKey,
    shape: _Shape,
    request: MetricRequest,
    params: Params,
) -> str:
    source, applied, rollup = key
    cte = plan.ctes[key]
    items = [(a, col) for a, (c, col) in plan.aggs.items() if c == cte]
    if rollup is None:
        table, columns, time_col = _source_sql(model, source)
    else:
        table, columns, time_col = _rollup_sql(model, source, rollup, [a for a, _ in items])
        plan.requires.setdefault(rollup, set()).update(columns)
    period = _period(shape, f"t.{time_col}")
    ends = join = ""
    snapshots = {a.snapshot for a, _ in items} - {None}
    if snapshots:
        ends, join = _snapshot_ends(cte, table, time_col, shape, params)
    keys, period_keys, dim_exprs = _select_keys(model, shape, columns, period)
    aggs = []
    for a, col in items:
        check = f"t.{time_col} = e.__{a.snapshot}" if a.snapshot else None
        if rollup is None:
            sql = _agg_sql(a, columns, params, check, _one_row_per_entity(model, a, shape))
        else:
            sql = _rollup_agg_sql(model, a, columns, check)
        aggs.append(f'{sql} as "{col}"')
    where = _where(model, source, applied, shape, request, params, table=(table, columns, time_col))
    return (
        f'{ends}"{cte}" as (\n  select {", ".join(keys + aggs)}\n  from {table} as t{join}'
        + (f"\n  where {' and '.join(where)}" if where else "")
        + f"\n  {_group_by(period_keys, dim_exprs, shape.totals, shape.sets)}\n)"
    )


def _conversion_cte(
    model: SemanticModel, plan: _Plan, conv: _Conv, shape: _Shape, request: MetricRequest, params: Params
) -> str:
    cte, num, den = plan.convs[conv]
    metric = model.metric(conv.metric)
    assert isinstance(metric, ConversionMetric)
    base_table, base_cols, time_col = _source_sql(model, metric.base.source)
    conv_table, conv_cols, _ = _source_sql(model, metric.conversion.source)
    base_src, conv_src = model.sources[metric.base.source], model.sources[metric.conversion.source]
    if base_src.event_time is None or conv_src.event_time is None:
        raise CompileError(f"metric '{conv.metric}': conversion sources need an event_time")
    entity_b, entity_v = quote(metric.entity, base_cols), quote(metric.entity, conv_cols)
    ts_b, ts_v = quote(base_src.event_time, base_cols), quote(conv_src.event_time, conv_cols)
    window = metric.window_days or model.rules.conversion.window_days
    next_event = _next_event_column(model, metric, base_cols)
    if next_event is not None:  # the mart holds each row's next conversion: one comparison, no join
        converted = f"coalesce(t.{next_event} <= t.{ts_b} + to_days(cast({params.add(window)} as integer)), false)"
    else:
        matched = [
            f"v.{entity_v} = t.{entity_b}",
            f"v.{ts_v} >= t.{ts_b}",
            f"v.{ts_v} <= t.{ts_b} + to_days(cast({params.add(window)} as integer))",
        ]
        if metric.conversion.filter:
            matched.append(f"({render(metric.conversion.filter, _col(conv_cols, 'v'), params.add)})")
        converted = f"exists (select 1 from {conv_table} as v where {' and '.join(matched)})"
    if OBSERVED_UNTIL_COLUMN not in base_cols:
        raise CompileError(
            f"metric '{conv.metric}': its base source '{metric.base.source}' has no {OBSERVED_UNTIL_COLUMN} "
            "column (the data's last month-end), needed to leave out the conversion windows that run past the data"
        )
    where = _where(model, metric.base.source, conv.applied, shape, request, params)
    # complete windows only: an event whose window runs past the data's last month-end cannot be judged yet
    where.append(
        f"cast(t.{ts_b} as date) + cast({params.add(window)} as integer) <= t.{quote(OBSERVED_UNTIL_COLUMN, base_cols)}"
    )
    if metric.base.filter:
        where.append(f"({render(metric.base.filter, _col(base_cols, 't'), params.add)})")
    rows = (
        f'"{cte}_rows" as (\n  select t.*, {converted}'
        f" as __converted\n  from {base_table} as t" + (f"\n  where {' and '.join(where)}" if where else "") + "\n)"
    )
    period = _period(shape, f"t.{time_col}")
    keys, period_keys, dim_exprs = _select_keys(model, shape, base_cols, period)
    aggs = [
        f'count(distinct t.{entity_b}) filter (where t.__converted) as "{num}"',
        f'count(distinct t.{entity_b}) as "{den}"',
    ]
    return (
        f'{rows},\n"{cte}" as (\n  select {", ".join(keys + aggs)}\n  from "{cte}_rows" as t'
        f"\n  {_group_by(period_keys, dim_exprs, shape.totals, shape.sets)}\n)"
    )


def _next_event_column(model: SemanticModel, metric: ConversionMetric, base_cols: tuple[str, ...]) -> str | None:
    """The base table's precomputed "next conversion" column, when it answers this metric exactly.

    It holds the entity's first event of the conversion table at or after the row's event time, so "converted
    within N days" is `next <= event time + N days` for any N. A conversion filter (only some conversions count)
    needs the join instead.
    """
    base, conv = model.sources[metric.base.source], model.sources[metric.conversion.source]
    column = NEXT_EVENT_COLUMNS.get((base.table, conv.table))
    if column is None or metric.conversion.filter or column not in base_cols or metric.entity != "customer_id":
        return None
    return quote(column, base_cols)


def _key_columns(request: MetricRequest) -> list[str]:
    return [quote(c, (*RESERVED_COLUMNS, *request.dimensions)) for c in _key_columns_plain(request)]


def _key_columns_plain(request: MetricRequest) -> list[str]:
    return (["period"] if request.grain != "all" else []) + [*request.dimensions, "grouping_id"]


def _result_cte(plan: _Plan, exprs: dict[str, str], shape: _Shape, request: MetricRequest) -> str:
    keys = _key_columns(MetricRequest(metrics=request.metrics, dimensions=shape.dims, grain=request.grain))
    names = plan.cte_names()
    union = "\n  union\n  ".join(f'select {", ".join(keys)} from "{n}"' for n in names)
    joins = "".join(
        f'\n  left join "{n}" on ' + " and ".join(f'"{n}".{k} is not distinct from k.{k}' for k in keys) for n in names
    )
    metric_names = _metric_columns(request)
    outputs = [f"k.{k}" for k in keys] + ['k."grouping_id" > 0 as "is_total"']
    outputs += [f"{expr} as {quote(name, metric_names)}" for name, expr in exprs.items()]
    return f'"keys" as (\n  {union}\n),\n"result" as (\n  select {", ".join(outputs)}\n  from "keys" as k{joins}\n)'


def _metric_columns(request: MetricRequest) -> tuple[str, ...]:
    return tuple(request.metrics)


def _suffixed(request: MetricRequest, suffix: str) -> tuple[str, ...]:
    return tuple(f"{m}__{suffix}" for m in request.metrics)


def _result_columns(request: MetricRequest) -> tuple[str, ...]:
    return (*_key_columns_plain(request), "is_total", *request.metrics)


def _order(model: SemanticModel, request: MetricRequest, alias: str) -> str:
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
