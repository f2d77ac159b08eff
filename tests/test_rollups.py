"""Rollups (aggregate awareness): every metric by every rollup dimension and filter gives the detail answer.

Each request is compiled once; its detail SQL and its rollup variant are both run and compared, on the
hand-made fixture bank and on a small seeded demo bank (2,000 customers × 12 months), unrestricted and under
viewer scopes.  Floating-point sums may differ in the last bits (summation order), so floats compare to 1e-9.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clientscope import marts
from clientscope.db import Database, ViewerScope, run_query
from clientscope.semantic import (
    CompiledQuery,
    MetricRequest,
    compare_query,
    compile_query,
    load_semantic_model,
    metric_dimensions,
    metric_tables,
    run_metric_query,
    validate_against_data,
)
from clientscope.semantic.compiler import chosen_variant
from clientscope.semantic.model import RatioMetric
from clientscope.semantic.rollups import (
    LAYOUTS,
    available,
    build_rollups,
    build_rollups_in_memory,
    model_rollups,
    rollups_dir,
)
from clientscope.settings import PROJECT_ROOT
from tests.semantic_fixture import fixture_database, write_fixture

MODEL = load_semantic_model(PROJECT_ROOT / "metrics.yaml")
ROLLUP_DIMENSIONS = tuple(dict.fromkeys(d for layout in LAYOUTS for d in layout.dimensions))
NO_SCOPE = ViewerScope()


@pytest.fixture(scope="module")
def fixture_db() -> Database:
    db = fixture_database()
    marts.build_marts_in_memory(db, MODEL.rules)
    build_rollups_in_memory(db, MODEL)
    return db


@pytest.fixture(scope="module")
def demo(demo_data: Path) -> Database:
    db = Database.open(demo_data)  # its own database: the session's demo_db stays without rollups
    marts.build_marts(db, MODEL.rules)
    build_rollups(db, MODEL)
    return db


def months(db: Database) -> tuple[str, str, str]:
    """(first, second-to-last, last) month of the data as YYYY-MM."""
    found = db.con.sql("select distinct strftime(month, '%Y-%m') from customer_month_facts order by 1").fetchall()
    return found[0][0], found[-2][0], found[-1][0]


def filter_values(db: Database) -> dict[str, list[str | None]]:
    """Per rollup dimension, its two most frequent values (an empty value included when it is one of them)."""
    columns = {d: MODEL.dimension(d).column for d in ROLLUP_DIMENSIONS}
    facts = db.con.sql("select * from customer_month_facts").pl()
    return {d: facts[c].value_counts(sort=True)[c].head(2).to_list() for d, c in columns.items()}


def assert_same_answer(
    db: Database, compiled: CompiledQuery, scope: ViewerScope = NO_SCOPE, *, may_be_empty: bool = False
) -> int:
    """The rollup variant's answer equals the detail answer; returns its row count."""
    assert compiled.rollup is not None
    detail = run_query(db, compiled.sql, compiled.params, scope=scope).frame
    rolled = run_query(db, compiled.rollup.sql, compiled.rollup.params, scope=scope).frame
    assert may_be_empty or detail.height > 0
    assert_frame_equal(detail, rolled, rel_tol=1e-9, abs_tol=1e-6)
    return detail.height


def reads_customer_months(metric: str) -> bool:
    return "customer_month_facts" in metric_tables(MODEL, metric)


def counts_events_in_period(metric: str) -> bool:
    """An `event_in_period` count (the churn rate's numerator) depends on the period's last month: only a rollup
    keyed by the event column (rollup_opening_churn) answers it, and only for the dimensions that one has."""
    found = MODEL.metric(metric)
    parts = [found.numerator.metric, found.denominator.metric] if isinstance(found, RatioMetric) else [metric]
    return any(getattr(MODEL.metric(p), "event_in_period", None) for p in parts)


