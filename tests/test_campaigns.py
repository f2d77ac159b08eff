"""The campaigns page's numbers against independent computations over the raw demo parquet, its workbook,
its URL settings, its cache, and the page without campaign data."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import flask
import polars as pl
import pytest
from dash import html

from clientscope import runtime
from clientscope.cache import QUERY_CACHE
from clientscope.campaigns import attribution as at
from clientscope.campaigns import customers as cu
from clientscope.campaigns import display
from clientscope.campaigns import table as tb
from clientscope.campaigns import view as vw
from clientscope.campaigns.journeys import top_paths
from clientscope.campaigns.models import ALL_MODELS_COLUMNS, MODELS, all_models_table, attribute
from clientscope.campaigns.serving import build_campaign_files
from clientscope.campaigns.uplift import uplift
from clientscope.components.sections import FRAME, render_for
from clientscope.customer_list import CustomerSegment, rows_response
from clientscope.db import FULL_SCOPE, Database, ViewerScope
from clientscope.marts import build_marts
from clientscope.reports import ReportRequest, builder
from clientscope.semantic import MetricRequest, format_change, format_pct_change, format_value, run_metric_query
from clientscope.state import Notice, parse_query, to_query
from clientscope.view_context import build_page_context
from tests.tiny_extracts import tiny_frames, write_frames

WINDOW = timedelta(days=30)
HEURISTIC_MODELS = tuple(m for m in MODELS if m != "markov")


# --------------------------------------------------------------------------------------------------
# Independent computations over the raw extracts (polars, not the production SQL)
# --------------------------------------------------------------------------------------------------


def raw_touches(data: Path) -> pl.DataFrame:
    return pl.read_parquet(data / "touches" / "*.parquet")


def raw_conversions(data: Path) -> pl.DataFrame:
    return pl.read_parquet(data / "conversions" / "*.parquet")


def customer_regions(data: Path) -> pl.DataFrame:
    customers = pl.read_parquet(data / "customers" / "*.parquet", columns=["customer_id", "branch_id"])
    branches = pl.read_parquet(data / "branches.parquet", columns=["branch_id", "region"])
    return customers.join(branches, on="branch_id").select("customer_id", "region")


def default_period(data: Path) -> tuple[date, date]:
    """The page's default period: the last 12 month-ends of customer_months → [first day, day after the end)."""
    months = sorted(pl.read_parquet(data / "customer_months" / "*.parquet", columns=["month"])["month"].unique())
    last12 = months[-12:]
    return last12[0].replace(day=1), last12[-1] + timedelta(days=1)


def data_end(data: Path) -> date:
    """The data's last month-end: the latest month of customer_months."""
    return pl.read_parquet(data / "customer_months" / "*.parquet", columns=["month"])["month"].max()


