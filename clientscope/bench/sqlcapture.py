"""Record every statement the app sends to DuckDB, and time the same statements on the bare connection.

The recorder wraps the `Database`'s connection, so it sees whatever reaches DuckDB through `run_query`
(and through anything else that uses `db.con`), however a module imported `run_query`.  A query the
app answers from a cache never reaches DuckDB and is not recorded: the raw baseline is the SQL the
app actually ran for that request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import duckdb


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any


class _RecordingCursor:
    def __init__(self, cursor: duckdb.DuckDBPyConnection, sink: list[Statement]) -> None:
        self._cursor = cursor
        self._sink = sink

    def sql(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self._sink.append(Statement(query, kwargs.get("params", args[0] if args else None)))
        return self._cursor.sql(query, *args, **kwargs)

    def execute(self, query: str, parameters: Any = None, *args: Any, **kwargs: Any) -> Any:
        self._sink.append(Statement(query, parameters))
        return self._cursor.execute(query, parameters, *args, **kwargs)

    def cursor(self) -> _RecordingCursor:
        return _RecordingCursor(self._cursor.cursor(), self._sink)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class RecordingConnection(_RecordingCursor):
    """A stand-in for `db.con` that appends each statement (text and parameters) to `sink`."""


def time_raw(con: duckdb.DuckDBPyConnection, statements: list[Statement]) -> list[float]:
    """Milliseconds to run each of one request's statements and fetch every row (as Arrow, DuckDB's cheapest).

    They run in order on one cursor, as the app ran them: a statement reading `filtered_<table>` (or a scoped
    view) needs the temp tables and views the statements before it created on the same connection.
    """
    cursor = con.cursor()
    timings = []
    try:
        for statement in statements:
            started = time.perf_counter()
            if statement.params:
                cursor.execute(statement.sql, statement.params)
            else:
                cursor.execute(statement.sql)
            if cursor.description is not None:  # a statement without rows (a scope view) has nothing to fetch
                cursor.to_arrow_table()
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        cursor.close()
    return timings
