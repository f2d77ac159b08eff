"""The segments serving layer answers what the detail rows answer: potential customers, product penetration, the
tag mix and the tier migration, for every filter key the page honours, on the session's demo bank.

The detail answers are computed here in polars from the customer-month rows and the holdings (the rules as the
page states them), not with the page's SQL; the page's answers come from the serving layer's marts
(`clientscope/segments/serving.py`) through the view's compiled filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl
import pytest

from clientscope.customer_list import NO_TAG, list_frame
from clientscope.db import FULL_SCOPE, ViewerScope, decimals_as_float
from clientscope.segments import serving
from clientscope.segments.lists import list_segment
from clientscope.segments.migration import is_served, migration
from clientscope.segments.mix import breakdown
from clientscope.segments.potential import potential, potential_rule
from clientscope.segments.products import penetration
from clientscope.segments.view import segments_view
from clientscope.semantic.periods import DEFAULT_PERIOD_MONTHS
from clientscope.view_context import PageContext, build_page_context

# metrics.yaml dimension → (URL key, column): the filter bar's keys, and cross-filters for the others
FILTER_KEYS: dict[str, tuple[str, str]] = {
    "region": ("region", "region"),
    "branch": ("branch", "branch_id"),
    "rm": ("rm", "rm_id"),
    "tier": ("tier", "tier"),
    "acquisition_channel": ("channel", "acquisition_channel"),
    "city": ("x.city", "city"),
    "tier_alt": ("x.tier_alt", "tier_alt"),
    "stage": ("x.stage", "stage"),
    "gender": ("x.gender", "gender"),
    "age_band": ("x.age_band", "age_band"),
    "risk_profile": ("x.risk_profile", "risk_profile"),
    "warning_level": ("x.warning_level", "warning_level"),
}
CASES = (None, *FILTER_KEYS, "region+acquisition_channel+tier")


@pytest.fixture(scope="module")
def bank(demo_db, demo_data: Path):
    db, model = demo_db
    facts = decimals_as_float(db.con.sql("select * from customer_month_facts").pl())
    holdings = db.con.sql("select customer_id, product_type, open_date, close_date from holdings").pl()
    return db, model, demo_data, facts, holdings


def context(bank, query: Mapping[str, str], scope: ViewerScope = FULL_SCOPE) -> PageContext:
    db, model, data_dir, _, _ = bank
    return build_page_context(db, model, data_dir, dict(query), scope)


def case_filters(bank, case: str | None) -> dict[str, str]:
    """The case's filter: the most common value of each of its dimensions at the last month-end (column → value)."""
    facts = bank[3]
    last = facts.filter(pl.col("month_start") == facts["month_start"].max())
    chosen = {}
    for dimension in case.split("+") if case else ():
        column = FILTER_KEYS[dimension][1]
        counts = last.group_by(column).len().drop_nulls().sort(["len", column], descending=[True, False])
        chosen[column] = counts[column][0]
    return chosen


def case_query(bank, case: str | None, **extra: str) -> tuple[dict[str, str], dict[str, str]]:
    chosen = case_filters(bank, case)
    keys = {column: key for key, column in FILTER_KEYS.values()}
    return {keys[column]: value for column, value in chosen.items()} | extra, chosen


def kept(frame: pl.DataFrame, chosen: Mapping[str, str], *, skip: tuple[str, ...] = ()) -> pl.DataFrame:
    for column, value in chosen.items():
        if column not in skip:
            frame = frame.filter(pl.col(column) == value)
    return frame


def at(facts: pl.DataFrame, month: str) -> pl.DataFrame:
    return facts.filter(pl.col("month_start").dt.strftime("%Y-%m") == month)


def month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7])


def check_page_applies(pc: PageContext, chosen: Mapping[str, str]) -> None:
    """The page took every filter of the case (so a dropped filter cannot make the comparison trivial)."""
    columns = {pc.model.dimension(d).column: v for d, v in pc.metric_filters().items()}
    assert {c: v[0] for c, v in columns.items()} == dict(chosen)
    # filters on the filter bar's own dimensions read the small aggregates, any other the full grain
    core = set(chosen) <= set(serving.CORE_COLUMNS)
    assert serving.page_query("potential", pc.filters) == ("segments/potential_core" if core else "segments/potential")


# --- the detail answers ------------------------------------------------------------------------------------------