def _customer_hits(data: Path, region: str | None, keys: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The period's touches, and per `keys` + customer + control flag whether any touch was measurable and
    whether a measurable one converted."""
    start, end = default_period(data)
    touches = raw_touches(data).filter(
        (pl.col("touch_ts") >= datetime.combine(start, datetime.min.time()))
        & (pl.col("touch_ts") < datetime.combine(end, datetime.min.time()))
    )
    if region:
        keep = customer_regions(data).filter(pl.col("region") == region).select("customer_id")
        touches = touches.join(keep, on="customer_id", how="semi")
    conversions = raw_conversions(data).select("customer_id", "conversion_ts")
    last_day = data_end(data)
    hits = (
        touches.join(conversions, on="customer_id", how="left")
        .with_columns(
            hit=(pl.col("conversion_ts") >= pl.col("touch_ts"))
            & (pl.col("conversion_ts") <= pl.col("touch_ts") + WINDOW),
            measurable=pl.col("touch_ts").dt.date() + WINDOW <= last_day,
        )
        .group_by(*keys, "customer_id", "is_control")
        .agg(
            measurable=pl.col("measurable").any(),
            converted=(pl.col("hit").fill_null(False) & pl.col("measurable")).any(),
        )
    )
    return touches, hits


COUNTS = {
    "reached": ~pl.col("is_control"),
    "reached_measurable": ~pl.col("is_control") & pl.col("measurable"),
    "reached_converted": ~pl.col("is_control") & pl.col("converted"),
    "control_customers": pl.col("is_control"),
    "control_measurable": pl.col("is_control") & pl.col("measurable"),
    "control_converted": pl.col("is_control") & pl.col("converted"),
}


def campaign_counts(data: Path, *, region: str | None = None) -> pl.DataFrame:
    """Per campaign: reached, touches, reached_measurable, reached_converted, control_customers,
    control_measurable, control_converted.  Complete windows only (metrics.yaml rules.conversion): a touch is
    measurable when its date + 30 days is on or before the data's last month-end; converters are counted among
    the measurable touches."""
    touches, hits = _customer_hits(data, region, ("campaign_id",))
    per_campaign = hits.group_by("campaign_id").agg(**{name: flag.sum() for name, flag in COUNTS.items()})
    touch_counts = touches.filter(~pl.col("is_control")).group_by("campaign_id").agg(touches=pl.len())
    return per_campaign.join(touch_counts, on="campaign_id", how="left").with_columns(pl.col("touches").fill_null(0))


def total_counts(data: Path, *, region: str | None = None) -> dict[str, int]:
    """The same counts over all campaigns: each customer once (reached by two campaigns is one customer)."""
    touches, hits = _customer_hits(data, region, ())
    counts = hits.select(**{name: flag.sum() for name, flag in COUNTS.items()}).row(0, named=True)
    return {**counts, "touches": touches.filter(~pl.col("is_control")).height}


def last_touch_credit(data: Path) -> tuple[pl.DataFrame, int]:
    """Last-touch attributed conversions and revenue per campaign, and the number of attributed conversions."""
    start, end = default_period(data)
    conversions = raw_conversions(data).filter(
        (pl.col("conversion_ts").dt.date() >= start) & (pl.col("conversion_ts").dt.date() < end)
    )
    touches = raw_touches(data).filter(~pl.col("is_control"))
    last = (
        conversions.join(touches, on="customer_id")
        .filter(
            (pl.col("touch_ts") <= pl.col("conversion_ts")) & (pl.col("touch_ts") >= pl.col("conversion_ts") - WINDOW)
        )
        .sort("conversion_id", "touch_ts", "touch_id")
        .group_by("conversion_id", maintain_order=True)
        .last()
    )
    per_campaign = last.group_by("campaign_id").agg(conversions=pl.len(), revenue=pl.col("value").sum())
    return per_campaign, last.height


def first_region(data: Path) -> str:
    return sorted(pl.read_parquet(data / "branches.parquet")["region"].unique().to_list())[0]


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def context(demo_db, demo_data):
    db, model = demo_db
    build_campaign_files(db, model.rules)  # the build step's credits (the server's prepare() runs it)
    assert db.has("campaign_credits", "campaign_journeys")

    def make(query: dict[str, str] | None = None, scope: ViewerScope = FULL_SCOPE):
        pc = build_page_context(db, model, demo_data, query or {}, scope)
        settings, notices = vw.settings_of(pc.state, vw.default_lookback(pc))
        assert notices == ()
        return pc, settings

    return make


# --------------------------------------------------------------------------------------------------
# Campaign table: reach, conversions, uplift
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_region", [False, True])
def test_campaign_counts_match_the_raw_extracts(context, demo_data, with_region: bool) -> None:
    region = first_region(demo_data) if with_region else None
    pc, settings = context({"region": region} if region else None)
    table = tb.campaign_table(pc, settings)
    expected = campaign_counts(demo_data, region=region).sort("campaign_id")
    columns = ["campaign_id", *tb.COUNT_COLUMNS]
    got = table.rows.filter(pl.col("reached") + pl.col("control_customers") > 0).select(columns).sort("campaign_id")
    assert got.height == expected.height > 5
    assert got.to_dicts() == expected.select(columns).cast({c: pl.Int64 for c in tb.COUNT_COLUMNS}).to_dicts()
    totals = total_counts(demo_data, region=region)
    assert {c: table.total[c] for c in tb.COUNT_COLUMNS} == {c: totals[c] for c in tb.COUNT_COLUMNS}
    assert totals["reached"] < expected["reached"].sum()  # customers reached by several campaigns count once


def test_the_whole_banks_campaign_counts_are_kept_on_disk_and_read_back(context, demo_data) -> None:
    from clientscope.campaigns.serving import kept_answer_path
    from clientscope.db import query_sql, run_named
    from clientscope.marts import params_for

    pc, settings = context()
    params = params_for(query_sql("campaigns/campaign_counts"), at.period_params(vw.view_of(pc)))
    path = kept_answer_path(pc.db, pc.model.rules, "campaigns/campaign_counts", params)
    path.unlink(missing_ok=True)
    QUERY_CACHE.clear()
    first = tb.campaign_table(pc, settings)
    assert pl.read_parquet(path).equals(run_named(pc.db, "campaigns/campaign_counts", params, filters=pc.filters).frame)
    # the page reads the file: an altered file shows (a new process, an empty query cache)
    pl.read_parquet(path).with_columns(pl.col("reached") + 1000).write_parquet(path)
    QUERY_CACHE.clear()
    altered = tb.campaign_table(pc, settings)
    assert altered.total["reached"] == first.total["reached"] + 1000
    # a damaged file is computed again and replaced
    path.write_bytes(b"not parquet")
    QUERY_CACHE.clear()
    assert tb.campaign_table(pc, settings).rows.equals(first.rows)
    assert pl.read_parquet(path).equals(run_named(pc.db, "campaigns/campaign_counts", params, filters=pc.filters).frame)
    # a filtered view, or a viewer's narrower scope, is never kept
    kept = sorted(path.parent.iterdir())
    tb.campaign_table(*context({"region": first_region(demo_data)}))
    tb.campaign_table(*context(scope=ViewerScope(regions=frozenset({first_region(demo_data)}))))
    assert sorted(path.parent.iterdir()) == kept
    QUERY_CACHE.clear()


def test_campaign_counts_of_a_period_without_touches_have_a_zero_total(context) -> None:
    from clientscope.cache import run_named_cached
    from clientscope.db import query_sql
    from clientscope.marts import params_for

    pc, _ = context()
    view = vw.view_of(pc)
    params = {**at.period_params(view), "start_month": date(1990, 1, 31), "end_month": date(1990, 12, 31)}
    query = "campaigns/campaign_counts"
    counts = run_named_cached(pc.db, query, params_for(query_sql(query), params), filters=pc.filters).frame
    assert counts.to_dicts() == [
        {"campaign_id": None, "is_total": True, **dict.fromkeys(("touches", *tb.COUNT_COLUMNS), 0)}
    ]


def test_campaign_conversion_rates_agree_with_metrics_yaml(context, demo_db) -> None:
    db, model = demo_db
    pc, settings = context()
    table = tb.campaign_table(pc, settings)
    start, end = vw.view_of(pc).start, vw.view_of(pc).end
    request = MetricRequest(
        metrics=("customers_reached", "campaign_conversion_rate", "control_conversion_rate"),
        dimensions=("campaign",),
        grain="all",
        start=start,
        end=end,
    )
    semantic = run_metric_query(db, model, request, FULL_SCOPE).frame.rename({"campaign": "campaign_id"})
    joined = table.rows.join(semantic, on="campaign_id", how="inner")
    assert joined.height == table.rows.height
    assert joined["reached"].to_list() == joined["customers_reached"].to_list()
    assert joined["conversion_rate"].to_list() == pytest.approx(joined["campaign_conversion_rate"].to_list())
    control = joined.filter(pl.col("control_customers") > 0)
    assert control["control_rate"].to_list() == pytest.approx(control["control_conversion_rate"].to_list())


def test_uplift_shown_equals_uplift_of_independent_counts(context, demo_data) -> None:
    pc, settings = context({"lang": "en"})
    table = tb.campaign_table(pc, settings)
    rows, total = display.campaign_grid_rows(pc, table)
    shown = {r["campaign_id"]: r for r in rows}
    fmt = display.column_format(pc, "uplift")
    checked = 0
    for counts in campaign_counts(demo_data).iter_rows(named=True):
        expected = uplift(  # over the measurable customers (complete windows only)
            counts["reached_measurable"],
            counts["reached_converted"],
            counts["control_measurable"],
            counts["control_converted"],
        )
        row = shown[counts["campaign_id"]]
        assert row["uplift"] == pytest.approx(expected.absolute)
        assert row["uplift_low"] == pytest.approx(expected.absolute_low)
        assert row["uplift_high"] == pytest.approx(expected.absolute_high)
        assert row["relative_uplift"] == pytest.approx(expected.relative)
        assert row["uplift_text"] == format_change(expected.absolute, fmt, "en")
        if expected.absolute_low is None:  # a campaign with no measurable customers yet (all in the last month)
            assert row["uplift_ci_text"] == "—"
        else:
            assert row["uplift_ci_text"] == (
                f"{format_change(expected.absolute_low, fmt, 'en')} ~ "
                f"{format_change(expected.absolute_high, fmt, 'en')}"
            )
        if expected.relative_low is not None:
            assert row["relative_ci_text"] == (
                f"{format_pct_change(expected.relative_low, 'en')} ~ {format_pct_change(expected.relative_high, 'en')}"
            )
        checked += 1
    assert checked > 5
    # the total row: distinct customers over all campaigns
    assert total["uplift_text"] == format_change(
        uplift(
            total["reached_measurable"],
            total["reached_converted"],
            total["control_measurable"],
            total["control_converted"],
        ).absolute,
        fmt,
        "en",
    )


def test_attributed_conversions_and_roi_under_last_touch(context, demo_data, demo_db) -> None:
    db, model = demo_db
    pc, settings = context()
    assert settings.model == "last_touch"
    table = tb.campaign_table(pc, settings)
    expected, attributed = last_touch_credit(demo_data)
    got = table.rows.select("campaign_id", "attributed_conversions", "attributed_revenue", "cost", "roi")
    joined = got.join(expected, on="campaign_id", how="full", coalesce=True).fill_null(0)
    assert joined["attributed_conversions"].to_list() == pytest.approx(joined["conversions"].cast(pl.Float64).to_list())
    assert joined["attributed_revenue"].to_list() == pytest.approx(joined["revenue"].to_list())
    assert table.total["attributed_conversions"] == pytest.approx(attributed)
    # the same rule as metrics.yaml's attributed_conversions (last touch in conversion_facts)
    view = vw.view_of(pc)
    request = MetricRequest(metrics=("attributed_conversions",), grain="all", start=view.start, end=view.end)
    assert run_metric_query(db, model, request, FULL_SCOPE).frame["attributed_conversions"][0] == attributed
    with_cost = table.rows.filter(pl.col("cost").is_not_null())
    for row in with_cost.iter_rows(named=True):
        assert row["roi"] == pytest.approx((row["attributed_revenue"] - row["cost"]) / row["cost"])


def test_the_campaign_and_pivot_charts_are_plain_figures(context, demo_db, demo_data) -> None:
    """Every chart of the campaigns and explore pages is a plain dict in plotly's own form (no Figure built)."""
    from clientscope.campaigns.figures import campaign_trend_lines, channel_model_bars, uplift_intervals
    from clientscope.explore.figure import pivot_figure
    from clientscope.explore.report import explore
    from tests.figure_support import assert_plain_figure

    pc, settings = context({"theme": "dark"})
    labels = display.labels_of(pc)
    table = tb.campaign_table(pc, settings)
    uplift_rows = display.uplift_chart_rows(pc, table.rows)
    assert uplift_rows.height
    points = uplift_intervals(
        uplift_rows,
        campaign_labels=labels.campaigns,
        theme="dark",
        title="Uplift",
        x_title="Uplift",
        interval_label="CI",
    )
    bars = channel_model_bars(
        display.with_revenue_text(pc, tb.channel_comparison(pc, settings)),
        models=MODELS,
        model_labels=labels.models,
        channel_labels=labels.channels,
        selected_model=settings.model,
        theme="dark",
        title="Channels",
        y_title="Conversions",
        revenue_label="Revenue",
    )
    trend = tb.campaign_trend(pc, settings, top=2)
    assert tb.OTHER in trend["campaign_id"].to_list()
    lines = campaign_trend_lines(
        trend,
        campaign_labels={**labels.campaigns, tb.OTHER: "Other"},
        other_code=tb.OTHER,
        theme="light",
        title="Trend",
        y_title="Conversions",
    )
    db, model = demo_db
    pivot = explore(
        build_page_context(db, model, demo_data, {"p.m": "customers", "p.rows": "region", "p.col": "tier"}, FULL_SCOPE)
    )
    kinds = {kind: pivot_figure(pivot.table, kind, "Customers", "light") for kind in ("bar", "line", "heatmap")}
    for figure in (points, bars, lines, *kinds.values()):
        assert_plain_figure(figure)
    assert points["layout"]["shapes"][0]["x0"] == 0 and points["layout"]["xaxis"]["title"] == {"text": "Uplift"}
    assert [trace["name"] for trace in bars["data"]] == [labels.models.get(m, m) for m in MODELS]
    other = lines["data"][-1]
    assert other["name"] == "Other" and other["line"] == {"dash": "dot"} and set(other["customdata"]) == {None}
    assert all("line" not in trace for trace in lines["data"][:-1])
    assert kinds["heatmap"]["layout"]["yaxis"] == {"autorange": "reversed"}


# --------------------------------------------------------------------------------------------------
# Engine composition, selection, cache
# --------------------------------------------------------------------------------------------------


def test_built_credits_equal_the_engine(context, demo_data, demo_db) -> None:
    pc, settings = context()
    assert not at.is_recomputed(pc, settings)
    touches, conversions = raw_touches(demo_data), raw_conversions(demo_data)
    engine = all_models_table(touches, conversions, lookback_days=30, half_life_days=7.0).sort(
        "model", "channel", "campaign"
    )
    ours = at.by_model(pc, settings).sort("model", "channel", "campaign")
    assert (
        ours.select("model", "channel", "campaign").to_dicts()
        == engine.select("model", "channel", "campaign").to_dicts()
    )
    assert ours["attributed_conversions"].to_list() == pytest.approx(engine["attributed_conversions"].to_list())
    assert ours["attributed_revenue"].to_list() == pytest.approx(engine["attributed_revenue"].to_list())
    assert at.top_paths(pc, settings).to_dicts() == top_paths(touches, conversions, limit=at.PATH_LIMIT).to_dicts()
    # each conversion's credit per touch, under every model (the fixture's 12 months are the default view, whose
    # journeys the built Markov chain is fitted on)
    db, _ = demo_db
    built = db.con.sql("select * from campaign_credits").pl()
    for model in MODELS:
        expected = attribute(touches, conversions, model=model)
        got = built.filter(pl.col(model).is_not_null() & (pl.col(model) != 0)).sort("conversion_id", "touch_id")
        assert (
            got.select("conversion_id", "touch_id").to_dicts()
            == expected.select("conversion_id", "touch_id").to_dicts()
        ), model
        assert got[model].to_list() == pytest.approx(expected["credit"].to_list()), model


def test_selecting_a_campaign_keeps_its_credit(context) -> None:
    pc, settings = context()
    everything = at.by_model(pc, settings)
    campaign = everything.filter(pl.col("model") == "linear").sort("attributed_conversions")["campaign"][-1]
    selected_pc, _ = context({"x.campaign": campaign})
    assert vw.view_of(selected_pc).selects
    selected = at.by_model(selected_pc, settings)
    assert set(selected["campaign"].to_list()) == {campaign}
    # the heuristic models credit a touch from its own conversion's path alone: selecting changes nothing
    for model in HEURISTIC_MODELS:
        before = everything.filter((pl.col("model") == model) & (pl.col("campaign") == campaign)).sort("channel")
        after = selected.filter(pl.col("model") == model).sort("channel")
        assert after["channel"].to_list() == before["channel"].to_list()
        assert after["attributed_conversions"].to_list() == pytest.approx(before["attributed_conversions"].to_list())
    table = tb.campaign_table(selected_pc, settings)
    assert table.rows["campaign_id"].to_list() == [campaign]
    customers = cu.converted_customers(selected_pc, settings)
    assert customers["attributed_conversions"].sum() == pytest.approx(table.total["attributed_conversions"])
    assert display.selection_label(selected_pc) == selected_pc.choices.labels["campaign"][campaign]


def test_clicking_a_channel_selects_its_touches(context) -> None:
    # the channel chart cross-filters on the marketing channel dimension (x.channel)
    pc, settings = context({"x.channel": "sms", "lang": "en"})
    assert [(i.dimension, i.values) for i in vw.view_of(pc).filters.items] == [("channel", ("sms",))]
    assert display.selection_label(pc) == "SMS"
    credit = at.by_model(pc, settings)
    assert credit.height and set(credit["channel"].to_list()) == {"sms"}
    everything, _ = context()
    before = at.by_model(everything, settings)
    expected = before.filter((pl.col("channel") == "sms") & (pl.col("model") == "linear"))["attributed_conversions"]
    got = credit.filter(pl.col("model") == "linear")["attributed_conversions"]
    assert got.sum() == pytest.approx(expected.sum())


def test_model_switch_is_a_cache_hit_and_another_lookback_recomputes(context) -> None:
    pc, settings = context()
    first = at.by_model(pc, settings)
    hits = QUERY_CACHE.stats().hits
    other = vw.Settings("markov", settings.lookback_days, settings.half_life_days)
    assert at.by_model(pc, other).equals(first)  # every model at once: the same cached answer
    assert QUERY_CACHE.stats().hits == hits + 1
    assert not at.totals(pc, other).recomputed
    longer = vw.Settings("markov", 60, settings.half_life_days)
    assert at.is_recomputed(pc, longer) and at.totals(pc, longer).recomputed
    assert not at.by_model(pc, longer).equals(first)
    # the page says so, in both languages
    from clientscope.campaigns.sections import notes

    en, _ = context({"lang": "en", "p.lookback": "60"})
    assert "was recomputed on request" in str(notes(en, longer))
    zh, _ = context({"p.lookback": "60"})
    assert "即时重新计算" in str(notes(zh, longer))


def test_every_model_credits_every_attributed_conversion(context, demo_data) -> None:
    pc, settings = context()
    result = at.totals(pc, settings)
    _, attributed = last_touch_credit(demo_data)
    sums = at.by_model(pc, settings).group_by("model").agg(pl.col("attributed_conversions").sum())
    assert sorted(sums["model"].to_list()) == sorted(MODELS)
    assert sums["attributed_conversions"].to_list() == pytest.approx([attributed] * len(MODELS))
    assert result.attributed == attributed
    assert result.attributed + result.unattributed == result.conversions


# --------------------------------------------------------------------------------------------------
# Converted customers
# --------------------------------------------------------------------------------------------------


def test_converted_customers_paging_sorting_and_masking(context, demo_data) -> None:
    pc, settings = context()
    everyone = cu.converted_customers(pc, settings)
    start, end = default_period(demo_data)
    conversions = raw_conversions(demo_data).filter(
        (pl.col("conversion_ts").dt.date() >= start) & (pl.col("conversion_ts").dt.date() < end)
    )
    touched = conversions.join(raw_touches(demo_data).filter(~pl.col("is_control")), on="customer_id").filter(
        (pl.col("touch_ts") <= pl.col("conversion_ts")) & (pl.col("touch_ts") >= pl.col("conversion_ts") - WINDOW)
    )
    assert everyone.height == touched["customer_id"].n_unique()
    # the customer-list engine pages the "campaign_customers" source, sorted as the grid asks
    segment = CustomerSegment(source=cu.SOURCE)
    request = {"startRow": 5, "endRow": 15, "sortModel": [{"colId": "conversions", "sort": "desc"}]}
    answer, count = rows_response(pc, segment, request, "campaigns")
    assert count == everyone.height == answer["rowCount"] and len(answer["rowData"]) == 10
    ordered = everyone.sort(["conversions", "customer_id"], descending=[True, False])
    shown = answer["rowData"]
    assert [r["id"] for r in shown] == ordered["customer_id"].to_list()[5:15]
    first = shown[0]["id"]
    href = urlparse(shown[0]["customer_id"].split("](", 1)[1].rstrip(")"))
    assert shown[0]["customer_id"].startswith(f"[{first}](") and href.path == f"/customers/{first}"
    assert parse_qs(href.query)["p.back"] == ["campaigns"]  # the 360 page leads back here, with the view
    fmt = display.column_format(pc, "conversions")
    assert shown[0]["conversions"] == format_value(ordered["conversions"][5], fmt, pc.lang)
    assert any(r["customer_name"] and "**" not in r["customer_name"] for r in shown)
    private_pc, _ = context(scope=ViewerScope(can_see_personal=False))
    masked = rows_response(private_pc, segment, request, "campaigns")[0]["rowData"]
    assert [r["id"] for r in masked] == [r["id"] for r in shown]
    assert all(r["customer_name"] is None or r["customer_name"].endswith("**") for r in masked)
    # an unknown sort column is never passed on: the list keeps its own order (largest attributed revenue first)
    bad = {"startRow": 0, "endRow": 10, "sortModel": [{"colId": "name; drop table", "sort": "asc"}]}
    fallback = rows_response(pc, segment, bad, "campaigns")[0]["rowData"]
    expected = everyone.sort(["attributed_revenue", "customer_id"], descending=[True, False])
    assert [r["id"] for r in fallback] == expected["customer_id"].to_list()[:10]


# --------------------------------------------------------------------------------------------------
# Settings in the URL
# --------------------------------------------------------------------------------------------------


def test_settings_live_in_the_url(context) -> None:
    pc, settings = context({"p.model": "markov", "p.lookback": "14", "p.half_life": "3"})
    assert settings == vw.Settings("markov", 14, 3)
    query = to_query(vw.settings_state(pc.state, vw.Settings("linear", 30, 7), 30))
    assert parse_query(query) == {"p.model": "linear"}  # defaults are left out
    _, again = context(parse_query(query))
    assert again.model == "linear" and again.lookback_days == 30


def test_bad_settings_fall_back_with_a_notice(demo_db, demo_data) -> None:
    db, model = demo_db
    pc = build_page_context(db, model, demo_data, {"p.model": "magic", "p.lookback": "1000"}, FULL_SCOPE)
    settings, notices = vw.settings_of(pc.state, 30)
    assert settings == vw.Settings(vw.DEFAULT_MODEL, 30, vw.DEFAULT_HALF_LIFE)
    assert notices == (Notice("p.model", "magic", "bad_choice"), Notice("p.lookback", "1000", "bad_choice"))


# --------------------------------------------------------------------------------------------------
# Workbook
# --------------------------------------------------------------------------------------------------


def test_workbook_attribution_sheet(context, demo_data) -> None:
    pc, settings = context({"lang": "en"})
    spec = builder("campaigns")(ReportRequest(pc, datetime(2026, 1, 1)))
    sheets = {sheet.name: sheet for sheet in spec.sheets}
    attribution_sheet = sheets["Attribution (all models)"]
    assert attribution_sheet.keys == ALL_MODELS_COLUMNS
    rows = attribution_sheet.rows
    assert isinstance(rows, pl.DataFrame) and rows.columns == list(ALL_MODELS_COLUMNS)
    _, attributed = last_touch_credit(demo_data)
    sums = rows.group_by("model").agg(pl.col("attributed_conversions").sum()).sort("model")
    assert sums["model"].to_list() == sorted(MODELS)
    assert sums["attributed_conversions"].to_list() == pytest.approx([attributed] * len(MODELS))
    assert {"Campaigns", "Conversion paths", "Channels by model", "Converted customers"} <= set(sheets)
    campaigns = sheets["Campaigns"]
    assert (
        campaigns.total is not None
        and campaigns.total.values["reached"] == tb.campaign_table(pc, settings).total["reached"]
    )
    cover = dict(spec.filters)
    assert cover["Attribution model"] == "Last touch" and cover["Look-back window"] == "30 days"


# --------------------------------------------------------------------------------------------------
# No campaign data
# --------------------------------------------------------------------------------------------------


def _texts(component) -> list[str]:
    """Every string in a Dash component tree."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [text for child in component for text in _texts(child)]
    children = getattr(component, "children", None)
    return _texts(children) if children is not None else []


def _find(component, component_id: str):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        found = _find(child, component_id)
        if found is not None:
            return found
    return None


@pytest.fixture(scope="module")
def bank_without_campaigns(tmp_path_factory, cache_dir):
    from clientscope.semantic import load_semantic_model
    from tests.conftest import REPO_ROOT

    folder = tmp_path_factory.mktemp("no_campaigns")
    frames = {k: v for k, v in tiny_frames().items() if k not in {"campaigns", "touches", "conversions"}}
    write_frames(folder, frames)
    model = load_semantic_model(REPO_ROOT / "metrics.yaml")
    db = Database.open(folder)
    build_marts(db, model.rules)
    return folder, db, model


def test_page_without_campaign_data_says_why(dash_app, bank_without_campaigns) -> None:
    import dash

    folder, db, model = bank_without_campaigns
    assert not vw.has_campaign_data(db)
    assert vw.missing_tables(db) == ("campaigns", "touches", "conversions")
    page = next(p for p in dash.page_registry.values() if p["module"].endswith("pages.campaigns"))
    module = sys.modules[page["module"]]
    server = flask.Flask("campaigns-without-data")
    runtime.attach(server, runtime.AppContext(folder, False, db, model))
    with server.app_context():  # the page is drawn section by section (clientscope.components.sections)
        layout = [render_for(module.PATH, name, {"lang": "en"}, None)[0] for name in (FRAME, *module.SECTION_NAMES)]
    alert = _find(html.Div(layout), module.Ids.NO_DATA)
    assert alert is not None
    text = " ".join(_texts(alert))
    assert "campaigns, touches, conversions" in text and "docs/data-contract.md" in text
    assert _find(html.Div(layout), module.Ids.TABLE) is None
    # the export still works and says the same
    pc = build_page_context(db, model, folder, {"lang": "en"}, FULL_SCOPE)
    spec = builder("campaigns")(ReportRequest(pc, datetime(2026, 1, 1)))
    assert [s.name for s in spec.sheets] == ["No campaign data"]


def test_partial_campaign_data_names_the_missing_table(tmp_path, cache_dir) -> None:
    from clientscope.semantic import load_semantic_model
    from tests.conftest import REPO_ROOT

    write_frames(tmp_path, {k: v for k, v in tiny_frames().items() if k != "touches"})
    db = Database.open(tmp_path)
    build_marts(db, load_semantic_model(REPO_ROOT / "metrics.yaml").rules)
    assert not vw.has_campaign_data(db)
    assert vw.missing_tables(db) == ("touches",)
