"""The one choke point for SQL: connection factory and `run_query`.

Every statement the app runs goes through `run_query`: values are bound as DuckDB `$named`
parameters, the viewer scope is applied (row-level security), results are capped, a timeout
interrupts runaway queries and the time taken is logged.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from clientscope import catalog, settings
from clientscope.settings import PROJECT_ROOT

if TYPE_CHECKING:  # the semantic layer imports this module
    from clientscope.semantic.filtering import ViewFilters

log = logging.getLogger(__name__)

QUERIES_DIR = PROJECT_ROOT / "queries"
SCOPE_DIR = QUERIES_DIR / "scope"
DEFAULT_ROW_CAP = 200_000
DEFAULT_TIMEOUT_S = 30.0
_QUERY_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
_INCLUDE = re.compile(r"^-- include: ([a-z0-9_/]+)[ \t]*$", re.MULTILINE)


class QueryError(RuntimeError):
    """A query failed; the message is safe to show to a user."""


class QueryTimeout(QueryError):
    pass


@dataclass(frozen=True)
class ViewerScope:
    """What a viewer may see. `None` means no restriction on that level."""

    regions: frozenset[str] | None = None
    branches: frozenset[str] | None = None
    rms: frozenset[str] | None = None
    can_see_personal: bool = False

    @property
    def restricted(self) -> bool:
        return any(level is not None for level in (self.regions, self.branches, self.rms))

    def as_params(self) -> dict[str, list[str] | None]:
        return {
            "scope_regions": _sorted_or_none(self.regions),
            "scope_branches": _sorted_or_none(self.branches),
            "scope_rms": _sorted_or_none(self.rms),
        }


FULL_SCOPE = ViewerScope(can_see_personal=True)


def _sorted_or_none(values: frozenset[str] | None) -> list[str] | None:
    return None if values is None else sorted(values)


@dataclass(frozen=True)
class QueryResult:
    frame: pl.DataFrame
    truncated: bool
    elapsed_ms: float


@dataclass(eq=False)  # identity semantics: one open database per process
class Database:
    """An open in-memory DuckDB with one view per extract (and mart) table.

    One `Database` per process; each query gets its own cursor, so callbacks running in
    parallel threads never share a cursor.
    """

    con: duckdb.DuckDBPyConnection
    data_dir: Path | None = None
    version: str = "memory"
    tables: frozenset[str] = field(default_factory=frozenset)
    # Serialises what runs on `con` itself after start-up (registering files a page builds on first use): two
    # callbacks of one page arrive together, and a DuckDB connection refuses a second concurrent call.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @classmethod
    def open(cls, data_dir: Path, *, threads: int | None = None, memory_limit: str | None = None) -> Database:
        con = duckdb.connect(config=settings.duckdb_config(threads, memory_limit))
        attached = catalog.attach_extracts(con, data_dir)
        return cls(con, data_dir, catalog.data_version(data_dir), frozenset(attached))

    @classmethod
    def from_connection(cls, con: duckdb.DuckDBPyConnection, version: str = "memory") -> Database:
        """Wrap a connection prepared by a test (tables already created as views or tables)."""
        names = {row[0] for row in con.execute(_sql("catalog/table_names")).fetchall()}
        return cls(con, None, version, frozenset(names))

    def register(self, name: str, relation: duckdb.DuckDBPyRelation) -> None:
        catalog.register_relation(self.con, name, relation)
        self.tables = self.tables | {name}

    def register_parquet(self, name: str, paths: str | list[str]) -> None:
        """Expose Parquet file(s) as the view `name`, safely while other threads query."""
        with self.lock:
            self.register(name, self.con.read_parquet(paths))

    def has(self, *names: str) -> bool:
        return all(n in self.tables for n in names)

    def set_memory_limit(self, limit: str) -> None:
        """Change the DuckDB memory limit of this database (e.g. "1.5GB"); DuckDB rejects malformed values."""
        self.con.execute(_sql("settings/memory_limit"), {"limit": limit})


def query_sql(name: str) -> str:
    """The text of `queries/<name>.sql`; `name` must be a known file (an allow-list by construction)."""
    return _sql(name)


@lru_cache(maxsize=512)
def _sql(name: str) -> str:
    """The file's text with every `-- include: <name>` line replaced by that file's text.

    DuckDB has no parameterised views: where two queries share a rule (a page's numbers and its drill list), the
    shared CTEs live in one file that both include, so the rule is written once.
    """
    if not _QUERY_NAME.match(name):
        raise ValueError(f"invalid query name {name!r}")
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise ValueError(f"no query file queries/{name}.sql")
    text = path.read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda match: _included(name, match.group(1)), text)


def _included(name: str, included: str) -> str:
    if included == name:
        raise ValueError(f"queries/{name}.sql includes itself")
    return _sql(included).rstrip("\n")


# Temp tables built first from the scope's values: the visible customers (for customer-keyed tables) and the
# visible branches with the RM restriction (for tables keyed by branch and RM, such as the rollups).
SCOPE_SETUP: tuple[str, ...] = ("scope_customers", "scope_units")


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def scoped_tables() -> tuple[str, ...]:
    """Tables that a restricted scope filters: one `queries/scope/<table>.sql` each."""
    return tuple(sorted(p.stem for p in SCOPE_DIR.glob("*.sql") if p.stem not in SCOPE_SETUP))


def _apply_scope(cur: duckdb.DuckDBPyConnection, db: Database, scope: ViewerScope) -> None:
    if not scope.restricted:
        return
    for setup in SCOPE_SETUP:
        cur.execute(_sql(f"scope/{setup}"), scope.as_params())
    written = set(scoped_tables())
    for name in sorted(db.tables):
        if name in written:
            cur.execute(_sql(f"scope/{name}"))
        else:
            _scope_by_columns(cur, name)


# A table without its own scope file (a serving-layer aggregate, an analysis's page file) is scoped by its keys:
# by customer when it has customer_id, else by branch and RM when it has branch_id (as the rollups are). A table
# with neither (campaigns, products) describes no customer and is not narrowed.
_BY_CUSTOMER = (
    'create or replace temp view "{t}" as select * from memory.main."{t}" '
    "where customer_id in (select customer_id from scope_customers)"
)
_BY_UNIT = (
    'create or replace temp view "{t}" as select r.* from memory.main."{t}" as r '
    "inner join scope_units as u on u.branch_id = r.branch_id "
    "where u.rms is null or list_contains(u.rms, r.rm_id)"
)
_BY_BRANCH = (
    'create or replace temp view "{t}" as select r.* from memory.main."{t}" as r '
    "where r.branch_id in (select branch_id from scope_units)"
)


def _scope_by_columns(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    if not _IDENTIFIER.match(name):  # table names come from the catalog and the build; never from a request
        raise QueryError(f"cannot scope table {name!r}: not a plain lower-case name")
    columns = set(cur.table(f"memory.main.{name}").columns)
    if "customer_id" in columns:
        template = _BY_CUSTOMER
    elif {"branch_id", "rm_id"} <= columns:
        template = _BY_UNIT
    elif "branch_id" in columns:
        template = _BY_BRANCH
    else:
        return
    cur.execute(template.replace("{t}", name))


def run_query(
    db: Database,
    sql: str,
    params: dict[str, Any] | None = None,
    *,
    scope: ViewerScope = FULL_SCOPE,
    filters: ViewFilters | None = None,
    row_cap: int = DEFAULT_ROW_CAP,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    label: str = "query",
) -> QueryResult:
    """Run one statement with bound parameters under a viewer scope; return a polars frame.

    A statement that reads `filtered_<table>` gets those relations from `filters` (the view's filters compiled
    once, `clientscope.semantic.filtering`)."""
    started = time.perf_counter()
    cur = db.con.cursor()
    timer = threading.Timer(timeout_s, cur.interrupt)
    timer.start()
    try:
        _apply_scope(cur, db, scope)
        if filters is not None:  # after the scope: the view's filters narrow what the viewer may see
            filters.prepare(cur, sql, db.tables)
        frame = _first_rows(cur, sql, params or {}, row_cap + 1)
    except duckdb.InterruptException as exc:
        raise QueryTimeout(f"{label} took longer than {timeout_s:.0f} s and was stopped") from exc
    except duckdb.Error as exc:
        log.exception("query %s failed", label)
        raise QueryError(f"{label} failed: {exc}") from exc
    finally:
        timer.cancel()
        cur.close()
    frame = decimals_as_float(frame)
    truncated = frame.height > row_cap
    if truncated:
        frame = frame.head(row_cap)
    elapsed = (time.perf_counter() - started) * 1000
    log.debug("%s: %d rows in %.1f ms", label, frame.height, elapsed)
    return QueryResult(frame, truncated, elapsed)


# DuckDB 2 warns that Arrow from an executed statement copies the rows; measured, that is still the fastest way to a
# frame here (see `_first_rows`), so the warning says nothing about this module's calls.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning, module=__name__)

_READS = ("with", "select", "from", "values", "table", "(")  # statements that read rows (PIVOT expands into several)
_LEADING_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.DOTALL)
_ROW_CAP_PARAM = "clientscope_row_cap"


def _first_rows(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], limit: int) -> pl.DataFrame:
    """The statement's first `limit` rows as a frame (an empty one for a statement without rows).

    Run through the DB-API (`execute`, then the Arrow table), not the relation API (`cur.sql(...).limit(...).pl()`):
    in DuckDB 2 the relation layer binds each statement in Python before running it, about 5 ms a statement on the
    pages' queries at scale M (decision 82). A DB-API result holds all its rows, so the limit is put around the
    statement, as the relation's `.limit` did: the database stops at it, whatever the statement would return."""
    if _LEADING_COMMENTS.sub("", sql, count=1)[:8].lower().startswith(_READS):
        sql = "select * from (\n" + sql + "\n) limit $" + _ROW_CAP_PARAM  # the statement is ours; the cap is bound
        params = {**params, _ROW_CAP_PARAM: limit}
    cur.execute(sql, params)
    if cur.description is None:
        return pl.DataFrame()
    return pl.from_arrow(cur.to_arrow_table())  # type: ignore[return-value]


def decimals_as_float(frame: pl.DataFrame) -> pl.DataFrame:
    """DECIMAL columns (the marts' money and its exact sums), also inside lists, as Float64.

    The SQL→Python edge: pages, figures and workbooks work in floats, and Excel stores IEEE doubles. Each value is
    the double nearest to the exact decimal DuckDB computed (one correctly rounded conversion), so the same data
    gives the same floats, bit for bit, on every run and in every worker.  Python adds money only in integer cents
    (`clientscope.money`), never these floats.
    """
    casts = {name: _float_dtype(dtype) for name, dtype in frame.schema.items() if _has_decimal(dtype)}
    return frame.cast(casts) if casts else frame  # type: ignore[arg-type]


def _has_decimal(dtype: pl.DataType) -> bool:
    if isinstance(dtype, pl.Decimal):
        return True
    return isinstance(dtype, pl.List | pl.Array) and _has_decimal(dtype.inner)


def _float_dtype(dtype: pl.DataType) -> pl.DataType:
    if isinstance(dtype, pl.Decimal):
        return pl.Float64()
    if isinstance(dtype, pl.List):
        return pl.List(_float_dtype(dtype.inner))
    assert isinstance(dtype, pl.Array)
    return pl.Array(_float_dtype(dtype.inner), dtype.shape)


def run_named(db: Database, name: str, params: dict[str, Any] | None = None, **kwargs: Any) -> QueryResult:
    """Run `queries/<name>.sql`."""
    return run_query(db, _sql(name), params, label=name, **kwargs)
