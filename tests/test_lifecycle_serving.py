"""The lifecycle serving layer answers exactly as the detail rows do: every section (funnel, funnel by group,
retention, time to activate, summary cards, stage flow), for every filter key the page applies, under a restricted
viewer scope, and for month pairs of the flow.  The detail answer is the cohort's customers
(`lifecycle/cohort_members`) and the per-month lists (`lifecycle/flow`), as the page computed them before the
serving layer; the served answer reads the marts of `clientscope.lifecycle.serving`."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clientscope.cache import run_named_cached
from clientscope.db import FULL_SCOPE, ViewerScope
from clientscope.lifecycle import api as lc
from clientscope.lifecycle import serving
from clientscope.view_context import build_page_context

# URL key → metrics.yaml dimension: the filter bar's keys, then the dimensions other pages' drills and
# cross-filters bring (x.<dimension>), all of which the lifecycle page applies to a cohort.
BAR_KEYS: dict[str, str] = {
    "region": "region",
    "branch": "branch_id",
    "rm": "rm_id",
    "tier": "entry_tier",
    "channel": "acquisition_channel",
}
CROSS_KEYS: dict[str, str] = {
    "x.city": "city",
    "x.gender": "gender",
    "x.risk_profile": "risk_profile",
    "x.tier_alt": "entry_tier_alt",
    "x.age_band": "entry_age_band",
}


@pytest.fixture(scope="module")
def demo(demo_db, demo_data):
    db, model = demo_db
    months = db.con.sql("select distinct strftime(month, '%Y-%m') from customer_month_facts order by 1").fetchall()
    period = {"start": months[0][0], "end": months[-1][0]}
    return db, model, demo_data, period, [m[0] for m in months]


def _context(demo, scope: ViewerScope = FULL_SCOPE, **query: str):
    db, model, folder, period, _ = demo
    return build_page_context(db, model, folder, {**period, **query}, scope)


def _common_value(demo, column: str) -> str:
    """The value of a cohort column most customers share (so that a filter on it keeps many)."""
    pc = _context(demo)
    members = lc.cohort_members(pc, lc.lifecycle_view(pc))
    counts = members.drop_nulls(column).group_by(column).len().sort("len", column, descending=[True, False])
    return str(counts[column][0])


def _assert_same_cohort_answers(pc) -> None:
    """Every cohort section from the serving layer equals the detail answer."""
    view = lc.lifecycle_view(pc)
    cells = lc.cohort_cells(pc, view)
    frames = lc.cohort_frames(pc, view)
    assert cells.served
    assert lc.customer_count(cells.funnel) == frames.funnel.height
    assert_frame_equal(lc.funnel(cells.funnel), lc.funnel(frames.funnel))
    order = lc.group_order(pc, view.dim)
    assert_frame_equal(lc.funnel_by(cells.groups, view.dim, order), lc.funnel_by(frames.groups, view.dim, order))
    assert_frame_equal(lc.retention(cells.retention), lc.retention(frames.retention))
    assert_frame_equal(lc.activation_histogram(cells.activation), lc.activation_histogram(frames.activation))
    served = lc.summary(cells.funnel, lc.funnel(cells.funnel))
    assert served == lc.summary(frames.funnel, lc.funnel(frames.funnel))


def test_the_unfiltered_cohort_is_served_like_the_detail_and_is_not_empty(demo) -> None:
    pc = _context(demo)
    _assert_same_cohort_answers(pc)
    cells = lc.cohort_cells(pc, lc.lifecycle_view(pc))
    assert lc.customer_count(cells.funnel) > 100 and cells.funnel.height < lc.customer_count(cells.funnel)
    assert lc.retention(cells.retention)["active"].sum() > 0


@pytest.mark.parametrize("key", [*BAR_KEYS, *CROSS_KEYS])
def test_every_filter_key_is_served_like_the_detail(demo, key: str) -> None:
    column = {**BAR_KEYS, **CROSS_KEYS}[key]
    pc = _context(demo, **{key: _common_value(demo, column)})
    view = lc.lifecycle_view(pc)
    assert view.filters.dimensions and view.ignored == ()
    everyone = _context(demo)
    assert 0 < lc.cohort_members(pc, view).height < lc.cohort_members(everyone, lc.lifecycle_view(everyone)).height
    _assert_same_cohort_answers(pc)


@pytest.mark.parametrize("dim", list(lc.COMPARE_COLUMNS))
def test_the_funnel_by_every_comparison_dimension_is_served_like_the_detail(demo, dim: str) -> None:
    _assert_same_cohort_answers(_context(demo, dim=dim, channel=_common_value(demo, "acquisition_channel")))


def test_a_group_s_own_cross_filter_and_an_opening_month_are_served_like_the_detail(demo) -> None:
    _, _, _, _, months = demo
    region = _common_value(demo, "region")
    _assert_same_cohort_answers(_context(demo, dim="region", **{"x.region": region}))
    _assert_same_cohort_answers(_context(demo, **{"x.cohort": months[len(months) // 2], "tier": "mass"}))


def test_a_restricted_viewer_is_served_like_the_detail(demo) -> None:
    region = _common_value(demo, "region")
    scope = ViewerScope(regions=(region,), branches=None, rms=None, can_see_personal=False)
    pc = _context(demo, scope)
    _assert_same_cohort_answers(pc)
    members = lc.cohort_members(pc, lc.lifecycle_view(pc))
    assert set(members["region"]) == {region}


def test_per_customer_cross_filters_and_other_windows_read_the_detail(demo) -> None:
    for query in ({"x.step": "activated"}, {"x.activation": "0"}, {"x.stage": "active"}):
        pc = _context(demo, **query)
        view = lc.lifecycle_view(pc)
        cells = lc.cohort_cells(pc, view)
        assert not cells.served
        assert_frame_equal(lc.funnel(cells.funnel), lc.funnel(lc.cohort_frames(pc, view).funnel))
    pc = _context(demo)
    view = replace(lc.lifecycle_view(pc), windows=replace(lc.funnel_windows(pc.model), activation_days=30))
    cells = lc.cohort_cells(pc, view)
    assert not cells.served  # the marts hold the metrics.yaml windows: a caller's own windows are not served
    assert_frame_equal(lc.funnel(cells.funnel), lc.funnel(lc.cohort_frames(pc, view).funnel))


def _flow_detail(pc, view) -> pl.DataFrame:
    return run_named_cached(pc.db, "lifecycle/flow", view.flow_params, scope=pc.scope, filters=view.filters).frame


def _flow_served(pc, view) -> pl.DataFrame:
    params = {"a_idx": lc.month_index(view.flow_a), "b_idx": lc.month_index(view.flow_b)}
    return run_named_cached(pc.db, "lifecycle/flow_served", params, scope=pc.scope, filters=view.filters).frame


@pytest.mark.parametrize("key", [None, *BAR_KEYS])
def test_the_stage_flow_is_served_like_the_detail_for_every_month_pair_and_bar_filter(demo, key: str | None) -> None:
    _, _, _, _, months = demo
    query = {key: _common_value(demo, BAR_KEYS[key])} if key else {}
    pairs = [(months[0], months[-1]), (months[2], months[3]), (months[5], months[5]), (months[1], months[-2])]
    for month_a, month_b in pairs:
        pc = _context(demo, **query, **{"p.flow_a": month_a, "p.flow_b": month_b})
        view = lc.lifecycle_view(pc)
        assert (view.flow_a, view.flow_b) == (month_a, month_b)
        assert not view.filters.ignored_by(serving.FLOW_PAIRS.columns)  # the served path
        detail = _flow_detail(pc, view)
        assert detail.height and int(detail["customers"].sum()) > 0
        assert_frame_equal(_flow_served(pc, view), detail)
        assert_frame_equal(lc.stage_flow(pc, view).drop("share"), detail.sort(pl.col("from_state"), "to_state"),
                           check_row_order=False)  # fmt: skip


def test_a_flow_filter_outside_the_pairs_grain_reads_the_detail_and_the_flow_list_agrees(demo) -> None:
    _, _, _, _, months = demo
    gender = _common_value(demo, "gender")
    pc = _context(demo, **{"x.gender": gender, "p.flow_a": months[1], "p.flow_b": months[-1]})
    view = lc.lifecycle_view(pc)
    assert view.filters.ignored_by(serving.FLOW_PAIRS.columns) == ("gender",)
    flow = lc.stage_flow(pc, view)
    unfiltered = _context(demo, **{"p.flow_a": months[1], "p.flow_b": months[-1]})
    everyone = lc.stage_flow(unfiltered, lc.lifecycle_view(unfiltered))
    assert 0 < flow["customers"].sum() < everyone["customers"].sum()
    for row in flow.head(4).iter_rows(named=True):
        listed = lc.drill_list(pc, view, lc.DrillTarget("flow", (row["from_state"], row["to_state"])))
        assert listed.total == row["customers"]


def test_the_served_flow_under_a_restricted_scope_equals_the_detail(demo) -> None:
    _, _, _, _, months = demo
    region = _common_value(demo, "region")
    scope = ViewerScope(regions=(region,), branches=None, rms=None, can_see_personal=False)
    pc = _context(demo, scope, **{"p.flow_a": months[0], "p.flow_b": months[-1]})
    view = lc.lifecycle_view(pc)
    assert_frame_equal(_flow_served(pc, view), _flow_detail(pc, view))
    unrestricted = _flow_served(_context(demo, **{"p.flow_a": months[0], "p.flow_b": months[-1]}), view)
    assert unrestricted.height
    assert _flow_served(pc, view)["customers"].sum() < unrestricted["customers"].sum()


@pytest.mark.parametrize(
    "target", [None, "step:acquired", "step:activated", "step:grown", "step:churned", "act:0", "act:2", "act:none"]
)
def test_the_list_s_count_is_served_like_the_detail(demo, target: str | None) -> None:
    """The list section's count comes from the served cells: the same number as the customers the list holds,
    with the bar's filters, an opening month and a group's cross-filter."""
    _, _, _, _, months = demo
    region = _common_value(demo, "region")
    listed = {"p.list": target} if target else {}
    for query in ({}, {"tier": "mass"}, {"x.cohort": months[len(months) // 2]}, {"x.region": region}):
        pc = _context(demo, **query, **listed)
        view = lc.lifecycle_view(pc)
        served = lc.drill_total(pc, view)
        assert served is not None, query
        assert served == lc.drill_list(pc, view).total, (target, query)
    if target is None:
        assert served > 0


def test_lists_the_cells_cannot_count_read_the_detail(demo) -> None:
    _, _, _, _, months = demo
    for query in ({"x.step": "activated"}, {"p.list": f"cell:{months[0]}:1"}, {"p.list": "flow:active:dormant"}):
        pc = _context(demo, **query)
        assert lc.drill_total(pc, lc.lifecycle_view(pc)) is None, query
