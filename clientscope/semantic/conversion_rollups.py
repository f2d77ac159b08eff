"""Conversion rollups: a conversion rate (customers touched who converted within N days) without the touch rows.

A conversion metric counts distinct customers: those with a base event in the period whose window is complete, and
those of them with a conversion within the window (ctes.py, `_conversion_cte`). Two tables answer it by the filter
bar's dimensions, for each conversion metric whose base table holds each row's next conversion (`next_event_column`):

- `rollup_touch_month`, per month × region × branch × RM × tier × acquisition channel: the distinct customers of
  each count. A customer's home branch, RM and channel come from the customer extract and their tier from the
  touch month's book (queries/marts/touch_facts.sql), so within a month each customer falls in exactly one group
  and the groups of one month add up: month grain and one-month periods;
- `rollup_touch_months`, the same two counts as month masks per customer (month_masks.py): a whole period.

The window is baked into the counts' conditions (the metric's `window_days` or the rules'), and the column names
hash the metric's definition, so a changed metric never reads a stale column. Quarters and years, and dimensions
the tables lack (campaign, touch channel), stay on the touch rows. Built by DuckDB on both engines.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clientscope.semantic import month_masks
from clientscope.semantic.expressions import render
from clientscope.semantic.model import ConversionMetric, SemanticModel
from clientscope.semantic.request import single_month
from clientscope.semantic.resolve import OBSERVED_UNTIL_COLUMN, table_columns
from clientscope.semantic.rollups import Rollup, RollupLayout, Statement, layout_columns
from clientscope.semantic.sqltext import Params, column_ref, quote

if TYPE_CHECKING:
    from clientscope.semantic.request import MetricRequest, Shape

DIMENSIONS = ("region", "branch", "rm", "tier", "acquisition_channel")
MONTH_LAYOUT = RollupLayout("rollup_touch_month", "touch_facts", DIMENSIONS)
MASK_LAYOUT = RollupLayout("rollup_touch_months", "touch_facts", DIMENSIONS)

# (base table, conversion table) → the base table's column holding the customer's first conversion at or after
# the row's event time (queries/marts/touch_facts.sql): conversion metrics then need no join at query time,
# which made the campaign conversion rate ~4× faster on 5M touches.
NEXT_EVENT_COLUMNS: dict[tuple[str, str], str] = {("touch_facts", "conversion_facts"): "next_conversion_ts"}


def next_event_column(model: SemanticModel, metric: ConversionMetric) -> str | None:
    """The base table's precomputed "next conversion" column, when it answers this metric exactly.

    It holds the entity's first event of the conversion table at or after the row's event time, so "converted
    within N days" is `next <= event time + N days` for any N. A conversion filter (only some conversions count)
    needs the join instead.
    """
    base, conv = model.sources[metric.base.source], model.sources[metric.conversion.source]
    column = NEXT_EVENT_COLUMNS.get((base.table, conv.table))
    columns = table_columns(base.table) or ()
    if column is None or metric.conversion.filter or column not in columns or metric.entity != "customer_id":
        return None
    return column


@dataclass(frozen=True)
class Counts:
    """A conversion metric's two count columns (`base`, `converted`) in the conversion rollups."""

    base: str
    converted: str


def counts_of(model: SemanticModel, name: str) -> Counts:
    metric = model.metric(name)
    assert isinstance(metric, ConversionMetric)
    window = metric.window_days or model.rules.conversion.window_days
    text = json.dumps([metric.entity, metric.base.model_dump(), metric.conversion.model_dump(), window], default=str)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Counts(base=f"cb_{digest}", converted=f"cc_{digest}")


def rollable(model: SemanticModel) -> tuple[str, ...]:
    """The conversion metrics over touch_facts the tables answer."""
    found = []
    for name, metric in model.metrics.items():
        if not isinstance(metric, ConversionMetric):
            continue
        base = model.sources[metric.base.source]
        if base.table == MONTH_LAYOUT.table and base.event_time and next_event_column(model, metric):
            found.append(name)
    return tuple(found)


def conditions(model: SemanticModel, name: str, params: Params) -> tuple[str, str]:
    """(base condition, converted condition) over alias t of the base table, windows complete by the data's end."""
    metric = model.metric(name)
    assert isinstance(metric, ConversionMetric)
    source = model.sources[metric.base.source]
    columns = table_columns(source.table) or ()
    ref = column_ref(columns, "t")
    window = params.add(metric.window_days or model.rules.conversion.window_days)
    assert source.event_time is not None  # `rollable` checked it
    event, following = ref(source.event_time), ref(next_event_column(model, metric) or "")
    base = [f"cast({event} as date) + cast({window} as integer) <= {ref(OBSERVED_UNTIL_COLUMN)}"]
    if metric.base.filter:
        base.append(f"({render(metric.base.filter, ref, params.add)})")
    converted = f"coalesce({following} <= {event} + to_days(cast({window} as integer)), false)"
    return " and ".join(base), converted


