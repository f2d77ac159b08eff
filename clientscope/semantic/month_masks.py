"""Month masks: exact distinct customer counts over a period of several months without the customer-month rows.

A monthly rollup cannot re-add `count(distinct customer_id)` across months: a customer banks in many months of a
period and must be counted once (rollups.py). This rollup keeps one row per customer and combination of the filter
bar's dimensions they were in, and, for each distinct-count measure, a mask of the months in which the customer met
the measure's conditions in that combination: bit i of block b stands for the data's month 64·b + i (counted from
its first month, `first_month`), so five years of data are one block. A period's count is then, per row, whether
`mask & period_bits <> 0`, over about one row per customer instead of one per customer-month (24× fewer at 24
months), with the same filter push-down on the dimension columns.

It is exact: a customer is counted when some month of the period, in a combination matching the filters, met the
conditions, which is what the detail query counts. Most customers keep their branch, RM, tier and channel (95% at
scale M), so they have one row in the whole table (`single`) and are counted with `count(*)`; only the others
need the costlier `count(distinct customer_id)`. The compiler uses the table for the whole-period grain ("all")
with both period bounds given; quarters and years (several periods in one answer) stay on the detail rows.

The viewer scope restricts it by customer (it has `customer_id`, no scope file), as the detail mart is restricted.
It is built by DuckDB on both engines: Spark has no unsigned 64-bit integer, and the table is one grouped scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from clientscope.semantic.expressions import render
from clientscope.semantic.model import SemanticModel
from clientscope.semantic.resolve import table_columns
from clientscope.semantic.rollups import Rollup, RollupLayout, entity_count, measures_of, model_measures
from clientscope.semantic.sqltext import Params, column_ref, quote

if TYPE_CHECKING:
    from clientscope.semantic.plan import Agg
    from clientscope.semantic.request import MetricRequest, Shape

MASK_LAYOUT = RollupLayout(
    "rollup_customer_months", "customer_month_facts", ("region", "branch", "rm", "tier", "acquisition_channel")
)
BLOCK_COLUMN = "month_block"
FIRST_MONTH_COLUMN = "first_month"  # the data's first month, on every row: the origin of the month numbers
SINGLE_COLUMN = "single"  # the customer has this one row in the table
PRESENT_COLUMN = "present"  # every month of the row, whatever the measures' conditions
BITS = 64  # one UBIGINT per block


def mask_keys(model: SemanticModel, layout: RollupLayout = MASK_LAYOUT) -> tuple[str, ...] | None:
    """(customer column, block column, dimension columns), or None when the model or the table lacks one."""
    columns = table_columns(layout.table) or ()
    entities = {s.entity for s in model.sources.values() if s.table == layout.table and s.entity}
    if len(entities) != 1 or any(d not in model.dimensions for d in layout.dimensions):
        return None
    dims = tuple(dict.fromkeys(model.dimension(d).column for d in layout.dimensions))
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
    ident = column_ref(table_columns(rollup.layout.table) or (), "t")
    masks = [
        (m.column, " and ".join(f"({render(c, ident, params.add)})" for c in m.conditions)) for m in rollup.measures
    ]
    return masks_sql(model, rollup.layout, rollup.keys, masks, params)


def masks_sql(
    model: SemanticModel,
    layout: RollupLayout,
    keys: tuple[str, ...],
    masks: Sequence[tuple[str, str]],
    params: Params,
) -> str:
    """One grouped scan of `layout.table`: for each (column, condition over alias t, "" for none), a mask of the
    months whose rows met it, by customer, block and dimensions."""
    table = layout.table
    columns = table_columns(table) or ()
    time_column = next(s.time_column for s in model.sources.values() if s.table == table)
    month = quote(time_column, columns)
    number = f"datediff('month', o.{quote(FIRST_MONTH_COLUMN, (FIRST_MONTH_COLUMN,))}, t.{month})"
    bits = params.add(BITS)
    block = f"cast(floor({number} / {bits}) as integer)"
    bit = f"cast(1 as ubigint) << cast({number} % {bits} as ubigint)"  # an INTEGER shift widens to HUGEINT
    ident = column_ref(columns, "t")
    grouped = [ident(keys[0]), block, *(ident(k) for k in keys[2:])]
    outputs = [f"{k} as {quote(n, keys)}" for k, n in zip(grouped, keys, strict=True)]
    for column, where in ((PRESENT_COLUMN, ""), *masks):
        masked = f"bit_or({bit})" + (f" filter (where {where})" if where else "")
        outputs.append(f"cast({masked} as ubigint) as {quote(column, (column,))}")  # HUGEINT would be a Parquet DOUBLE
    names = (*keys, FIRST_MONTH_COLUMN, SINGLE_COLUMN)
    customer, first, single = (quote(n, names) for n in (keys[0], FIRST_MONTH_COLUMN, SINGLE_COLUMN))
    # customers with one row first apart from the others: the two halves of a count each read only their row groups
    order = [quote(k, names) for k in (SINGLE_COLUMN, *keys[1:], keys[0])]
    source = quote(table, (table,))
    return (
        f'with "origin" as (select min(t.{month}) as {first} from {source} as t),\n'
        f'"masks" as (\n  select {", ".join(outputs)}\n  from {source} as t cross join "origin" as o\n'
        f"  group by {', '.join(grouped)}\n)\n"
        f'select m.*, (select {first} from "origin") as {first},\n'
        f"  count(*) over (partition by m.{customer}) = 1 as {single}\n"
        f'from "masks" as m\norder by {", ".join(order)}'
    )


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
    """The CTEs counting each distinct-count item's customers from the customer-month masks."""
    measures = [
        ((measures_of(model, a.source, a.agg, a.expr, a.conditions) or ())[0].column, alias) for a, alias in items
    ]
    return counts_cte(model, MASK_LAYOUT, cte, measures, applied, shape, request, params)


