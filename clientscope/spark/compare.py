"""Equality of two builds: every table of one cache folder against the same table of the other, row for row.

Used by the engine-equality test (tests/test_spark_build.py) and for checking a scale run by hand (docs/spark.md):
the same files (a table built in parts of customers has the same number of parts, whichever customers each holds),
same Parquet column types, each file sorted by its sort column, and the same rows of a table — its parts together,
matched on the table's key, exact for every key, count, code, date and DECIMAL amount, within `rel_tol` for DOUBLE
columns (a trend or a share computed in another order may differ in the last bits).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

REL_TOL = 1e-9


def plain_type(kind: pa.DataType) -> pa.DataType:
    """A type without list field names and string flavours (Spark and DuckDB name list elements alike, mostly)."""
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return pa.list_(plain_type(kind.value_type))
    if pa.types.is_large_string(kind):
        return pa.string()
    return kind


def schema_problems(name: str, left: pa.Schema, right: pa.Schema) -> list[str]:
    a = [(f.name, plain_type(f.type)) for f in left]
    b = [(f.name, plain_type(f.type)) for f in right]
    return [] if a == b else [f"{name}: columns {a} != {b}"]


def table_problems(
    name: str, left: pl.DataFrame, right: pl.DataFrame, keys: Sequence[str], rel_tol: float = REL_TOL
) -> list[str]:
    """Every difference between two frames of the same schema, rows matched on `keys` (which must be unique)."""
    if left.height != right.height:
        return [f"{name}: {left.height} rows != {right.height} rows"]
    for side, frame in (("left", left), ("right", right)):
        if frame.select(keys).is_duplicated().any():
            return [f"{name}: the {side} table has duplicate keys {list(keys)}"]
    a = left.sort(keys, nulls_last=True)
    b = right.sort(keys, nulls_last=True)
    problems = []
    for column in left.columns:
        if not _column_equal(a[column], b[column], rel_tol):
            problems.append(f"{name}.{column}: {_first_difference(a, b, column, keys, rel_tol)}")
    return problems


def _column_equal(a: pl.Series, b: pl.Series, rel_tol: float) -> bool:
    if not a.dtype.is_float():
        return a.equals(b, check_dtypes=False, check_names=False, null_equal=True)
    x, y = pl.col("a"), pl.col("b")
    both_missing = ((x.is_null() & y.is_null()) | (x.is_nan() & y.is_nan())).fill_null(False)
    close = (x == y) | ((x - y).abs() <= rel_tol * pl.max_horizontal(x.abs(), y.abs()))  # math.isclose, no abs_tol
    pairs = pl.DataFrame({"a": a, "b": b})
    return bool(pairs.select((both_missing | close.fill_null(False)).all()).item())


def _close(x: float | None, y: float | None, rel_tol: float) -> bool:
    if x is None or y is None:
        return x is None and y is None
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return math.isclose(x, y, rel_tol=rel_tol, abs_tol=0.0)


def _first_difference(a: pl.DataFrame, b: pl.DataFrame, column: str, keys: Sequence[str], rel_tol: float) -> str:
    for i, (x, y) in enumerate(zip(a[column].to_list(), b[column].to_list(), strict=True)):
        same = _close(x, y, rel_tol) if a[column].dtype.is_float() else x == y
        if not same:
            key = {k: a[k][i] for k in keys}
            return f"{x!r} != {y!r} at {key}"
    return "differs"


def sort_problems(name: str, frame: pl.DataFrame, column: str | None) -> list[str]:
    """Whether the file is sorted by its order (one column, or several separated by commas)."""
    if column is None or frame.height == 0:
        return []
    columns = [c.strip() for c in column.split(",")]
    ordered = frame.select(columns)
    if ordered.equals(ordered.sort(columns, nulls_last=True)):
        return []
    return [f"{name}: not sorted by {column}"]


def folder_problems(
    left: Path, right: Path, keys: Mapping[str, Sequence[str]], order: Mapping[str, str | None]
) -> list[str]:
    """Every difference between the Parquet files of two build folders (tables named by `keys`)."""
    names_left = sorted(p.name for p in left.glob("*.parquet"))
    names_right = sorted(p.name for p in right.glob("*.parquet"))
    if names_left != names_right:
        return [f"files {names_left} != {names_right}"]
    problems: list[str] = []
    for name, files in _tables(names_left).items():
        for file in files:
            problems += schema_problems(name, pq.read_schema(left / file), pq.read_schema(right / file))
        sides = []
        for side in (left, right):
            frames = [pl.read_parquet(side / file) for file in files]
            for frame in frames:
                problems += [f"{side.name}: {p}" for p in sort_problems(name, frame, order.get(name))]
            sides.append(pl.concat(frames, how="vertical_relaxed"))
        if name not in keys:
            problems.append(f"{name}: no key to match its rows on")
            continue
        problems += table_problems(name, sides[0], sides[1], keys[name])
    return problems


def _tables(files: Sequence[str]) -> dict[str, list[str]]:
    """File names by the table they hold (`name.parquet`, or `name.partNNN.parquet` for each part)."""
    tables: dict[str, list[str]] = {}
    for file in files:
        tables.setdefault(file.removesuffix(".parquet").split(".part")[0], []).append(file)
    return tables
