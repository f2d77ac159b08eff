"""Month masks: exact distinct customer counts over a period of several months without the customer-month rows.

A monthly rollup cannot re-add `count(distinct customer_id)` across months: a customer banks in many months of a
period and must be counted once (rollups.py). This rollup keeps one row per customer and combination of the filter
bar's dimensions they were in, and, for each distinct-count measure, a mask of the months in which the customer met
the measure's conditions in that combination: bit i of block b stands for month number 64·b + i (months counted
from January of year 0), so two years of data are one block. A period's count is then

    count(distinct customer_id) filter (where month_block = b and mask & period_bits(b) <> 0)

over about one row per customer instead of one per customer-month (24× fewer at 24 months), with the same filter
push-down on the dimension columns. It is exact: a customer is counted when some month of the period, in a
combination matching the filters, met the conditions, which is what the detail query counts. The compiler uses it
for the whole-period grain ("all") with both period bounds given; quarters and years (several periods in one
answer) stay on the detail rows.

The viewer scope restricts it by customer (it has `customer_id`, no scope file), as the detail mart is restricted.
It is built by DuckDB on both engines: Spark has no unsigned 64-bit integer, and the table is one grouped scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from clientscope.semantic.expressions import render
from clientscope.semantic.model import SemanticModel
from clientscope.semantic.resolve import table_columns
from clientscope.semantic.rollups import Measure, Rollup, RollupLayout, entity_count, measures_of, model_measures
from clientscope.semantic.sqltext import Params, quote

if TYPE_CHECKING:
    from clientscope.semantic.plan import Agg
    from clientscope.semantic.request import MetricRequest, Shape

MASK_LAYOUT = RollupLayout(
    "rollup_customer_months", "customer_month_facts", ("region", "branch", "rm", "tier", "acquisition_channel")
)
BLOCK_COLUMN = "month_block"
BITS = 64  # one UBIGINT per block


def month_number(day: date) -> int:
    """Months since January of year 0: 2026-10 is 24,321."""
    return day.year * 12 + day.month - 1


def period_bits(start: date, end_excl: date) -> list[tuple[int, int]]:
    """(block, mask) for each 64-month block the half-open period [start, end_excl) touches."""
    first, last = month_number(start), month_number(end_excl) - 1
    found = []
    for block in range(first // BITS, last // BITS + 1):
        low = max(first, block * BITS) - block * BITS
        high = min(last, block * BITS + BITS - 1) - block * BITS
        found.append((block, (1 << (high + 1)) - (1 << low)))
    return found


def mask_keys(model: SemanticModel) -> tuple[str, ...] | None:
    """(customer column, block column, dimension columns), or None when the model or the mart lacks one."""
    table = MASK_LAYOUT.table
    columns = table_columns(table) or ()
    entities = {s.entity for s in model.sources.values() if s.table == table and s.entity}
    if len(entities) != 1 or any(d not in model.dimensions for d in MASK_LAYOUT.dimensions):
        return None
    dims = tuple(dict.fromkeys(model.dimension(d).column for d in MASK_LAYOUT.dimensions))
    keys = (*entities, *dims)
    if not set(keys) <= set(columns) or BLOCK_COLUMN in columns:
        return None
    return (keys[0], BLOCK_COLUMN, *dims)


def mask_rollup(model: SemanticModel) -> Rollup | None:
    """The rollup, with a mask per row-count measure of the model over the mart (a distinct count of customers
    over a source keyed by customer and month is a row count there)."""
    keys = mask_keys(model)
    if keys is None:
        return None
    measures = tuple(m for m in model_measures(model, MASK_LAYOUT.table) if m.kind == "rows")
    return Rollup(MASK_LAYOUT, keys, measures) if measures else None


def build_sql(model: SemanticModel, rollup: Rollup, params: Params) -> str:
    """One grouped scan of the customer-month mart: a mask of months per measure, by customer and dimensions."""
    table = rollup.layout.table
    columns = table_columns(table) or ()
    time_column = next(s.time_column for s in model.sources.values() if s.table == table)
    month = f"t.{quote(time_column, columns)}"
    number = f"(year({month}) * 12 + month({month}) - 1)"
    bits = params.add(BITS)
    block = f"cast(floor({number} / {bits}) as integer)"
    bit = f"cast(1 as ubigint) << cast({number} % {bits} as integer)"
    ident = lambda name: f"t.{quote(name, columns)}"  # noqa: E731
    keys = [ident(rollup.keys[0]), block, *(ident(k) for k in rollup.keys[2:])]
    outputs = [f"{k} as {quote(n, rollup.keys)}" for k, n in zip(keys, rollup.keys, strict=True)]
    for measure in rollup.measures:
        where = " and ".join(f"({render(c, ident, params.add)})" for c in measure.conditions)
        outputs.append(f"bit_or({bit})" + (f" filter (where {where})" if where else "") + f" as {_column(measure)}")
    order = [quote(k, rollup.keys) for k in (*rollup.keys[1:], rollup.keys[0])]
    return (
        f"select {', '.join(outputs)}\nfrom {quote(table, (table,))} as t\n"
        f"group by {', '.join(keys)}\norder by {', '.join(order)}"
    )


def _column(measure: Measure) -> str:
    return quote(measure.column, (measure.column,))


def answers(model: SemanticModel, item: Agg, shape: Shape, dimensions: Sequence[str]) -> bool:
    """Whether the mask rollup answers this multi-month distinct count exactly."""
    if shape.grain != "all" or shape.start is None or shape.end_excl is None or item.event or item.snapshot:
        return False
    if model.sources[item.source].table != MASK_LAYOUT.table or mask_keys(model) is None:
        return False
    if not entity_count(model, item.source, item.agg, item.expr):
        return False
    return set(dimensions) <= set(MASK_LAYOUT.dimensions)


def mask_cte(
    model: SemanticModel,
    cte: str,
    items: Sequence[tuple[Agg, str]],
    applied: tuple[str, ...],
    shape: Shape,
    request: MetricRequest,
    params: Params,
) -> tuple[str, tuple[str, ...]]:
    """The CTE counting each item's customers from the mask rollup, and the rollup columns it reads."""
    # clauses imports the plan, which routes aggregates here: imported when a query is compiled, not at load
    from clientscope.semantic.clauses import dimension_conditions, group_by, select_keys

    keys = mask_keys(model) or ()
    measures = {a: (measures_of(model, a.source, a.agg, a.expr, a.conditions) or ())[0] for a, _ in items}
    columns = (*keys, *dict.fromkeys(m.column for m in measures.values()))
    assert shape.start is not None and shape.end_excl is not None  # `answers` checked it
    blocks = period_bits(shape.start, shape.end_excl)
    block = f"t.{quote(BLOCK_COLUMN, columns)}"
    entity = f"t.{quote(keys[0], columns)}"
    select, period_keys, dim_exprs = select_keys(model, shape, columns, None)
    aggs = []
    for item, alias in items:
        mask = f"t.{quote(measures[item].column, columns)}"
        met = " or ".join(
            f"({block} = {params.add(b)} and cast({mask} as ubigint) & cast({params.add(bits)} as ubigint) <> 0)"
            for b, bits in blocks
        )
        aggs.append(f'count(distinct {entity}) filter (where {met}) as "{alias}"')
    where = [f"list_contains({params.add([b for b, _ in blocks])}, {block})"]
    where += dimension_conditions(model, applied, request, params, columns)
    name = quote(MASK_LAYOUT.name, (MASK_LAYOUT.name,))
    sql = (
        f'"{cte}" as (\n  select {", ".join(select + aggs)}\n  from {name} as t\n  where {" and ".join(where)}'
        f"\n  {group_by(period_keys, dim_exprs, shape.totals, shape.sets)}\n)"
    )
    return sql, columns