def counts_cte(
    model: SemanticModel,
    layout: RollupLayout,
    cte: str,
    counts: Sequence[tuple[str, str]],
    applied: tuple[str, ...],
    shape: Shape,
    request: MetricRequest,
    params: Params,
    presence: str = PRESENT_COLUMN,
) -> tuple[str, tuple[str, ...]]:
    """The CTEs counting, for each (mask column, alias), the customers whose mask meets the period, and the columns
    they read: the period's bits per block (one tiny row each), then `count(*)` over the customers with one row
    plus `count(distinct)` over the others, added up per group.  A group is answered when a row of the period
    falls in it (the `presence` mask), as the detail query groups the period's rows."""
    # clauses imports the plan, which routes aggregates here: imported when a query is compiled, not at load
    from clientscope.semantic.clauses import dimension_conditions, group_by, select_keys

    keys = mask_keys(model, layout) or ()
    columns = (*keys, FIRST_MONTH_COLUMN, SINGLE_COLUMN, *dict.fromkeys((presence, *(c for c, _ in counts))))
    ref = column_ref(columns, "t")
    select, period_keys, dim_exprs = select_keys(model, shape, columns, None)
    grouping = group_by(period_keys, dim_exprs, shape.totals, shape.sets)
    name = quote(layout.name, (layout.name,))
    where = [f"{ref(BLOCK_COLUMN)} = b.{quote(BLOCK_COLUMN, columns)}"]
    where += dimension_conditions(model, applied, request, params, columns)
    halves = []
    for single, count in ((True, "count(*)"), (False, f"count(distinct {ref(keys[0])})")):
        aggs = [f'{count} filter (where {ref(column)} & b.__bits <> 0) as "{alias}"' for column, alias in counts]
        aggs.append(f'count(*) filter (where {ref(presence)} & b.__bits <> 0) as "__present"')
        halves.append(
            f'select {", ".join(select + aggs)}\n    from {name} as t, "{cte}_bits" as b\n'
            f"    where {'' if single else 'not '}{ref(SINGLE_COLUMN)} and {' and '.join(where)}\n    {grouping}"
        )
    outer = [quote(d, shape.dims) for d in shape.dims] + ['"grouping_id"']
    sums = [f'cast(sum("{alias}") as bigint) as "{alias}"' for _, alias in counts]
    return (
        f'"{cte}_bits" as (\n  {_period_bits(shape, params, name, columns)}\n),\n'
        f'"{cte}" as (\n  select {", ".join(outer + sums)}\n'
        f"  from (\n    {halves[0]}\n    union all\n    {halves[1]}\n  )\n  group by {', '.join(outer)}"
        + (f'\n  having sum("__present") > 0 or "grouping_id" = {grand_total(shape, params)}' if grouping else "")
        + "\n)"
    ), columns


def _period_bits(shape: Shape, params: Params, name: str, columns: tuple[str, ...]) -> str:
    """One row per 64-month block the period touches: the block and the period's months in it as a UBIGINT mask
    (bits [a, z) of the block, computed in UHUGEINT so that z = 64 does not overflow)."""
    assert shape.start is not None and shape.end_excl is not None  # `answers` checked it
    bits = params.add(BITS)
    first = f"o.{quote(FIRST_MONTH_COLUMN, columns)}"
    block = quote(BLOCK_COLUMN, columns)
    since = {
        edge: f"datediff('month', {first}, cast({params.add(day)} as date))"
        for edge, day in (("start", shape.start), ("end", shape.end_excl))
    }

    def clamp(edge: str) -> str:
        return f"cast(least(greatest({since[edge]} - {bits} * k.{block}, 0), {bits}) as uhugeint)"

    one = "cast(1 as uhugeint)"
    mask = f"cast(({one} << {clamp('end')}) - ({one} << {clamp('start')}) as ubigint)"
    low = f"greatest(cast(floor({since['start']} / {bits}) as integer), 0)"
    high = f"cast(floor(({since['end']} - 1) / {bits}) as integer) + 1"
    return (
        f"select k.{block}, {mask} as __bits\n  from (select {first} from {name} as o limit 1) as o,"
        f" (select unnest(range({low}, greatest({high}, {low}))) as {block}) as k"
    )


def grand_total(shape: Shape, params: Params) -> str:
    """The grouping id of the grand-total row, which an aggregate over no rows still answers (so the detail query
    has it even when no row of the period falls in a group); without grouping, the one row always answers."""
    return params.add(2 ** len(shape.dims) - 1)
