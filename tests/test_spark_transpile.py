"""Every build statement transpiles to Spark SQL (fast: no Spark), and the rewrites say what they do.

The engines' results are compared in tests/test_spark_build.py; this catches, in the fast suite, a query file
that starts using a DuckDB construct the Spark build has no rule for.
"""

from __future__ import annotations

import sqlglot

from clientscope.db import Database
from clientscope.marts import MARTS, mart_params
from clientscope.semantic.rollups import _statements
from clientscope.spark.transpile import spark_sql, spark_sql_text

CUSTOMER_MONTHS = ("customer_id", "month", "aum_total", "txn_count")  # without the optional payroll columns


def _columns_of(table: str) -> tuple[str, ...]:
    assert table == "customer_months"
    return CUSTOMER_MONTHS


def test_every_mart_transpiles_without_duckdb_only_constructs(demo_db) -> None:
    _, model = demo_db
    params = {**mart_params(model.rules), "use_holdings": True, "parts": 1, "part": 0}
    for mart in MARTS:
        sql = spark_sql(mart.sql_name, params, _columns_of)
        sqlglot.parse_one(sql, read="spark")  # valid Spark SQL
        lowered = sql.lower()
        for construct in ("asof", "by name", "list_position", "cents(", "qualify", "$", "__param__"):
            assert construct not in lowered, (mart.name, construct)


def test_the_optional_columns_are_added_only_when_the_extract_lacks_them(demo_db) -> None:
    _, model = demo_db
    params = {**mart_params(model.rules), "use_holdings": True, "parts": 1, "part": 0}
    lacking = spark_sql("marts/customer_month_facts", params, _columns_of)
    having = spark_sql("marts/customer_month_facts", params, lambda t: (*CUSTOMER_MONTHS, "payroll_inflow"))
    assert "CAST(NULL AS DOUBLE) AS payroll_inflow" in lacking
    assert "CAST(NULL AS DOUBLE) AS payroll_inflow" not in having
    assert "CAST(NULL AS DOUBLE) AS cross_border_spend" in having


def test_every_rollup_statement_transpiles(demo_db) -> None:
    db, model = demo_db
    assert isinstance(db, Database)
    statements = _statements(model)
    assert [r.name for r, _, _ in statements] == [
        "rollup_customer_month",
        "rollup_opening_churn",
        "rollup_customer_month_core",
        "rollup_customer_month_channel",
        # built by DuckDB on both engines: the month masks and the conversion counts (clientscope.spark.build)
        "rollup_customer_months",
        "rollup_touch_month",
        "rollup_touch_months",
    ]
    for _, sql, params in statements[:-3]:
        spark = spark_sql_text(sql, params)
        sqlglot.parse_one(spark, read="spark")
        assert ("FILTER(WHERE" in spark) == ("filter (where" in sql)  # measure filters survive


def test_ordered_lists_keep_nulls_and_order_through_structs() -> None:
    spark = spark_sql_text("select list(stage order by month_idx) as row_stage from t group by customer_id", {})
    assert spark == (
        "SELECT IF(SIZE(ARRAY_SORT(COLLECT_LIST(STRUCT(month_idx AS k0, stage AS v)))) = 0, NULL, "
        "TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(month_idx AS k0, stage AS v))), e -> e.v)) AS row_stage "
        "FROM t GROUP BY customer_id"
    )


def test_a_bound_list_index_keeps_duckdbs_one_based_meaning() -> None:
    import duckdb

    from clientscope.spark.transpile import bind, parse

    tree = bind(parse("select ['a', 'b', 'c'][$index] as bound, ['a', 'b', 'c'][2] as written"), {"index": 3})
    assert duckdb.sql(tree.sql("duckdb")).fetchall() == [("c", "b")]
    spark = spark_sql_text("select ['a', 'b', 'c'][$index] as bound", {"index": 3})
    assert spark == "SELECT TRY_ELEMENT_AT(ARRAY('a', 'b', 'c'), CAST(COALESCE(3) AS INT)) AS bound"
