"""The CTEs of a compiled metric query: one per source (its aggregates, from the detail mart or a rollup), one
per conversion metric, and the "result" CTE joining them on the group keys (`core_ctes`)."""

from __future__ import annotations

from clientscope.semantic.clauses import (
    group_by,
    period_expr,
    rollup_table,
    select_keys,
    snapshot_ends,
    source_table,
    where_conditions,
)
from clientscope.semantic.conversion_rollups import next_event_column, routed_cte
from clientscope.semantic.expressions import render
from clientscope.semantic.model import ConversionMetric, SemanticModel
from clientscope.semantic.month_masks import MASK_LAYOUT, mask_cte
from clientscope.semantic.plan import Agg, Conv, CteKey, Plan, metric_expr, rollup_router
from clientscope.semantic.request import (
    MetricRequest,
    Shape,
    check_metric,
    key_columns,
    metric_columns,
    single_month,
)
from clientscope.semantic.resolve import OBSERVED_UNTIL_COLUMN
from clientscope.semantic.rollups import entity_count, measures_of
from clientscope.semantic.sqltext import CompileError, Params, column_ref, quote

# --- the core: one CTE per source (and per conversion metric), joined on the group keys --------------------------


def core_ctes(
    model: SemanticModel, request: MetricRequest, shape: Shape, params: Params, routed: bool = False
) -> tuple[str, dict[str, tuple[str, ...]], dict[str, set[str]]]:
    """`with ... "result" as (...)`: CTEs ending in one named "result"; the caller adds the final select.

    Also returns the filters each metric ignores and (when `routed`) the rollup tables and columns read."""
    plan = Plan(router=rollup_router(model, shape) if routed else None)
    exprs: dict[str, str] = {}
    ignored: dict[str, tuple[str, ...]] = {}
    for name in request.metrics:
        applied = check_metric(model, name, request)
        exprs[name] = metric_expr(model, name, applied, plan, params)
        skipped = tuple(d for d, v in request.filters.items() if v and d not in applied)
        if skipped:
            ignored[name] = skipped
    ctes = [_source_cte(model, plan, key, shape, request, params) for key in plan.ctes]
    ctes += [_conversion_cte(model, plan, conv, shape, request, params) for conv in plan.convs]
    ctes.append(_result_cte(plan, exprs, shape, request))
    return "with " + ",\n".join(ctes), ignored, plan.requires


def _one_row_per_entity(model: SemanticModel, item: Agg, shape: Shape) -> bool:
    """True when count(distinct entity) equals count(*): the source is keyed by (entity, time) and every
    counted row of a group lies in one month (month grain, a semi-additive snapshot, or a one-month period)."""
    one_month = shape.grain == "month" or item.snapshot is not None or single_month(shape)
    return entity_count(model, item.source, item.agg, item.expr) and one_month


def _agg_sql(item: Agg, columns: tuple[str, ...], params: Params, semi_check: str | None, unique: bool) -> str:
    ident = column_ref(columns, "t")
    value = render(item.expr, ident, params.add) if item.expr else None
    conditions = [f"({render(c, ident, params.add)})" for c in item.conditions]
    conditions += _period_conditions(item, ident, semi_check)
    filter_sql = f" filter (where {' and '.join(conditions)})" if conditions else ""
    if item.agg == "count":
        return f"count({value or '*'}){filter_sql}"
    if item.agg == "count_distinct":
        return f"count(*){filter_sql}" if unique else f"count(distinct {value}){filter_sql}"
    if item.agg == "avg":  # an exact sum over a count, divided once: the same double as from a rollup
        return f"cast(sum({value}){filter_sql} as double) / nullif(count({value}){filter_sql}, 0)"
    # money sums are DECIMAL (exact in any order of addition), then rounded once to the nearest double
    return f"cast({item.agg}({value}){filter_sql} as double)"


