"""KPI cards and KPI sheets name their month, and offer the value over the whole period with its denominator.

Numbers are checked against polars computations over the raw extracts of the seeded demo bank; texts word for word.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from clientscope.db import FULL_SCOPE
from clientscope.kpis import kpi_numbers, kpi_views, period_bounds
from clientscope.overview.data import HEADLINE_METRICS
from clientscope.overview.workbook import workbook as overview_workbook
from clientscope.reports import ReportRequest
from clientscope.segments.workbook import workbook as segments_workbook
from clientscope.semantic import MetricRequest, compare_query, run_compiled, run_metric_query
from clientscope.view_context import build_page_context
from tests.raw_extracts import raw_churn_events, read_extract


def _ym(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@pytest.fixture(scope="module")
def months(demo_data: Path) -> list[date]:
    return sorted(read_extract(demo_data, "customer_months")["month"].cast(pl.Date).unique().to_list())


def _context(demo_db, demo_data: Path, query: dict[str, str]):
    db, model = demo_db
    return build_page_context(db, model, demo_data, query, FULL_SCOPE)


def test_cards_name_the_month_and_the_month_compared_with(demo_db, demo_data: Path, months: list[date]) -> None:
    last, before, year_before = _ym(months[-1]), _ym(months[-2]), f"{months[-1].year - 1:04d}-{months[-1].month:02d}"
    en = kpi_views(_context(demo_db, demo_data, {"lang": "en"}), HEADLINE_METRICS)
    assert {v.months for v in en} == {f"{last} vs {before}"}
    zh = kpi_views(_context(demo_db, demo_data, {"compare": "yoy"}), HEADLINE_METRICS)
    assert {v.months for v in zh} == {
        f"{months[-1].year}年{months[-1].month}月 较 {months[-1].year - 1}年{months[-1].month}月"
    }
    numbers = kpi_numbers(_context(demo_db, demo_data, {"compare": "yoy"}), ("customers",))
    assert (numbers[0].months.month, numbers[0].months.prior) == (last, year_before)


def test_period_values_match_the_raw_extracts(demo_db, demo_data: Path, months: list[date]) -> None:
    _, model = demo_db
    start, end = months[1], months[-1]  # from the second month: the first has no opening book
    pc = _context(demo_db, demo_data, {"lang": "en", "start": _ym(start), "end": _ym(end)})
    by_metric = {n.metric: n for n in kpi_numbers(pc, HEADLINE_METRICS)}
    # stocks have no period value: over the period they are their last month
    assert by_metric["customers"].period is None and by_metric["aum_total"].period is None
    assert by_metric["alert_aum"].period is None

    rows = read_extract(demo_data, "customer_months").with_columns(pl.col("month").cast(pl.Date))
    customers = read_extract(demo_data, "customers").select("customer_id", "close_date")
    # churn rate: the opening book (rows at the end of the month before `start`, not closed by then) and those of
    # it with a churn event in the period
    book = (
        rows.filter(pl.col("month") == months[0])
        .join(customers, on="customer_id", how="left")
        .filter(pl.col("close_date").is_null() | (pl.col("close_date") > months[0]))
    )
    events = raw_churn_events(demo_data, float(model.rules.churn.aum_floor), model.rules.churn.dormant_months)
    churners = events.filter(pl.col("month") >= start.replace(day=1))["customer_id"].unique()
    churned = book.filter(pl.col("customer_id").is_in(churners.implode())).height
    churn = by_metric["churn_rate"].period
    assert (churn.numerator, churn.denominator) == ("opening_churned_customers", "opening_customers")
    assert (churn.numerator_value, churn.denominator_value) == (churned, book.height)
    assert churn.value == pytest.approx(churned / book.height)
    # active rate: customers with a transaction in some month of the period ÷ customers with a row in it
    in_period = rows.filter(pl.col("month") >= start.replace(day=1))
    served = in_period["customer_id"].n_unique()
    active = in_period.filter(pl.col("txn_count") > 0)["customer_id"].n_unique()
    assert (by_metric["active_rate"].period.numerator_value, by_metric["active_rate"].period.denominator_value) == (
        active,
        served,
    )
    # the card's second line, word for word
    views = {v.metric: v for v in kpi_views(pc, HEADLINE_METRICS)}
    rate = f"{100 * churned / book.height:.2f}%"
    assert views["churn_rate"].period == f"{_ym(start)} – {_ym(end)}: {rate} ({churned:,} ÷ {book.height:,})"
    assert (
        views["churn_rate"].period_title == "Over the whole period: Opening customers who churned ÷ Opening customers"
    )
    assert views["customers"].period is None


def test_a_one_month_period_has_no_period_line(demo_db, demo_data: Path, months: list[date]) -> None:
    pc = _context(demo_db, demo_data, {"start": _ym(months[-1]), "end": _ym(months[-1])})
    assert all(v.period is None for v in kpi_views(pc, HEADLINE_METRICS))


def test_the_export_names_the_kpi_month_on_the_cover_and_the_kpi_sheet(
    demo_db, demo_data: Path, months: list[date]
) -> None:
    start, end = months[1], months[-1]
    pc = _context(demo_db, demo_data, {"start": _ym(start), "end": _ym(end)})
    spec = overview_workbook(ReportRequest(page=pc, generated_at=datetime(2026, 1, 1), user=None))
    cover = dict(spec.filters)
    month, prior = f"{end.year}年{end.month}月", f"{months[-2].year}年{months[-2].month}月"
    assert cover["指标月份"] == f"{month} 较 {prior}（核心指标为统计期间最后一个月的值）"
    sheet = spec.sheets[0]
    assert sheet.name == "核心指标"
    assert sheet.note.startswith(
        f"比率类指标的变动为比率之差（0.012 即 1.2 个百分点）。 本期值为{month}的值，基期为{prior}。"
    )
    headers = [c.label for c in sheet.columns]
    assert headers[:5] == ["指标", "指标月份", "展示值", "本期值", "对比月份"]
    assert f"期间值（{start.year}年{start.month}月至{month}）" in headers
    churn = sheet.rows.filter(pl.col("metric") == "流失率").row(0, named=True)
    numbers = {n.metric: n for n in kpi_numbers(pc, ("churn_rate",))}
    assert (churn["month"], churn["prior_month"]) == (_ym(end), _ym(months[-2]))
    assert churn["period_value"] == pytest.approx(numbers["churn_rate"].period.value)
    assert churn["period_basis"] == "期初客户流失数 ÷ 期初客户数"
    # a page whose KPIs are all stocks has no period columns, but still names its month
    segments = segments_workbook(ReportRequest(page=pc, generated_at=datetime(2026, 1, 1), user=None))
    assert dict(segments.filters)["指标月份"] == cover["指标月份"]
    assert not any(c.key == "period_value" for c in segments.sheets[0].columns)


def test_a_conversion_rate_without_a_complete_window_says_why(demo_db, demo_data: Path) -> None:
    # No touch of the newest month has a 30-day window ending by the last month-end, so the rate has no value
    # for that month (censored windows), and the card says so instead of a bare dash.
    views = {v.metric: v for v in kpi_views(_context(demo_db, demo_data, {"lang": "en"}), HEADLINE_METRICS)}
    conversion = views["campaign_conversion_rate"]
    assert conversion.value == "—"
    assert conversion.note == "Not yet measurable: this month's touches are still inside their 30-day window"
    assert all(v.note is None for v in views.values() if v.metric != "campaign_conversion_rate")
    zh = {v.metric: v for v in kpi_views(_context(demo_db, demo_data, {}), HEADLINE_METRICS)}
    assert zh["campaign_conversion_rate"].note == "暂不可计算：本月触达的 30 天转化窗口尚未结束"


@pytest.mark.parametrize(
    ("query", "prior_before_period"),
    [
        ({"compare": "mom"}, False),
        ({"compare": "qoq", "region": "华东区", "tier": "private,affluent"}, False),
        ({"compare": "yoy"}, True),  # the default 12-month period ends a year after the month before its start
        ({"compare": "qoq", "short": "1"}, True),  # a two-month period: the quarter before lies outside it
    ],
)
def test_cards_compare_the_same_values_as_the_comparison_query(
    demo_db, demo_data: Path, months: list[date], query: dict[str, str], prior_before_period: bool
) -> None:
    # The cards take their month and compared month from the trend's monthly statement (decision 80); the
    # comparison query (`compare_query`, tested against the extracts in tests/test_semantic_compiler.py) is the
    # independent answer, and the trend must still cover exactly the period.
    db, model = demo_db
    query = dict(query)
    if query.pop("short", None):
        query.update(start=_ym(months[-2]), end=_ym(months[-1]))
    pc = _context(demo_db, demo_data, query)
    numbers = kpi_numbers(pc, HEADLINE_METRICS)
    start, end = period_bounds(pc)
    assert (numbers[0].months.prior < start) is prior_before_period
    request = MetricRequest(
        metrics=tuple(n.metric for n in numbers), filters=pc.metric_filters(), grain="month", start=end, end=end
    )
    compared = run_compiled(db, compare_query(model, request, pc.state.compare), FULL_SCOPE, "test").frame.row(
        0, named=True
    )
    trend = run_metric_query(db, model, replace(request, start=start), FULL_SCOPE).frame
    for n in numbers:
        assert (n.value, n.prior, n.change) == (
            compared[n.metric],
            compared[f"{n.metric}__prior"],
            compared[f"{n.metric}__change"],
        ), n.metric
        assert n.pct_change == pytest.approx(compared[f"{n.metric}__pct_change"], rel=1e-12, nan_ok=True), n.metric
        assert n.trend.to_dicts() == trend.select("period", pl.col(n.metric).alias("value")).to_dicts(), n.metric
    # and one of them by hand from the raw extract: the book (rows of the month) at the card's two months
    rows = read_extract(demo_data, "customer_months").with_columns(pl.col("month").cast(pl.Date))
    if "region" not in query:
        counts = {_ym(m): n for m, n in rows.group_by("month").len().iter_rows()}
        customers = next(n for n in numbers if n.metric == "customers")
        assert (customers.value, customers.prior) == (counts[end], counts.get(customers.months.prior))
