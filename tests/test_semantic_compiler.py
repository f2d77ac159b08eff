"""The metric compiler against the hand-made fixture bank (tests/semantic_fixture.py): every number by hand."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from clientscope.db import Database, ViewerScope
from clientscope.marts import build_marts_in_memory
from clientscope.semantic import (
    CompileError,
    MetricRequest,
    compare_query,
    compile_query,
    drill_count_query,
    drill_query,
    load_semantic_model,
    metric_dimensions,
    run_compiled,
    run_metric_query,
)
from clientscope.semantic.model import SemanticModel
from clientscope.semantic.sqltext import quote
from clientscope.settings import PROJECT_ROOT
from tests.semantic_fixture import fixture_database, month_end

WEST = ViewerScope(regions=frozenset({"West"}))


@pytest.fixture(scope="module")
def model() -> SemanticModel:
    return load_semantic_model(PROJECT_ROOT / "metrics.yaml")


@pytest.fixture(scope="module")
def db(model: SemanticModel) -> Database:
    database = fixture_database()
    build_marts_in_memory(database, model.rules)
    return database


def run(db: Database, model: SemanticModel, scope: ViewerScope | None = None, **request) -> pl.DataFrame:
    req = MetricRequest(**request)
    return run_metric_query(db, model, req, scope or ViewerScope()).frame


# AUM by month-end, from the fixture's table: Jan 2025 and the months of Q3 / Q4 2025 and Jan 2026
AUM_JAN_2025 = 600_000 + 8_000_000 + 400_000 + 500 + 20_000 + 1_000_000
AUM_SEP_2025 = 680_000 + 50_000 + 550_000 + 500 + 20_000 + 800_000  # C3 closed in August
AUM_OCT_2025 = 690_000 + 50_000 + 550_000 + 500 + 20_000 + 600_000
AUM_DEC_2025 = 710_000 + 50_000 + 550_000 + 500 + 20_000 + 600_000
AUM_JAN_2026 = 720_000 + 50_000 + 550_000 + 500 + 600_000  # C6 closed in January


def test_quarter_aum_is_the_last_months_balance_not_the_sum(db: Database, model: SemanticModel) -> None:
    quarters = run(db, model, metrics=("aum_total", "customers"), grain="quarter", start="2025-07", end="2025-12")
    assert quarters["period"].to_list() == [date(2025, 7, 1), date(2025, 10, 1)]
    assert quarters["aum_total"].to_list() == [AUM_SEP_2025, AUM_DEC_2025]
    assert quarters["customers"].to_list() == [6, 6]  # period-end headcount, not 7 seen during Q3
    months = run(db, model, metrics=("aum_total",), grain="month", start="2025-07", end="2025-09")
    assert months["aum_total"][-1] == AUM_SEP_2025
    assert sum(months["aum_total"].to_list()) != AUM_SEP_2025


def test_total_over_a_period_takes_its_last_month(db: Database, model: SemanticModel) -> None:
    total = run(db, model, metrics=("aum_total", "customer_base"), grain="all", start="2025-01", end="2025-10")
    assert total["aum_total"].to_list() == [AUM_OCT_2025]
    assert total["customer_base"].to_list() == [7]  # every customer seen in the period (additive count)
    assert "period" not in total.columns


def test_total_active_rate_is_sum_over_sum_not_the_average_of_segments(db: Database, model: SemanticModel) -> None:
    frame = run(
        db,
        model,
        metrics=("active_rate", "active_customers", "customer_base"),
        dimensions=("region",),
        grain="month",
        start="2025-11",
        end="2025-11",
        totals="grand",
    )
    rows = {r["region"]: r for r in frame.iter_rows(named=True)}
    # Nov 2025: East C1, C4, C6 active of C1, C2, C4, C6; West C7 active of C5, C7
    assert rows["East"]["active_rate"] == pytest.approx(3 / 4)
    assert rows["West"]["active_rate"] == pytest.approx(1 / 2)
    total = frame.filter(pl.col("is_total")).row(0, named=True)
    assert (total["region"], total["grouping_id"]) == (None, 1)
    assert (total["active_customers"], total["customer_base"]) == (4, 6)
    assert total["active_rate"] == pytest.approx(4 / 6)
    assert total["active_rate"] != pytest.approx((3 / 4 + 1 / 2) / 2)


def test_rollup_subtotals_every_level(db: Database, model: SemanticModel) -> None:
    frame = run(
        db,
        model,
        metrics=("customers",),
        dimensions=("region", "tier"),
        grain="month",
        start="2025-09",
        end="2025-09",
        totals="rollup",
    )
    by_level = frame.group_by("grouping_id").agg(pl.col("customers").sum()).sort("grouping_id").rows()
    # detail rows, region subtotals (tier rolled up) and the grand total each add up to the 6 customers
    assert by_level == [(0, 6), (1, 6), (3, 6)]
    west = frame.filter((pl.col("region") == "West") & (pl.col("grouping_id") == 1))["customers"].to_list()
    assert west == [2]


def test_churn_rate(db: Database, model: SemanticModel) -> None:
    # Definition change: churned customers are counted in the month they left, over the customers on the books at
    # the start of that month (a row at the previous month-end, not closed by then).
    months = run(
        db,
        model,
        metrics=("churn_rate", "churned_customers", "opening_customers"),
        grain="month",
        start="2025-06",
        end="2026-03",
    )
    by_month = {r["period"]: r for r in months.iter_rows(named=True)}
    assert by_month[date(2025, 6, 1)]["churned_customers"] == 1  # C5 soft churn
    assert by_month[date(2025, 6, 1)]["churn_rate"] == pytest.approx(1 / 7)  # 7 on the books at the end of May
    assert by_month[date(2025, 8, 1)]["churn_rate"] == pytest.approx(1 / 7)  # C3 closes on 2025-08-20
    assert by_month[date(2025, 9, 1)]["opening_customers"] == 6  # C3's August row: closed by then, not opening
    assert by_month[date(2025, 12, 1)]["churn_rate"] == 0.0  # C6 is still on the books at the end of December
    assert by_month[date(2026, 1, 1)]["churn_rate"] == pytest.approx(1 / 6)  # C6 closes on 2026-01-10
    # the latest month shows its real churn: C2 closes on 2026-03-15, 5 on the books at the end of February
    march = by_month[date(2026, 3, 1)]
    assert (march["churned_customers"], march["opening_customers"]) == (1, 5)
    assert march["churn_rate"] == pytest.approx(1 / 5)
    assert by_month[date(2025, 7, 1)]["churn_rate"] == 0.0
    # a quarter: churned in the quarter ÷ the opening book of its first month (6 at the end of December)
    quarter = run(
        db, model, metrics=("churn_rate", "opening_customers"), grain="quarter", start="2026-01", end="2026-03"
    )
    assert quarter.select("churn_rate", "opening_customers").row(0) == (pytest.approx(2 / 6), 6)
    # 2025: C5 and C3; the data starts in January 2025, so the earliest opening book is the end of January (6)
    year = run(db, model, metrics=("churn_rate",), grain="year", start="2025-01", end="2025-12")
    assert year["churn_rate"].to_list() == [pytest.approx(2 / 6)]


def test_churn_rate_by_tier_counts_churners_as_the_opening_book_does(db: Database, model: SemanticModel) -> None:
    frame = run(
        db, model, metrics=("churned_customers", "opening_customers", "churn_rate"), dimensions=("tier",),
        grain="month", start="2025-08", end="2025-08", totals="grand",
    )  # fmt: skip
    rows = {r["tier"]: r for r in frame.iter_rows(named=True)}
    # C3 was private at the end of July; the opening book then: private C3, affluent C1 C4 C7, mass C2 C5 C6
    assert (rows["private"]["churned_customers"], rows["private"]["opening_customers"]) == (1, 1)
    assert rows["private"]["churn_rate"] == 1.0
    assert (rows["affluent"]["opening_customers"], rows["mass"]["opening_customers"]) == (3, 3)
    assert rows[None]["churn_rate"] == pytest.approx(1 / 7)


def test_churn_kpi_and_drill_in_the_latest_month(db: Database, model: SemanticModel) -> None:
    request = MetricRequest(metrics=("churn_rate",), grain="month", start="2026-03", end="2026-03")
    row = run_compiled(db, compare_query(model, request, "mom")).frame.row(0, named=True)
    assert (row["churn_rate"], row["churn_rate__prior"]) == (pytest.approx(1 / 5), 0.0)
    churned = run_compiled(db, drill_query(model, "churn_rate", clicked={"period": "2026-03"})).frame
    # the numerator's rows are opening-book rows (churners of the opening book): C2's row at the end of February
    assert churned.select("customer_id", "month", "close_date").rows() == [("C2", month_end(13), date(2026, 3, 15))]
    numerator = run_compiled(db, drill_query(model, "opening_churned_customers", clicked={"period": "2026-03"})).frame
    assert numerator.select("customer_id", "next_churn_month").rows() == [("C2", month_end(14))]  # left in March
    opening = drill_query(model, "churn_rate", clicked={"period": "2026-03"}, part="denominator")
    assert run_compiled(db, opening).frame["customer_id"].to_list() == ["C1", "C2", "C4", "C5", "C7"]
    reasons = run(db, model, metrics=("churned_customers",), dimensions=("churn_reason",), grain="all")
    assert dict(reasons.select("churn_reason", "churned_customers").rows()) == {"closed": 3, "soft_churn": 1}


def test_conversion_inside_and_outside_the_window(db: Database, model: SemanticModel) -> None:
    frame = run(
        db,
        model,
        metrics=("campaign_conversion_rate", "control_conversion_rate", "uplift"),
        grain="month",
        start="2025-09",
        end="2025-10",
    )
    september, october = frame.iter_rows(named=True)
    # treated C1 (converted 10 days later), C2 (45 days: outside the 30-day window), C7 (20 days)
    assert september["campaign_conversion_rate"] == pytest.approx(2 / 3)
    assert september["control_conversion_rate"] == pytest.approx(1 / 2)  # C4 converted, C6 did not
    assert september["uplift"] == pytest.approx(2 / 3 - 1 / 2)
    assert october["campaign_conversion_rate"] == 0.0  # C7's October touch: no conversion after it
    assert october["control_conversion_rate"] is None


def test_a_longer_window_catches_the_late_conversion(db: Database, model: SemanticModel) -> None:
    metric = model.metrics["campaign_conversion_rate"].model_copy(update={"window_days": 60})
    wide = model.model_copy(update={"metrics": {**model.metrics, "campaign_conversion_rate": metric}})
    frame = run(db, wide, metrics=("campaign_conversion_rate",), grain="month", start="2025-09", end="2025-09")
    assert frame["campaign_conversion_rate"].to_list() == [1.0]


def test_campaign_cost_cpa_and_roi_by_campaign(db: Database, model: SemanticModel) -> None:
    frame = run(
        db,
        model,
        metrics=("campaign_cost", "attributed_conversions", "attributed_revenue", "cost_per_acquisition", "roi"),
        dimensions=("campaign",),
        grain="all",
        totals="grand",
    )
    rows = {(r["campaign"], r["is_total"]): r for r in frame.iter_rows(named=True)}
    k1, k2, total = rows[("K1", False)], rows[("K2", False)], rows[(None, True)]
    assert (k1["attributed_conversions"], k1["attributed_revenue"]) == (2, 8_000.0)  # V1 3,000 + V4 5,000
    assert k1["cost_per_acquisition"] == 5_000.0
    assert k1["roi"] == pytest.approx((8_000 - 10_000) / 10_000)
    assert k2["roi"] == -1.0 and k2["cost_per_acquisition"] is None
    assert total["roi"] == pytest.approx((8_000 - 15_000) / 15_000)


def test_month_over_month(db: Database, model: SemanticModel) -> None:
    request = MetricRequest(metrics=("aum_total", "active_rate"), grain="month", start="2025-10", end="2025-10")
    row = run_compiled(db, compare_query(model, request, "mom")).frame.row(0, named=True)
    assert (row["aum_total"], row["aum_total__prior"]) == (AUM_OCT_2025, AUM_SEP_2025)
    assert row["aum_total__change"] == AUM_OCT_2025 - AUM_SEP_2025
    assert row["aum_total__pct_change"] == pytest.approx((AUM_OCT_2025 - AUM_SEP_2025) / AUM_SEP_2025)
    # active rate 4/6 in Oct vs 5/6 in Sep (C2 stopped): the change is the difference of the rates
    assert row["active_rate__change"] == pytest.approx(4 / 6 - 5 / 6)
    assert row["active_rate__pct_change"] == pytest.approx(-0.2)


def test_year_over_year_and_quarter_over_quarter(db: Database, model: SemanticModel) -> None:
    kpi = MetricRequest(metrics=("aum_total",), grain="all", start="2026-01", end="2026-01")
    row = run_compiled(db, compare_query(model, kpi, "yoy")).frame.row(0, named=True)
    assert (row["aum_total"], row["aum_total__prior"]) == (AUM_JAN_2026, AUM_JAN_2025)
    by_month = MetricRequest(metrics=("aum_total",), grain="month", start="2026-01", end="2026-02")
    frame = run_compiled(db, compare_query(model, by_month, "yoy")).frame
    assert frame["aum_total__prior"].to_list()[0] == AUM_JAN_2025
    quarter = MetricRequest(metrics=("aum_total",), grain="quarter", start="2025-10", end="2025-12")
    row = run_compiled(db, compare_query(model, quarter, "qoq")).frame.row(0, named=True)
    assert (row["aum_total"], row["aum_total__prior"]) == (AUM_DEC_2025, AUM_SEP_2025)


def test_a_comparison_shorter_than_the_grain_is_refused(model: SemanticModel) -> None:
    quarter = MetricRequest(metrics=("aum_total",), grain="quarter", start="2025-10", end="2025-12")
    with pytest.raises(CompileError, match=r"^a mom comparison needs a grain no coarser than 1 month\(s\)$"):
        compare_query(model, quarter, "mom")


def test_drill_respects_the_metric_filter_the_page_filters_and_the_click(db: Database, model: SemanticModel) -> None:
    query = drill_query(model, "active_rate", filters={"region": ["East"]}, clicked={"period": "2025-11"})
    rows = run_compiled(db, query).frame
    # the numerator's rows: active customers only (C2 is in East but silent in November)
    assert rows["customer_id"].to_list() == ["C1", "C4", "C6"]
    assert rows.columns == list(model.metrics["active_rate"].drill_fields)
    clicked = drill_query(
        model, "active_rate", filters={"region": ["East"]}, clicked={"period": "2025-11", "branch": "B2"}
    )
    assert run_compiled(db, clicked).frame["customer_id"].to_list() == ["C6"]
    no_rm = drill_query(model, "customers", clicked={"rm": None}, start="2025-11", end="2025-11")
    assert run_compiled(db, no_rm).frame["customer_id"].to_list() == ["C2", "C5", "C6"]


def test_drill_of_a_balance_lists_the_periods_last_month_with_paging(db: Database, model: SemanticModel) -> None:
    page = drill_query(model, "aum_total", start="2025-07", end="2025-09", order_by=["-aum_total"], limit=2, offset=1)
    frame = run_compiled(db, page).frame
    assert frame.select("customer_id", "aum_total").rows() == [("C1", 680_000.0), ("C4", 550_000.0)]
    count = run_compiled(db, drill_count_query(model, "aum_total", start="2025-07", end="2025-09")).frame
    assert count["rows"].to_list() == [6]


def test_a_region_scope_never_returns_another_regions_rows(db: Database, model: SemanticModel) -> None:
    frame = run(
        db,
        model,
        scope=WEST,
        metrics=("aum_total", "customers", "touches", "conversions"),
        dimensions=("region",),
        grain="month",
        start="2025-09",
        end="2025-09",
        totals="grand",
    )
    assert frame["region"].to_list() == ["West", None]
    assert frame["aum_total"].to_list() == [800_500.0, 800_500.0]  # C5 500 + C7 800,000
    assert frame["touches"].to_list() == [1, 1]  # T6 (C7); T1, T2 are East's
    drill = run_compiled(db, drill_query(model, "customers", start="2025-09", end="2025-09"), WEST).frame
    assert set(drill["region"]) == {"West"} and drill["customer_id"].to_list() == ["C5", "C7"]
    touches = run_compiled(db, drill_query(model, "touches", start="2025-09", end="2025-10"), WEST).frame
    assert touches["customer_id"].to_list() == ["C7", "C7"]


def test_filters_are_bound_parameters(db: Database, model: SemanticModel) -> None:
    hostile = "East' or '1'='1"
    request = MetricRequest(
        metrics=("customers",), filters={"region": [hostile]}, grain="month", start="2025-09", end="2025-09"
    )
    compiled = compile_query(model, request)
    assert hostile not in compiled.sql and [hostile] in compiled.params.values()
    assert run_compiled(db, compiled).frame.height == 0
    # literals inside metrics.yaml expressions are parameters too: no quoted value in the SQL text
    at_risk = compile_query(model, MetricRequest(metrics=("alert_customers",), start="2025-10", end="2025-10"))
    assert "'high'" not in at_risk.sql and "high" in at_risk.params.values()
    assert "'" not in re.sub(r"date_trunc\('(month|quarter|year)'", "", at_risk.sql)


def test_red_warning_metrics(db: Database, model: SemanticModel) -> None:
    # Red warning = warning score >= 50 (metrics.yaml rules.risk; hand-checked in test_marts): in Oct 2025 only
    # C7 (AUM 600,000) of the 6 customers on the books; in Dec 2025 only C2 (50,000; C5 scores 30 and has
    # churned, C7 scores 30)
    frame = run(
        db,
        model,
        metrics=("alert_customers", "alert_aum", "alert_share"),
        grain="month",
        start="2025-10",
        end="2025-12",
    ).sort("period")
    assert frame.select("alert_customers", "alert_aum").rows() == [(1, 600_000.0), (0, 0.0), (1, 50_000.0)]
    assert frame["alert_share"].to_list() == [pytest.approx(1 / 6), pytest.approx(0.0), pytest.approx(1 / 6)]


def test_filters_a_metric_cannot_honour_are_reported(model: SemanticModel) -> None:
    request = MetricRequest(metrics=("aum_total", "campaign_cost"), filters={"region": ["East"]}, grain="all")
    assert compile_query(model, request).ignored_filters == {"campaign_cost": ("region",)}


def test_requests_outside_the_allow_lists_are_refused(model: SemanticModel) -> None:
    with pytest.raises(CompileError, match=r"^unknown metric 'aum_totl' \(did you mean 'aum_total'\?\)$"):
        compile_query(model, MetricRequest(metrics=("aum_totl",)))
    with pytest.raises(CompileError, match=r"^metric 'campaign_cost' cannot be broken down by 'region'$"):
        compile_query(model, MetricRequest(metrics=("campaign_cost",), dimensions=("region",)))
    with pytest.raises(CompileError, match=r"^unknown dimension 'regoin' \(did you mean 'region'\?\)$"):
        compile_query(model, MetricRequest(metrics=("customers",), filters={"regoin": ["East"]}))
    with pytest.raises(CompileError, match=r"^invalid month '2025-13': expected YYYY-MM$"):
        compile_query(model, MetricRequest(metrics=("customers",), start="2025-13"))
    with pytest.raises(CompileError, match=r"^cannot order by 'region': not a metric or dimension of the request$"):
        compile_query(model, MetricRequest(metrics=("customers",), order_by=("region",)))
    with pytest.raises(CompileError, match=r"^metric 'roi' is derived: drill into the metrics it is computed from$"):
        drill_query(model, "roi")
    with pytest.raises(CompileError, match=r"^identifier 'x; drop' is not allowed here$"):
        quote("x; drop", ("customers",))


def test_metric_dimensions_are_the_shared_dimensions_of_the_sources(model: SemanticModel) -> None:
    assert metric_dimensions(model, "roi") == ("channel", "campaign", "campaign_type", "product_type")
    assert "tier" in metric_dimensions(model, "churn_rate")
    assert month_end(0) == date(2025, 1, 31)


def test_labels_and_formats_come_from_the_model(model: SemanticModel) -> None:
    assert model.tier_labels("en") == {"private": "Private banking", "affluent": "Affluent", "mass": "Mass"}
    assert model.tier_labels("zh_CN", "card") == {"diamond": "钻石卡", "gold": "金卡", "silver": "银卡"}
    assert model.label("churn_rate", "zh_CN") == "流失率"
    assert model.value_label("stage", "dormant", "en") == "Dormant"
    assert model.value_label("acquisition_channel", "carrier_pigeon", "en") == "carrier_pigeon"
    assert model.format_of("churn_rate").type == "percent"


def test_conversion_metrics_read_the_precomputed_next_conversion_and_agree_with_the_join(demo_db) -> None:
    """The touch mart's next_conversion_ts answers a conversion metric without a join; a conversion filter
    (only some conversions count) still joins. With an always-true filter both must give the same numbers."""
    db, model = demo_db
    fast = model.metrics["campaign_conversion_rate"]
    joined = fast.model_copy(update={"conversion": fast.conversion.model_copy(update={"filter": "value >= 0"})})
    slow_model = model.model_copy(update={"metrics": {**model.metrics, "campaign_conversion_rate": joined}})
    request = MetricRequest(
        metrics=("campaign_conversion_rate",), dimensions=("channel",), grain="month", start="2025-11", end="2026-10"
    )
    fast_sql, slow_sql = compile_query(model, request).sql, compile_query(slow_model, request).sql
    assert "next_conversion_ts" in fast_sql and "exists" not in fast_sql
    assert "exists" in slow_sql and "next_conversion_ts" not in slow_sql
    fast_frame = run_metric_query(db, model, request, cache=None).frame
    slow_frame = run_metric_query(db, slow_model, request, cache=None).frame
    assert fast_frame.height > 12
    assert fast_frame["campaign_conversion_rate"].drop_nulls().sum() > 0
    assert fast_frame.equals(slow_frame)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


@pytest.mark.parametrize(
    ("metric", "request_", "fields", "order"),
    [
        # every active customer-month, by the source's key, a page in the middle
        ("active_customers", {"limit": 37, "offset": 50}, ["customer_id", "month", "txn_count"], []),
        # a balance: the period's last month-end only, largest first (ties by the key), in one region
        (
            "aum_total",
            {"limit": 25, "offset": 3, "start": "2026-03", "end": "2026-05", "filters": {"region": ["华东区"]}},
            ["customer_id", "month", "region", "aum_total"],
            ["-aum_total"],
        ),
        # every row of a long list, sorted by a text field then the key
        ("active_customers", {"limit": 100_000}, ["customer_id", "month", "tier"], ["tier"]),
    ],
)
def test_a_drill_page_is_the_sorted_rows_of_the_metric(demo_db, metric, request_, fields, order) -> None:
    """The drill list picks its page on the sort keys and then reads the rows: the same rows and order as sorting
    the metric's rows whole (computed here in polars from the mart)."""
    db, model = demo_db
    query = drill_query(model, metric, fields=fields, order_by=order, **request_)
    got = run_compiled(db, query, label="test drill").frame
    rows = db.con.sql("select * from customer_month_facts").pl().filter(pl.col("month").is_not_null())
    if metric == "active_customers":
        rows = rows.filter(pl.col("is_active"))
    else:  # the balance of the period's last month-end
        start = date.fromisoformat(request_["start"] + "-01")
        after = _next_month(date.fromisoformat(request_["end"] + "-01"))
        rows = rows.filter((pl.col("month") >= start) & (pl.col("month") < after))
        rows = rows.filter((pl.col("month") == rows["month"].max()) & (pl.col("region") == "华东区"))
    by = [o.lstrip("-") for o in order] + ["customer_id", "month"]
    descending = [o.startswith("-") for o in order] + [False, False]
    offset = request_.get("offset", 0)
    expected = rows.sort(by, descending=descending, nulls_last=True).slice(offset, request_["limit"])
    assert got.height == min(request_["limit"], rows.height - offset) > 0
    assert got.to_dicts() == expected.select(fields).with_columns(pl.col(pl.Decimal).cast(pl.Float64)).to_dicts()
