"""Churn scoring on Spark gives DuckDB's scores: the same rows, types, probabilities and risk levels.

The model is trained once (on one machine, as in the build); the latest month-end's signals are then computed by
Spark from the transpiled query file and scored in its Python workers (`clientscope.spark.scoring.SparkScores`),
and compared with the DuckDB path's rows (`latest_scores_on_duckdb`). Slow: Spark plans the signal windows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clientscope.churn.files import model_config
from clientscope.churn.model import train_or_load
from clientscope.churn.scoring import ScoringModel, latest_scores_on_duckdb
from clientscope.churn.signals import default_rules, load_signals
from clientscope.churn.split import latest_month, month_counts
from clientscope.db import Database
from clientscope.spark.scoring import SparkScores
from tests.conftest import SPARK_SETTINGS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(demo_data: Path, tmp_path_factory: pytest.TempPathFactory):
    db = Database.open(demo_data)
    config = model_config(month_counts(db).height)
    cache = tmp_path_factory.mktemp("churn-model")
    return db, train_or_load(db, cache, db.version, trained_on=date(2026, 12, 6), rules=default_rules(), config=config)


def test_spark_scores_equal_duckdb_scores(spark, trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(tmp_path))
    db, model = trained
    duck = latest_scores_on_duckdb(db, model).sort("customer_id")
    on_spark = SparkScores(SPARK_SETTINGS)(db, model).sort("customer_id")
    # the scored columns DuckDB's path has, in its order and types; probabilities to 1e-9 relative, the rest exact
    assert on_spark.schema == duck.schema
    assert_frame_equal(on_spark, duck, check_exact=False, rel_tol=1e-9, abs_tol=0.0)
    latest = month_counts(db).filter(pl.col("month") == pl.col("month").max())
    assert duck.height == latest["open_customers"][0] > 1_000  # every open customer of the latest month-end
    assert set(duck["risk_level"]) == {"high", "medium", "low"}
    assert list(tmp_path.glob("spark_scores/*")) == []  # the hand-over file is removed


def test_scoring_a_row_does_not_depend_on_its_batch(trained) -> None:
    """Spark hands the rows to the model in batches of its choosing: scoring them apart equals scoring them whole."""
    db, model = trained
    month = latest_month(db)
    signals = load_signals(db, model.rules, first_month=month, last_month=month)
    scoring = ScoringModel.of(model)
    whole = scoring.scored(signals)
    batches = pl.concat([scoring.scored(signals.slice(i, 97)) for i in range(0, signals.height, 97)])
    assert_frame_equal(batches, whole)