def requests_for(db: Database, metric: str, values: dict[str, list[str | None]]) -> list[tuple[str, CompiledQuery]]:
    """The request shapes the pages make: a trend, quarters, the whole period, a KPI comparison, and by each rollup
    dimension with subtotals, filtered on that dimension and on another."""
    first, before_last, last = months(db)
    allowed = [d for d in ROLLUP_DIMENSIONS if d in metric_dimensions(MODEL, metric)]
    tier = {"tier": values["tier"]} if "tier" in allowed else {}
    kpi = MetricRequest(metrics=(metric,), filters=tier, grain="all", start=last, end=last)
    found = [
        ("trend", compile_query(MODEL, MetricRequest(metrics=(metric,), start=first, end=last, totals="grand"))),
        ("quarters", compile_query(MODEL, MetricRequest(metrics=(metric,), grain="quarter", start=first, end=last))),
        ("whole period", compile_query(MODEL, MetricRequest(metrics=(metric,), grain="all", start=first, end=last))),
        ("kpi", compare_query(MODEL, kpi, "mom")),
    ]
    for dim in allowed:
        other = "stage" if dim == "tier" else "tier"
        filters = {dim: values[dim], **({other: values[other]} if other in allowed else {})}
        by_dim = MetricRequest(
            metrics=(metric,), dimensions=(dim,), filters=filters, start=before_last, end=last, totals="rollup"
        )
        found.append((f"by {dim}", compile_query(MODEL, by_dim)))
        # the whole period by the dimension, filtered: a distinct count reads the month masks (month_masks.py)
        whole = MetricRequest(
            metrics=(metric,), dimensions=(dim,), filters=filters, grain="all", start=first, end=last, totals="rollup"
        )
        found.append((f"whole period by {dim}", compile_query(MODEL, whole)))
    return found


def check_metric(db: Database, metric: str, values: dict[str, list[str | None]]) -> None:
    # a conversion rate (and what is computed from one) has no complete window in the data's last months: some of
    # its answers are empty
    conversion = "touch_facts" in metric_tables(MODEL, metric)
    rows = compared = 0
    for what, compiled in requests_for(db, metric, values):
        if compiled.rollup is None:
            # a request a rollup cannot answer exactly (a distinct count over several months, an event_in_period
            # count) stays on the detail
            expected = what == "quarters" or what.startswith("whole period") or counts_events_in_period(metric)
            assert expected or not reads_customer_months(metric), what
            continue
        rows += assert_same_answer(db, compiled, may_be_empty=conversion)
        compared += 1
    assert rows > 0 or not compared


@pytest.fixture(scope="module")
def fixture_values(fixture_db: Database) -> dict[str, list[str | None]]:
    return filter_values(fixture_db)


@pytest.fixture(scope="module")
def demo_values(demo: Database) -> dict[str, list[str | None]]:
    return filter_values(demo)


@pytest.mark.parametrize("metric", sorted(MODEL.metrics))
def test_every_metric_by_every_dimension_on_the_fixture(fixture_db: Database, fixture_values, metric: str) -> None:
    check_metric(fixture_db, metric, fixture_values)


@pytest.mark.parametrize("metric", sorted(MODEL.metrics))
def test_every_metric_by_every_dimension_on_the_demo_bank(demo: Database, demo_values, metric: str) -> None:
    check_metric(demo, metric, demo_values)


