"""Money adds up exactly, every time: DECIMAL(18,2) amounts in the marts, exact sums, identical answers.

- the marts' money columns are DECIMAL(18,2), rounded half away from zero to the cent from the extracts' values;
- a total is the exact sum of the cents (checked against Python's `decimal` on a hand-made bank whose float sum
  depends on the order of addition), from the detail marts and from the rollups alike;
- the same view asked many times on several threads (DuckDB with 8 threads, a mart large enough to be scanned in
  parallel) gives the same bytes every time, for metric queries and for a whole workbook built by four "workers".
"""

from __future__ import annotations

import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from clientscope import marts
from clientscope.db import FULL_SCOPE, Database, decimals_as_float, run_query
from clientscope.export import write_workbook
from clientscope.money import cents_sum, cents_total
from clientscope.reports import ReportRequest, builder
from clientscope.semantic import load_semantic_model
from clientscope.semantic.compiler import MetricRequest, chosen_variant, compile_query, run_metric_query
from clientscope.semantic.model import SemanticModel
from clientscope.semantic.rollups import build_rollups, build_rollups_in_memory
from clientscope.settings import PROJECT_ROOT
from clientscope.validation import validate
from clientscope.view_context import build_page_context
from tests.tiny_extracts import TINY_MONTHS, tiny_frames, write_frames

JAN, FEB = TINY_MONTHS


@pytest.fixture(scope="module")
def model() -> SemanticModel:
    return load_semantic_model(PROJECT_ROOT / "metrics.yaml")


def _amounts(frame: pl.DataFrame, column: str, values: list[float]) -> pl.DataFrame:
    return frame.with_columns(pl.Series(column, values, dtype=pl.Float64))


def _cents_bank() -> dict[str, pl.DataFrame]:
    """The tiny bank (tests/tiny_extracts.py) with amounts chosen by hand.

    Rows of customer_months: C001, C002, C003, C004 in January; C001, C002, C004 in February.
    - February's AUM is 0.1 + 0.2 + 0.3: as floats that sum is 0.6000000000000001 in row order and 0.6 in reverse
      order, so a float total depends on how DuckDB's threads happen to add; the exact total is 0.60.
    - January's AUM mixes a large balance with cents: 335,212,390.55 + 0.03 + 0.03 + 0.03 = 335,212,390.64 (as
      floats 335212390.6399999 in row order).
    - card_spend, txn_amount, loan_balance, conversion value and campaign cost hold half-cent ties and sub-cent
      noise, for the rounding rule.
    """
    frames = tiny_frames()
    months = frames["customer_months"]
    aum = [335_212_390.55, 0.03, 0.03, 0.03, 0.1, 0.2, 0.3]
    months = _amounts(months, "aum_total", aum)
    months = _amounts(months, "deposits", aum)
    months = _amounts(months, "wealth", [0.0] * 7)
    months = _amounts(months, "insurance", [0.0] * 7)
    # 1.005 is stored as 1.00499999999999989..., 2.675 as 2.67499999999999982...: both are rounded as written
    months = _amounts(months, "card_spend", [1.005, 2.675, -1.005, -2.675, 0.125, 0.30000000000000004, 1e-7])
    months = _amounts(months, "txn_amount", [0.005, -0.005, 0.004999, 123_456_789.125, 2e12 + 0.125, 0.0, 0.0])
    frames["customer_months"] = months
    frames["conversions"] = _amounts(frames["conversions"], "value", [19_999.995])
    frames["campaigns"] = _amounts(frames["campaigns"], "cost", [4_999.994999])
    return frames


def _database(frames: dict[str, pl.DataFrame]) -> Database:
    con = duckdb.connect()
    db = Database.from_connection(con)
    for name, frame in frames.items():
        db.register(name, con.from_arrow(frame.to_arrow()))
    return db


@pytest.fixture(scope="module")
def cents_db(model: SemanticModel) -> Database:
    db = _database(_cents_bank())
    marts.build_marts_in_memory(db, model.rules)
    build_rollups_in_memory(db, model)
    return db