def _period_conditions(item: Agg, ident, semi_check: str | None) -> list[str]:
    """A snapshot aggregate's month of the period, and for an `event_in_period` count the rows whose event falls
    by the period's last month (e.__last)."""
    if not (item.snapshot and semi_check):
        return []
    return [semi_check, f"{ident(item.event)} <= e.__last"] if item.event else [semi_check]


def _rollup_agg_sql(model: SemanticModel, item: Agg, columns: tuple[str, ...], semi_check: str | None) -> str:
    """The aggregate re-computed from a rollup's partial aggregates (the metric's filter is baked into them)."""
    measures = measures_of(model, item.source, item.agg, item.expr, item.conditions) or ()
    part = [f"t.{quote(m.column, columns)}" for m in measures]
    conditions = _period_conditions(item, column_ref(columns, "t"), semi_check)  # the rollup keys the event
    filter_sql = f" filter (where {' and '.join(conditions)})" if conditions else ""
    if item.agg in ("count", "count_distinct"):
        return f"cast(sum({part[0]}){filter_sql} as bigint)"
    if item.agg == "avg":
        return f"cast(sum({part[0]}){filter_sql} as double) / nullif(sum({part[1]}){filter_sql}, 0)"
    combine = "sum" if item.agg == "sum" else item.agg
    return f"cast({combine}({part[0]}){filter_sql} as double)"


def _source_cte(
    model: SemanticModel,
    plan: Plan,
    key: CteKey,
    shape: Shape,
    request: MetricRequest,
    params: Params,
) -> str:
    source, applied, rollup = key
    cte = plan.ctes[key]
    items = [(a, col) for a, (c, col) in plan.aggs.items() if c == cte]
    if rollup == MASK_LAYOUT.name:
        sql, columns = mask_cte(model, cte, items, applied, shape, request, params)
        plan.requires.setdefault(rollup, set()).update(columns)
        return sql
    if rollup is None:
        table, columns, time_col = source_table(model, source)
    else:
        table, columns, time_col = rollup_table(model, source, rollup, [a for a, _ in items])
        plan.requires.setdefault(rollup, set()).update(columns)
    period = period_expr(shape, f"t.{time_col}")
    ends = join = ""
    snapshots = {a.snapshot for a, _ in items} - {None}
    if snapshots:
        ends, join = snapshot_ends(cte, table, time_col, shape, params)
    keys, period_keys, dim_exprs = select_keys(model, shape, columns, period)
    aggs = []
    for a, col in items:
        check = f"t.{time_col} = e.__{a.snapshot}" if a.snapshot else None
        if rollup is None:
            sql = _agg_sql(a, columns, params, check, _one_row_per_entity(model, a, shape))
        else:
            sql = _rollup_agg_sql(model, a, columns, check)
        aggs.append(f'{sql} as "{col}"')
    where = where_conditions(model, source, applied, shape, request, params, table=(table, columns, time_col))
    return (
        f'{ends}"{cte}" as (\n  select {", ".join(keys + aggs)}\n  from {table} as t{join}'
        + (f"\n  where {' and '.join(where)}" if where else "")
        + f"\n  {group_by(period_keys, dim_exprs, shape.totals, shape.sets)}\n)"
    )


