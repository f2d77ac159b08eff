"""Segments page data on a hand-written bank (tests/test_segments_bank.py), checked against polars over the
raw extract rows: tier counts and AUM shares, trend, breakdowns, penetration, migration (with customers who
opened or closed in between), the potential rule, and the customer list behind a cross-filtered segment."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from clientscope.customer_list import (
    NO_TAG,
    CustomerSegment,
    customer_href,
    display_rows,
    link_query,
    list_frame,
    sort_from_model,
)
from clientscope.db import FULL_SCOPE, ViewerScope
from clientscope.segments.lists import list_segment
from clientscope.segments.migration import migration, migration_summary, tier_flows
from clientscope.segments.mix import breakdown, tier_mix, tier_trend
from clientscope.segments.numbers import numbers
from clientscope.segments.potential import POTENTIAL_RULE, PotentialRule, potential, potential_rule
from clientscope.segments.products import penetration, products_per_customer
from clientscope.segments.view import (
    TAG,
    SegmentsView,
    known_tags,
    migration_labels,
    move_option,
    parse_move,
    segments_view,
    selected,
    tier_codes,
    with_click,
    with_setting,
)
from clientscope.state import ViewState
from clientscope.view_context import PageContext, build_page_context
from tests.figure_support import assert_plain_figure
from tests.test_segments_bank import AUM, HOLDINGS, MONTHS, bank_frames, tier_of, write_bank
from tests.tiers import tier_floors

APRIL, MARCH, JANUARY = MONTHS[3], MONTHS[2], MONTHS[0]


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path):
    from clientscope.startup import prepare

    ctx = prepare(str(write_bank(tmp_path_factory.mktemp("segments") / "bank")))
    assert ctx.ok, ctx.problems
    return ctx


def context(bank, query: dict[str, str] | None = None, scope: ViewerScope = FULL_SCOPE) -> PageContext:
    return build_page_context(bank.db, bank.model, bank.data_dir, query or {}, scope)


# --- the independent computation -------------------------------------------------------------------------------


def raw_months() -> pl.DataFrame:
    frames = bank_frames()
    months = frames["customer_months"].join(frames["customers"], on="customer_id")
    months = months.join(frames["branches"].select("branch_id", "region"), on="branch_id")
    return months.with_columns(
        pl.col("aum_total").map_elements(tier_of, return_dtype=pl.Utf8).alias("tier"),
    )


def at(month: date) -> pl.DataFrame:
    return raw_months().filter(pl.col("month") == month)


# --- tests ---------------------------------------------------------------------------------------------------


def test_the_view_defaults_to_the_data_period(bank) -> None:
    view = segments_view(context(bank))
    assert (view.start, view.end) == ("2025-01", "2025-04")
    assert (view.from_month, view.to_month) == ("2025-01", "2025-04")
    assert (view.trend, view.breakdown, view.mix, view.tag, view.move, view.potential) == (
        "count",
        "region",
        "count",
        None,
        None,
        False,
    )


def test_warning_level_and_the_model_risk_level_are_different_filters(bank) -> None:
    # x.warning_level is the metrics.yaml dimension (the rule score's level) and narrows metric queries;
    # x.risk_level is the churn page's own filter on the model's level and never reaches a metric query
    pc = context(bank, {"x.warning_level": "high", "x.risk_level": "high"})
    assert pc.state.cross == {"warning_level": "high", "risk_level": "high"}
    assert pc.metric_filters() == {"warning_level": ["high"]}
    labels = pc.value_labels()
    assert labels["warning_level"]["high"] == "红色预警"
    assert labels["risk_level"]["high"] == "高"
    assert pc.model.dimension_label("warning_level", "en") == "Warning level"
    # only the model's three levels are accepted; anything else is dropped with a notice
    dropped = context(bank, {"x.risk_level": "red"})
    assert dropped.state.cross == {} and [(n.key, n.value, n.reason) for n in dropped.notices] == [
        ("x.risk_level", "red", "unknown_value")
    ]


def test_tier_counts_and_aum_shares_with_the_prior_month(bank) -> None:
    pc = context(bank)
    mix = tier_mix(pc, segments_view(pc))
    now, before = at(APRIL), at(MARCH)

    def by_tier(frame: pl.DataFrame) -> dict[str, tuple[int, float]]:
        grouped = frame.group_by("tier").agg(pl.len().alias("n"), pl.col("aum_total").sum().alias("aum"))
        return {r["tier"]: (r["n"], r["aum"]) for r in grouped.iter_rows(named=True)}

    expected, prior = by_tier(now), by_tier(before)
    total_n, total_aum = now.height, now["aum_total"].sum()
    prior_n, prior_aum = before.height, before["aum_total"].sum()
    assert mix["tier"].to_list() == ["private", "affluent", "mass"]
    for row in mix.iter_rows(named=True):
        n, aum = expected[row["tier"]]
        assert row["customers"] == n
        assert row["aum_total"] == pytest.approx(aum)
        assert row["customers_share"] == pytest.approx(n / total_n)
        assert row["aum_total_share"] == pytest.approx(aum / total_aum)
        assert row["customers_prior"] == prior[row["tier"]][0]
        assert row["aum_total_share_prior"] == pytest.approx(prior[row["tier"]][1] / prior_aum)
        assert row["customers_share_change"] == pytest.approx(n / total_n - prior[row["tier"]][0] / prior_n)
    # by hand: April has 2 private (C01, C02), 2 affluent (C05, C08), 3 mass (C03, C06, C07)
    assert dict(zip(mix["tier"], mix["customers"], strict=True)) == {"private": 2, "affluent": 2, "mass": 3}
    assert mix["aum_total"].sum() == pytest.approx(18_710_000.0)


def test_a_tier_cross_filter_highlights_instead_of_narrowing_the_tier_charts(bank) -> None:
    pc = context(bank, {"x.tier": "affluent"})
    view = segments_view(pc)
    assert tier_mix(pc, view)["customers"].to_list() == [2, 2, 3]
    assert selected(pc, "tier") == ("affluent",)
    # the filter bar's tier choice does narrow them
    narrowed = context(bank, {"tier": "affluent"})
    assert tier_mix(narrowed, segments_view(narrowed))["customers"].to_list() == [0, 2, 0]


def test_tier_trend_counts_and_shares_per_month(bank) -> None:
    pc = context(bank)
    trend = tier_trend(pc, segments_view(pc))
    expected = raw_months().group_by("month", "tier").agg(pl.len().alias("customers"), pl.col("aum_total").sum())
    got = trend.with_columns(pl.col("period").dt.month_end().alias("month"))
    joined = expected.join(got, on=["month", "tier"], how="full", coalesce=True)
    assert joined["customers"].to_list() == joined["customers_right"].to_list()
    assert joined.height == 12  # every month has all three tiers
    assert got.group_by("period").agg(pl.col("aum_share").sum())["aum_share"].to_list() == pytest.approx([1.0] * 4)


def test_breakdown_by_region_and_by_tag(bank) -> None:
    now = at(APRIL)
    pc = context(bank, {"dim": "region"})
    frame = breakdown(pc, segments_view(pc))
    expected = now.group_by("region", "tier").agg(pl.len().alias("customers"))
    assert sorted(frame.select("value", "tier", "customers").rows()) == sorted(expected.rows())

    pc = context(bank, {"p.by": "tag"})
    view = segments_view(pc)
    assert view.breakdown == TAG
    frame = breakdown(pc, view)
    tags = now.with_columns(
        pl.when(pl.col("tags").list.len().fill_null(0) == 0)
        .then(pl.lit([NO_TAG]))
        .otherwise(pl.col("tags"))
        .alias("tag")
    ).explode("tag")
    expected = tags.group_by("tag", "tier").agg(pl.len().alias("customers"), pl.col("aum_total").sum())
    assert sorted(frame.select("value", "tier", "customers").rows()) == sorted(
        expected.select("tag", "tier", "customers").rows()
    )
    # by hand: parent = C02 (private), C03 and C06 (mass)
    parent = frame.filter(pl.col("value") == "parent")
    assert dict(zip(parent["tier"], parent["customers"], strict=True)) == {"private": 1, "mass": 2}


def test_product_penetration_from_holdings_open_at_the_month_end(bank) -> None:
    for month, end in (("2025-04", APRIL), ("2025-03", MARCH)):
        pc = context(bank, {"end": month})
        frame = penetration(pc, segments_view(pc))
        base = at(end).select("customer_id", "tier")
        held = HOLDINGS.filter(
            (pl.col("open_date") <= end) & (pl.col("close_date").is_null() | (pl.col("close_date") > end))
        )
        holders = base.join(held, on="customer_id").group_by("tier", "product_type").agg(pl.len().alias("holders"))
        sizes = base.group_by("tier").agg(pl.len().alias("customers"))
        expected = holders.join(sizes, on="tier").with_columns((pl.col("holders") / pl.col("customers")).alias("share"))
        got = frame.filter(pl.col("holders") > 0)
        assert sorted(got.select("tier", "product_type", "holders", "customers").rows()) == sorted(
            expected.select("tier", "product_type", "holders", "customers").rows()
        )
        # zero cells are there too: every tier × every product type
        assert frame.height == sizes.height * frame["product_type"].n_unique()
    # by hand at April: private holds current accounts 2/2, wealth 1/2, the fund opened on the month-end 1/2;
    # the mass tier's credit card closed on the month-end no longer counts
    april = penetration(context(bank), segments_view(context(bank)))
    cells = {(r["tier"], r["product_type"]): r["share"] for r in april.iter_rows(named=True)}
    assert cells[("private", "fund")] == 0.5
    assert cells[("mass", "current_account")] == pytest.approx(2 / 3)
    assert cells[("mass", "credit_card")] == 0.0


def test_penetration_says_none_without_holdings(tmp_path: Path, cache_dir: Path) -> None:
    from clientscope.startup import prepare

    frames = {k: v for k, v in bank_frames().items() if k != "holdings"}
    ctx = prepare(str(write_bank(tmp_path / "bank", frames)))
    pc = context(ctx)
    assert penetration(pc, segments_view(pc)) is None
    # products per customer still comes from customer_months
    per_customer = products_per_customer(pc, segments_view(pc))
    assert per_customer.filter(pl.col("is_total"))["products_per_customer"][0] == 2.0


def expected_migration(first: date, last: date, frame: pl.DataFrame | None = None) -> pl.DataFrame:
    frame = raw_months() if frame is None else frame
    a = frame.filter(pl.col("month") == first).select("customer_id", pl.col("tier").alias("from_tier"), "aum_total")
    b = frame.filter(pl.col("month") == last).select("customer_id", pl.col("tier").alias("to_tier"), "aum_total")
    pairs = a.join(b, on="customer_id", how="full", coalesce=True, suffix="_to").with_columns(
        pl.col("from_tier").fill_null("new"), pl.col("to_tier").fill_null("closed")
    )
    return pairs.group_by("from_tier", "to_tier").agg(
        pl.len().alias("customers"),
        pl.col("aum_total").fill_null(0).sum().alias("aum_from"),
        pl.col("aum_total_to").fill_null(0).sum().alias("aum_to"),
    )


def test_migration_matrix_with_new_and_closed_customers(bank) -> None:
    # Definition change: a migration period's opening is the month-end before its first month, so the period
    # February .. April compares the January and April month-ends (what the default period did before).
    pc = context(bank, {"p.from": "2025-02"})
    view = segments_view(pc)
    assert (view.opening_month, view.to_month) == ("2025-01", "2025-04")
    matrix = migration(pc, view)
    got = matrix.filter(pl.col("customers") > 0)
    expected = expected_migration(JANUARY, APRIL)
    assert sorted(got.select("from_tier", "to_tier", "customers").rows()) == sorted(
        expected.select("from_tier", "to_tier", "customers").rows()
    )
    for row in expected.iter_rows(named=True):
        cell = got.filter((pl.col("from_tier") == row["from_tier"]) & (pl.col("to_tier") == row["to_tier"]))
        assert cell["aum_from"][0] == pytest.approx(row["aum_from"])
        assert cell["aum_to"][0] == pytest.approx(row["aum_to"])
    # by hand: C02 up, C06 down, C05 new, C04 closed; every from × to cell is present (new → closed excepted)
    cells = {(r["from_tier"], r["to_tier"]): r["customers"] for r in got.iter_rows(named=True)}
    assert cells == {
        ("private", "private"): 1,
        ("affluent", "private"): 1,
        ("affluent", "affluent"): 1,
        ("affluent", "mass"): 1,
        ("mass", "mass"): 2,
        ("mass", "closed"): 1,
        ("new", "affluent"): 1,
    }
    assert matrix.height == 4 * 4 - 1
    summary = migration_summary(matrix, tier_codes(pc))
    assert (summary.upgrades, summary.downgrades, summary.new, summary.closed, summary.stayed) == (1, 1, 1, 1, 4)
    assert summary.upgraded_aum == AUM["C02"][3]
    assert summary.downgraded_aum == AUM["C06"][0]
    assert summary.new_aum == AUM["C05"][3]
    assert summary.closed_aum == AUM["C04"][0]
    assert summary.net_aum_moved_up == AUM["C02"][3] - AUM["C06"][0]
    flows = {r["tier"]: r for r in tier_flows(matrix, tier_codes(pc)).iter_rows(named=True)}
    assert (flows["affluent"]["opening"], flows["affluent"]["closing"]) == (3, 2)
    assert (flows["affluent"]["moved_out"], flows["affluent"]["new"], flows["mass"]["closed"]) == (2, 1, 1)
    assert flows["private"]["net_aum_moved"] == AUM["C02"][3]


def test_migration_between_chosen_months_and_under_filters(bank) -> None:
    # the period February .. March opens at the January month-end (the month-end before its first month)
    pc = context(bank, {"p.from": "2025-02", "p.to": "2025-03"})
    view = segments_view(pc)
    got = migration(pc, view).filter(pl.col("customers") > 0)
    expected = expected_migration(MONTHS[0], MONTHS[2])
    assert sorted(got.select("from_tier", "to_tier", "customers").rows()) == sorted(
        expected.select("from_tier", "to_tier", "customers").rows()
    )
    assert ("mass", "closed", 1) in got.select("from_tier", "to_tier", "customers").rows()  # C04 closed in March
    assert ("new", "mass", 1) in got.select("from_tier", "to_tier", "customers").rows()  # C05 opened in February

    pc = context(bank, {"region": "华北", "p.from": "2025-02"})
    got = migration(pc, segments_view(pc)).filter(pl.col("customers") > 0)
    expected = expected_migration(JANUARY, APRIL, raw_months().filter(pl.col("region") == "华北"))
    assert sorted(got.select("from_tier", "to_tier", "customers").rows()) == sorted(
        expected.select("from_tier", "to_tier", "customers").rows()
    )
    # a tier filter keeps the customers who were or became that tier
    pc = context(bank, {"tier": "affluent", "p.from": "2025-02"})
    got = migration(pc, segments_view(pc)).filter(pl.col("customers") > 0)
    assert got["customers"].sum() == 4  # C02, C05, C06, C08


def test_a_move_in_the_first_month_of_the_migration_period_is_counted(bank) -> None:
    # The one-month period April opens at the March month-end: the moves made in April are there (before, the April
    # month-end was compared with itself and they were lost).  By hand from tests/test_segments_bank.py (March →
    # April): C02 5,000,000 → 6,500,000 and C05 300,000 → 600,000 move up, C06 600,000 → 450,000 moves down.
    pc = context(bank, {"p.from": "2025-04", "p.to": "2025-04"})
    view = segments_view(pc)
    assert (view.opening_month, view.to_month) == ("2025-03", "2025-04")
    matrix = migration(pc, view)
    moved = matrix.filter(pl.col("customers") > 0)
    assert {(r["from_tier"], r["to_tier"]): r["customers"] for r in moved.iter_rows(named=True)} == {
        ("private", "private"): 1,  # C01
        ("affluent", "private"): 1,  # C02
        ("mass", "affluent"): 1,  # C05
        ("affluent", "mass"): 1,  # C06
        ("affluent", "affluent"): 1,  # C08
        ("mass", "mass"): 2,  # C03, C07
    }
    expected = expected_migration(MARCH, APRIL)
    assert sorted(matrix.filter(pl.col("customers") > 0).select("from_tier", "to_tier", "customers").rows()) == sorted(
        expected.select("from_tier", "to_tier", "customers").rows()
    )
    summary = migration_summary(matrix, tier_codes(pc))
    assert (summary.upgrades, summary.downgrades) == (2, 1)
    # the list behind a cell pairs the same two month-ends
    pc = context(bank, {"p.from": "2025-04", "p.to": "2025-04", "p.move": "affluent-private"})
    frame, total = list_frame(pc, list_segment(pc, segments_view(pc)))
    assert frame["customer_id"].to_list() == ["C02"] and total == 1
    assert (frame["aum_from"][0], frame["aum_to"][0]) == (AUM["C02"][2], AUM["C02"][3])


def expected_potential(rule: PotentialRule) -> set[str]:
    """The potential rule re-done in polars (see PotentialRule's docstring)."""
    months = raw_months().with_columns(pl.col("month").dt.month_start().alias("start"))
    end = APRIL.replace(day=1)
    window = months.filter(
        (pl.col("start") > pl.lit(end).dt.offset_by(f"-{rule.lookback_months}mo")) & (pl.col("start") <= end)
    )
    activity = window.group_by("customer_id").agg(
        pl.col("card_spend").mean().alias("card"),
        pl.col("payroll_inflow").mean().alias("payroll"),
        pl.col("cross_border_spend").mean().alias("cross"),
    )
    before = months.filter(pl.col("start") == pl.lit(end).dt.offset_by(f"-{rule.growth_months}mo")).select(
        "customer_id", pl.col("aum_total").alias("before")
    )
    snap = (
        months.filter(pl.col("start") == end)
        .join(activity, on="customer_id", how="left")
        .join(before, on="customer_id", how="left")
    )
    order = ["private", "affluent", "mass"]
    floors = tier_floors()
    medians = snap.group_by("tier").agg(pl.col("card", "payroll", "cross").median())
    med = {r["tier"]: r for r in medians.iter_rows(named=True)}
    found = set()
    for row in snap.iter_rows(named=True):
        if row["tier"] == order[0]:
            continue
        above = order[order.index(row["tier"]) - 1]
        peer = med[above]
        signals = [
            row["before"] is not None and row["aum_total"] >= row["before"] * (1 + rule.aum_growth_min),
            bool(peer["card"]) and row["card"] >= rule.peer_share * peer["card"],
            bool(peer["cross"]) and row["cross"] is not None and row["cross"] >= rule.peer_share * peer["cross"],
            bool(peer["payroll"])
            and row["payroll"] is not None
            and row["payroll"] >= rule.peer_share * peer["payroll"],
        ]
        if row["aum_total"] >= rule.headroom_share * floors[above] and sum(signals) >= rule.min_signals:
            found.add(row["customer_id"])
    return found


def test_potential_customers_follow_the_documented_rule(bank) -> None:
    pc = context(bank)
    view = segments_view(pc)
    summary = potential(pc, view)
    rows = {r["tier"]: r for r in summary.iter_rows(named=True)}
    assert set(rows) == {"affluent", "mass"}
    assert (rows["affluent"]["candidates"], rows["mass"]["candidates"]) == (2, 3)
    expected = expected_potential(POTENTIAL_RULE)
    assert expected == {"C03"}  # by hand: C08 has headroom and AUM growth but one signal only
    assert summary["potential"].sum() == len(expected)
    assert rows["mass"]["potential_aum"] == AUM["C03"][3]
    assert (rows["mass"]["aum_growth"], rows["mass"]["card_spend"], rows["mass"]["payroll"]) == (1, 1, 1)
    assert rows["mass"]["cross_border"] == 0
    # the drillable list holds the same customers
    frame, total = list_frame(pc, list_segment(pc, segments_view(context(bank, {"p.list": "potential"}))))
    assert set(frame["customer_id"]) == expected and total == 1
    assert frame["signals"][0] == 3
    # a looser rule (one signal is enough) adds C08
    loose = PotentialRule(min_signals=1)
    assert expected_potential(loose) == {"C03", "C08"}


def test_the_customer_list_returns_the_rows_of_a_cross_filtered_segment(bank) -> None:
    pc = context(bank, {"x.region": "华东", "tier": "private"})
    view = segments_view(pc)
    segment = list_segment(pc, view)
    assert segment == CustomerSegment("2025-04", {"region": ("华东",), "tier": ("private",)})
    now = at(APRIL)
    expected = (
        now.filter((pl.col("region") == "华东") & (pl.col("tier") == "private"))
        .sort("aum_total", descending=True)["customer_id"]
        .to_list()
    )
    frame, total = list_frame(pc, segment)
    assert frame["customer_id"].to_list() == expected == ["C01", "C02"]
    assert total == 2
    page, total = list_frame(pc, segment, limit=1, offset=1, sort=("customer_id", True))
    assert page["customer_id"].to_list() == ["C01"] and total == 2
    assert list_frame(pc, segment, sort=sort_from_model([{"colId": "customer_id", "sort": "asc"}]))[0][
        "customer_id"
    ].to_list() == ["C01", "C02"]
    # an unknown sort column falls back to the default order instead of failing
    assert list_frame(pc, segment, sort=("name; drop table", True))[0]["customer_id"].to_list() == expected

    # a tag narrows the list (tags are a list per customer)
    pc = context(bank, {"x.region": "华东", "p.tag": "parent"})
    frame, total = list_frame(pc, list_segment(pc, segments_view(pc)))
    assert frame["customer_id"].to_list() == ["C02"] and total == 1


def test_the_list_masks_personal_data_and_links_to_the_customer_page(bank) -> None:
    query = {"x.region": "华东", "tier": "private"}
    masked = context(bank, query, ViewerScope(can_see_personal=False))
    frame, _ = list_frame(masked, list_segment(masked, segments_view(masked)))
    rows = display_rows(masked, frame, query=link_query(masked, "segments"))
    assert [r["name"] for r in rows] == ["张**", "刘**"]
    assert rows[0]["phone"] == "138****0001"
    assert rows[0]["customer_id"].startswith("[C01](/customers/C01?")
    assert "p.back=segments" in rows[0]["customer_id"] and "x.region=" in rows[0]["customer_id"]
    assert rows[0]["tier"] == "私人银行客户"
    full = context(bank, query)
    rows = display_rows(full, frame, query="")
    assert rows[0]["name"] == "张伟"
    assert customer_href("C 1/x", "?lang=en") == "/customers/C%201%2Fx?lang=en"


def test_the_list_of_a_migration_cell(bank) -> None:
    # the period February .. April opens at the January month-end (the default period has no month-end before it)
    pc = context(bank, {"p.move": "mass-closed", "p.from": "2025-02"})
    view = segments_view(pc)
    assert view.move == ("mass", "closed")
    frame, total = list_frame(pc, list_segment(pc, view))
    assert frame["customer_id"].to_list() == ["C04"] and total == 1
    assert frame["aum_from"][0] == AUM["C04"][0] and frame["aum_to"][0] is None

    pc = context(bank, {"p.move": "new-affluent", "x.tier": "private", "p.from": "2025-02"})  # the move names the tiers
    frame, _ = list_frame(pc, list_segment(pc, segments_view(pc)))
    assert frame["customer_id"].to_list() == ["C05"]
    assert parse_move("new-closed", tier_codes(pc)) is None
    assert parse_move("gold-mass", tier_codes(pc)) is None


def test_segment_round_trip_refuses_what_it_does_not_know() -> None:
    segment = CustomerSegment("2025-04", {"region": ("华东",)}, "parent", "migration", {"from_month": "2025-01"})
    assert CustomerSegment.from_dict(segment.to_dict()) == segment
    tampered = {**segment.to_dict(), "filters": {"customer_id": ["C01"], "region": ["华东"]}, "params": {"x": "1"}}
    assert CustomerSegment.from_dict(tampered) == CustomerSegment(
        "2025-04", {"region": ("华东",)}, "parent", "migration"
    )
    with pytest.raises(ValueError):
        CustomerSegment.from_dict({"month": "2025-13"})
    with pytest.raises(ValueError):
        CustomerSegment.from_dict({"month": "2025-04", "source": "nope"})


def test_controls_and_clicks_change_the_state() -> None:
    state = ViewState()
    view = SegmentsView("2025-01", "2025-04", "count", "region", "count", None, "2025-01", "2025-04", None, False)
    assert with_setting(state, view, "trend", "count") == state  # drawing the control changes nothing
    assert with_setting(state, view, "trend", "share").options == {"trend": "share"}
    tagged = with_setting(state, view, "breakdown", "tag")
    assert tagged.options == {"by": "tag"} and tagged.dim is None
    assert with_setting(tagged, view, "breakdown", "gender").dim == "gender"
    assert "by" not in with_setting(tagged, view, "breakdown", "gender").options
    moved = with_click(state, "move", "mass-affluent")
    assert moved.options == {"move": "mass-affluent"}
    assert with_click(moved, "move", "mass-affluent").options == {}  # clicking again clears
    potential = with_click(moved, "potential", None)
    assert potential.options == {"list": "potential"}
    assert with_click(potential.with_option("tag", "parent"), "clear", None).options == {}


def test_the_segments_workbook_has_a_sheet_per_chart(bank) -> None:
    from clientscope.export import workbook_bytes
    from clientscope.reports import ReportRequest, builder

    query = {"p.move": "affluent-private", "p.from": "2025-02", "lang": "en"}
    pc = context(bank, query, ViewerScope(can_see_personal=False))
    spec = builder("segments")(ReportRequest(pc, datetime(2025, 5, 2, 9, 0)))
    names = [s.name for s in spec.sheets]
    assert names[1:] == [
        "Tier mix",
        "Tier trend",
        "Breakdown",
        "Product penetration",
        "Products per customer",
        "Migration matrix",
        "Tier flows",
        "Potential customers",
        "Potential customer list",
        "Customer list",
    ]
    assert not spec.can_see_personal
    content = workbook_bytes(spec)
    assert content[:2] == b"PK"
    listed = spec.sheets[-1].rows
    assert listed["customer_id"].to_list() == ["C02"]
    # the migration sheet names the two month-ends it compares: the one before the period's first month, the last
    migration = spec.sheets[names.index("Migration matrix")]
    assert migration.title == "Tier migration (end of 2025-01 → end of 2025-04)"


def test_customers_without_a_tag_can_be_listed(bank) -> None:
    pc = context(bank, {"p.tag": NO_TAG})
    view = segments_view(pc)
    assert view.tag == NO_TAG
    frame, _ = list_frame(pc, list_segment(pc, view))
    expected = at(APRIL).filter(pl.col("tags").list.len().fill_null(0) == 0)["customer_id"].to_list()
    assert frame["customer_id"].to_list() == expected == ["C07"]
    assert segments_view(context(bank, {"p.tag": "no_such_tag"})).tag is None


def test_clicks_on_heatmap_cells_and_sankey_links_give_the_move(bank) -> None:
    from clientscope.segments import figures

    pc = context(bank)
    matrix = migration(pc, segments_view(pc))
    labels = migration_labels(pc)
    common = {
        "from_order": ("private", "affluent", "mass", "new"),
        "to_order": ("private", "affluent", "mass", "closed"),
        "labels": labels,
        "money": numbers(pc).money,
        "theme": "light",
        "move": move_option,
        "title": "",
    }
    heatmap = figures.migration_heatmap(matrix, value="customers", x_title="", y_title="", **common)
    click = {"points": [{"curveNumber": 0, "x": labels["closed"], "y": labels["mass"], "z": 1}]}
    assert figures.clicked_code(click, heatmap) == "mass-closed"
    sankey = figures.migration_sankey(matrix, **common)
    links = sankey["data"][0]["link"]["customdata"]
    index = next(i for i, custom in enumerate(links) if custom[0] == "new-affluent")
    assert figures.clicked_code({"points": [{"curveNumber": 0, "pointNumber": index}]}, sankey) == "new-affluent"
    assert figures.clicked_code({"points": [{"customdata": ["B01", "text"]}]}, None) == "B01"
    assert figures.clicked_code(None, heatmap) is None


@pytest.mark.parametrize(
    ("query", "measure"),
    [({}, "count"), ({"x.tier": "affluent", "theme": "dark", "dim": "region"}, "aum"), ({"p.by": "tag"}, "share")],
)
def test_every_figure_is_a_plain_dict_as_plotly_would_send_it(bank, query: dict[str, str], measure: str) -> None:
    """Each builder returns the dict dcc.Graph sends, already in the form plotly's Figure objects write (titles as
    {"text": ...}, the named colour scale written out, no None options), over the page's own frames."""
    from clientscope.segments import figures

    pc = context(bank, query)
    view = segments_view(pc)
    tier_labels = pc.model.tier_labels("en")
    tiers = tuple(tier_labels)
    picked = selected(pc, "tier")
    money = numbers(pc).money
    theme = pc.state.theme
    mix = tier_mix(pc, view)
    frame = breakdown(pc, view)
    matrix = migration(pc, view)
    labels = migration_labels(pc)
    per_customer = products_per_customer(pc, view)
    moves = {"from_order": (*tiers, "new"), "to_order": (*tiers, "closed"), "labels": labels, "money": money}
    built = {
        "tier_mix_bars": figures.tier_mix_bars(
            mix,
            tier_order=tiers,
            tier_labels=tier_labels,
            measures={"customers": "Customers", "aum_total": "AUM"},
            theme=theme,
            title="",
            share_label="Share",
        ),
        "tier_trend_chart": figures.tier_trend_chart(
            tier_trend(pc, view),
            measure=measure,
            tier_order=tiers,
            tier_labels=tier_labels,
            picked=picked,
            money=money,
            theme=theme,
            title="",
            y_title="Customers",
        ),
        "breakdown_bars": figures.breakdown_bars(
            frame,
            measure=measure,
            value_labels={v: v.upper() for v in frame["value"].to_list()},
            tier_order=tiers,
            tier_labels=tier_labels,
            picked=picked,
            money=money,
            theme=theme,
            title="",
            x_title="Customers",
        ),
        "penetration_heatmap": figures.penetration_heatmap(
            penetration(pc, view),
            tier_order=tiers,
            tier_labels=tier_labels,
            product_labels={"fund": "Fund"},
            theme=theme,
            title="Penetration",
            hover_label="holders",
        ),
        "tier_value_bars": figures.tier_value_bars(
            per_customer.filter(~per_customer["is_total"]) if "is_total" in per_customer.columns else per_customer,
            column="products_per_customer",
            tier_order=tiers,
            tier_labels=tier_labels,
            picked=picked,
            text=lambda v: f"{v:.2f}" if v is not None else "",
            theme=theme,
            title="Products per customer",
        ),
        "migration_heatmap": figures.migration_heatmap(
            matrix,
            value="customers" if measure == "count" else "aum",
            theme=theme,
            title="Migration",
            x_title="To",
            y_title="From",
            move=move_option,
            **moves,
        ),
        "migration_sankey": figures.migration_sankey(matrix, theme=theme, title="Flows", move=move_option, **moves),
    }
    for name, figure in built.items():
        assert figure["data"], name
        assert_plain_figure(figure)
    assert built["tier_trend_chart"]["layout"]["yaxis"].get("tickformat") == (".0%" if measure == "share" else None)
    assert built["penetration_heatmap"]["data"][0]["colorscale"][0] == [0.0, "rgb(247,251,255)"]
    opacities = {t["name"]: t["marker"]["opacity"] for t in built["breakdown_bars"]["data"]}
    assert opacities[tier_labels["mass"]] == (figures.FADED if picked else 1.0)


def test_everything_is_scoped_to_the_viewer(bank) -> None:
    scope = ViewerScope(branches=frozenset({"B01"}))
    pc = context(bank, {"p.from": "2025-02"}, scope=scope)
    view = segments_view(pc)
    east = raw_months().filter(pl.col("branch_id") == "B01")
    assert tier_mix(pc, view)["customers"].sum() == east.filter(pl.col("month") == APRIL).height == 4
    got = migration(pc, view).filter(pl.col("customers") > 0)
    assert sorted(got.select("from_tier", "to_tier", "customers").rows()) == sorted(
        expected_migration(JANUARY, APRIL, east).select("from_tier", "to_tier", "customers").rows()
    )
    frame, total = list_frame(pc, list_segment(pc, view))
    assert set(frame["customer_id"]) == {"C01", "C02", "C05", "C07"} and total == 4
    assert potential(pc, view)["potential"].sum() == 0  # C03 is in B02
    tags = set(known_tags(pc))
    assert tags == {"retiree", "business_owner", "parent", "young_professional"}


def test_a_click_on_a_penetration_cell_cross_filters_its_tier() -> None:
    state = with_click(ViewState(), "tier-penetration", "mass")
    assert dict(state.cross) == {"tier": "mass"}
    assert dict(with_click(state, "tier-penetration", "mass").cross) == {}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("source", ["snapshot", "migration", "potential"])
def test_every_list_column_has_a_header(bank, lang: str, source: str) -> None:
    from clientscope.customer_list import column_defs, list_source

    columns = column_defs(context(bank, {"lang": lang}), list_source(source))
    assert all(c["headerName"] for c in columns)
    assert len({c["headerName"] for c in columns}) == len(columns)


def test_potential_rule_comes_from_metrics_yaml(tmp_path) -> None:
    from clientscope.semantic import load_semantic_model
    from tests.conftest import REPO_ROOT

    text = (
        (REPO_ROOT / "metrics.yaml").read_text(encoding="utf-8").replace("    min_signals: 2 ", "    min_signals: 1 ")
    )
    changed = tmp_path / "metrics.yaml"
    changed.write_text(text, encoding="utf-8")
    assert potential_rule(load_semantic_model(REPO_ROOT / "metrics.yaml")) == POTENTIAL_RULE
    assert potential_rule(load_semantic_model(changed)) == PotentialRule(min_signals=1)
