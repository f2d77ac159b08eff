"""The marts and rollups built by Spark into the cache folders a DuckDB build would fill, file for file.

`build_on_spark(db, model, settings)` runs before the DuckDB build step's `build_marts` / `build_rollups`: it
writes `<cache>/marts/<version>/<rules>/` and `<cache>/rollups/<version>/<rules>-<model>/` (same fingerprints,
same file names, schemas and sort order, the same temporary-folder-and-rename), so the DuckDB functions then find
them built and only register them, and the server reads them exactly as it reads a DuckDB build. Validation
before and the churn model's training after stay on DuckDB; its scoring is `clientscope.spark.scoring`
(docs/spark.md says what runs where).

Each mart is the DuckDB query file transpiled (`clientscope.spark.transpile`); the extracts are read by Spark
from the same files the DuckDB catalog attaches, and every mart Spark writes is read back from its file, by the
next Spark statement and by DuckDB (which binds the next statement to take its output schema from), just as the
DuckDB build reads back what it wrote.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientscope import catalog, marts
from clientscope.db import Database, query_sql
from clientscope.semantic import conversion_rollups, month_masks, rollups
from clientscope.spark.session import SparkSettings, spark_session
from clientscope.spark.transpile import spark_sql, spark_sql_text
from clientscope.spark.writer import conform, duckdb_schema, write_part_files, write_single_file

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from clientscope.semantic.model import SemanticModel

log = logging.getLogger(__name__)
# month masks (UBIGINT, which Spark lacks) and the conversion counts beside them: one grouped scan each, by DuckDB
DUCKDB_BUILT = frozenset(
    {month_masks.MASK_LAYOUT.name, conversion_rollups.MONTH_LAYOUT.name, conversion_rollups.MASK_LAYOUT.name}
)


def build_on_spark(db: Database, model: SemanticModel, config: SparkSettings) -> None:
    """Write this data version's marts and rollups with Spark, unless they are already in the cache."""
    build_marts_on_spark(db, model, config)
    build_rollups_on_spark(db, model, config)


def build_marts_on_spark(db: Database, model: SemanticModel, config: SparkSettings) -> None:
    """Write `<cache>/marts/<version>/<rules>/` with Spark, unless it is there already."""
    final = marts.marts_dir(_with_folder(db), model.rules)
    if final.is_dir():
        return
    session = new_session(config)
    attach_extracts(session, db.data_dir)
    log.info("building marts on Spark into %s", final)
    marts.write_folder_atomically(final, lambda tmp: _write_marts(session, db, model, tmp))


def build_rollups_on_spark(db: Database, model: SemanticModel, config: SparkSettings) -> None:
    """Write `<cache>/rollups/<version>/<rules>-<model>/` with Spark from the built marts, unless it is there."""
    final = rollups.rollups_dir(_with_folder(db), model)
    statements = rollups._buildable(db, model)
    if final.is_dir() or not statements:
        return
    session = new_session(config)
    _register_marts(session, db, marts.marts_dir(db, model.rules))
    log.info("building rollups on Spark into %s", final)
    marts.write_folder_atomically(final, lambda tmp: _write_rollups(session, db, statements, tmp))


def new_session(config: SparkSettings) -> SparkSession:
    """A session of its own (temporary views: builds never see each other's tables) on the process's Spark."""
    session = spark_session(config).newSession()
    session.conf.set("spark.sql.shuffle.partitions", str(config.shuffle_partitions))
    return session


def _with_folder(db: Database) -> Database:
    if db.data_dir is None:
        raise ValueError("the Spark build needs a data folder (an in-memory database has no extracts to read)")
    return db


def attach_extracts(session: SparkSession, data_dir: Path) -> None:
    """One temporary view per present extract table, read from the files the DuckDB catalog attaches."""
    for name, found in catalog.locate(data_dir).items():
        if found.present:
            session.read.parquet(*[str(p) for p in found.files]).createOrReplaceTempView(name)


def columns_of(session: SparkSession):
    return lambda table: session.table(table).columns


def mart_params(db: Database, model: SemanticModel) -> dict[str, Any]:
    """The values the mart SQL binds: DuckDB's, with every per-customer mart in one statement (Spark spills lists;
    the result is then written in DuckDB's number of part files)."""
    return {**marts.mart_params(model.rules), "use_holdings": db.has("holdings"), "parts": 1, "part": 0}


def _write_marts(session: SparkSession, db: Database, model: SemanticModel, folder: Path) -> None:
    params = mart_params(db, model)
    for mart in marts.buildable(db):
        if mart not in marts.CORE_MARTS:  # a serving aggregate: DuckDB builds it from the core marts Spark wrote
            marts.write_mart(db, model.rules, mart, folder)
            continue
        for table in mart.stand_ins:
            if not db.has(table):
                session.sql(spark_sql(f"marts/absent_{table}", {}))
        frame = session.sql(spark_sql(mart.sql_name, params, columns_of(session)))
        schema = _mart_schema(db, mart, params, folder)
        paths = marts.mart_files(folder, mart, marts.customer_parts(db) if mart.by_customer_parts else 1)
        write_part_files(conform(frame, schema), paths, mart.order_by, "customer_id", schema)
        _read_back(session, db, mart.name, paths)


def _mart_schema(db: Database, mart: marts.Mart, params: dict[str, Any], folder: Path):
    cur = db.con.cursor()  # the stand-in temp views stay on this cursor, as in the DuckDB build
    try:
        cur.execute(query_sql(marts.MONEY_SQL))
        for table in mart.stand_ins:
            if not db.has(table):
                cur.execute(query_sql(f"marts/absent_{table}"))
        sql = query_sql(mart.sql_name)
        return duckdb_schema(cur.sql(sql, params=marts.params_for(sql, params)), folder)
    finally:
        cur.close()


def _write_rollups(session: SparkSession, db: Database, statements: list[rollups.Statement], folder: Path) -> None:
    for rollup, sql, params in statements:
        if rollup.name in DUCKDB_BUILT:  # unsigned 64-bit masks: DuckDB builds them from the marts Spark wrote
            rollups.write_statement(db, (rollup, sql, params), folder)
            continue
        frame = session.sql(spark_sql_text(sql, params, columns_of(session)))
        cur = db.con.cursor()
        try:
            schema = duckdb_schema(cur.sql(sql, params=params), folder)
        finally:
            cur.close()
        path = folder / f"{rollup.name}.parquet"
        write_single_file(conform(frame, schema), path, rollup.keys[0])
        _read_back(session, db, rollup.name, [path])  # narrower rollups read it


def _register_marts(session: SparkSession, db: Database, folder: Path) -> None:
    """The built marts as views of both engines (the rollups read them)."""
    for mart in marts.buildable(db):
        path = folder / f"{mart.name}.parquet"
        parts = sorted(folder.glob(f"{mart.name}.part*.parquet")) or [path]
        session.read.parquet(*[str(p) for p in parts]).createOrReplaceTempView(mart.name)
        db.register(mart.name, db.con.read_parquet([str(p) for p in parts]))


def _read_back(session: SparkSession, db: Database, name: str, paths: list[Path]) -> None:
    files = [str(p) for p in paths]
    session.read.parquet(*files).createOrReplaceTempView(name)
    db.register(name, db.con.read_parquet(files))