def test_every_money_column_of_every_mart_is_decimal_18_2(cents_db: Database) -> None:
    for mart in marts.MARTS:
        relation = cents_db.con.sql(f"select * from {mart.name}")
        types = {name: str(kind) for name, kind in zip(relation.columns, relation.types, strict=True)}
        money = {name for name, kind in types.items() if "DECIMAL" in kind}
        assert money == set(marts.MONEY_COLUMNS[mart.name]), mart.name
        for name in money:
            assert types[name] in ("DECIMAL(18,2)", "DECIMAL(18,2)[]"), (mart.name, name, types[name])


def _mart_values(db: Database, sql: str) -> list[tuple]:
    return db.con.sql(sql).fetchall()


def test_amounts_are_rounded_half_away_from_zero_to_the_cent_as_written(cents_db: Database) -> None:
    rows = _mart_values(cents_db, "select card_spend, txn_amount from customer_month_facts order by month, customer_id")
    # row order: Jan C001..C004, Feb C001, C002, C004 (as written in _cents_bank)
    assert [r[0] for r in rows] == [
        Decimal("1.01"),  # 1.005 → 1.01 (half away from zero, although the double is a hair below 1.005)
        Decimal("2.68"),  # 2.675 → 2.68
        Decimal("-1.01"),  # −1.005 → −1.01 (away from zero, not up)
        Decimal("-2.68"),
        Decimal("0.13"),  # 0.125 (an exact binary tie) → 0.13
        Decimal("0.30"),  # float noise 0.30000000000000004 → 0.30
        Decimal("0.00"),  # 0.0000001 → 0.00
    ]
    assert [r[1] for r in rows[:4]] == [
        Decimal("0.01"),
        Decimal("-0.01"),
        Decimal("0.00"),  # 0.004999 is below the half cent
        Decimal("123456789.13"),
    ]
    assert rows[4][1] == Decimal("2000000000000.13")  # from 10^12 on, the double itself is rounded
    assert _mart_values(cents_db, "select value from conversion_facts") == [(Decimal("20000.00"),)]
    assert _mart_values(cents_db, "select cost from campaign_facts") == [(Decimal("4999.99"),)]


def test_the_float_sums_of_the_fixture_really_depend_on_the_order() -> None:
    # What the exact types protect against: the same three amounts, added in two orders, as floats.
    assert 0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1
    assert 335_212_390.55 + 0.03 + 0.03 + 0.03 != 335_212_390.64


@pytest.mark.parametrize("use_rollups", [False, True])
def test_money_totals_are_the_exact_sum_of_the_cents(
    cents_db: Database, model: SemanticModel, use_rollups: bool
) -> None:
    request = MetricRequest(
        metrics=("aum_total", "deposits", "aum_per_customer"), dimensions=("region",), grain="month", totals="grand"
    )
    compiled = compile_query(model, request)
    chosen = chosen_variant(cents_db, compiled) if use_rollups else compiled
    assert (chosen is not compiled) == use_rollups  # the rollups are built and answer this request
    frame = run_query(cents_db, chosen.sql, chosen.params).frame
    totals = frame.filter(pl.col("is_total")).sort("period")
    # Independent: Python's decimal over the amounts as written in the fixture, per month.
    months = _cents_bank()["customer_months"]
    for month, total in zip((JAN, FEB), totals.iter_rows(named=True), strict=True):
        amounts = months.filter(pl.col("month") == month)["aum_total"].to_list()
        exact = sum((Decimal(repr(a)) for a in amounts), Decimal(0))
        assert total["period"] == date(month.year, month.month, 1)
        assert total["aum_total"] == total["deposits"] == float(exact)
        assert total["aum_per_customer"] == float(exact) / len(amounts)
    assert totals["aum_total"].to_list() == [335_212_390.64, 0.6]


def test_a_metric_total_is_identical_from_the_marts_and_from_the_rollups(
    cents_db: Database, model: SemanticModel
) -> None:
    request = MetricRequest(metrics=("aum_total", "alert_aum", "attributed_revenue"), grain="month", totals="grand")
    compiled = compile_query(model, request)
    routed = chosen_variant(cents_db, compiled)
    assert routed is not compiled
    detail = run_query(cents_db, compiled.sql, compiled.params).frame
    rolled = run_query(cents_db, routed.sql, routed.params).frame
    assert detail.equals(rolled)
    assert detail.filter(pl.col("period") == date(2025, 1, 1))["attributed_revenue"].to_list() == [20_000.0]


