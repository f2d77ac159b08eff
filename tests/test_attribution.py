"""Attribution engine: hand-computed credits, window edges, journeys, Markov removal effects."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientscope.campaigns import journeys as J
from clientscope.campaigns import markov as M
from clientscope.campaigns import models as A

D = datetime


def make_touches(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (touch_id, customer_id, campaign_id, channel, touch_ts[, is_control])."""
    full = [(*r, False) if len(r) == 5 else r for r in rows]
    return pl.DataFrame(
        {
            "touch_id": [r[0] for r in full],
            "customer_id": [r[1] for r in full],
            "campaign_id": [r[2] for r in full],
            "channel": [r[3] for r in full],
            "touch_ts": [r[4] for r in full],
            "touch_type": [r[3] for r in full],
            "is_control": [r[5] for r in full],
        },
        schema={
            "touch_id": pl.String,
            "customer_id": pl.String,
            "campaign_id": pl.String,
            "channel": pl.String,
            "touch_ts": pl.Datetime("us"),
            "touch_type": pl.String,
            "is_control": pl.Boolean,
        },
    )


def make_conversions(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (conversion_id, customer_id, conversion_ts, value)."""
    return pl.DataFrame(
        {
            "conversion_id": [r[0] for r in rows],
            "customer_id": [r[1] for r in rows],
            "conversion_ts": [r[2] for r in rows],
            "product_type": ["wealth"] * len(rows),
            "value": [r[3] for r in rows],
        },
        schema={
            "conversion_id": pl.String,
            "customer_id": pl.String,
            "conversion_ts": pl.Datetime("us"),
            "product_type": pl.String,
            "value": pl.Float64,
        },
    )


# The worked example of docs/attribution.md.
#   a: t1 sms/k1 Jan 1, t2 call/k2 Jan 5, t3 sms/k1 Jan 9 → v1 Jan 10 (100 CNY)
#   b: t4 sms/k1 Jan 3 (the conversion instant), t7 call/k2 Jan 2 CONTROL → v2 Jan 3 (50 CNY)
#   c: t5 call/k2 Jan 2, t6 app_push/k2 Jan 4, never converts
#   d: t8 email/k3 and t9 visit/k3, both Jan 6 12:00 (tie → touch_id order) → v4 Jan 8 (200 CNY)
#   z: no touches → v3 Jan 3 (10 CNY) is unattributed
TOUCHES = make_touches(
    [
        ("t1", "a", "k1", "sms", D(2026, 1, 1)),
        ("t2", "a", "k2", "call", D(2026, 1, 5)),
        ("t3", "a", "k1", "sms", D(2026, 1, 9)),
        ("t4", "b", "k1", "sms", D(2026, 1, 3)),
        ("t5", "c", "k2", "call", D(2026, 1, 2)),
        ("t6", "c", "k2", "app_push", D(2026, 1, 4)),
        ("t7", "b", "k2", "call", D(2026, 1, 2), True),
        ("t9", "d", "k3", "visit", D(2026, 1, 6, 12)),
        ("t8", "d", "k3", "email", D(2026, 1, 6, 12)),
    ]
)
CONVERSIONS = make_conversions(
    [
        ("v1", "a", D(2026, 1, 10), 100.0),
        ("v2", "b", D(2026, 1, 3), 50.0),
        ("v3", "z", D(2026, 1, 3), 10.0),
        ("v4", "d", D(2026, 1, 8), 200.0),
    ]
)


def credit_map(credits: pl.DataFrame) -> dict[tuple[str, str], float]:
    return {(r["conversion_id"], r["touch_id"]): r["credit"] for r in credits.iter_rows(named=True)}


def assert_credits(model: str, expected: dict[tuple[str, str], float], **kwargs) -> None:
    got = credit_map(A.attribute(TOUCHES, CONVERSIONS, model=model, **kwargs))
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=1e-12), key


# ---------------------------------------------------------------------------------------------------
# Paths and windows
# ---------------------------------------------------------------------------------------------------


def test_paths_of_the_fixture() -> None:
    paths = J.build_paths(TOUCHES, CONVERSIONS)
    by_conversion = {
        cid: frame.sort("position")["touch_id"].to_list()
        for (cid,), frame in paths.filter(pl.col("n_touches") > 0).group_by("conversion_id")
    }
    # t7 is a control row (never contacted); t8 precedes t9 at the same instant because of touch_id.
    assert by_conversion == {"v1": ["t1", "t2", "t3"], "v2": ["t4"], "v4": ["t8", "t9"]}
    assert J.unattributed(paths)["conversion_id"].to_list() == ["v3"]
    assert paths.filter(pl.col("conversion_id") == "v3")["n_touches"].to_list() == [0]


def test_window_edges() -> None:
    conversion_ts = D(2026, 2, 1)  # lookback 30 days → window [2026-01-02 00:00, 2026-02-01 00:00]
    touches = make_touches(
        [
            ("edge", "x", "k1", "sms", D(2026, 1, 2)),  # exactly at the lookback edge: in
            ("outside", "x", "k1", "sms", D(2026, 1, 2) - timedelta(seconds=1)),  # one second older: out
            ("at_conversion", "x", "k1", "call", conversion_ts),  # the conversion instant: in
            ("after", "x", "k1", "call", conversion_ts + timedelta(seconds=1)),  # after: never
        ]
    )
    conversions = make_conversions([("v", "x", conversion_ts, 10.0)])
    paths = J.build_paths(touches, conversions, lookback_days=30)
    assert paths["touch_id"].to_list() == ["edge", "at_conversion"]
    assert paths["position"].to_list() == [0, 1]
    # A shorter lookback moves the edge: with 29 days the old touch drops out.
    assert J.build_paths(touches, conversions, lookback_days=29)["touch_id"].to_list() == ["at_conversion"]


def test_touch_counts_toward_every_conversion_whose_window_holds_it() -> None:
    touches = make_touches([("t", "x", "k1", "sms", D(2026, 1, 1))])
    conversions = make_conversions(
        [("early", "x", D(2026, 1, 5), 10.0), ("late", "x", D(2026, 1, 20), 30.0), ("gone", "x", D(2026, 3, 1), 5.0)]
    )
    credits = A.attribute(touches, conversions, model="linear")
    assert credit_map(credits) == {("early", "t"): 1.0, ("late", "t"): 1.0}
    summary = A.summarise(credits, conversions)
    assert summary["attributed_conversions"].to_list() == [2.0]
    assert summary["attributed_revenue"].to_list() == [40.0]


def test_control_touches_are_ignored() -> None:
    # Only t7 is a control row: dropping it from the input changes nothing for any model.
    without_control = TOUCHES.filter(pl.col("touch_id") != "t7")
    for model in A.MODELS:
        with_it = A.attribute(TOUCHES, CONVERSIONS, model=model)
        without = A.attribute(without_control, CONVERSIONS, model=model)
        assert with_it.equals(without), model
    # A customer touched only as a control has no path at all.
    only_control = make_touches([("c1", "y", "k1", "sms", D(2026, 1, 1), True)])
    paths = J.build_paths(only_control, make_conversions([("v", "y", D(2026, 1, 2), 1.0)]))
    assert paths["n_touches"].to_list() == [0]
    assert J.build_journeys(only_control, make_conversions([])).height == 0


# ---------------------------------------------------------------------------------------------------
# Heuristic models, hand-computed on the fixture
# ---------------------------------------------------------------------------------------------------


def test_first_touch() -> None:
    assert_credits("first_touch", {("v1", "t1"): 1.0, ("v2", "t4"): 1.0, ("v4", "t8"): 1.0})


def test_last_touch() -> None:
    assert_credits("last_touch", {("v1", "t3"): 1.0, ("v2", "t4"): 1.0, ("v4", "t9"): 1.0})


def test_linear() -> None:
    third = 1 / 3  # v1 has 3 touches: 1/3 each; v4 has 2: 1/2 each
    assert_credits(
        "linear",
        {("v1", "t1"): third, ("v1", "t2"): third, ("v1", "t3"): third, ("v2", "t4"): 1.0}
        | {("v4", "t8"): 0.5, ("v4", "t9"): 0.5},
    )


def test_time_decay() -> None:
    # v1: ages 9, 5 and 1 days, half-life 7 → weights 2^(-9/7) = 0.4101676780, 2^(-5/7) = 0.6095068271,
    # 2^(-1/7) = 0.9057236643; sum 1.9253981694 → 0.2130300550, 0.3165614452, 0.4704084997.
    # v4: both touches 1.5 days old → equal weights → 1/2 each.  v2: a single touch (age 0) → 1.
    assert_credits(
        "time_decay",
        {("v1", "t1"): 0.21303005504468495, ("v1", "t2"): 0.3165614452109316, ("v1", "t3"): 0.4704084997443834}
        | {("v2", "t4"): 1.0, ("v4", "t8"): 0.5, ("v4", "t9"): 0.5},
    )
    # Half-life 1 day: weights 2^-9, 2^-5, 2^-1 → 1/273, 16/273, 256/273 (multiply by 2^9 = 512: 1, 16, 256).
    got = credit_map(A.attribute(TOUCHES, CONVERSIONS, model="time_decay", half_life_days=1.0))
    assert [got[("v1", t)] for t in ("t1", "t2", "t3")] == pytest.approx([1 / 273, 16 / 273, 256 / 273], abs=1e-12)


def test_time_decay_tiny_half_life_does_not_underflow() -> None:
    # 2^(-9 / 1e-4) underflows to 0 for every touch; weights are taken relative to the youngest touch.
    got = credit_map(A.attribute(TOUCHES, CONVERSIONS, model="time_decay", half_life_days=1e-4))
    # All credit to the youngest touch; the others round to exactly 0 and, like every zero credit, get no row.
    assert {key: value for key, value in got.items() if key[0] == "v1"} == {("v1", "t3"): 1.0}


def test_position_based() -> None:
    # v1 (3 touches): 40% first, 20% the single middle touch, 40% last; v4 (2 touches): 50/50; v2 (1): 100%.
    assert_credits(
        "position_based",
        {("v1", "t1"): 0.4, ("v1", "t2"): 0.2, ("v1", "t3"): 0.4, ("v2", "t4"): 1.0}
        | {("v4", "t8"): 0.5, ("v4", "t9"): 0.5},
    )
    # Five touches: 0.4, 0.2/3, 0.2/3, 0.2/3, 0.4.
    touches = make_touches([(f"p{i}", "x", "k1", "sms", D(2026, 1, 1 + i)) for i in range(5)])
    credits = A.attribute(touches, make_conversions([("v", "x", D(2026, 1, 10), 1.0)]), model="position_based")
    assert credits.sort("touch_id")["credit"].to_list() == pytest.approx([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4])


def test_summarise_revenue_in_credit_proportions() -> None:
    # Time decay: k1/sms = (0.21303006 + 0.47040850) × 100 + 1 × 50 = 118.343855 CNY, 1.683439 conversions;
    # k2/call = 0.31656145 × 100 = 31.656145; k3/email and k3/visit = 0.5 × 200 = 100 each.
    credits = A.attribute(TOUCHES, CONVERSIONS, model="time_decay")
    summary = A.summarise(credits, CONVERSIONS)
    rows = {(r["campaign_id"], r["channel"]): r for r in summary.iter_rows(named=True)}
    assert rows.keys() == {("k1", "sms"), ("k2", "call"), ("k3", "email"), ("k3", "visit")}
    assert rows[("k1", "sms")]["attributed_conversions"] == pytest.approx(0.21303005504468495 + 0.4704084997443834 + 1)
    assert rows[("k1", "sms")]["attributed_revenue"] == pytest.approx(118.34385505468595)
    assert rows[("k2", "call")]["attributed_revenue"] == pytest.approx(31.65614452109316)
    assert rows[("k3", "email")]["attributed_revenue"] == pytest.approx(100.0)
    # Totals: 3 attributed conversions and 100 + 50 + 200 = 350 CNY; v3 (10 CNY) is credited to nothing.
    assert summary["attributed_conversions"].sum() == pytest.approx(3.0)
    assert summary["attributed_revenue"].sum() == pytest.approx(350.0)
    by_channel = A.summarise(credits, CONVERSIONS, by=("channel",))
    assert by_channel["channel"].to_list() == ["call", "email", "sms", "visit"]


def test_unknown_model_message() -> None:
    with pytest.raises(ValueError) as err:
        A.attribute(TOUCHES, CONVERSIONS, model="xyz")
    assert str(err.value) == (
        "unknown attribution model 'xyz'; choose one of: first_touch, last_touch, linear, time_decay, "
        "position_based, markov"
    )


def test_bad_parameters_messages() -> None:
    with pytest.raises(ValueError) as err:
        A.attribute(TOUCHES, CONVERSIONS, model="markov", by="region")
    assert str(err.value) == "unknown Markov state column 'region'; choose one of: channel, campaign_id"
    with pytest.raises(ValueError) as err:
        A.attribute(TOUCHES, CONVERSIONS, model="linear", lookback_days=-1)
    assert str(err.value) == "lookback_days must be 0 or more, got -1"
    with pytest.raises(ValueError) as err:
        A.attribute(TOUCHES, CONVERSIONS, model="time_decay", half_life_days=0)
    assert str(err.value) == "half_life_days must be positive, got 0"


# ---------------------------------------------------------------------------------------------------
# Journeys, top paths, the all-models table
# ---------------------------------------------------------------------------------------------------


def test_journeys_split_after_lookback_without_touches() -> None:
    touches = make_touches(
        [
            ("e1", "e", "k1", "sms", D(2026, 1, 1)),
            ("e2", "e", "k1", "call", D(2026, 1, 31)),  # 30 days later: same journey (gap ≤ lookback)
            ("e3", "e", "k1", "sms", D(2026, 3, 3)),  # 31 days later: a new journey
            ("g1", "g", "k2", "email", D(2026, 1, 1)),  # 45 days before g's conversion: outside its window
        ]
    )
    conversions = make_conversions([("vg", "g", D(2026, 2, 15), 5.0)])
    journeys = J.build_journeys(touches, conversions, lookback_days=30)
    grouped = {
        jid: (frame.sort("position")["touch_id"].to_list(), frame["converted"].unique().to_list())
        for (jid,), frame in journeys.group_by("journey_id")
    }
    assert grouped == {
        "customer:e:1": (["e1", "e2"], [False]),
        "customer:e:2": (["e3"], [False]),
        "customer:g:1": (["g1"], [False]),
    }


def test_top_paths() -> None:
    table = J.top_paths(TOUCHES, CONVERSIONS)
    assert table.columns == ["path", "journeys", "conversions", "conversion_rate"]
    assert table.rows() == [
        ("email > visit", 1, 1, 1.0),
        ("sms", 1, 1, 1.0),
        ("sms > call > sms", 1, 1, 1.0),
        ("call > app_push", 1, 0, 0.0),
    ]
    assert J.top_paths(TOUCHES, CONVERSIONS, limit=2).height == 2
    # Two customers on the same path, one converting: rate 1/2.
    touches = make_touches([("x1", "x", "k1", "sms", D(2026, 1, 1)), ("y1", "y", "k1", "sms", D(2026, 1, 1))])
    table = J.top_paths(touches, make_conversions([("vx", "x", D(2026, 1, 2), 1.0)]))
    assert table.rows() == [("sms", 2, 1, 0.5)]


def test_all_models_table() -> None:
    table = A.all_models_table(TOUCHES, CONVERSIONS)
    assert table.columns == ["model", "channel", "campaign", "attributed_conversions", "attributed_revenue"]
    assert table["model"].unique(maintain_order=True).to_list() == list(A.MODELS)
    totals = table.group_by("model").agg(pl.col("attributed_conversions").sum(), pl.col("attributed_revenue").sum())
    for row in totals.iter_rows(named=True):
        assert row["attributed_conversions"] == pytest.approx(3.0)
        assert row["attributed_revenue"] == pytest.approx(350.0)
    first = table.filter(pl.col("model") == "first_touch")
    assert first.select("channel", "campaign", "attributed_revenue").rows() == [
        ("email", "k3", 200.0),
        ("sms", "k1", 150.0),
    ]


# ---------------------------------------------------------------------------------------------------
# Markov
# ---------------------------------------------------------------------------------------------------


def journeys_frame(paths: list[tuple[list[str], bool]]) -> pl.DataFrame:
    """Journeys given as (channel sequence, converted)."""
    rows = [
        (f"j{j}", converted, pos, f"j{j}-{pos}", state, len(states))
        for j, (states, converted) in enumerate(paths)
        for pos, state in enumerate(states)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "journey_id": pl.String,
            "converted": pl.Boolean,
            "position": pl.Int64,
            "touch_id": pl.String,
            "channel": pl.String,
            "n_touches": pl.Int64,
        },
        orient="row",
    ).with_columns(campaign_id=pl.col("channel"))


def test_markov_fixture_by_hand() -> None:
    # Journeys: start>sms>call>sms>conv, start>sms>conv, start>call>app_push>null, start>email>visit>conv.
    # P(start→sms, call, email) = 2/4, 1/4, 1/4; sms→call 1/3, sms→conv 2/3; call→sms 1/2, call→app_push 1/2;
    # app_push→null 1; email→visit 1; visit→conv 1.
    # x_sms = 2/3 + x_call/3 and x_call = x_sms/2 → x_sms = 4/5, x_call = 2/5; x_email = x_visit = 1.
    # P(conv) = 1/2·4/5 + 1/4·2/5 + 1/4·1 = 3/4.
    # Without sms: only the email path → 1/4 → RE = 1 - (1/4)/(3/4) = 2/3.
    # Without call: x_sms = 2/3 → 1/2·2/3 + 1/4 = 7/12 → RE = 1 - 7/9 = 2/9.
    # Without email (or visit): 1/2·4/5 + 1/4·2/5 = 1/2 → RE = 1/3.  Without app_push: unchanged → 0.
    # Sum 14/9 → shares sms 3/7, call 1/7, email 3/14, visit 3/14, app_push 0.
    chain = M.fit_markov(J.build_journeys(TOUCHES, CONVERSIONS))
    assert chain.states == ("app_push", "call", "email", "sms", "visit")
    assert M.conversion_probability(chain) == pytest.approx(0.75, abs=1e-12)
    effects = {r["state"]: (r["removal_effect"], r["share"]) for r in M.removal_effects(chain).iter_rows(named=True)}
    expected = {
        "sms": (Fraction(2, 3), Fraction(3, 7)),
        "call": (Fraction(2, 9), Fraction(1, 7)),
        "email": (Fraction(1, 3), Fraction(3, 14)),
        "visit": (Fraction(1, 3), Fraction(3, 14)),
        "app_push": (Fraction(0), Fraction(0)),
    }
    for state, (effect, share) in expected.items():
        assert effects[state] == pytest.approx((float(effect), float(share)), abs=1e-12), state
    # v1's path sms, call, sms: sms 3/7 and call 1/7 over their sum 4/7 → sms 3/4 (3/8 per sms touch), call 1/4.
    assert_credits(
        "markov",
        {("v1", "t1"): 3 / 8, ("v1", "t2"): 1 / 4, ("v1", "t3"): 3 / 8, ("v2", "t4"): 1.0}
        | {("v4", "t8"): 0.5, ("v4", "t9"): 0.5},
    )


def test_step_counts_of_disjoint_journeys_add_up_to_the_whole_chain() -> None:
    # The build counts the chain's steps a part of the customers at a time.  Part one (v1, v2: sms, call) and
    # part two (v3, v4: call, app_push, email, visit) know different states; their sum is the hand-checked chain.
    journeys = J.build_journeys(TOUCHES, CONVERSIONS)
    first = journeys["journey_id"].str.contains("v1|v2|c1|c2")
    one, two = M.count_transitions(journeys.filter(first)), M.count_transitions(journeys.filter(~first))
    assert one.states == ("call", "sms") and two.states == ("app_push", "call", "email", "visit")
    whole = M.fit_markov(journeys)
    summed = M.chain_of(one + two)
    assert summed.states == whole.states
    assert summed.transitions.tolist() == whole.transitions.tolist()  # counts are whole numbers: exactly equal
    # start → sms 2 of 4 journeys, sms → conversion 2 of 3 (the matrix index: states, then start, conversion, null)
    sms, start, conversion = 3, 5, 6
    assert (summed.transitions[start, sms], summed.transitions[sms, conversion]) == (0.5, 2 / 3)
    nothing = M.count_transitions(journeys.clear())
    assert (
        nothing.states == () and M.chain_of(nothing + one).transitions.tolist() == M.chain_of(one).transitions.tolist()
    )


def test_markov_by_campaign_with_self_loops() -> None:
    # Campaign states: start>k1>k2>k1>conv, start>k1>conv, start>k2>k2>null, start>k3>k3>conv.
    # k2→k1, k2→k2, k2→null 1/3 each → x_k2 = x_k1/3 + x_k2/3 → x_k2 = x_k1/2; x_k1 = 2/3 + x_k2/3 → 4/5.
    # k3→k3 1/2, k3→conv 1/2 → x_k3 = 1.  P = 1/2·4/5 + 1/4·2/5 + 1/4 = 3/4.
    # RE k1 = 1 - (1/4)/(3/4) = 2/3, k2 = 1 - (7/12)/(3/4) = 2/9, k3 = 1 - (1/2)/(3/4) = 1/3; sum 11/9.
    # v1 (k1, k2, k1): k1 6/11 and k2 2/11 over 8/11 → k1 3/4 (3/8 per touch), k2 1/4.  v4 (k3, k3): 1/2 each.
    effects = M.removal_effects(M.fit_markov(J.build_journeys(TOUCHES, CONVERSIONS), by="campaign_id"))
    assert effects["removal_effect"].to_list() == pytest.approx([2 / 3, 2 / 9, 1 / 3], abs=1e-12)
    assert effects["share"].to_list() == pytest.approx([6 / 11, 2 / 11, 3 / 11], abs=1e-12)
    assert_credits(
        "markov",
        {("v1", "t1"): 3 / 8, ("v1", "t2"): 1 / 4, ("v1", "t3"): 3 / 8, ("v2", "t4"): 1.0}
        | {("v4", "t8"): 0.5, ("v4", "t9"): 0.5},
        by="campaign_id",
    )


def test_self_loops_do_not_change_removal_effects() -> None:
    raw = [(["sms", "sms", "call"], True), (["call", "call"], False), (["sms", "email", "email"], True)]
    collapsed = [(["sms", "call"], True), (["call"], False), (["sms", "email"], True)]
    a = M.removal_effects(M.fit_markov(journeys_frame(raw)))
    b = M.removal_effects(M.fit_markov(journeys_frame(collapsed)))
    assert a["removal_effect"].to_list() == pytest.approx(b["removal_effect"].to_list(), abs=1e-12)


def redirect_removal_effects(chain: M.MarkovChain) -> list[float]:
    """Independent of the engine's shortcut: redirect each state to null and re-solve the absorbing chain."""
    k = len(chain.states)
    transient = k + 1

    def p_conv(removed: int | None) -> float:
        q = chain.transitions[:transient, :transient].copy()
        r = chain.transitions[:transient, chain.conversion].copy()
        if removed is not None:
            q[removed, :] = 0.0  # everything leaving the removed state now goes to null
            r[removed] = 0.0
        return float(np.linalg.solve(np.eye(transient) - q, r)[k])

    base = p_conv(None)
    return [1.0 - p_conv(s) / base for s in range(k)]


def simulate(chain: M.MarkovChain, walkers: int, seed: int) -> tuple[float, list[float]]:
    """Monte Carlo: walk the fitted chain from start; a walker reaching a removed state is lost to null."""
    rng = np.random.default_rng(seed)
    k = len(chain.states)
    cumulative = np.cumsum(chain.transitions, axis=1)

    def p_conv(removed: int | None) -> float:
        state = np.full(walkers, chain.start)
        live = np.ones(walkers, dtype=bool)
        while live.any():
            u = rng.random(live.sum())
            nxt = (u[:, None] > cumulative[state[live]]).sum(axis=1)
            state[live] = np.minimum(nxt, k + 2)
            if removed is not None:
                state[state == removed] = chain.null
            live = state < chain.start
        return float((state == chain.conversion).mean())

    base = p_conv(None)
    return base, [1.0 - p_conv(s) / base for s in range(k)]


def test_markov_removal_effects_match_redirection_and_simulation() -> None:
    paths = [
        (["sms", "call", "app_push"], True),
        (["sms", "sms"], False),
        (["app_push", "call"], True),
        (["email"], False),
        (["email", "sms", "call"], True),
        (["call", "sms"], False),
        (["app_push"], True),
        (["sms", "app_push", "email"], False),
        (["call"], True),
        (["email", "call", "sms", "app_push"], True),
    ]
    chain = M.fit_markov(journeys_frame(paths))
    engine = M.removal_effects(chain)["removal_effect"].to_list()
    assert engine == pytest.approx(redirect_removal_effects(chain), abs=1e-12)
    # 200,000 walkers: the standard error of each probability is about 0.001.
    simulated_p, simulated_effects = simulate(chain, walkers=200_000, seed=20260101)
    assert M.conversion_probability(chain) == pytest.approx(simulated_p, abs=0.005)
    assert engine == pytest.approx(simulated_effects, abs=0.01)


# ---------------------------------------------------------------------------------------------------
# Properties on random data
# ---------------------------------------------------------------------------------------------------

CHANNELS = ("sms", "call", "app_push", "email")
START = D(2026, 1, 1)

touch_rows = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.integers(0, 60 * 24),
        st.sampled_from(CHANNELS),
        st.sampled_from(("k1", "k2", "k3")),
        st.booleans(),
    ),
    max_size=25,
)
conversion_rows = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 60 * 24), st.floats(0, 10_000, allow_nan=False)), max_size=8
)