def detail_potential(bank, month: str, chosen: Mapping[str, str]) -> pl.DataFrame:
    _, model, _, facts, _ = bank
    rule = potential_rule(model)
    floors = list(model.rules.tiers.primary_floors(model.currency))
    idx = month_index(month)
    window = facts.filter(pl.col("month_idx").is_between(idx - rule.lookback_months + 1, idx))
    activity = window.group_by("customer_id").agg(
        pl.col("card_spend").fill_null(0).mean().alias("card"),
        pl.col("cross_border_spend").mean().alias("cross"),
        pl.col("payroll_inflow").mean().alias("payroll"),
    )
    before = facts.filter(pl.col("month_idx") == idx - rule.growth_months).select(
        "customer_id", pl.col("aum_total").alias("before")
    )
    snap = facts.filter(pl.col("month_idx") == idx).join(activity, on="customer_id", how="left")
    snap = snap.join(before, on="customer_id", how="left")
    peers = snap.group_by("tier_rank").agg(
        pl.col("card").median().alias("peer_card"),
        pl.col("cross").median().alias("peer_cross"),
        pl.col("payroll").median().alias("peer_payroll"),
    )
    cand = snap.filter((pl.col("tier_rank") > 1) & (pl.col("stage") != "churned"))
    cand = cand.with_columns((pl.col("tier_rank") - 1).alias("above")).join(
        peers.rename({"tier_rank": "above"}), on="above", how="left"
    )
    share = rule.peer_share
    cand = cand.with_columns(
        ((pl.col("before") > 0) & (pl.col("aum_total") >= pl.col("before") * (1 + rule.aum_growth_min)))
        .fill_null(False)
        .alias("s_growth"),
        ((pl.col("peer_card") > 0) & (pl.col("card") >= share * pl.col("peer_card"))).fill_null(False).alias("s_card"),
        ((pl.col("peer_cross") > 0) & (pl.col("cross") >= share * pl.col("peer_cross")))
        .fill_null(False)
        .alias("s_cross"),
        ((pl.col("peer_payroll") > 0) & (pl.col("payroll") >= share * pl.col("peer_payroll")))
        .fill_null(False)
        .alias("s_payroll"),
        pl.col("tier_rank").map_elements(lambda r: floors[r - 2], return_dtype=pl.Float64).alias("next_min"),
    )
    signals = sum(pl.col(c).cast(pl.Int32) for c in ("s_growth", "s_card", "s_cross", "s_payroll"))
    headroom = (pl.col("aum_total") >= rule.headroom_share * pl.col("next_min")).fill_null(False)
    cand = kept(cand.with_columns((headroom & (signals >= rule.min_signals)).alias("pot")), chosen)
    pot = pl.col("pot")
    return (
        cand.group_by("tier", "tier_rank")
        .agg(
            pl.len().alias("candidates"),
            pot.sum().alias("potential"),
            pl.col("aum_total").filter(pot).sum().alias("potential_aum"),
            (pot & pl.col("s_growth")).sum().alias("aum_growth"),
            (pot & pl.col("s_card")).sum().alias("card_spend"),
            (pot & pl.col("s_cross")).sum().alias("cross_border"),
            (pot & pl.col("s_payroll")).sum().alias("payroll"),
            pl.col("cross").is_not_null().sum().alias("with_cross_border_data"),
            pl.col("payroll").is_not_null().sum().alias("with_payroll_data"),
        )
        .sort("tier_rank")
    )


def detail_penetration(bank, month: str, chosen: Mapping[str, str]) -> set[tuple[str, str, int]]:
    facts, holdings = bank[3], bank[4]
    snap = kept(at(facts, month), chosen)
    end = snap["month"].max()
    held = holdings.filter(
        (pl.col("open_date") <= end) & (pl.col("close_date").is_null() | (pl.col("close_date") > end))
    ).unique(["customer_id", "product_type"])
    holders = snap.join(held, on="customer_id").group_by("tier", "product_type").len()
    return set(holders.rows())


def detail_tag_mix(bank, month: str, chosen: Mapping[str, str]) -> dict[tuple[str, str], tuple[int, float]]:
    snap = kept(at(bank[3], month), chosen)
    tags = pl.when(pl.col("tags").list.len().fill_null(0) == 0).then(pl.lit([NO_TAG])).otherwise(pl.col("tags"))
    tagged = snap.with_columns(tags.list.unique().alias("tag")).explode("tag").drop_nulls("tag")
    grouped = tagged.group_by("tag", "tier").agg(pl.len(), pl.col("aum_total").sum())
    return {(r[0], r[1]): (r[2], r[3]) for r in grouped.rows()}


def detail_migration(bank, opening: str, later: str, chosen: Mapping[str, str]) -> dict[tuple[str, str], tuple]:
    facts = bank[3]
    attrs = [FILTER_KEYS[d][1] for d in FILTER_KEYS if d != "tier"]
    a = at(facts, opening).select("customer_id", pl.col("tier").alias("from_tier"), "aum_total", *attrs)
    b = at(facts, later).select("customer_id", pl.col("tier").alias("to_tier"), "aum_total", *attrs)
    pairs = a.join(b, on="customer_id", how="full", coalesce=True, suffix="_to").with_columns(
        pl.col("from_tier").fill_null(serving.NEW),
        pl.col("to_tier").fill_null(serving.CLOSED),
        *(pl.coalesce(f"{c}_to", c).alias(c) for c in attrs),
    )
    pairs = kept(pairs, chosen, skip=("tier",))
    if "tier" in chosen:
        pairs = pairs.filter((pl.col("from_tier") == chosen["tier"]) | (pl.col("to_tier") == chosen["tier"]))
    grouped = pairs.group_by("from_tier", "to_tier").agg(
        pl.len(), pl.col("aum_total").fill_null(0).sum(), pl.col("aum_total_to").fill_null(0).sum()
    )
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in grouped.rows()}