def test_hand_written_sums_over_the_marts_come_back_as_floats_of_the_exact_sum(cents_db: Database) -> None:
    frame = run_query(
        cents_db,
        "select month, sum(aum_total) as aum, list(aum_total order by customer_id) as each_aum "
        "from customer_month_facts group by month order by month",
    ).frame
    assert frame.schema["aum"] == pl.Float64
    assert frame.schema["each_aum"] == pl.List(pl.Float64)
    assert frame["aum"].to_list() == [335_212_390.64, 0.6]
    assert frame["each_aum"].to_list()[1] == [0.1, 0.2, 0.3]


def test_decimals_as_float_leaves_other_columns_alone() -> None:
    frame = duckdb.sql(
        "select cast(1.10 as decimal(18, 2)) as amount, [cast(2.5 as decimal(18, 2))] as amounts, "
        "1.5::double as share, 7 as n, 'x' as code"
    ).pl()
    converted = decimals_as_float(frame)
    assert converted.schema == pl.Schema(
        {"amount": pl.Float64, "amounts": pl.List(pl.Float64), "share": pl.Float64, "n": pl.Int32, "code": pl.String}
    )
    assert converted.row(0) == (1.1, [2.5], 1.5, 7, "x")


def test_amounts_the_marts_cannot_hold_are_validation_errors(tmp_path: Path) -> None:
    frames = tiny_frames()
    card = [12_000.0, float("nan"), 0.0, 800.0, 15_000.0, float("nan"), 650.0]
    frames["customer_months"] = _amounts(frames["customer_months"], "card_spend", card)
    frames["conversions"] = _amounts(frames["conversions"], "value", [float("-inf")])
    frames["campaigns"] = _amounts(frames["campaigns"], "cost", [1e16])
    write_frames(tmp_path, frames)
    report = validate(tmp_path)
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "ERROR customer_months/: column 'card_spend' is not a usable amount on 2 rows (e.g. customer_id='C002': "
        "nan); amounts are kept to the cent and must be finite numbers below 10^16. Fix: export empty values "
        "instead of NaN or infinity, and check the column's unit (an amount in cents or a wrong scale factor can "
        "overflow)",
        "ERROR campaigns.parquet: column 'cost' is not a usable amount on 1 row (e.g. campaign_id='K001': "
        "10,000,000,000,000,000.00); amounts are kept to the cent and must be finite numbers below 10^16. Fix: "
        "export empty values instead of NaN or infinity, and check the column's unit (an amount in cents or a "
        "wrong scale factor can overflow)",
        "ERROR conversions.parquet: column 'value' is not a usable amount on 1 row (e.g. conversion_id='V001': "
        "-inf); amounts are kept to the cent and must be finite numbers below 10^16. Fix: export empty values "
        "instead of NaN or infinity, and check the column's unit (an amount in cents or a wrong scale factor can "
        "overflow)",
    ]


def test_the_largest_amount_validation_accepts_still_builds(model: SemanticModel) -> None:
    frames = tiny_frames()
    frames["campaigns"] = _amounts(frames["campaigns"], "cost", [9e15])  # below the 10^16 that validation refuses
    db = _database(frames)
    marts.build_marts_in_memory(db, model.rules)
    assert db.con.sql("select cost from campaign_facts").fetchall() == [(Decimal("9000000000000000.00"),)]