@settings(derandomize=True, max_examples=50, deadline=None)
@given(touch_rows, conversion_rows)
def test_credits_sum_to_one_for_every_model(raw_touches: list[tuple], raw_conversions: list[tuple]) -> None:
    touches = make_touches(
        [
            (f"t{i:03d}", f"c{cust}", campaign, channel, START + timedelta(hours=hour), control)
            for i, (cust, hour, channel, campaign, control) in enumerate(raw_touches)
        ]
    )
    conversions = make_conversions(
        [
            (f"v{i:03d}", f"c{cust}", START + timedelta(hours=hour), value)
            for i, (cust, hour, value) in enumerate(raw_conversions)
        ]
    )
    paths = J.build_paths(touches, conversions, lookback_days=10)
    attributed = set(paths.filter(pl.col("n_touches") > 0)["conversion_id"].to_list())
    expected_revenue = conversions.filter(pl.col("conversion_id").is_in(list(attributed)))["value"].sum()
    for model in A.MODELS:
        for by in M.MARKOV_STATE_COLUMNS:
            credits = A.attribute(touches, conversions, model=model, lookback_days=10, by=by)
            sums = credits.group_by("conversion_id").agg(pl.col("credit").sum())
            assert set(sums["conversion_id"].to_list()) == attributed, model
            assert sums["credit"].to_list() == pytest.approx([1.0] * sums.height, abs=1e-9), model
            assert (credits["credit"] >= 0).all(), model
            # Revenue follows the credits: per conversion and touch it is credit × value.
            per_touch = A.summarise(credits, conversions, by=("conversion_id", "touch_id")).join(
                conversions.select("conversion_id", "value"), on="conversion_id"
            )
            assert per_touch["attributed_revenue"].to_list() == pytest.approx(
                (per_touch["attributed_conversions"] * per_touch["value"]).to_list()
            )
            assert A.summarise(credits, conversions)["attributed_revenue"].sum() == pytest.approx(expected_revenue)
    chain = M.fit_markov(J.build_journeys(touches, conversions, lookback_days=10))
    if M.conversion_probability(chain) > 0:
        engine = M.removal_effects(chain)["removal_effect"].to_list()
        assert engine == pytest.approx(redirect_removal_effects(chain), abs=1e-9)
