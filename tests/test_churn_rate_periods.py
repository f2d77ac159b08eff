"""The churn rate over several months: the opening book's churners ÷ the opening book (docs/metrics.md, "Churn").

Checked twice: by hand on the fixture bank (tests/semantic_fixture.py), where C2 opened during the period and
churned in it; and on the seeded demo bank against churn events recomputed with polars from the raw extracts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from clientscope.db import Database, ViewerScope
from clientscope.marts import build_marts_in_memory
from clientscope.metric_catalog import catalog_frame
from clientscope.semantic import MetricRequest, compare_query, load_semantic_model, run_compiled, run_metric_query
from clientscope.semantic.model import SemanticModel
from clientscope.settings import PROJECT_ROOT
from tests.raw_extracts import raw_churn_events, read_extract
from tests.semantic_fixture import fixture_database, month_end

CHURN_METRICS = ("churned_customers", "opening_churned_customers", "opening_customers", "churn_rate")


@pytest.fixture(scope="module")
def model() -> SemanticModel:
    return load_semantic_model(PROJECT_ROOT / "metrics.yaml")


@pytest.fixture(scope="module")
def db(model: SemanticModel) -> Database:
    database = fixture_database()
    build_marts_in_memory(database, model.rules)
    return database


def run(db: Database, model: SemanticModel, **request) -> pl.DataFrame:
    return run_metric_query(db, model, MetricRequest(**request), ViewerScope(), cache=None).frame


def test_a_customer_who_joined_during_the_period_is_not_in_its_churn_rate(db: Database, model: SemanticModel) -> None:
    # February 2025 – March 2026.  Opening book (the end of January 2025): C1 C3 C4 C5 C6 C7 — C2 opened on
    # 2025-02-15.  Churned in the period: C5 (soft churn, June 2025), C3 (closed August), C6 (closed January 2026)
    # and C2 (closed March 2026).  C2 is a churner of the period but not of its opening book: 3 of 6 churned.
    frame = run(db, model, metrics=CHURN_METRICS, grain="all", start="2025-02", end="2026-03")
    assert frame.select(CHURN_METRICS).row(0) == (4, 3, 6, pytest.approx(3 / 6))


def test_by_dimension_a_churner_counts_where_the_opening_book_counts_them(db: Database, model: SemanticModel) -> None:
    # Tiers at the end of January 2025: private C3; affluent C1 C7; mass C4 C5 C6.  C2 was mass when it left
    # (February 2026) but is in no tier's opening book, so mass is 2 of 3 (C5, C6), not 3 of 3.
    frame = run(
        db, model, metrics=CHURN_METRICS, dimensions=("tier",), grain="all", start="2025-02", end="2026-03",
        totals="grand",
    )  # fmt: skip
    rows = {r["tier"]: r for r in frame.iter_rows(named=True)}
    assert (rows["private"]["opening_churned_customers"], rows["private"]["opening_customers"]) == (1, 1)
    assert (rows["mass"]["opening_churned_customers"], rows["mass"]["opening_customers"]) == (2, 3)
    assert rows["mass"]["churn_rate"] == pytest.approx(2 / 3)
    assert (rows["affluent"]["opening_churned_customers"], rows["affluent"]["churn_rate"]) == (0, 0.0)
    assert rows[None]["churn_rate"] == pytest.approx(3 / 6)  # the total is sum/sum of the same customers
    # West (B3): C3 C5 C7 on the book, C3 and C5 churned; East: C1 C4 C6 on the book, C6 churned
    regions = run(
        db, model, metrics=("churn_rate",), dimensions=("region",), grain="all", start="2025-02", end="2026-03"
    )
    assert dict(regions.select("region", "churn_rate").rows()) == {
        "East": pytest.approx(1 / 3),
        "West": pytest.approx(2 / 3),
    }


def test_quarters_and_single_months_keep_their_meaning(db: Database, model: SemanticModel) -> None:
    # Q1 2026: the book at the end of December 2025 is C1 C2 C4 C5 C6 C7 (C5 in soft churn but not closed);
    # C6 (January) and C2 (March) left: 2 of 6.  A quarter whose last month has no event after its opening book:
    # Q4 2025 (book at the end of September: C1 C2 C4 C5 C6 C7) had no churn.
    quarters = run(db, model, metrics=CHURN_METRICS, grain="quarter", start="2025-10", end="2026-03")
    assert quarters.select("period", *CHURN_METRICS).rows() == [
        (date(2025, 10, 1), 0, 0, 6, 0.0),
        (date(2026, 1, 1), 2, 2, 6, pytest.approx(2 / 6)),
    ]
    # one month: the monthly churn rate, as before (no customer of the fixture opens and leaves in one month)
    months = run(db, model, metrics=CHURN_METRICS, grain="month", start="2025-06", end="2026-03")
    for row in months.iter_rows(named=True):
        assert row["opening_churned_customers"] == row["churned_customers"], row["period"]


def test_the_churn_kpi_compares_the_month_with_its_prior(db: Database, model: SemanticModel) -> None:
    request = MetricRequest(metrics=("churn_rate",), grain="month", start="2026-01", end="2026-01")
    row = run_compiled(db, compare_query(model, request, "mom"), cache=None).frame.row(0, named=True)
    assert (row["churn_rate"], row["churn_rate__prior"]) == (pytest.approx(1 / 6), 0.0)  # C6 of 6; December none


def test_next_churn_month_follows_the_churn_events_rule(db: Database) -> None:
    facts = db.con.sql(
        "select customer_id, month, next_churn_month from opening_churn order by customer_id, month"
    ).pl()
    # the mart holds every opening-book row: every customer-month row but the latest month's
    rows = db.con.sql("select count(*) from customer_month_facts where next_month is not null").fetchall()[0][0]
    assert facts.height == rows
    events = db.con.sql("select customer_id, month from churn_events").pl()
    expected = (
        facts.join(events.rename({"month": "event"}), on="customer_id", how="left")
        .filter(pl.col("event") > pl.col("month"))
        .group_by("customer_id", "month")
        .agg(pl.col("event").min())
    )
    checked = facts.join(expected, on=["customer_id", "month"], how="left")
    assert checked.filter(pl.col("next_churn_month").ne_missing(pl.col("event"))).height == 0
    # by hand: C2's rows (Feb 2025 .. Feb 2026) point at its March 2026 closure; C5's May row at its soft churn
    c2 = checked.filter(pl.col("customer_id") == "C2")["next_churn_month"].unique().to_list()
    assert c2 == [month_end(14)]
    assert checked.filter((pl.col("customer_id") == "C5") & (pl.col("month") == month_end(4)))[
        "next_churn_month"
    ].to_list() == [month_end(5)]


# --- the demo bank against an independent computation from the raw extracts ---------------------------------------


def test_demo_bank_churn_rate_matches_an_independent_computation(demo_data: Path, demo_db) -> None:
    db, model = demo_db
    churn = model.rules.churn
    events = raw_churn_events(demo_data, float(churn.aum_floor), churn.dormant_months)
    rows = read_extract(demo_data, "customer_months").select("customer_id", pl.col("month").cast(pl.Date))
    close = read_extract(demo_data, "customers").select("customer_id", "close_date")
    months = sorted(rows["month"].unique().to_list())
    start, end = months[1], months[-1]  # the whole data but its first month (which has no opening book)
    opening_day = months[0]
    book = (
        rows.filter(pl.col("month") == opening_day)
        .join(close, on="customer_id", how="left")
        .filter(pl.col("close_date").is_null() | (pl.col("close_date") > opening_day))
    )
    in_period = events.filter((pl.col("month") >= start.replace(day=1)) & (pl.col("month") <= end))
    churners = in_period["customer_id"].unique()
    from_book = book.filter(pl.col("customer_id").is_in(churners.implode()))
    frame = run_metric_query(
        db, model, MetricRequest(metrics=CHURN_METRICS, grain="all", start=start, end=end), cache=None
    ).frame
    got = frame.select(CHURN_METRICS).row(0)
    assert got[:3] == (churners.len(), from_book.height, book.height)
    assert got[3] == pytest.approx(from_book.height / book.height)
    # the point of the definition: some churners of the period joined during it
    assert churners.len() > from_book.height


def test_the_metric_catalog_states_the_definition(model: SemanticModel) -> None:
    frame = catalog_frame(model, "en")
    rows = {r["name"]: r for r in frame.iter_rows(named=True)}
    assert rows["churn_rate"]["formula"] == (
        "Opening customers who churned ÷ Opening customers (at every level: total numerator ÷ total denominator)"
    )
    assert rows["opening_churned_customers"]["formula"] == (
        "Distinct count of customer_id over opening_churn (an opening balance: quarters and years take the first "
        "month), where close_date is null or close_date > month, and next_churn_month on or before the period's last "
        "month (the part of the opening book with that event in the period)"
    )
    assert rows["churn_rate"]["description"].startswith("Share of the opening book that churned during the period")
    zh = {r["name"]: r for r in catalog_frame(model, "zh_CN").iter_rows(named=True)}
    assert zh["churn_rate"]["description"].startswith("期初客户在期内的流失比例：期初客户流失数 ÷ 期初客户数")
