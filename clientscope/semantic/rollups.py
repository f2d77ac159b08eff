"""Rollups: pre-aggregated customer-month tables the compiler answers from when a request fits them.

This is aggregate awareness (Looker) / pre-aggregations (Cube): a rollup groups a detail mart by month and a
few dimensions and keeps one column per aggregate the metrics in metrics.yaml need (a *measure*: the aggregate
with the metric's filter baked in).  `compile_query` compiles every request twice, against the detail marts and
against the smallest rollup that holds the request's dimensions and filters; `run_compiled` runs the rollup
variant when the rollups are built (and have the measure columns it reads), else the detail one.

Why the answers are the same:
- sums, counts, min and max re-aggregate exactly from partial aggregates (an average is a sum over a count); a
  sum keeps the type DuckDB gives it (DECIMAL(38,2) for the marts' DECIMAL(18,2) money, an integer for counts), so
  partial sums of money add up to exactly the detail answer, whatever order DuckDB's threads add them in;
- `count(distinct customer_id)` is additive across the groups of one month, because a customer has exactly one
  `customer_month_facts` row per month and so falls in exactly one group of it.  Across months it is not, so a
  distinct count uses a rollup only when every group of the answer lies in one month: the month grain, a
  semi-additive snapshot (one month per period), or a one-month period;
- every rollup carries `branch_id` and `rm_id`, so a viewer's scope restricts it exactly as it restricts the
  detail rows of the customers it lets the viewer see (`queries/scope/<rollup>.sql`, `scope_units.sql`).

Drill lists never use rollups.  Rollups are built after the marts, once per data version, rules and metric
definitions (`build_rollups`), into `<cache>/rollups/<data version>/<marts fingerprint>-<rollup fingerprint>/`.
They are rebuilt in full: a refresh changes the data version, which rebuilds the marts (the stages and risk of a
new month depend on earlier months, and the previous latest month gains its `next_month`), and a rollup is one
grouped scan of the customer-month mart — a small fraction of the mart build.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import duckdb

from clientscope import marts, settings
from clientscope.db import Database
from clientscope.semantic.expressions import render
from clientscope.semantic.model import RatioMetric, SemanticModel, SimpleMetric
from clientscope.semantic.resolve import table_columns
from clientscope.semantic.sqltext import Params, quote

log = logging.getLogger(__name__)
ROLLUPS_VERSION = "2"  # bump to invalidate every cached rollup when the layout of the SQL changes (2: exact sums)
SCOPE_COLUMNS: tuple[str, ...] = ("branch_id", "rm_id")  # what queries/scope/<rollup>.sql filters on

MeasureKind = Literal["rows", "count", "sum", "min", "max"]


@dataclass(frozen=True)
class RollupLayout:
    """A rollup's grain: the detail mart it summarises and the metrics.yaml dimensions it groups by (besides the
    time columns).  `parent` names a wider rollup it is re-aggregated from, which is cheaper than the mart."""

    name: str
    table: str
    dimensions: tuple[str, ...]
    parent: str | None = None
    events: tuple[str, ...] = ()  # `event_in_period` columns kept as keys, so "event by the period's end" is exact


# Narrowest first: the compiler takes the first layout that holds a request's dimensions and filters.
# At 1M customers × 24 months (24M customer-months) with ~220 branch × RM pairs, the core rollup has at most
# 24 × 220 × 3 tiers × 6 stages ≈ 95k rows; it answers the KPI cards, tier mix and trends under the usual
# region / branch / RM / tier / stage filters.  The channel rollup adds the filter bar's acquisition channel;
# the segment rollup every customer attribute the segment pages break down by (it is far larger: the
# combinations of nine attributes approach the number of customers, so it saves less).
LAYOUTS: tuple[RollupLayout, ...] = (
    RollupLayout(
        "rollup_customer_month_core",
        "customer_month_facts",
        ("region", "branch", "rm", "tier", "stage"),
        parent="rollup_customer_month",
    ),
    RollupLayout(
        "rollup_customer_month_channel",
        "customer_month_facts",
        ("region", "branch", "rm", "tier", "stage", "acquisition_channel"),
        parent="rollup_customer_month",
    ),
    RollupLayout(
        "rollup_customer_month",
        "customer_month_facts",
        ("region", "branch", "rm", "tier", "acquisition_channel", "age_band", "gender", "risk_profile", "stage"),
    ),
    # the opening book with each row's next churn month as a key: the churn rate over a period counts the first
    # month's book whose next churn falls by the period's last month (metrics.yaml `event_in_period`)
    RollupLayout(
        "rollup_opening_churn",
        "opening_churn",
        ("region", "branch", "rm", "tier", "stage", "acquisition_channel"),
        events=("next_churn_month",),
    ),
)


@dataclass(frozen=True)
class Measure:
    """One partial aggregate of a rollup: `kind` of `expr` over the rows meeting every condition."""

    kind: MeasureKind
    expr: str | None
    conditions: tuple[str, ...]

    @property
    def column(self) -> str:
        """A name derived from the definition, so a changed metric never reads a stale column."""
        text = json.dumps([self.kind, self.expr, list(self.conditions)])
        return "m_" + hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Rollup:
    layout: RollupLayout
    keys: tuple[str, ...]  # time columns, then dimension columns
    measures: tuple[Measure, ...]

    @property
    def name(self) -> str:
        return self.layout.name

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.keys, *(m.column for m in self.measures))


def metric_conditions(metric: SimpleMetric, extra: str | None = None) -> tuple[str, ...]:
    """The row conditions of a simple metric (plus a ratio part's own filter), as the compiler applies them."""
    return tuple(c for c in (metric.filter, extra) if c)


def entity_count(model: SemanticModel, source: str, agg: str, expr: str | None) -> bool:
    """True for `count_distinct(entity)` over a source with one row per entity and time value."""
    src = model.sources[source]
    keyed = src.entity is not None and src.key == (src.entity, src.time_column)
    return agg == "count_distinct" and keyed and expr == src.entity


def measures_of(
    model: SemanticModel, source: str, agg: str, expr: str | None, conditions: tuple[str, ...]
) -> tuple[Measure, ...] | None:
    """The partial aggregates an aggregate is re-computed from, or None when it cannot use a rollup."""
    if agg == "count_distinct":
        return (Measure("rows", None, conditions),) if entity_count(model, source, agg, expr) else None
    if agg == "count":
        return (Measure("rows", None, conditions) if expr is None else Measure("count", expr, conditions),)
    if agg == "avg":
        return (Measure("sum", expr, conditions), Measure("count", expr, conditions))
    if agg in ("sum", "min", "max"):
        return (Measure(agg, expr, conditions),)  # type: ignore[arg-type]
    return None


def layout_columns(model: SemanticModel, layout: RollupLayout) -> tuple[str, ...] | None:
    """The key columns of a layout under this model (time columns first), or None when it does not apply."""
    columns = table_columns(layout.table) or ()
    times = sorted({s.time_column for s in model.sources.values() if s.table == layout.table})
    if not times or any(d not in model.dimensions for d in layout.dimensions):
        return None
    dims = tuple(dict.fromkeys(model.dimension(d).column for d in layout.dimensions))
    keys = (*times, *(c for c in (*dims, *layout.events) if c not in times))
    if not set(keys) <= set(columns) or not set(SCOPE_COLUMNS) <= set(keys):
        return None  # a rollup the viewer scope cannot restrict is never built
    return keys


def choose(
    model: SemanticModel, source: str, dimensions: Iterable[str], events: Iterable[str] = ()
) -> RollupLayout | None:
    """The narrowest layout over the source's table that has every dimension and event column needed."""
    table = model.sources[source].table
    needed = set(dimensions)
    for layout in LAYOUTS:
        if layout.table != table or not needed <= set(layout.dimensions) or not set(events) <= set(layout.events):
            continue
        if layout_columns(model, layout):
            return layout
    return None


def model_measures(model: SemanticModel, table: str) -> tuple[Measure, ...]:
    """Every measure the model's metrics need over a table (simple metrics and ratio parts), each once."""
    found: dict[Measure, None] = {}

    def add(metric: SimpleMetric, extra: str | None) -> None:
        if model.sources[metric.source].table != table:
            return
        measures = measures_of(model, metric.source, metric.agg, metric.expr, metric_conditions(metric, extra))
        for measure in measures or ():
            found.setdefault(measure, None)

    for metric in model.metrics.values():
        if isinstance(metric, SimpleMetric):
            add(metric, None)
        elif isinstance(metric, RatioMetric):
            for ref in (metric.numerator, metric.denominator):
                target = model.metrics.get(ref.metric)
                if isinstance(target, SimpleMetric):
                    add(target, ref.filter)
    return tuple(found)


def model_rollups(model: SemanticModel) -> tuple[Rollup, ...]:
    """The rollups this model can use, parents before the layouts re-aggregated from them."""
    usable = {layout.name: (layout, keys) for layout in LAYOUTS if (keys := layout_columns(model, layout))}
    rollups = []
    for layout, keys in sorted(usable.values(), key=lambda item: item[0].parent is not None):  # parents first
        if layout.parent is not None and layout.parent not in usable:
            layout = replace(layout, parent=None)  # its parent does not apply: build it from the mart
        rollups.append(Rollup(layout, keys, model_measures(model, layout.table)))
    return tuple(rollups)


# --- build SQL (compiled from allow-listed identifiers; literals are parameters) -------------------------------


def _partial(measure: Measure, columns: tuple[str, ...], params: Params) -> str:
    ident = lambda name: f"t.{quote(name, columns)}"  # noqa: E731
    value = render(measure.expr, ident, params.add) if measure.expr else None
    where = " and ".join(f"({render(c, ident, params.add)})" for c in measure.conditions)
    filter_sql = f" filter (where {where})" if where else ""
    if measure.kind == "rows":
        return f"count(*){filter_sql}"
    return f"{measure.kind}({value}){filter_sql}"  # sum, count, min, max; a sum of DECIMAL money stays exact


def _reaggregate(measure: Measure, column: str) -> str:
    """A measure of a wider rollup re-aggregated to a narrower grain."""
    if measure.kind in ("rows", "count"):
        return f"cast(sum({column}) as bigint)"
    return f"{measure.kind}({column})"  # a sum stays in its exact type: DECIMAL money re-adds exactly


def build_sql(rollup: Rollup, parent: Rollup | None, params: Params) -> str:
    """The statement that computes a rollup, from its parent rollup or from the detail mart."""
    source = parent.name if parent is not None else rollup.layout.table
    columns = parent.columns if parent is not None else (table_columns(rollup.layout.table) or ())
    keys = [f"t.{quote(k, columns)}" for k in rollup.keys]
    outputs = [f"{k} as {quote(name, rollup.keys)}" for k, name in zip(keys, rollup.keys, strict=True)]
    for measure in rollup.measures:
        alias = quote(measure.column, rollup.columns)
        if parent is not None:
            outputs.append(f"{_reaggregate(measure, 't.' + quote(measure.column, columns))} as {alias}")
        else:
            outputs.append(f"{_partial(measure, columns, params)} as {alias}")
    time_key = quote(rollup.keys[0], rollup.keys)
    return (
        f"select {', '.join(outputs)}\nfrom {quote(source, (source,))} as t\n"
        f"group by {', '.join(keys)}\norder by {time_key}"
    )


Statement = tuple[Rollup, str, dict[str, Any]]  # a rollup, its SQL and the values bound to it


def _statements(model: SemanticModel) -> list[Statement]:
    # month_masks and conversion_rollups build on this module's layouts and measures: imported once it is loaded
    from clientscope.semantic import conversion_rollups, month_masks

    rollups = model_rollups(model)
    by_name = {r.name: r for r in rollups}
    statements = []
    for rollup in rollups:
        params = Params()
        parent = by_name.get(rollup.layout.parent) if rollup.layout.parent else None
        statements.append((rollup, build_sql(rollup, parent, params), params.values))
    masks = month_masks.mask_rollup(model)
    if masks is not None:
        params = Params()
        statements.append((masks, month_masks.build_sql(model, masks, params), params.values))
    return statements + conversion_rollups.statements(model)


def fingerprint(model: SemanticModel) -> str:
    """Changes whenever the rules, the mart SQL, the rollup layouts or the metrics' measures change."""
    digest = hashlib.sha256(ROLLUPS_VERSION.encode())
    digest.update(marts.fingerprint(model.rules).encode())
    for rollup, sql, params in _statements(model):
        digest.update(rollup.name.encode())
        digest.update(sql.encode())
        digest.update(json.dumps(params, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:12]


def rollups_dir(db: Database, model: SemanticModel) -> Path:
    return settings.cache_root() / "rollups" / db.version / f"{marts.fingerprint(model.rules)}-{fingerprint(model)}"


# --- building and registering ----------------------------------------------------------------------------------


def _buildable(db: Database, model: SemanticModel) -> list[Statement]:
    return [s for s in _statements(model) if db.has(s[0].layout.table)]


def build_rollups_in_memory(db: Database, model: SemanticModel) -> tuple[str, ...]:
    """Build every rollup into memory and register it on `db` (tests and small in-memory databases)."""
    names = []
    for rollup, sql, params in _buildable(db, model):
        cur = db.con.cursor()
        try:
            db.register(rollup.name, db.con.from_arrow(cur.sql(sql, params=params).to_arrow_table()))
        finally:
            cur.close()
        names.append(rollup.name)
    return tuple(names)


def build_rollups(db: Database, model: SemanticModel) -> tuple[str, ...]:
    """Materialise the rollups as Parquet under the cache folder (reused when present) and register them.

    Call after `clientscope.marts.build_marts`.  Returns the names registered.  A database without a data
    folder has no version to key a cache on, so its rollups are built in memory.
    """
    if db.data_dir is None:
        return build_rollups_in_memory(db, model)
    statements = _buildable(db, model)
    if not statements:
        return ()
    final = rollups_dir(db, model)
    if not final.is_dir():
        log.info("building rollups into %s", final)
        marts.write_folder_atomically(final, lambda tmp: _write(db, statements, tmp))
    for rollup, _, _ in statements:
        db.register(rollup.name, db.con.read_parquet(str(final / f"{rollup.name}.parquet")))
    return tuple(r.name for r, _, _ in statements)


def _write(db: Database, statements: list[Statement], folder: Path) -> None:
    for statement in statements:
        write_statement(db, statement, folder)


def write_statement(db: Database, statement: Statement, folder: Path) -> None:
    """Run one rollup's statement with DuckDB into `folder` and register the file (narrower rollups read it)."""
    rollup, sql, params = statement
    path = folder / f"{rollup.name}.parquet"
    cur = db.con.cursor()
    try:
        cur.sql(sql, params=params).write_parquet(str(path), compression="zstd")
    finally:
        cur.close()
    db.register(rollup.name, db.con.read_parquet(str(path)))


def available(db: Database, requires: Mapping[str, tuple[str, ...]]) -> bool:
    """True when every rollup table a compiled query reads is registered and has the columns it reads."""
    if not requires or not db.has(*requires):
        return False
    cur = db.con.cursor()
    try:
        for table, needed in requires.items():
            if not set(needed) <= set(cur.table(table).columns):
                return False
    except duckdb.Error:
        return False
    finally:
        cur.close()
    return True