# --- the comparisons ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_potential_customers_match_the_detail(bank, case: str | None) -> None:
    query, chosen = case_query(bank, case)
    pc = context(bank, query)
    check_page_applies(pc, chosen)
    view = segments_view(pc)
    got = potential(pc, view)
    expected = detail_potential(bank, view.end, chosen)
    assert (
        got.select("tier", "tier_rank", "candidates", "potential").rows()
        == expected.select("tier", "tier_rank", "candidates", "potential").rows()
    )
    for column in (
        "aum_growth",
        "card_spend",
        "cross_border",
        "payroll",
        "with_cross_border_data",
        "with_payroll_data",
    ):
        assert got[column].to_list() == expected[column].to_list(), column
    assert got["potential_aum"].to_list() == pytest.approx(expected["potential_aum"].to_list())
    # the drill list holds the same customers (all of them: the list is paged from the same flags)
    listed, total = list_frame(pc, list_segment(pc, segments_view(context(bank, {**query, "p.list": "potential"}))))
    assert total == expected["potential"].sum()
    assert listed.height == min(total, 20)


@pytest.mark.parametrize("case", CASES)
def test_penetration_matches_the_detail(bank, case: str | None) -> None:
    query, chosen = case_query(bank, case)
    pc = context(bank, query)
    check_page_applies(pc, chosen)
    view = segments_view(pc)
    got = penetration(pc, view).filter(pl.col("holders") > 0)
    assert set(got.select("tier", "product_type", "holders").rows()) == detail_penetration(bank, view.end, chosen)


@pytest.mark.parametrize("case", CASES)
def test_the_tag_mix_matches_the_detail(bank, case: str | None) -> None:
    query, chosen = case_query(bank, case, **{"p.by": "tag"})
    pc = context(bank, query)
    check_page_applies(pc, chosen)
    view = segments_view(pc)
    got = {(r["value"], r["tier"]): (r["customers"], r["aum_total"]) for r in breakdown(pc, view).iter_rows(named=True)}
    expected = detail_tag_mix(bank, view.end, chosen)
    assert {k: v[0] for k, v in got.items()} == {k: v[0] for k, v in expected.items()}
    assert [got[k][1] for k in sorted(expected)] == pytest.approx([expected[k][1] for k in sorted(expected)])


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("months", [None, ("2026-10", "2026-10"), ("2026-06", "2026-09")])
def test_migration_matches_the_detail(bank, case: str | None, months: tuple[str, str] | None) -> None:
    extra = {"p.from": months[0], "p.to": months[1]} if months else {}
    query, chosen = case_query(bank, case, **extra)
    pc = context(bank, query)
    check_page_applies(pc, chosen)
    view = segments_view(pc)
    # the default period and a one-month period come from the serving layer; a 4-month one from the detail rows
    assert is_served(pc, view) == (months != ("2026-06", "2026-09"))
    got = migration(pc, view).filter(pl.col("customers") > 0)
    expected = detail_migration(bank, view.opening_month, view.to_month, chosen)
    assert {(r[0], r[1]): r[2] for r in got.select("from_tier", "to_tier", "customers").rows()} == {
        k: v[0] for k, v in expected.items()
    }
    for row in got.iter_rows(named=True):
        cell = expected[(row["from_tier"], row["to_tier"])]
        assert (row["aum_from"], row["aum_to"]) == pytest.approx(cell[1:])


def test_the_demo_bank_exercises_every_answer(bank) -> None:
    # so that the comparisons above compare something: potential customers, holders, tags and moves exist
    pc = context(bank, {})
    view = segments_view(pc)
    assert (view.opening_month, view.to_month) == ("2025-10", "2026-10")
    assert potential(pc, view)["potential"].sum() > 0
    assert penetration(pc, view)["holders"].sum() > 0
    moves = migration(pc, view).filter(pl.col("from_tier") != pl.col("to_tier"))["customers"].sum()
    assert moves > 0
    assert serving.MIGRATION_SPANS[-1] == DEFAULT_PERIOD_MONTHS


def test_a_restricted_viewer_gets_the_detail_answer_of_their_book(bank) -> None:
    db = bank[0]
    branch = db.con.sql("select branch_id from customers group by all order by count(*) desc limit 1").fetchall()[0][0]
    pc = context(bank, {}, ViewerScope(branches=frozenset({branch})))
    view = segments_view(pc)
    chosen = {"branch_id": branch}  # the scope keeps the branch's customers, as a branch filter does
    got = potential(pc, view)
    assert (
        got.select("tier", "candidates", "potential").rows()
        == detail_potential(bank, view.end, chosen).select("tier", "candidates", "potential").rows()
    )
    assert set(
        penetration(pc, view).filter(pl.col("holders") > 0).select("tier", "product_type", "holders").rows()
    ) == (detail_penetration(bank, view.end, chosen))
    got = migration(pc, view).filter(pl.col("customers") > 0)
    expected = detail_migration(bank, view.opening_month, view.to_month, chosen)
    assert {(r[0], r[1]): r[2] for r in got.select("from_tier", "to_tier", "customers").rows()} == {
        k: v[0] for k, v in expected.items()
    }
