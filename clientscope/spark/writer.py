"""Writing a Spark result as the one Parquet file DuckDB would have written: same name, schema and sort.

The schema is DuckDB's own: the statement is bound (not run) by DuckDB over the same inputs and a zero-row copy
written with DuckDB's Parquet writer, so the column types the server reads (DECIMAL(18,2) money, DATE months,
naive TIMESTAMPs, INTEGER vs BIGINT counts, lists) are exactly those of a DuckDB build. The Spark result is cast
to it column by column, sorted by the table's sort column, and written as a single file, or as the same number of
part files as a DuckDB build writes for a mart built in parts of customers.

Row groups are kept near DuckDB's size (ROW_GROUP_BYTES): Spark's default of 128 MiB made a DuckDB statement
reading the file hold whole row groups of list columns at once (it ran out of the build's memory at scale M), and
small row groups are what lets the server's filters skip most of a sorted file.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

ROW_GROUP_BYTES = 8 * 1024 * 1024  # DuckDB's 122,880-row groups are 2-13 MB in the marts at scale M
_PART = "_clientscope_part"


def duckdb_schema(relation: duckdb.DuckDBPyRelation, folder: Path) -> pa.Schema:
    """The Parquet schema DuckDB writes for `relation` (a zero-row file: the query is planned, not run)."""
    probe = folder / f".schema-{uuid.uuid4().hex[:8]}.parquet"
    try:
        relation.limit(0).write_parquet(str(probe))
        return pq.read_schema(probe)
    finally:
        probe.unlink(missing_ok=True)


def spark_type(kind: pa.DataType) -> str:
    """The Spark SQL type that Spark writes to Parquet as `kind`."""
    simple = {
        pa.bool_(): "boolean",
        pa.int8(): "tinyint",
        pa.int16(): "smallint",
        pa.int32(): "int",
        pa.int64(): "bigint",
        pa.float32(): "float",
        pa.float64(): "double",
        pa.string(): "string",
        pa.large_string(): "string",
        pa.date32(): "date",
    }
    if kind in simple:
        return simple[kind]
    if pa.types.is_decimal(kind):
        return f"decimal({kind.precision},{kind.scale})"
    if pa.types.is_timestamp(kind):
        return "timestamp" if kind.tz else "timestamp_ntz"
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return f"array<{spark_type(kind.value_type)}>"
    raise TypeError(f"no Spark type for the Parquet type {kind}")


def conform(frame: DataFrame, schema: pa.Schema) -> DataFrame:
    """`frame` with DuckDB's column names, order and types; a missing or extra column is an error."""
    from pyspark.sql import functions as F

    if list(frame.columns) != list(schema.names):
        raise ValueError(f"Spark columns {frame.columns} differ from DuckDB's {schema.names}")
    return frame.select([F.col(f.name).cast(spark_type(f.type)).alias(f.name) for f in schema])


def write_single_file(frame: DataFrame, path: Path, order_by: str | None) -> None:
    """Write `frame` as the one Parquet file `path`, sorted by `order_by` when given.

    Spark writes a folder of part files; a global sort followed by one partition keeps the range partitions in
    order, and the single part file is then moved to `path`.
    """
    from pyspark.sql import functions as F

    if order_by is not None:
        frame = frame.orderBy(F.col(order_by).asc_nulls_last())  # DuckDB's order: NULLs last
    staging = _staging(path)
    try:
        _writer(frame.coalesce(1)).parquet(str(staging))
        _move_one(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_part_files(frame: DataFrame, paths: list[Path], order_by: str | None, key: str, schema: pa.Schema) -> None:
    """Write `frame` split by `key` into `paths` (one file each, each sorted by `order_by`), as DuckDB writes a mart
    built in parts of customers. Which part a customer lands in differs from DuckDB's (another hash function);
    the server and the later marts read the union of the parts, never one part."""
    from pyspark.sql import functions as F

    if len(paths) == 1:
        write_single_file(frame, paths[0], order_by)
        return
    tagged = frame.withColumn(_PART, F.pmod(F.xxhash64(F.col(key)), F.lit(len(paths))))
    tagged = tagged.repartition(len(paths), _PART)  # each part's rows in one task: one file per part folder
    ordering = [F.col(_PART)] + ([F.col(order_by).asc_nulls_last()] if order_by else [])
    staging = _staging(paths[0])
    try:
        _writer(tagged.sortWithinPartitions(*ordering)).partitionBy(_PART).parquet(str(staging))
        for part, path in enumerate(paths):
            folder = staging / f"{_PART}={part}"
            if folder.is_dir():
                _move_one(folder, path)
            else:  # no customer hashed to this part: DuckDB writes an empty file with the schema
                pq.write_table(schema.empty_table(), path, compression="zstd")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _staging(path: Path) -> Path:
    return path.parent / f".spark-{path.stem}-{uuid.uuid4().hex[:8]}"


def _writer(frame: DataFrame):
    return frame.write.mode("error").option("compression", "zstd").option("parquet.block.size", ROW_GROUP_BYTES)


def _move_one(staging: Path, path: Path) -> None:
    parts = sorted(staging.glob("part-*.parquet"))
    if len(parts) != 1:
        raise RuntimeError(f"Spark wrote {len(parts)} part files for {path.name}, expected one")
    parts[0].rename(path)