def test_the_headline_requests_read_the_small_rollup(demo: Database) -> None:
    _, _, last = months(demo)
    headline = ("customers", "aum_total", "active_rate", "churn_rate", "alert_aum", "cross_sell_rate")
    kpi = compare_query(MODEL, MetricRequest(metrics=headline, grain="month", start=last, end=last), "mom")
    tier_mix = compile_query(
        MODEL, MetricRequest(metrics=("customers", "aum_total"), dimensions=("tier",), start=last, end=last)
    )
    trend = compile_query(
        MODEL, MetricRequest(metrics=("customers",), dimensions=("tier",), filters={"region": ["华东区"]})
    )
    for compiled in (kpi, tier_mix, trend):
        assert compiled.rollup is not None and "rollup_customer_month_core" in compiled.rollup.requires
        assert chosen_variant(demo, compiled) is compiled.rollup
    # the churn rate's numerator (churned by the period's end) reads the opening book's rollup
    assert set(kpi.rollup.requires) == {"rollup_customer_month_core", "rollup_opening_churn"}
    assert set(tier_mix.rollup.requires) == set(trend.rollup.requires) == {"rollup_customer_month_core"}
    channel = compile_query(MODEL, MetricRequest(metrics=("customers",), filters={"acquisition_channel": ["branch"]}))
    assert channel.rollup is not None and set(channel.rollup.requires) == {"rollup_customer_month_channel"}
    sizes = {
        name: demo.con.sql(f"select count(*) from {name}").fetchall()[0][0]
        for name in ("customer_month_facts", "rollup_customer_month_core", "rollup_customer_month")
    }
    assert sizes["rollup_customer_month_core"] * 3 < sizes["customer_month_facts"]
    assert sizes["rollup_customer_month_core"] < sizes["rollup_customer_month"] <= sizes["customer_month_facts"]


def test_distinct_counts_over_several_months_stay_on_the_detail_rows() -> None:
    # customers served in a quarter: a customer is in three months, so the month rollup cannot re-add it
    quarter = compile_query(MODEL, MetricRequest(metrics=("customer_base",), grain="quarter"))
    assert quarter.rollup is None
    # over one whole period with both bounds, the month masks can; without bounds or by stage they cannot
    period = MetricRequest(metrics=("customer_base",), grain="all", start="2025-01", end="2025-12")
    assert set(compile_query(MODEL, period).rollup.requires) == {"rollup_customer_months"}
    assert compile_query(MODEL, MetricRequest(metrics=("customer_base",), grain="all")).rollup is None
    by_stage = MetricRequest(
        metrics=("customer_base",), dimensions=("stage",), grain="all", start="2025-01", end="2025-12"
    )
    assert compile_query(MODEL, by_stage).rollup is None
    # but a one-month period, and the semi-additive period-end headcount, can
    one_month = compile_query(
        MODEL, MetricRequest(metrics=("customer_base",), grain="all", start="2025-09", end="2025-09")
    )
    assert one_month.rollup is not None
    assert compile_query(MODEL, MetricRequest(metrics=("customers",), grain="year")).rollup is not None
    # a dimension no rollup has stays on the detail rows
    assert compile_query(MODEL, MetricRequest(metrics=("aum_total",), dimensions=("city",))).rollup is None
    by_warning = MetricRequest(metrics=("aum_total",), filters={"warning_level": ["high"]})
    assert compile_query(MODEL, by_warning).rollup is None


@pytest.mark.parametrize(
    "scope",
    [
        ViewerScope(regions=frozenset({"West"})),
        ViewerScope(branches=frozenset({"B1", "B2"})),
        ViewerScope(rms=frozenset({"R2"})),
        ViewerScope(regions=frozenset({"East"}), rms=frozenset({"R1"})),
    ],
    ids=["region", "branches", "rm", "region-and-rm"],
)
def test_a_scope_restricts_the_rollups_as_it_restricts_the_detail_rows(fixture_db: Database, scope) -> None:
    request = MetricRequest(
        metrics=("customers", "aum_total", "churn_rate", "active_rate", "products_per_customer"),
        dimensions=("tier",),
        start="2025-06",
        end="2026-03",
        totals="grand",
    )
    assert_same_answer(fixture_db, compile_query(MODEL, request), scope)
    whole = MetricRequest(
        metrics=("active_rate", "customer_base"), dimensions=("region",), grain="all", start="2025-06", end="2026-03"
    )
    assert_same_answer(fixture_db, compile_query(MODEL, whole), scope)