def _conversion_cte(
    model: SemanticModel, plan: Plan, conv: Conv, shape: Shape, request: MetricRequest, params: Params
) -> str:
    cte, num, den = plan.convs[conv]
    if plan.router is not None:  # aggregate-aware: the conversion rollups, when one answers exactly
        routed = routed_cte(model, conv.metric, plan.convs[conv], conv.applied, shape, request, params)
        if routed is not None:
            sql, table, columns = routed
            plan.requires.setdefault(table, set()).update(columns)
            return sql
    metric = model.metric(conv.metric)
    assert isinstance(metric, ConversionMetric)
    base_table, base_cols, time_col = source_table(model, metric.base.source)
    conv_table, conv_cols, _ = source_table(model, metric.conversion.source)
    base_src, conv_src = model.sources[metric.base.source], model.sources[metric.conversion.source]
    if base_src.event_time is None or conv_src.event_time is None:
        raise CompileError(f"metric '{conv.metric}': conversion sources need an event_time")
    entity_b, entity_v = quote(metric.entity, base_cols), quote(metric.entity, conv_cols)
    ts_b, ts_v = quote(base_src.event_time, base_cols), quote(conv_src.event_time, conv_cols)
    window = metric.window_days or model.rules.conversion.window_days
    next_event = next_event_column(model, metric)
    if next_event is not None:  # the mart holds each row's next conversion: one comparison, no join
        following = quote(next_event, base_cols)
        converted = f"coalesce(t.{following} <= t.{ts_b} + to_days(cast({params.add(window)} as integer)), false)"
    else:
        matched = [
            f"v.{entity_v} = t.{entity_b}",
            f"v.{ts_v} >= t.{ts_b}",
            f"v.{ts_v} <= t.{ts_b} + to_days(cast({params.add(window)} as integer))",
        ]
        if metric.conversion.filter:
            matched.append(f"({render(metric.conversion.filter, column_ref(conv_cols, 'v'), params.add)})")
        converted = f"exists (select 1 from {conv_table} as v where {' and '.join(matched)})"
    if OBSERVED_UNTIL_COLUMN not in base_cols:
        raise CompileError(
            f"metric '{conv.metric}': its base source '{metric.base.source}' has no {OBSERVED_UNTIL_COLUMN} "
            "column (the data's last month-end), needed to leave out the conversion windows that run past the data"
        )
    where = where_conditions(model, metric.base.source, conv.applied, shape, request, params)
    # complete windows only: an event whose window runs past the data's last month-end cannot be judged yet
    where.append(
        f"cast(t.{ts_b} as date) + cast({params.add(window)} as integer) <= t.{quote(OBSERVED_UNTIL_COLUMN, base_cols)}"
    )
    if metric.base.filter:
        where.append(f"({render(metric.base.filter, column_ref(base_cols, 't'), params.add)})")
    rows = (
        f'"{cte}_rows" as (\n  select t.*, {converted}'
        f" as __converted\n  from {base_table} as t" + (f"\n  where {' and '.join(where)}" if where else "") + "\n)"
    )
    period = period_expr(shape, f"t.{time_col}")
    keys, period_keys, dim_exprs = select_keys(model, shape, base_cols, period)
    aggs = [
        f'count(distinct t.{entity_b}) filter (where t.__converted) as "{num}"',
        f'count(distinct t.{entity_b}) as "{den}"',
    ]
    return (
        f'{rows},\n"{cte}" as (\n  select {", ".join(keys + aggs)}\n  from "{cte}_rows" as t'
        f"\n  {group_by(period_keys, dim_exprs, shape.totals, shape.sets)}\n)"
    )


def _result_cte(plan: Plan, exprs: dict[str, str], shape: Shape, request: MetricRequest) -> str:
    keys = key_columns(MetricRequest(metrics=request.metrics, dimensions=shape.dims, grain=request.grain))
    names = plan.cte_names()
    union = "\n  union\n  ".join(f'select {", ".join(keys)} from "{n}"' for n in names)
    joins = "".join(
        f'\n  left join "{n}" on ' + " and ".join(f'"{n}".{k} is not distinct from k.{k}' for k in keys) for n in names
    )
    metric_names = metric_columns(request)
    outputs = [f"k.{k}" for k in keys] + ['k."grouping_id" > 0 as "is_total"']
    outputs += [f"{expr} as {quote(name, metric_names)}" for name, expr in exprs.items()]
    return f'"keys" as (\n  {union}\n),\n"result" as (\n  select {", ".join(outputs)}\n  from "keys" as k{joins}\n)'
