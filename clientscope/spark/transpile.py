"""DuckDB query files → Spark SQL, with sqlglot: one source of truth for the build's SQL.

A build statement is read as DuckDB runs it (`clientscope.db.query_sql`, `-- include:` lines expanded), its Spark
variant CTEs swapped in where a DuckDB-only construct has no Spark equivalent (`<name>.spark.sql` beside the file,
see `with_spark_variant`), its `$named` values bound, and then rewritten for Spark:

- sqlglot's own DuckDB → Spark transpilation (QUALIFY, lambdas, list functions, types, intervals);
- the rules where the two engines' meanings differ and sqlglot does not follow DuckDB, each rewritten so that
  Spark computes what DuckDB computes (`_SPARK_REWRITES`, one function per rule; docs/spark.md lists them).

Values are bound as typed sqlglot literal nodes in the syntax tree, never as text: Spark needs window frame
bounds to be literals (DuckDB binds them as parameters), and every value comes from metrics.yaml rules or the
semantic compiler's `Params`, never from a request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot import exp

from clientscope.db import QUERIES_DIR, query_sql

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_MARKER = "__param__"  # `$name` becomes this column name while parsing (sqlglot cannot tokenize `$name[...]`)
MACRO_FILES = ("marts/money",)  # the DuckDB temp macros a build statement may call (cents())

ColumnsOf = Callable[[str], Sequence[str]]


class TranspileError(ValueError):
    """A query file uses a construct the Spark build has no rule for; the message names the file and construct."""


# --- reading a statement ---------------------------------------------------------------------------------------


def variant_path(name: str):
    return QUERIES_DIR / f"{name}.spark.sql"


def parse(sql: str) -> exp.Expression:
    """A DuckDB statement as a syntax tree, its `$named` placeholders as marker columns."""
    marked = _PARAM.sub(lambda match: _MARKER + match.group(1), _strip_comments(sql))
    return sqlglot.parse_one(marked, read="duckdb")


def _strip_comments(sql: str) -> str:
    # comments may mention `$names` or quotes; query files never put `--` inside a string literal
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def with_spark_variant(name: str) -> exp.Expression:
    """`queries/<name>.sql` with the CTEs of `queries/<name>.spark.sql` (when there is one) in place of its own.

    A variant CTE replaces the CTE of the same name; a variant CTE the file does not have is inserted before the
    first replaced one (a helper of the replacement). The variant's final select is ignored.
    """
    tree = parse(query_sql(name))
    path = variant_path(name)
    if not path.is_file():
        return tree
    variant = parse(path.read_text(encoding="utf-8"))
    own = tree.args.get("with_")
    if own is None or variant.args.get("with_") is None:
        raise TranspileError(f"queries/{name}.spark.sql: both the file and its variant must start with `with`")
    ctes = list(own.expressions)
    names = [cte.alias for cte in ctes]
    replacements = {cte.alias: cte for cte in variant.args["with_"].expressions}
    replaced = [n for n in names if n in replacements]
    if not replaced:
        raise TranspileError(f"queries/{name}.spark.sql replaces no CTE of queries/{name}.sql")
    helpers = [cte for alias, cte in replacements.items() if alias not in names]
    merged: list[exp.Expression] = []
    for cte in ctes:
        if cte.alias == replaced[0]:
            merged.extend(helpers)
        merged.append(replacements.get(cte.alias, cte))
    own.set("expressions", merged)
    return tree


# --- binding values --------------------------------------------------------------------------------------------


def literal(value: Any) -> exp.Expression:
    """A typed literal node for a bound value (lists become arrays, dates typed date literals)."""
    if isinstance(value, bool) or value is None:
        return exp.convert(value)
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[literal(v) for v in value])
    if isinstance(value, datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.build("timestamp"))
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("date"))
    if isinstance(value, int | float | Decimal | str):
        return exp.convert(value)
    raise TranspileError(f"cannot bind a value of type {type(value).__name__}")


def bind(tree: exp.Expression, params: Mapping[str, Any]) -> exp.Expression:
    """Every `$name` of the statement replaced by its value; a name without a value is an error."""

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name.startswith(_MARKER):
            name = node.name[len(_MARKER) :]
            if name not in params:
                raise TranspileError(f"no value for ${name}")
            if isinstance(node.parent, exp.Bracket) and node.arg_key == "expressions":
                # a bound index keeps DuckDB's 1-based meaning: sqlglot shifts the indexes whose type it knows (it
                # parsed literal ones as 0-based), so the value goes in as an opaque coalesce(value)
                return exp.Anonymous(this="coalesce", expressions=[literal(params[name])])
            return literal(params[name])
        return node

    return tree.transform(replace)


# --- Spark rewrites --------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _macros() -> dict[str, tuple[tuple[str, ...], exp.Expression]]:
    """name → (parameter names, body) of the DuckDB temp macros in MACRO_FILES."""
    found = {}
    for name in MACRO_FILES:
        create = parse(query_sql(name))
        if not isinstance(create, exp.Create) or str(create.args.get("kind", "")).upper() != "MACRO":
            raise TranspileError(f"queries/{name}.sql is not a `create macro` statement")
        udf = create.this
        found[udf.this.name.lower()] = (tuple(p.name for p in udf.expressions), create.expression)
    return found


def _expand_macros(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, exp.Anonymous | exp.Func):
        return node
    name = node.name.lower() if isinstance(node, exp.Anonymous) else ""
    macro = _macros().get(name)
    if macro is None:
        return node
    names, body = macro
    args = dict(zip(names, node.expressions, strict=True))
    return body.copy().transform(
        lambda n: args[n.name].copy() if isinstance(n, exp.Column) and not n.table and n.name in args else n
    )


def _union_by_name(columns_of: ColumnsOf | None) -> Callable[[exp.Expression], exp.Expression]:
    """`from t union all by name select <nulls> where false` (optional columns) → `select *, <missing> from t`."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if not (isinstance(node, exp.Union) and node.args.get("by_name")):
            return node
        left, right = node.this, node.expression
        table = left.args.get("from_")
        if (
            columns_of is None
            or not isinstance(left, exp.Select)
            or not isinstance(left.expressions[0], exp.Star)
            or table is None
            or not isinstance(right, exp.Select)
            or right.args.get("where") is None
            or right.args["where"].this != exp.false()
        ):
            raise TranspileError("UNION BY NAME is only supported as `from t union all by name <zero-row select>`")
        present = set(columns_of(table.this.name))
        missing = [e for e in right.expressions if e.alias_or_name not in present]
        return exp.select(exp.Star(), *missing).from_(table.this.copy())

    return rewrite