def test_a_scoped_rollup_shows_only_the_viewers_rows(fixture_db: Database) -> None:
    west = ViewerScope(regions=frozenset({"West"}))
    rows = run_query(fixture_db, "select distinct region, branch_id from rollup_customer_month_core", scope=west)
    assert rows.frame.rows() == [("West", "B3")]
    r2 = run_query(
        fixture_db, "select distinct rm_id from rollup_customer_month", scope=ViewerScope(rms=frozenset({"R2"}))
    )
    assert r2.frame["rm_id"].to_list() == ["R2"]  # customers without an RM are not an RM's
    frame = run_metric_query(
        fixture_db, MODEL, MetricRequest(metrics=("aum_total",), start="2025-09", end="2025-09"), west, cache=None
    ).frame
    assert frame["aum_total"].to_list() == [800_500.0]  # C5 500 + C7 800,000


def test_every_rollup_shows_an_rms_viewer_only_that_rms_rows(fixture_db: Database) -> None:
    read = "select * from query_table($rollup)"
    for rollup in model_rollups(MODEL):
        assert {"branch_id", "rm_id"} <= set(rollup.keys)
        everyone = run_query(fixture_db, read, {"rollup": rollup.name}).frame
        seen = run_query(fixture_db, read, {"rollup": rollup.name}, scope=ViewerScope(rms=frozenset({"R2"}))).frame
        expected = everyone.filter(pl.col("rm_id") == "R2")  # customers without an RM are not an RM's
        assert 0 < expected.height < everyone.height, rollup.name  # the check can tell
        assert_frame_equal(seen, expected, check_row_order=False)
    assert model_rollups(MODEL)[0].name == "rollup_customer_month"  # the parent is built first


def test_a_changed_metric_falls_back_to_the_detail_rows(fixture_db: Database) -> None:
    metric = MODEL.metrics["active_customers"].model_copy(update={"filter": "txn_count > 3"})
    changed = MODEL.model_copy(update={"metrics": {**MODEL.metrics, "active_customers": metric}})
    compiled = compile_query(changed, MetricRequest(metrics=("active_customers",), start="2025-11", end="2025-11"))
    assert compiled.rollup is not None and not available(fixture_db, compiled.rollup.requires)
    assert chosen_variant(fixture_db, compiled) is compiled
    # Nov 2025: C1 (5), C7 (4) transact more than 3 times; C4 (2) and C6 (1) do not
    frame = run_metric_query(
        fixture_db, changed, MetricRequest(metrics=("active_customers",), start="2025-11", end="2025-11"), cache=None
    ).frame
    assert frame["active_customers"].to_list() == [2]
    unchanged = compile_query(MODEL, MetricRequest(metrics=("active_customers",), start="2025-11", end="2025-11"))
    assert chosen_variant(fixture_db, unchanged) is unchanged.rollup
    assert chosen_variant(fixture_database(), unchanged) is unchanged  # no rollups built there


def test_cached_build_is_keyed_reused_and_registered(tmp_path: Path, cache_dir: Path) -> None:
    data = write_fixture(tmp_path / "bank")
    db = Database.open(data)
    marts.build_marts(db, MODEL.rules)
    names = build_rollups(db, MODEL)
    folder = rollups_dir(db, MODEL)
    assert folder.is_relative_to(cache_dir / "rollups" / db.version)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.parquet" for n in names)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".tmp")]
    stamp = (folder / "rollup_customer_month_core.parquet").stat().st_mtime_ns
    again = Database.open(data)
    marts.build_marts(again, MODEL.rules)
    assert build_rollups(again, MODEL) == names
    assert (folder / "rollup_customer_month_core.parquet").stat().st_mtime_ns == stamp  # reused
    total = again.con.sql(
        "select sum(customers) from (select month, count(*) as customers from customer_month_facts group by 1)"
    ).fetchall()
    measures = [m for m in model_rollups(MODEL)[0].measures if m.kind == "rows" and not m.conditions]
    rolled = again.con.sql(f"select sum({measures[0].column}) from rollup_customer_month_core").fetchall()
    assert rolled == total == [(93,)]
    request = MetricRequest(metrics=("customers",), start="2026-03", end="2026-03")
    assert chosen_variant(again, compile_query(MODEL, request)).requires == {
        "rollup_customer_month_core": compile_query(MODEL, request).rollup.requires["rollup_customer_month_core"]
    }
    assert run_metric_query(again, MODEL, request, cache=None).frame["customers"].to_list() == [4]  # C1 C4 C5 C7


