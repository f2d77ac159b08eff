"""Churn scoring on Spark: the latest month-end's signals computed by Spark, the model applied on its executors.

The build step (`clientscope build --engine spark`) passes `SparkScores` to `build_churn_files`. It runs the
signals query file DuckDB runs (`queries/churn/signals.sql`, transpiled like the marts; its windows read every
month of history for the latest month-end's open customers), casts the rows to the types DuckDB gives them, and
applies `ScoringModel.scored` (the same method as the DuckDB path) to each Arrow batch in the executors'
Python workers (`mapInArrow`; the fitted model is pickled into the tasks: a few hundred kB). The scored rows come
back through one Parquet file Spark writes under the cache folder; the driver then shapes the page files exactly
as the DuckDB path does (docs/spark.md, "What runs where").

The model's training stays on one machine (it samples); only scoring grows with the bank.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from clientscope import settings
from clientscope.churn.scoring import ScoringModel
from clientscope.churn.signals import signals_query
from clientscope.churn.split import latest_month
from clientscope.db import Database, query_sql
from clientscope.spark.build import attach_extracts, columns_of, new_session
from clientscope.spark.session import SparkSettings
from clientscope.spark.transpile import spark_sql
from clientscope.spark.writer import conform, write_single_file

if TYPE_CHECKING:
    from clientscope.churn.training import TrainedModel


@dataclass(frozen=True)
class SparkScores:
    """Every open customer at the latest month-end, scored on Spark (a `clientscope.churn.files.LatestScores`)."""

    config: SparkSettings

    def __call__(self, db: Database, trained: TrainedModel) -> pl.DataFrame:
        from pyspark.sql.pandas.types import from_arrow_schema

        if db.data_dir is None:
            raise ValueError("the Spark build needs a data folder (an in-memory database has no extracts to read)")
        month = latest_month(db)
        name, params = signals_query(db, trained.rules, month, month)
        model = ScoringModel.of(trained)
        # DuckDB's types of the signals and of the scored rows: the zero-row result, scored by the same method
        signals = db.con.sql(query_sql(name), params=params).limit(0).pl()
        scored = model.scored(signals)
        session = new_session(self.config)
        attach_extracts(session, db.data_dir)
        frame = conform(session.sql(spark_sql(name, params, columns_of(session))), _arrow(signals))
        output = _arrow(scored)
        rows = frame.mapInArrow(partial(_score_batches, model, output), from_arrow_schema(output))
        return _collect(rows).cast(dict(scored.schema))


def _score_batches(
    model: ScoringModel, schema: pa.Schema, batches: Iterator[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """Run in Spark's Python workers: each batch of signals rows scored, in the declared Arrow types."""
    for batch in batches:
        scored = model.scored(pl.from_arrow(pa.Table.from_batches([batch])))
        yield from scored.to_arrow().cast(schema).to_batches()


def _arrow(frame: pl.DataFrame) -> pa.Schema:
    """The Arrow schema Spark exchanges for `frame`'s columns (Spark sends and takes `string`, not `large_string`)."""
    return pa.schema(
        (field.name, pa.string() if pa.types.is_large_string(field.type) else field.type)
        for field in frame.to_arrow().schema
    )


def _collect(rows) -> pl.DataFrame:
    """The scored rows, written by Spark as one Parquet file under the cache folder and read back whole."""
    folder = settings.cache_root() / "spark_scores" / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True)
    try:
        path = folder / "scores.parquet"
        write_single_file(rows, path, None)
        return pl.read_parquet(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
