"""The build on Spark gives DuckDB's marts and rollups: same files, schemas, sort order and rows.

Each fixture is built twice, by DuckDB and by PySpark in local mode, into two cache folders, and every output
table is compared row for row (`clientscope.spark.compare`: exact for keys, counts, codes, dates and DECIMAL
money, 1e-9 relative for DOUBLE columns). One SparkSession per test worker (2 shuffle partitions, no UI).
Slow: starting Spark and planning ten statements takes tens of seconds even on a few thousand rows.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from clientscope.build import STEPS
from clientscope.db import Database, query_sql
from clientscope.marts import MARTS, MONEY_SQL, build_marts, marts_dir
from clientscope.semantic import load_semantic_model
from clientscope.semantic.rollups import build_rollups, rollups_dir
from clientscope.spark.compare import folder_problems
from clientscope.spark.transpile import spark_sql_text
from tests.conftest import REPO_ROOT, SPARK_SETTINGS
from tests.tiny_extracts import tiny_frames, write_frames

pytestmark = pytest.mark.slow

MART_KEYS = {
    "customer_month_facts": ("customer_id", "month"),
    "churn_events": ("customer_id", "month"),
    "opening_churn": ("customer_id", "month"),
    "campaign_facts": ("campaign_id",),
    "touch_facts": ("touch_id",),
    "conversion_facts": ("conversion_id",),
    "customer_lifecycle": ("customer_id",),
}


@pytest.fixture(scope="module")
def model():
    return load_semantic_model(REPO_ROOT / "metrics.yaml")


def _build(data: Path, cache: Path, model, engine: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(cache))
    db = Database.open(data)
    if engine == "spark":
        from clientscope.spark.build import build_on_spark

        build_on_spark(db, model, SPARK_SETTINGS)
    build_marts(db, model.rules)
    build_rollups(db, model)
    return marts_dir(db, model.rules), rollups_dir(db, model)


def _compare(data: Path, tmp_path: Path, model, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    duck = _build(data, tmp_path / "duck", model, "duckdb", monkeypatch)
    spark = _build(data, tmp_path / "spark", model, "spark", monkeypatch)
    assert [p.relative_to(tmp_path / "duck") for p in duck] == [p.relative_to(tmp_path / "spark") for p in spark]
    order = {m.name: m.order_by for m in MARTS}
    # the serving aggregates (built by DuckDB from the core marts on both paths) match on every column
    keys = {**{m.name: m.columns for m in MARTS if m.name not in MART_KEYS}, **MART_KEYS}
    problems = folder_problems(duck[0], spark[0], keys, order)
    rollup_keys = {}
    for path in duck[1].glob("*.parquet"):
        names = pq.read_schema(path).names
        # measures (m_), conversion counts (cb_, cc_) and month masks are values; the rest of a row is its key
        rollup_keys[path.stem] = tuple(n for n in names if not n.startswith(("m_", "cb_", "cc_")) and n != "present")
        order[path.stem] = "month" if "month" in names else None  # the month masks are sorted by customer cell
    return problems + folder_problems(duck[1], spark[1], rollup_keys, order)


def test_demo_bank_marts_and_rollups_are_equal_on_both_engines(
    spark, model, demo_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _compare(demo_data, tmp_path, model, monkeypatch) == []
    marts = next((tmp_path / "spark" / "marts").glob("*/*"))
    assert sorted(p.name for p in marts.iterdir()) == sorted(f"{m.name}.parquet" for m in MARTS)
    facts = pl.read_parquet(marts / "customer_month_facts.parquet")
    assert facts.height > 10_000 and facts["stage"].n_unique() >= 5  # a real build, not two empty ones


def _edge_frames(*, include_optional: bool) -> dict[str, pl.DataFrame]:
    """The tiny bank with the cases the engines could disagree on: half-cent amounts, a missing balance (a NULL
    inside the lifecycle lists), the optional payroll column, and a touch at the very instant of a conversion."""
    frames = tiny_frames(include_optional=include_optional)
    months = frames["customer_months"]
    months = months.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(1.005).otherwise(pl.col("deposits")).alias("deposits"),
        pl.when(pl.int_range(pl.len()) == 1).then(-2.675).otherwise(pl.col("wealth")).alias("wealth"),
        pl.when(pl.int_range(pl.len()) == 2).then(None).otherwise(pl.col("aum_total")).alias("aum_total"),
        pl.lit(12_345.675).alias("payroll_inflow"),
    )
    frames["customer_months"] = months
    if include_optional:
        at_conversion = pl.lit(datetime(2025, 1, 20, 14, 30)).cast(pl.Datetime("us"))
        first = frames["touches"].head(1)
        extra = first.with_columns(pl.lit("T009").alias("touch_id"), at_conversion.alias("touch_ts"))
        frames["touches"] = pl.concat([frames["touches"], extra])
    return frames


@pytest.mark.parametrize("include_optional", [True, False], ids=["all-tables", "required-only"])
def test_tiny_bank_edge_cases_are_equal_on_both_engines(
    spark, model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, include_optional: bool
) -> None:
    data = tmp_path / "bank"
    write_frames(data, _edge_frames(include_optional=include_optional))
    assert _compare(data, tmp_path, model, monkeypatch) == []
    facts = pl.read_parquet(next((tmp_path / "spark" / "marts").glob("*/*")) / "customer_month_facts.parquet")
    first = facts.sort("customer_id", "month").row(0, named=True)
    assert first["deposits"] == Decimal("1.01")  # half a cent rounds away from zero on Spark too
    shutil.rmtree(tmp_path / "bank")


def test_transpiled_expressions_mean_what_duckdb_means(spark) -> None:
    """The rules where Spark's functions differ from DuckDB's, evaluated by both engines on edge values."""
    import duckdb

    sql = """
        select
            date_diff('month', date '2025-01-31', date '2025-02-01') as month_boundaries,
            date_diff('day', date '2025-01-31', date '2025-03-01') as days,
            list_position([1, 2, 3], 5) as absent_position,
            list_position([1, 2, 3], 2) as position,
            ['a', 'b', 'c'][2] as second,
            ['a', 'b', 'c'][$index] as bound_index,
            ['a', 'b'][5] as out_of_range,
            len($codes) as codes,
            cast(7 as decimal(18, 2)) / cast(2 as decimal(18, 2)) as decimal_division,
            7 / 2 as integer_division,
            cents(1.005) as half_cent_up,
            cents(-2.675) as half_cent_down,
            cents(0.004999) as below_half
    """
    params = {"index": 3, "codes": ["x", "y"]}
    con = duckdb.connect()
    con.execute(query_sql(MONEY_SQL))
    expected = con.sql(sql, params=params).fetchall()[0]
    got = tuple(spark.sql(spark_sql_text(sql, params)).collect()[0])
    assert [float(v) if isinstance(v, Decimal) else v for v in got] == [
        float(v) if isinstance(v, Decimal) else v for v in expected
    ]
    assert expected[0] == 1 and expected[2] is None and expected[6] is None


def test_cli_build_on_spark_serves_the_same_numbers(
    spark, demo_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """`clientscope build --engine spark` runs every step; the served database answers from Spark's files."""
    from clientscope.cli import main

    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CLIENTSCOPE_STATE", str(tmp_path / "state"))  # its own app store: the batch opens here
    monkeypatch.setenv("CLIENTSCOPE_SPARK_SHUFFLE_PARTITIONS", "2")
    assert main(["build", "--data", str(demo_data), "--engine", "spark", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()[: len(STEPS)]] == list(STEPS)
    assert all(line.split()[3] == "built" for line in out.splitlines()[: len(STEPS)])
    scores = pl.read_parquet(next((tmp_path / "cache" / "churn_page").glob("*/scores.parquet")))
    assert scores.height > 1_000 and scores["churn_probability"].is_between(0, 1).all()  # scored on Spark
    marts = next((tmp_path / "cache" / "marts").glob("*/*"))
    db = Database.open(demo_data)
    facts = str(marts / "customer_month_facts.parquet")
    assert "parquet-mr" in pq.ParquetFile(facts).metadata.created_by  # written by Spark, and kept by DuckDB's step
    expected = db.con.sql("select count(*), sum(aum_total) from read_parquet($path)", params={"path": facts}).fetchall()
    build_marts(db, load_semantic_model(REPO_ROOT / "metrics.yaml").rules)  # finds Spark's folder: only registers it
    assert db.con.sql("select count(*), sum(aum_total) from customer_month_facts").fetchall() == expected
    assert expected[0][0] > 10_000


def test_marts_built_in_parts_are_written_in_as_many_files_on_spark(
    spark, model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At scale a per-customer mart is built in parts of customers; Spark writes it in DuckDB's number of files
    (each sorted, its customers chosen by another hash) and the tables, read whole, are equal on both engines."""
    from clientscope import marts as marts_module

    data = tmp_path / "bank"
    frames = _edge_frames(include_optional=True)
    write_frames(data, frames)
    customers = frames["customers"].height
    monkeypatch.setattr(marts_module, "CUSTOMERS_PER_PART", 2)
    assert _compare(data, tmp_path, model, monkeypatch) == []
    parted = [m for m in MARTS if m.by_customer_parts]
    built = next((tmp_path / "spark" / "marts").glob("*/*"))
    for mart in parted:
        files = sorted(built.glob(f"{mart.name}.part*.parquet"))
        assert len(files) == -(-customers // 2), mart.name
    lifecycle = pl.concat([pl.read_parquet(p) for p in sorted(built.glob("customer_lifecycle.part*.parquet"))])
    assert sorted(lifecycle["customer_id"].to_list()) == sorted(frames["customers"]["customer_id"].to_list())
