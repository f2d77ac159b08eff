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

This module holds the public entry points (compile, compare, run); the parts they are built from: `request.py`
(the request, its checks, result columns and order), `plan.py` (metrics → aggregates, rollup routing),
`clauses.py` (shared SQL clauses) and `ctes.py` (the per-source, conversion and result CTEs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from clientscope.cache import QUERY_CACHE, QueryCache
from clientscope.db import FULL_SCOPE, Database, QueryResult, ViewerScope, run_query
from clientscope.semantic.ctes import core_ctes
from clientscope.semantic.model import SemanticModel
from clientscope.semantic.periods import COMPARISON_MONTHS, GRAIN_MONTHS, add_months
from clientscope.semantic.request import (
    CompiledQuery,
    GrainArg,
    MetricRequest,
    Shape,
    TotalsArg,
    key_column_names,
    key_columns,
    metric_columns,
    order_sql,
    request_shape,
    result_columns,
    suffixed,
)
from clientscope.semantic.rollups import available
from clientscope.semantic.sqltext import CompileError, Params, quote

# the request types are part of the compiler's public API (`from clientscope.semantic.compiler import MetricRequest`)
__all__ = [
    "CompiledQuery",
    "GrainArg",
    "MetricRequest",
    "TotalsArg",
    "chosen_variant",
    "compare_query",
    "compile_query",
    "run_compiled",
    "run_metric_query",
]


# --- public API -----------------------------------------------------------------------------------------------


def compile_query(model: SemanticModel, request: MetricRequest) -> CompiledQuery:
    """SQL for the request's metrics by period and dimensions (with totals rows when asked)."""
    detail = _compile(model, request, routed=False)
    routed = _compile(model, request, routed=True)
    return replace(detail, rollup=routed) if routed.requires else detail


def _compile(model: SemanticModel, request: MetricRequest, routed: bool) -> CompiledQuery:
    params = Params()
    core, ignored, requires = core_ctes(model, request, request_shape(request), params, routed)
    columns = result_columns(request)
    order = order_sql(model, request, "k")
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
    shape = request_shape(request)
    if request.grain != "all" and shift < GRAIN_MONTHS[request.grain]:
        raise CompileError(f"a {comparison} comparison needs a grain no coarser than {shift} month(s)")
    if shape.start is None or shape.end_excl is None:
        raise CompileError("a period comparison needs a start and an end month")
    detail = _compare(model, request, shape, shift, routed=False)
    routed = _compare(model, request, shape, shift, routed=True)
    return replace(detail, rollup=routed) if routed.requires else detail


def _compare(model: SemanticModel, request: MetricRequest, shape: Shape, shift: int, routed: bool) -> CompiledQuery:
    assert shape.start is not None and shape.end_excl is not None
    prior_shape = Shape(
        shape.dims,
        shape.grain,
        add_months(shape.start, -shift),
        add_months(shape.end_excl, -shift),
        shape.totals,
        shape.sets,
    )
    params = Params()
    current, ignored, requires = core_ctes(model, request, shape, params, routed)
    prior, _, prior_requires = core_ctes(model, request, prior_shape, params, routed)
    for table, columns in prior_requires.items():
        requires.setdefault(table, set()).update(columns)
    keys = key_columns(request)
    on = [f"p.{c} is not distinct from c.{c}" for c in keys if c != '"period"']
    if request.grain != "all":
        on.append(f'cast(p."period" + to_months(cast({params.add(shift)} as integer)) as date) = c."period"')
    outputs = [f"c.{c}" for c in keys] + ['c."is_total"']
    metric_names = metric_columns(request)
    for name in request.metrics:
        m = quote(name, metric_names)
        before, change, pct = (quote(f"{name}__{s}", suffixed(request, s)) for s in ("prior", "change", "pct_change"))
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
        f"order by {order_sql(model, request, 'c')}"
    )
    columns = (
        *key_column_names(request),
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
    if compiled.rollup is not None and available(db, compiled.rollup.requires):
        return compiled.rollup
    return compiled