def test_python_totals_of_money_are_added_in_cents_whatever_the_order() -> None:
    amounts = [0.1, 0.2, 0.3, None, 335_212_390.55]
    forward, backward = pl.Series(amounts), pl.Series(list(reversed(amounts)))
    assert forward.sum() != 335_212_391.15  # polars adds the floats to 335212391.15000004
    assert cents_total(forward) == cents_total(backward) == 335_212_391.15
    assert cents_total(pl.Series([], dtype=pl.Float64)) == 0.0
    assert cents_total(pl.Series([None], dtype=pl.Float64)) == 0.0
    frame = pl.DataFrame({"group": ["a", "b", "a", "a"], "amount": [0.1, 5.0, 0.2, 0.3]})
    totals = frame.group_by("group").agg(cents_sum("amount")).sort("group")
    assert totals.rows() == [("a", 0.6), ("b", 5.0)]


# --- the same view, many times, on several threads ---------------------------------------------------------------

# ~257k customer-months: the customer-month mart has three Parquet row groups, so DuckDB (8 threads) adds partial
# sums in parallel and in a varying order. With float amounts the answers below differed between runs in their
# last digits (e.g. 2 or 3 distinct results in 16, and 4 different segment workbooks in 4); with exact money they
# never do.
PARALLEL_CUSTOMERS = 25_000


@pytest.fixture(scope="module")
def parallel_bank(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    from clientscope.demo import generate

    out = tmp_path_factory.mktemp("money") / "bank"
    generate(out, customers=PARALLEL_CUSTOMERS, months=12, seed=11)
    return out


def _open(data: Path, model: SemanticModel, *, with_rollups: bool) -> Database:
    db = Database.open(data, threads=8)
    marts.build_marts(db, model.rules)  # built once, then every other "worker" opens the cached marts
    if with_rollups:
        build_rollups(db, model)
    return db


@pytest.mark.slow
def test_the_same_metric_query_gives_the_same_bytes_on_every_thread(parallel_bank: Path, model: SemanticModel) -> None:
    db = _open(parallel_bank, model, with_rollups=False)  # no rollups: every query scans the detail mart
    assert db.con.sql("select count(*) from customer_month_facts").fetchall()[0][0] > 2 * 122_880
    by_region = MetricRequest(
        metrics=("aum_total", "deposits", "wealth", "aum_per_customer", "alert_aum"),
        dimensions=("region",),
        grain="month",
        totals="grand",
    )
    campaigns = MetricRequest(metrics=("attributed_revenue", "campaign_cost", "roi"), grain="all")

    def answer(_: int) -> bytes:
        frames = [run_metric_query(db, model, r, cache=None).frame for r in (by_region, campaigns)]
        return b"".join(f.write_csv().encode() for f in frames)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(answer, range(16)))
    assert len(set(answers)) == 1
    # and the latest total is the exact sum of the cents: independently, in integer cents over the extract (the
    # demo's amounts are whole cents, checked first)
    whole_cents, cents = db.con.sql(
        "select bool_and(abs(aum_total * 100 - round(aum_total * 100)) < 1e-6), "
        "sum(cast(round(aum_total * 100) as bigint)) from customer_months "
        "where month = (select max(month) from customer_months)"
    ).fetchall()[0]
    assert whole_cents
    first = run_metric_query(db, model, by_region, cache=None).frame
    last_total = first.filter(pl.col("is_total")).sort("period")["aum_total"].to_list()[-1]
    assert last_total == float(Decimal(cents) / 100)


def _sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {n: book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/") or "sharedStrings" in n}


@pytest.mark.slow
def test_four_workers_export_byte_identical_segment_workbooks(
    parallel_bank: Path, model: SemanticModel, tmp_path: Path
) -> None:
    _open(parallel_bank, model, with_rollups=True)  # build the cached marts and rollups once

    def export(worker: int) -> dict[str, bytes]:
        db = _open(parallel_bank, model, with_rollups=True)  # its own database and query cache, as a worker has
        pc = build_page_context(db, model, parallel_bank, {"lang": "en"}, FULL_SCOPE)
        spec = builder("segments")(ReportRequest(pc, datetime(2026, 1, 5, 9, 30)))
        return _sheets(write_workbook(spec, tmp_path / f"segments-{worker}.xlsx"))

    with ThreadPoolExecutor(max_workers=4) as pool:
        books = list(pool.map(export, range(4)))
    assert len(books[0]) > 5
    for name, content in books[0].items():
        assert all(book[name] == content for book in books[1:]), name
