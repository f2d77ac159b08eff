"""Pivot compilation (clientscope/semantic/pivot.py): every cell, subtotal and total of one GROUPING SETS query
against independent DuckDB queries written here, on the hand-made fixture bank (tests/semantic_fixture.py)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from clientscope.db import Database
from clientscope.marts import build_marts_in_memory
from clientscope.semantic import CompileError, load_semantic_model
from clientscope.semantic.compiler import chosen_variant
from clientscope.semantic.model import SemanticModel
from clientscope.semantic.pivot import (
    PivotRequest,
    column_total,
    compile_pivot,
    grouping_sets,
    row_depth,
    run_pivot,
)
from clientscope.semantic.rollups import build_rollups_in_memory
from clientscope.settings import PROJECT_ROOT
from tests.semantic_fixture import fixture_database

START, END = date(2025, 7, 1), date(2026, 1, 1)  # the period 2025-07 .. 2025-12 (end exclusive)
ROW_COLUMNS = {"region": "region", "branch": "branch_id"}


@pytest.fixture(scope="module")
def model() -> SemanticModel:
    return load_semantic_model(PROJECT_ROOT / "metrics.yaml")


@pytest.fixture(scope="module")
def db(model: SemanticModel) -> Database:
    database = fixture_database()
    build_marts_in_memory(database, model.rules)
    return database


def sql(db: Database, statement: str, **params) -> pl.DataFrame:
    return db.con.sql(statement, params=params).pl()


def independent(db: Database, level: tuple[str, ...]) -> dict[tuple, dict[str, float]]:
    """The pivot's metrics for one grouping (`level`: mart columns), written from the marts by hand:
    AUM and customers at the period's last month-end, customers seen in the period (distinct), and the churn
    rate's opening book (first month's opening rows) and its churners (event by the period's last month)."""
    keys = ", ".join(level) or "'all'"
    group = f"group by {keys}" if level else ""
    snapshot = sql(
        db,
        f"""select {keys} as k_, {", ".join(level) + "," if level else ""}
                   sum(aum_total)::double as aum_total, count(distinct customer_id) as customers
            from customer_month_facts
            where month = (select max(month) from customer_month_facts where month >= $s and month < $e)
            {group}""",
        s=START,
        e=END,
    )
    base = sql(
        db,
        f"""select {", ".join(level) + "," if level else ""} count(distinct customer_id) as customer_base
            from customer_month_facts where month >= $s and month < $e {group}""",
        s=START,
        e=END,
    )
    book = sql(
        db,
        f"""with ends as (select min(next_month) as first_m, max(next_month) as last_m from opening_churn
                          where next_month >= $s and next_month < $e)
            select {", ".join(level) + "," if level else ""}
                   count(distinct customer_id) as opening,
                   count(distinct customer_id) filter (where next_churn_month <= (select last_m from ends)) as churned
            from opening_churn
            where next_month = (select first_m from ends) and (close_date is null or close_date > month)
            {group}""",
        s=START,
        e=END,
    )
    out: dict[tuple, dict[str, float]] = {}
    for frame in (snapshot, base, book):
        for row in frame.iter_rows(named=True):
            out.setdefault(tuple(row[c] for c in level), {}).update(row)
    return out


def test_grouping_sets_cover_every_row_level_with_and_without_the_column() -> None:
    assert grouping_sets(("region", "branch"), "tier") == (
        ("region", "branch", "tier"),
        ("region", "tier"),
        ("tier",),
        ("region", "branch"),
        ("region",),
        (),
    )
    assert grouping_sets(("region", "branch"), None) == (("region", "branch"), ("region",), ())
    assert grouping_sets((), "tier") == (("tier",), ())
    assert grouping_sets((), None) == ()


def test_two_level_rows_by_tier_every_cell_subtotal_and_total(db: Database, model: SemanticModel) -> None:
    request = PivotRequest(
        metrics=("aum_total", "customers", "customer_base", "churn_rate", "opening_customers"),
        rows=("region", "branch"),
        column="tier",
        start="2025-07",
        end="2025-12",
    )
    compiled = compile_pivot(model, request)
    assert compiled.sql.count("grouping sets") >= 1 and ";" not in compiled.sql  # one statement
    frame = run_pivot(db, model, request, cache=None).frame
    checked = 0
    for depth in (2, 1, 0):
        for with_tier in (True, False):
            level = (*[ROW_COLUMNS[d] for d in request.rows[:depth]], *(["tier"] if with_tier else []))
            expected = independent(db, tuple(level))
            rows = frame.filter(
                pl.col("grouping_id").map_elements(
                    lambda g, d=depth, w=with_tier: row_depth(g, request) == d and column_total(g, request) != w,
                    return_dtype=pl.Boolean,
                )
            )
            names = [*request.rows[:depth], *(["tier"] if with_tier else [])]
            got = {tuple(r[n] for n in names): r for r in rows.iter_rows(named=True)}
            for key, want in expected.items():
                cell = got[key]
                assert cell["aum_total"] == pytest.approx(want.get("aum_total") or 0.0), (level, key)
                assert cell["customers"] == (want.get("customers") or 0), (level, key)
                assert cell["customer_base"] == (want.get("customer_base") or 0), (level, key)
                assert cell["opening_customers"] == (want.get("opening") or 0), (level, key)
                if want.get("opening"):
                    assert cell["churn_rate"] == pytest.approx(want["churned"] / want["opening"]), (level, key)
                checked += 1
            assert set(got) == set(expected), level
    assert checked == 20  # every row of the result (4 branch×tier cells ... the grand total) was checked


def test_distinct_counts_and_ratios_are_not_sums_of_their_parts(db: Database, model: SemanticModel) -> None:
    request = PivotRequest(
        metrics=("customer_base", "churn_rate", "opening_churned_customers", "opening_customers"),
        rows=("region",),
        column="tier",
        start="2025-06",
        end="2026-01",
    )
    frame = run_pivot(db, model, request, cache=None).frame
    in_total = pl.col("grouping_id").map_elements(lambda g: column_total(g, request), pl.Boolean)
    east = frame.filter(pl.col("region") == "East")
    by_tier, total = east.filter(~in_total), east.filter(in_total)
    # C4 (East) moved from mass (June) to affluent (July 2025): in two tier columns, once in the total
    assert by_tier["customer_base"].sum() == total["customer_base"][0] + 1
    # East's opening book: C1 affluent (stays), C2, C4, C6 mass (C6 left in January 2026): 1 ÷ 4, not the
    # mean of the tiers' rates (0 and 1/3)
    assert total["churn_rate"][0] == pytest.approx(1 / 4)
    assert sorted(by_tier["churn_rate"].drop_nulls().to_list()) == pytest.approx([0.0, 1 / 3])
    assert total["churn_rate"][0] == pytest.approx(
        by_tier["opening_churned_customers"].sum() / by_tier["opening_customers"].sum()
    )


def test_quarter_columns_with_yoy_take_each_quarters_last_month(db: Database, model: SemanticModel) -> None:
    request = PivotRequest(
        metrics=("aum_total",), rows=("region",), column="quarter", start="2026-01", end="2026-03", compare="yoy"
    )
    frame = run_pivot(db, model, request, cache=None).frame
    assert frame["period"].unique().to_list() == [date(2026, 1, 1)]

    def aum(month: date, region: str | None) -> float:
        where = "and region = $r" if region else ""
        params = {"m": month} | ({"r": region} if region else {})
        statement = f"select sum(aum_total)::double as v from customer_month_facts where month = $m {where}"
        return sql(db, statement, **params)["v"][0]

    for region in ("East", "West", None):
        row = frame.filter(pl.col("region") == region if region else pl.col("grouping_id") == 1)
        assert row["aum_total"][0] == pytest.approx(aum(date(2026, 3, 31), region))
        assert row["aum_total__prior"][0] == pytest.approx(aum(date(2025, 3, 31), region))
        assert row["aum_total__change"][0] == pytest.approx(row["aum_total"][0] - row["aum_total__prior"][0])


def test_pivot_reads_the_rollups_where_the_plain_compiler_does(db: Database, model: SemanticModel) -> None:
    build_rollups_in_memory(db, model)
    request = PivotRequest(
        metrics=("aum_total", "customers"), rows=("region", "branch"), column="tier", start="2025-10", end="2025-12"
    )
    compiled = compile_pivot(model, request)
    assert compiled.rollup is not None and chosen_variant(db, compiled) is compiled.rollup
    assert "rollup_customer_month_core" in compiled.rollup.sql
    from_rollup = run_pivot(db, model, request, cache=None).frame.sort("grouping_id", "region", "branch", "tier")
    detail = db.con.sql(compiled.sql, params=compiled.params).pl().sort("grouping_id", "region", "branch", "tier")
    assert from_rollup.equals(detail)
    # a dimension no rollup holds stays on the detail rows
    city = compile_pivot(model, PivotRequest(metrics=("aum_total",), rows=("city",), start="2025-10", end="2025-12"))
    assert city.rollup is None


def test_a_column_dimension_that_is_also_a_row_is_refused(model: SemanticModel) -> None:
    with pytest.raises(CompileError, match="'tier' is both a row and the column dimension"):
        compile_pivot(model, PivotRequest(metrics=("aum_total",), rows=("tier",), column="tier"))
    with pytest.raises(CompileError, match="cannot be broken down by 'region'"):
        compile_pivot(model, PivotRequest(metrics=("campaign_cost",), rows=("region",)))