def statements(model: SemanticModel) -> list[Statement]:
    """The monthly counts and the month masks of every rollable conversion metric (none: no statement)."""
    names = rollable(model)
    keys = layout_columns(model, MONTH_LAYOUT)
    mask_keys = month_masks.mask_keys(model, MASK_LAYOUT)
    if not names or keys is None or mask_keys is None:
        return []
    found: list[Statement] = []
    params = Params()
    found.append((Rollup(MONTH_LAYOUT, keys, ()), _monthly_sql(model, names, keys, params), params.values))
    params = Params()
    masks = []
    for name in names:
        base, converted = conditions(model, name, params)
        counts = counts_of(model, name)
        masks += [(counts.base, base), (counts.converted, f"{base} and {converted}")]
    sql = month_masks.masks_sql(model, MASK_LAYOUT, mask_keys, masks, params)
    found.append((Rollup(MASK_LAYOUT, mask_keys, ()), sql, params.values))
    return found


def _monthly_sql(model: SemanticModel, names: tuple[str, ...], keys: tuple[str, ...], params: Params) -> str:
    columns = table_columns(MONTH_LAYOUT.table) or ()
    ref = column_ref(columns, "t")
    customer = ref("customer_id")
    outputs = [f"{ref(k)} as {quote(k, keys)}" for k in keys]
    for name in names:
        base, converted = conditions(model, name, params)
        counts = counts_of(model, name)
        outputs.append(f"count(distinct {customer}) filter (where {base}) as {quote(counts.base, (counts.base,))}")
        outputs.append(
            f"count(distinct {customer}) filter (where {base} and {converted})"
            f" as {quote(counts.converted, (counts.converted,))}"
        )
    table = quote(MONTH_LAYOUT.table, (MONTH_LAYOUT.table,))
    return (
        f"select {', '.join(outputs)}\nfrom {table} as t\nwhere {ref(keys[0])} is not null\n"
        f"group by {', '.join(ref(k) for k in keys)}\norder by {quote(keys[0], keys)}"
    )


def routed_cte(
    model: SemanticModel,
    name: str,
    names: tuple[str, str, str],
    applied: tuple[str, ...],
    shape: Shape,
    request: MetricRequest,
    params: Params,
) -> tuple[str, str, tuple[str, ...]] | None:
    """(CTE, rollup table, columns read) answering conversion metric `name` as (numerator, denominator) columns
    `names` = (cte, num, den), or None when neither table answers the request exactly."""
    if name not in rollable(model) or not set((*shape.dims, *applied)) <= set(DIMENSIONS):
        return None
    cte, num, den = names
    counts = counts_of(model, name)
    if shape.grain == "month" or single_month(shape):
        return _monthly_cte(model, cte, counts, (num, den), applied, shape, request, params)
    if shape.grain == "all" and shape.start is not None and shape.end_excl is not None:
        pairs = [(counts.converted, num), (counts.base, den)]
        sql, columns = month_masks.counts_cte(
            model, MASK_LAYOUT, cte, pairs, applied, shape, request, params, presence=counts.base
        )
        return sql, MASK_LAYOUT.name, columns
    return None


def _monthly_cte(
    model: SemanticModel,
    cte: str,
    counts: Counts,
    aliases: tuple[str, str],
    applied: tuple[str, ...],
    shape: Shape,
    request: MetricRequest,
    params: Params,
) -> tuple[str, str, tuple[str, ...]]:
    # clauses imports the plan, which the compiler loads before this module is used: imported per query
    from clientscope.semantic.clauses import group_by, period_expr, select_keys, where_conditions

    keys = layout_columns(model, MONTH_LAYOUT) or ()
    columns = (*keys, counts.converted, counts.base)
    ref = column_ref(columns, "t")
    time_col = quote(keys[0], columns)
    table = quote(MONTH_LAYOUT.name, (MONTH_LAYOUT.name,))
    source = next(n for n, s in model.sources.items() if s.table == MONTH_LAYOUT.table)
    where = where_conditions(model, source, applied, shape, request, params, table=(table, columns, time_col))
    select, period_keys, dim_exprs = select_keys(model, shape, columns, period_expr(shape, f"t.{time_col}"))
    num, den = aliases
    aggs = [
        f'cast(sum({ref(counts.converted)}) as bigint) as "{num}"',
        f'cast(sum({ref(counts.base)}) as bigint) as "{den}"',
    ]
    grouping = group_by(period_keys, dim_exprs, shape.totals, shape.sets)
    # the detail query groups only the base events that count: a group of the month table without one is no answer
    having = ""
    if grouping:  # a month grain has no grand total: its groups all carry a month
        total = month_masks.grand_total(shape, params) if not period_keys else params.add(-1)
        having = f'\n  having sum({ref(counts.base)}) > 0 or "grouping_id" = {total}'
    sql = (
        f'"{cte}" as (\n  select {", ".join(select + aggs)}\n  from {table} as t\n  where {" and ".join(where)}'
        f"\n  {grouping}{having}\n)"
    )
    return sql, MONTH_LAYOUT.name, columns
