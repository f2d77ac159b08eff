"""The SQL clauses the compiler's CTEs share: the table a source or rollup is read from, period keys, WHERE
conditions (period bounds and filters), GROUP BY with grouping sets, and the snapshot months of semi-additive
aggregates.  Identifiers go through `quote`, values through `Params.add` (sqltext.py)."""

from __future__ import annotations

from clientscope.semantic.model import SemanticModel
from clientscope.semantic.plan import Agg
from clientscope.semantic.request import MetricRequest, Shape
from clientscope.semantic.resolve import table_columns
from clientscope.semantic.rollups import LAYOUTS, layout_columns, measures_of
from clientscope.semantic.sqltext import Params, quote, time_bounds

_TRUNC: dict[str, str] = {"month": "'month'", "quarter": "'quarter'", "year": "'year'"}  # constant SQL units


def source_table(model: SemanticModel, source: str) -> tuple[str, tuple[str, ...], str]:
    """(quoted table, its columns, quoted time column) for a source."""
    src = model.sources[source]
    columns = table_columns(src.table) or ()
    return quote(src.table, (src.table,)), columns, quote(src.time_column, columns)


def rollup_table(model: SemanticModel, source: str, name: str, items: list[Agg]) -> tuple[str, tuple[str, ...], str]:
    """(quoted rollup table, the columns the CTE may read, quoted time column) for aggregates answered by a rollup."""
    layout = next(layout for layout in LAYOUTS if layout.name == name)
    keys = layout_columns(model, layout) or ()
    measures = [m for a in items for m in measures_of(model, a.source, a.agg, a.expr, a.conditions) or ()]
    columns = (*keys, *dict.fromkeys(m.column for m in measures))
    return quote(name, (name,)), columns, quote(model.sources[source].time_column, columns)


def period_expr(shape: Shape, time_col: str) -> str | None:
    return None if shape.grain == "all" else f"cast(date_trunc({_TRUNC[shape.grain]}, {time_col}) as date)"


def where_conditions(
    model: SemanticModel,
    source: str,
    applied: tuple[str, ...],
    shape: Shape,
    request: MetricRequest,
    params: Params,
    alias: str = "t",
    table: tuple[str, tuple[str, ...], str] | None = None,
) -> list[str]:
    """Period bounds and the applied dimension filters, for rows of `source` (or of `table`: a rollup's
    (quoted name, columns, quoted time column)) aliased `alias`.  Rows without a time value belong to no period."""
    _, columns, time_col = table or source_table(model, source)
    conditions = time_bounds(f"{alias}.{time_col}", shape.start, shape.end_excl, params)
    if shape.start is None and shape.end_excl is None:
        conditions.append(f"{alias}.{time_col} is not null")
    return conditions + dimension_conditions(model, applied, request, params, columns, alias)


def dimension_conditions(
    model: SemanticModel,
    applied: tuple[str, ...],
    request: MetricRequest,
    params: Params,
    columns: tuple[str, ...],
    alias: str = "t",
) -> list[str]:
    """The request's filter on each applied dimension (an empty value also matches NULL)."""
    conditions = []
    for dim in applied:
        values = list(request.filters[dim])
        column = f"{alias}.{quote(model.dimension(dim).column, columns)}"
        condition = f"list_contains({params.add([v for v in values if v is not None])}, {column})"
        conditions.append(f"({condition} or {column} is null)" if None in values else condition)
    return conditions


def group_by(keys: list[str], dim_exprs: list[str], totals: str, sets: tuple[tuple[int, ...], ...] = ()) -> str:
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


def select_keys(
    model: SemanticModel, shape: Shape, columns: tuple[str, ...], period: str | None, alias: str = "t"
) -> tuple[list[str], list[str], list[str]]:
    """(select items for the keys, period key expressions, dimension expressions)."""
    dims = [f"{alias}.{quote(model.dimension(d).column, columns)}" for d in shape.dims]
    names = [quote(d, shape.dims) for d in shape.dims]
    items = ([f'{period} as "period"'] if period else []) + [f"{e} as {n}" for e, n in zip(dims, names, strict=True)]
    items.append(f'{_grouping(dims)} as "grouping_id"')
    return items, ([period] if period else []), dims


def snapshot_ends(cte: str, table: str, time_col: str, shape: Shape, params: Params) -> tuple[str, str]:
    """The CTE of each period's last and first month, over the whole source (not per group: a balance is a
    snapshot of the bank), and the join that brings them to the rows."""
    period = period_expr(shape, f"t.{time_col}")
    end_period = period_expr(shape, f"x.{time_col}")
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
