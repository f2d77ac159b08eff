"""The view's filters, compiled once from metrics.yaml into filtered relations.

Page SQL never spells a filter out. It reads `filtered_<table>` instead of `<table>`, and the query's cursor
gets, just before the statement runs (after the viewer scope's views, so the filters narrow what the viewer may
see):

- one temp table `filter_<dimension>` per filtered dimension, holding its values (bound as a `$values` list);
- one temp view `filtered_<table>` per table the statement names, keeping the rows whose column of every
  filtered dimension holds one of the values.

A table is filtered on a dimension when it has that dimension's metrics.yaml column (`region`, `branch_id`,
`tier`...); the serving-layer aggregates name their columns the same way, so adding a dimension to metrics.yaml
(and its column to a table) is all it takes for every page that reads the table to honour it. The dimensions
a table lacks are reported (`ignored_by`) so that a section can say which filters it does not apply.
Identifiers come from the model through `sqltext.quote`; values are bound, never written into the SQL.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb

from clientscope.semantic.model import SemanticModel
from clientscope.semantic.sqltext import quote

FILTERED_PREFIX = "filtered_"
_FILTERED_NAME = re.compile(r"\bfiltered_([a-z_][a-z0-9_]*)\b")
_LINE_COMMENT = re.compile(r"--[^\n]*")


@dataclass(frozen=True)
class FilterItem:
    dimension: str
    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ViewFilters:
    """Dimension filters with their columns (hashable: part of the query cache's key)."""

    items: tuple[FilterItem, ...] = ()

    @classmethod
    def compile(cls, model: SemanticModel, filters: Mapping[str, Sequence[str | None]]) -> ViewFilters:
        """The filters on metrics.yaml dimensions (values sorted, None dropped); other keys are not filters."""
        items = []
        for dimension in sorted(filters):
            values = tuple(sorted({str(v) for v in filters[dimension] if v is not None}))
            if values and dimension in model.dimensions:
                items.append(FilterItem(dimension, model.dimension(dimension).column, values))
        return cls(tuple(items))

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(item.dimension for item in self.items)

    def only(self, *dimensions: str) -> ViewFilters:
        """These filters on some dimensions only (a page whose tables describe customers by fewer attributes)."""
        return ViewFilters(tuple(item for item in self.items if item.dimension in dimensions))

    def without(self, *dimensions: str) -> ViewFilters:
        """These filters less some dimensions (a section that applies one of them its own way)."""
        return ViewFilters(tuple(item for item in self.items if item.dimension not in dimensions))

    def ignored_by(self, columns: Collection[str]) -> tuple[str, ...]:
        """The filtered dimensions a table with these columns cannot honour."""
        return tuple(item.dimension for item in self.items if item.column not in columns)

    def prepare(self, cur: duckdb.DuckDBPyConnection, sql: str, known: Collection[str]) -> None:
        """Create what `sql` reads as `filtered_<table>` on this cursor (`run_query` calls it)."""
        self.apply(cur, filtered_tables(sql, known))

    def apply(self, cur: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
        """Create `filter_<dimension>` tables and the `filtered_<table>` views on this cursor."""
        names = {item.dimension for item in self.items}
        for item in self.items:
            cur.execute(
                f"create or replace temp table {quote('filter_' + item.dimension, _prefixed(names))} as "
                "select unnest($values) as value",
                {"values": list(item.values)},
            )
        for table in tables:
            columns = set(cur.table(table).columns)
            kept = [item for item in self.items if item.column in columns]
            conditions = [
                f"{quote(item.column, columns)} in "
                f"(select value from {quote('filter_' + item.dimension, _prefixed(names))})"
                for item in kept
            ]
            where = f" where {' and '.join(conditions)}" if conditions else ""
            view = quote(FILTERED_PREFIX + table, {FILTERED_PREFIX + table})
            cur.execute(f"create or replace temp view {view} as select * from {quote(table, {table})}{where}")


NO_FILTERS = ViewFilters()


def _prefixed(dimensions: Collection[str]) -> set[str]:
    return {"filter_" + d for d in dimensions}


def filtered_tables(sql: str, known: Collection[str]) -> tuple[str, ...]:
    """The tables a statement reads as `filtered_<table>`; a name that is not a known table is an error."""
    code = _LINE_COMMENT.sub("", sql)
    wanted = tuple(dict.fromkeys(_FILTERED_NAME.findall(code)))
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise KeyError(f"the statement reads filtered_{unknown[0]}, but there is no table {unknown[0]!r}")
    return wanted
