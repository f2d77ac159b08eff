"""The Spark variants of the ASOF joins (queries/marts/*.spark.sql), pinned to the DuckDB files on DuckDB itself.

A mart with a `.spark.sql` beside it is built twice by DuckDB: from its own file, and from the file with the
variant's CTEs swapped in (the syntax tree Spark receives, before the Spark rewrites). Both must give the same
rows; the touch/conversion time line is also checked against hand-worked answers on its edge cases. (The Spark
engine itself is compared with DuckDB in tests/test_spark_build.py.)
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import polars as pl
import pytest

from clientscope.db import Database, query_sql
from clientscope.marts import MARTS, MONEY_SQL, mart_params, params_for
from clientscope.spark.compare import table_problems
from clientscope.spark.transpile import TranspileError, bind, parse, variant_path, with_spark_variant

VARIANTS = [m for m in MARTS if variant_path(m.sql_name).is_file()]
KEYS = {"touch_facts": ("touch_id",), "churn_events": ("customer_id", "month")}


def _params(db: Database, rules) -> dict:
    return {**mart_params(rules), "use_holdings": db.has("holdings"), "parts": 1, "part": 0}


def test_the_two_asof_marts_have_variants() -> None:
    assert sorted(m.name for m in VARIANTS) == ["churn_events", "touch_facts"]
    for mart in VARIANTS:
        assert "asof" in query_sql(mart.sql_name)
        assert "asof" not in with_spark_variant(mart.sql_name).sql("duckdb").lower()


@pytest.mark.parametrize("mart", VARIANTS, ids=lambda m: m.name)
def test_variant_ctes_build_the_same_mart_on_duckdb(demo_db, mart) -> None:
    db, model = demo_db
    params = _params(db, model.rules)
    cur = db.con.cursor()
    try:
        cur.execute(query_sql(MONEY_SQL))
        own_sql = query_sql(mart.sql_name)
        own = cur.sql(own_sql, params=params_for(own_sql, params)).pl()
        variant = cur.sql(bind(with_spark_variant(mart.sql_name), params).sql("duckdb")).pl()
    finally:
        cur.close()
    assert own.height > 100
    assert table_problems(mart.name, own, variant, KEYS[mart.name]) == []


def _touch_db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    at = lambda h, m=0: datetime(2025, 3, 3, h, m)  # noqa: E731
    touches = pl.DataFrame(
        {
            "touch_id": ["T1", "T2", "T3", "T4", "T5"],
            "customer_id": ["C1", "C1", "C1", "C2", "C3"],
            "campaign_id": ["K1"] * 5,
            "channel": ["sms"] * 5,
            "touch_ts": [at(10), at(11), at(13), at(10), None],
            "touch_type": ["sms"] * 5,
            "is_control": [False] * 5,
        },
        schema_overrides={"touch_ts": pl.Datetime("us")},
    )
    conversions = pl.DataFrame(
        {
            "conversion_id": ["V1", "V2", "V3", "V4"],
            "customer_id": ["C1", "C1", "C2", "C3"],
            "conversion_ts": [at(10), at(12), at(9), at(8)],
            "product_type": ["wealth"] * 4,
            "value": [1.0] * 4,
        }
    )
    frames = {
        "touches": touches,
        "conversions": conversions,
        "campaigns": pl.DataFrame({"campaign_id": ["K1"], "campaign_type": ["cross_sell"], "product_type": ["x"]}),
        "customers": pl.DataFrame(
            {
                "customer_id": ["C1", "C2", "C3"],
                "branch_id": ["B1"] * 3,
                "rm_id": ["R1"] * 3,
                "acquisition_channel": ["branch"] * 3,
                "gender": ["F"] * 3,
            }
        ),
        "branches": pl.DataFrame({"branch_id": ["B1"], "region": ["east"]}),
        "customer_month_facts": pl.DataFrame(
            {
                "customer_id": ["C1"],
                "month": [date(2025, 3, 31)],
                "tier": ["mass"],
                "tier_alt": ["silver"],
                "stage": ["active"],
                "age_band": ["25_34"],
                "warning_level": ["low"],
            }
        ),
    }
    for name, frame in frames.items():
        con.register(name, frame)
    return con


def test_next_conversion_time_line_matches_the_asof_join_on_ties_and_gaps() -> None:
    con = _touch_db()
    own = con.sql(query_sql("marts/touch_facts")).pl().sort("touch_id")
    variant = con.sql(bind(with_spark_variant("marts/touch_facts"), {}).sql("duckdb")).pl().sort("touch_id")
    # T1 converts at its own instant (>=), T2 at noon, T3 after the last conversion, T4 only after one, T5 has no time
    expected = [datetime(2025, 3, 3, 10), datetime(2025, 3, 3, 12), None, None, None]
    assert own["next_conversion_ts"].to_list() == expected
    assert variant.equals(own)


def test_a_variant_must_replace_a_cte_of_its_file(tmp_path, monkeypatch) -> None:
    import clientscope.spark.transpile as transpile

    (tmp_path / "marts").mkdir()
    (tmp_path / "marts" / "touch_facts.spark.sql").write_text("with nothing_here as (select 1) select 1\n")
    monkeypatch.setattr(transpile, "QUERIES_DIR", tmp_path)
    with pytest.raises(TranspileError, match=r"queries/marts/touch_facts.spark.sql replaces no CTE"):
        with_spark_variant("marts/touch_facts")


def test_binding_names_the_missing_value() -> None:
    with pytest.raises(TranspileError, match=r"no value for \$tier_codes"):
        bind(parse("select $tier_codes[1]"), {})