def test_the_latest_month_shows_its_real_churn_on_the_demo_bank(demo: Database) -> None:
    _, _, last = months(demo)
    frame = run_metric_query(
        demo, MODEL, MetricRequest(metrics=("churned_customers", "churn_rate"), start=last, end=last), cache=None
    ).frame
    # independently, from the customer-month rows: closures dated in the last month of customers not already in
    # soft churn at the previous month-end, plus customers entering soft churn in the last month; over the book
    # at the previous month-end (not closed by then)
    facts = demo.con.sql("select customer_id, month, close_date, is_soft_churn from customer_month_facts").pl()
    end = facts["month"].max()
    previous = facts.filter(pl.col("month") == facts["month"].unique().sort()[-2])
    current = facts.filter(pl.col("month") == end)
    closed = previous.filter(
        (pl.col("close_date") >= date(end.year, end.month, 1))
        & (pl.col("close_date") <= end)
        & ~pl.col("is_soft_churn")
    )
    entered = current.filter(pl.col("is_soft_churn")).join(
        previous.filter(pl.col("is_soft_churn")), on="customer_id", how="anti"
    )
    opening = previous.filter(pl.col("close_date").is_null() | (pl.col("close_date") > pl.col("month")))
    churned = set(closed["customer_id"]) | set(entered["customer_id"])
    assert len(closed) > 0  # the newest month is no longer always 0
    assert frame["churned_customers"].to_list() == [len(churned)]
    assert frame["churn_rate"].to_list() == [pytest.approx(len(churned) / opening.height)]


def test_the_data_stage_of_validation_runs_on_a_database_with_rollups(fixture_db: Database) -> None:
    assert validate_against_data(MODEL, fixture_db) == []


def test_month_masks_hold_each_customers_months_as_bits(fixture_db: Database) -> None:
    """Bit i of block b is the data's month 64·b + i; recomputed from the detail rows in Python."""
    from clientscope.semantic.month_masks import MASK_LAYOUT, mask_rollup

    rollup = mask_rollup(MODEL)
    plain = next(m for m in rollup.measures if not m.conditions)  # every month the customer is on the books
    masks = fixture_db.con.sql(f"select * from {MASK_LAYOUT.name}").pl()
    assert masks.schema[plain.column] == pl.UInt64
    facts = fixture_db.con.sql("select * from customer_month_facts").pl()
    first = facts["month"].min()
    expected: dict[tuple, int] = {}
    for row in facts.iter_rows(named=True):
        index = (row["month"].year - first.year) * 12 + row["month"].month - first.month
        key = (row["customer_id"], index // 64, row["region"], row["branch_id"], row["rm_id"], row["tier"])
        key += (row["acquisition_channel"],)
        expected[key] = expected.get(key, 0) | 1 << (index % 64)
    keys = ["customer_id", "month_block", "region", "branch_id", "rm_id", "tier", "acquisition_channel"]
    got = {tuple(r[k] for k in keys): r[plain.column] for r in masks.iter_rows(named=True)}
    assert got == expected
    rows_per_customer = masks.group_by("customer_id").len()
    singles = set(rows_per_customer.filter(pl.col("len") == 1)["customer_id"])
    assert set(masks.filter(pl.col("single"))["customer_id"]) == singles