def _inline_named_windows(node: exp.Expression) -> exp.Expression:
    """`over w` and `w2 as (w range ...)` spelt out in full: Spark cannot base one named window on another."""
    if not isinstance(node, exp.Select) or not node.args.get("windows"):
        return node
    named: dict[str, exp.Window] = {}
    for window in node.args["windows"]:
        base = window.args.get("alias")
        spec = window.copy()
        if base is not None:
            parent = named[base.name]
            for key in ("partition_by", "order"):
                if not spec.args.get(key) and parent.args.get(key):
                    spec.set(key, parent.args[key].copy() if key == "order" else [p.copy() for p in parent.args[key]])
        named[window.this.name] = spec
    node.set("windows", None)
    for use in node.find_all(exp.Window):
        ref = use.args.get("alias")
        if use.args.get("over") and ref is not None and ref.name in named:
            spec = named[ref.name]
            use.set("alias", None)
            for key in ("partition_by", "order", "spec"):
                value = spec.args.get(key)
                use.set(key, [v.copy() for v in value] if isinstance(value, list) else value and value.copy())
    return node


def _fold_frame_bounds(node: exp.Expression) -> exp.Expression:
    """`3 - 1 preceding` → `2 preceding`: Spark wants a plain literal frame bound."""
    if isinstance(node, exp.WindowSpec):
        for side in ("start", "end"):
            bound = node.args.get(side)
            if isinstance(bound, exp.Expression) and not isinstance(bound, exp.Literal) and bound.find(exp.Column):
                raise TranspileError(f"a window frame bound must be a constant, not {bound.sql('duckdb')}")
            if isinstance(bound, exp.Binary | exp.Paren):
                value = eval_int(bound)
                node.set(side, exp.Literal.number(value))
    return node


def eval_int(node: exp.Expression) -> int:
    """The value of a constant integer expression of literals, + - * and parentheses."""
    if isinstance(node, exp.Literal) and not node.is_string:
        return int(node.this)
    if isinstance(node, exp.Paren):
        return eval_int(node.this)
    if isinstance(node, exp.Neg):
        return -eval_int(node.this)
    ops = {exp.Add: int.__add__, exp.Sub: int.__sub__, exp.Mul: int.__mul__}
    for kind, op in ops.items():
        if isinstance(node, kind):
            return op(eval_int(node.this), eval_int(node.expression))
    raise TranspileError(f"not a constant integer: {node.sql('duckdb')}")


def _float_division(node: exp.Expression) -> exp.Expression:
    """DuckDB's `/` is a DOUBLE division for integers and decimals alike; Spark divides decimals as decimals."""
    if isinstance(node, exp.Div) and not _is_double_cast(node.this):
        node.set("this", exp.cast(node.this, exp.DataType.build("double")))
    return node


def _is_double_cast(node: exp.Expression) -> bool:
    return isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.DOUBLE


