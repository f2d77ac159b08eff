"""Pivot requests (the explore page's 中国式报表): nested row dimensions × a column dimension or time, with every
subtotal and the grand total computed by the database in ONE statement.

A pivot of rows (r1, …, rk) by a column dimension c groups by the grouping sets

    (r1…rk, c), (r1…rk-1, c), …, (c)      every row level, per column value
    (r1…rk),    (r1…rk-1),    …, ()       the same levels over all column values (the total column)

and by time columns (month / quarter / year) the row levels within each period (the period is always a key).
The compiler (`compiler.compile_query` / `compare_query` with `MetricRequest.grouping_sets`) builds the
aggregates, so every subtotal follows the metric's definition: ratios are sum/sum, balances the period's last
month-end, distinct counts exact (never a sum of the groups' counts), and the query routes to the rollups
whenever the non-pivot compiler would.  `grouping_id` tells the levels apart (`row_depth`, `column_total`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from clientscope.cache import QUERY_CACHE, QueryCache
from clientscope.db import FULL_SCOPE, Database, QueryResult, ViewerScope
from clientscope.semantic.compiler import CompiledQuery, MetricRequest, compare_query, compile_query, run_compiled
from clientscope.semantic.model import SemanticModel
from clientscope.semantic.sqltext import CompileError

TIME_COLUMNS: tuple[str, ...] = ("month", "quarter", "year")
COMPARISONS: tuple[str, ...] = ("mom", "qoq", "yoy")


@dataclass(frozen=True)
class PivotRequest:
    """`column`: a dimension spread across the columns, one of TIME_COLUMNS (periods across the columns), or None.
    `compare`: mom / qoq / yoy adds each metric's prior value, change and % change (`compare_query`); over a
    dimension column the whole period is compared with the period shifted back.  `limit` caps the result rows."""

    metrics: tuple[str, ...]
    rows: tuple[str, ...] = ()
    column: str | None = None
    filters: Mapping[str, Sequence[str | None]] = field(default_factory=dict)
    start: str | date | None = None
    end: str | date | None = None
    compare: str | None = None
    limit: int | None = None

    @property
    def column_dimension(self) -> str | None:
        return self.column if self.column is not None and self.column not in TIME_COLUMNS else None

    @property
    def grain(self) -> str:
        return self.column if self.column in TIME_COLUMNS else "all"

    @property
    def dimensions(self) -> tuple[str, ...]:
        dim = self.column_dimension
        return (*self.rows, dim) if dim else self.rows


def grouping_sets(rows: Sequence[str], column: str | None) -> tuple[tuple[str, ...], ...]:
    """Every prefix of the row dimensions (deepest first), with and — for a column dimension — without it."""
    levels = [tuple(rows[:n]) for n in range(len(rows), -1, -1)]
    if column is None:
        return tuple(levels) if rows else ()
    return (*[(*level, column) for level in levels], *levels)


def metric_request(request: PivotRequest) -> MetricRequest:
    """The compiler request behind a pivot."""
    if not request.metrics:
        raise CompileError("a pivot needs at least one metric")
    if request.column_dimension in request.rows:
        raise CompileError(f"'{request.column}' is both a row and the column dimension")
    return MetricRequest(
        metrics=tuple(request.metrics),
        dimensions=request.dimensions,
        filters=request.filters,
        grain=request.grain,  # type: ignore[arg-type]
        start=request.start,
        end=request.end,
        grouping_sets=grouping_sets(request.rows, request.column_dimension),
        limit=request.limit,
    )


def compile_pivot(model: SemanticModel, request: PivotRequest) -> CompiledQuery:
    """One statement: detail cells, row subtotals, the total column and the grand total (with comparisons)."""
    metric_req = metric_request(request)
    if request.compare is None:
        return compile_query(model, metric_req)
    if request.compare not in COMPARISONS:
        raise CompileError(f"unknown comparison {request.compare!r}: use mom, qoq or yoy")
    return compare_query(model, metric_req, request.compare)


def run_pivot(
    db: Database,
    model: SemanticModel,
    request: PivotRequest,
    scope: ViewerScope = FULL_SCOPE,
    *,
    cache: QueryCache | None = QUERY_CACHE,
) -> QueryResult:
    """Compile and run a pivot under the viewer's scope (from the rollups when they answer it)."""
    label = "pivot " + ",".join(request.metrics)
    return run_compiled(db, compile_pivot(model, request), scope, label=label, cache=cache)


def row_depth(grouping_id: int, request: PivotRequest) -> int:
    """How many row dimensions a result row keeps (len(rows) for detail rows, 0 for the grand total)."""
    dims = request.dimensions
    kept = [not (grouping_id >> (len(dims) - 1 - i)) & 1 for i in range(len(dims))]
    return sum(kept[: len(request.rows)])


def column_total(grouping_id: int, request: PivotRequest) -> bool:
    """True when a result row is of the total column (the column dimension aggregated away)."""
    return request.column_dimension is not None and bool(grouping_id & 1)