def _list_position(node: exp.Expression) -> exp.Expression:
    """DuckDB list_position is NULL when absent, Spark's array_position 0."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_position":
        found = exp.Anonymous(this="array_position", expressions=[e.copy() for e in node.expressions])
        return exp.Nullif(this=found, expression=exp.Literal.number(0))
    return node


def _array_length(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Length) and isinstance(node.this, exp.Array):
        return exp.ArraySize(this=node.this.copy())
    return node


def _one_based_index(node: exp.Expression) -> exp.Expression:
    """`list[i]` (1-based, NULL out of range) → `try_element_at(list, i)`; sqlglot stores literal indexes 0-based."""
    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return node
    index = node.expressions[0]
    if isinstance(index, exp.Slice):
        raise TranspileError("list slices are not supported on Spark")
    one_based = exp.Literal.number(int(index.this) + 1) if isinstance(index, exp.Literal) else index.copy()
    position = exp.cast(one_based, exp.DataType.build("int"))  # Spark indexes with INT; ranks are small
    return exp.Anonymous(this="try_element_at", expressions=[node.this.copy(), position])


def _month_boundaries(node: exp.Expression) -> exp.Expression:
    """DuckDB date_diff('month', a, b) counts month boundaries crossed; Spark's counts whole months elapsed."""
    if isinstance(node, exp.DateDiff) and node.text("unit").upper() == "MONTH":
        return exp.Sub(this=_month_index(node.this), expression=exp.Paren(this=_month_index(node.expression)))
    return node


def _month_index(value: exp.Expression) -> exp.Expression:
    year = exp.Year(this=value.copy())
    return exp.Add(this=exp.Mul(this=year, expression=exp.Literal.number(12)), expression=exp.Month(this=value.copy()))


def _to_days(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.ToDays):
        zero = exp.Literal.number(0)
        return exp.Anonymous(this="make_dt_interval", expressions=[node.this.copy(), zero, zero, zero])
    return node


def _ordered_lists(node: exp.Expression) -> exp.Expression:
    """DuckDB `list(x order by k) [filter (where c)]` keeps NULL elements, follows the order, and is NULL over no
    rows; Spark's collect_list drops NULLs, has no order and gives []. Collected as (k, x) structs, sorted, and
    unwrapped, so both lists are equal element for element."""
    aggregate = node.this if isinstance(node, exp.Filter) else node
    if not isinstance(aggregate, exp.ArrayAgg) or isinstance(node.parent, exp.Filter):
        return node
    inner = aggregate.this
    order = inner.expressions if isinstance(inner, exp.Order) else []
    value = inner.this if isinstance(inner, exp.Order) else inner
    if any(o.args.get("desc") for o in order):
        raise TranspileError("list(... order by ... desc) is not supported on Spark")
    fields: list[exp.Expression] = [
        exp.PropertyEQ(this=exp.to_identifier(f"k{i}"), expression=o.this.copy()) for i, o in enumerate(order)
    ]
    fields.append(exp.PropertyEQ(this=exp.to_identifier("v"), expression=value.copy()))
    collected: exp.Expression = exp.Anonymous(this="collect_list", expressions=[exp.Struct(expressions=fields)])
    if isinstance(node, exp.Filter):
        collected = exp.Filter(this=collected, expression=node.expression.copy())
    if order:
        collected = exp.Anonymous(this="array_sort", expressions=[collected])
    element = exp.to_identifier("e")
    values = exp.Transform(
        this=collected,
        expression=exp.Lambda(this=exp.Dot(this=exp.column(element), expression=exp.to_identifier("v")),
                              expressions=[element]),
    )  # fmt: skip
    empty = exp.EQ(this=exp.ArraySize(this=collected.copy()), expression=exp.Literal.number(0))
    return exp.If(this=empty, true=exp.null(), false=values)


_SPARK_REWRITES: tuple[Callable[[exp.Expression], exp.Expression], ...] = (
    _expand_macros,
    _inline_named_windows,
    _fold_frame_bounds,
    _float_division,
    _list_position,
    _array_length,
    _one_based_index,
    _month_boundaries,
    _to_days,
    _ordered_lists,
)


def to_spark(tree: exp.Expression, columns_of: ColumnsOf | None = None) -> str:
    """A bound DuckDB syntax tree as Spark SQL text."""
    tree = tree.copy().transform(_union_by_name(columns_of))
    for rewrite in _SPARK_REWRITES:
        tree = tree.transform(rewrite)
    return tree.sql(dialect="spark", comments=False)


def spark_sql(name: str, params: Mapping[str, Any], columns_of: ColumnsOf | None = None) -> str:
    """`queries/<name>.sql` (with its Spark variant CTEs) bound to `params`, as Spark SQL."""
    return to_spark(bind(with_spark_variant(name), params), columns_of)


def spark_sql_text(sql: str, params: Mapping[str, Any], columns_of: ColumnsOf | None = None) -> str:
    """A DuckDB statement given as text (the rollups' compiled SQL), bound and as Spark SQL."""
    return to_spark(bind(parse(sql), params), columns_of)
