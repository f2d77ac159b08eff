"""The "did it work" comparison on a hand-made batch whose answer is worked out by hand in the comments."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from clientscope.actions.outcomes import (
    acted_against_not_acted,
    band_labels,
    offer_table,
    randomised,
    window_end,
    with_outcomes,
)
from clientscope.campaigns.uplift import newcombe_interval, wilson_interval, z_value

JAN, MAY = date(2026, 1, 31), date(2026, 5, 31)
DATA_END = date(2026, 6, 30)
EDGES = (0.1, 0.2, 0.3, 0.5)
Z95 = 1.959963984540054


def row(cid, month, p, tier, acted, offer=None, close=None, holdout=False):
    return {
        "customer_id": cid,
        "warning_month": month,
        "churn_probability": p,
        "tier": tier,
        "acted": acted,
        "offer": offer,
        "close_date": close,
        "holdout": holdout,
    }


def batch() -> pl.DataFrame:
    """January's warnings (window: Feb..Apr 2026, known by June) and one May warning (window to Aug: unknown).

    Stratum A (30–50 %, mass): acted A1..A4, A2 closed 15 Mar (lost) → 3 of 4 retained;
        not acted A5 (closed 10 May, after the window: retained), A6 (20 Feb: lost), A7 (30 Apr, the window's
        last day: lost), A8 (open) → 2 of 4 retained.
    Stratum B (≥50 %, affluent): acted B1, B2 → 2 of 2; not acted B3 (closed 1 Feb: lost), B4 → 1 of 2.
    Stratum C (<10 %, mass): acted C1 only → no comparable customer (unmatched).
    """
    return pl.DataFrame(
        [
            row("A1", JAN, 0.4, "mass", True, "rate_bonus"),
            row("A2", JAN, 0.4, "mass", True, "rate_bonus", date(2026, 3, 15)),
            row("A3", JAN, 0.4, "mass", True, "fee_waiver"),
            row("A4", JAN, 0.4, "mass", True, None),
            row("A5", JAN, 0.45, "mass", False, close=date(2026, 5, 10)),
            row("A6", JAN, 0.35, "mass", False, close=date(2026, 2, 20)),
            row("A7", JAN, 0.3, "mass", False, close=date(2026, 4, 30)),
            row("A8", JAN, 0.49, "mass", False),
            row("B1", JAN, 0.6, "affluent", True, "fee_waiver"),
            row("B2", JAN, 0.9, "affluent", True, "fee_waiver"),
            row("B3", JAN, 0.5, "affluent", False, close=date(2026, 2, 1)),
            row("B4", JAN, 0.7, "affluent", False),
            row("C1", JAN, 0.05, "mass", True, "rate_bonus"),
            row("D1", MAY, 0.4, "mass", True, "fee_waiver", date(2026, 6, 1)),  # outcome unknown until 31 Aug
        ],
        schema_overrides={"close_date": pl.Date},
    )


def test_outcome_window_and_bands() -> None:
    assert window_end(JAN, 3) == date(2026, 4, 30)
    assert window_end(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert band_labels(EDGES) == ["<10%", "10%–20%", "20%–30%", "30%–50%", "≥50%"]
    frame = with_outcomes(batch(), DATA_END, window=3, edges=EDGES)
    by_id = {r["customer_id"]: r for r in frame.iter_rows(named=True)}
    assert [by_id[c]["retained"] for c in ("A2", "A5", "A6", "A7", "A8")] == [False, True, False, False, True]
    assert (by_id["D1"]["outcome_known"], by_id["D1"]["retained"]) == (False, None)
    assert (by_id["A7"]["risk_band"], by_id["B3"]["risk_band"], by_id["C1"]["risk_band"]) == ("30%–50%", "≥50%", "<10%")


def test_the_matched_comparison_has_the_hand_computed_answer() -> None:
    result = acted_against_not_acted(with_outcomes(batch(), DATA_END, window=3, edges=EDGES), 0.95)
    assert result is not None and result.kind == "observational"
    # Matched acted-on customers: A (4) + B (2) = 6; C1 has no comparable customer.
    assert (result.treated_n, result.treated_retained, result.control_n, result.control_retained) == (6, 5, 6, 3)
    assert result.unmatched == 1
    # weights 4/6 and 2/6: acted 4/6·3/4 + 2/6·2/2 = 5/6; comparable 4/6·2/4 + 2/6·1/2 = 1/2; difference 1/3
    assert result.treated_rate == pytest.approx(5 / 6)
    assert result.control_rate == pytest.approx(0.5)
    assert result.difference == pytest.approx(1 / 3)
    # variance (4/6)²·(.75·.25/4 + .5·.5/4) + (2/6)²·(0 + .5·.5/2) = 0.0486111 + 0.0138889 = 0.0625 → SE 0.25
    # 95 %: 1/3 ± 1.959964·0.25 = 1/3 ± 0.489991
    assert result.low == pytest.approx(1 / 3 - 0.489991, abs=1e-6)
    assert result.high == pytest.approx(1 / 3 + 0.489991, abs=1e-6)


def test_offers_are_ranked_by_retention_with_intervals() -> None:
    table = offer_table(
        with_outcomes(batch(), DATA_END, window=3, edges=EDGES), ["rate_bonus", "fee_waiver", "x"], 0.95
    )
    assert table.select("offer", "customers", "retained").rows() == [
        ("fee_waiver", 3, 3),  # A3, B1, B2 (D1's outcome is not known yet)
        ("rate_bonus", 3, 2),  # A1, C1 retained; A2 lost
        ("x", 0, 0),
    ]
    fee, bonus = table.row(0, named=True), table.row(1, named=True)
    assert (fee["rate_low"], fee["rate_high"]) == pytest.approx(wilson_interval(3, 3, Z95))
    assert bonus["rate"] == pytest.approx(2 / 3)
    # fee_waiver matched: A (A3: 1 of 1) weight 1/3, B (2 of 2) weight 2/3 → 1 vs 1/3·1/2 + 2/3·1/2 = 1/2;
    # variance (1/3)²·(0 + .0625) + (2/3)²·(0 + .125) = 0.0625 → 0.5 ± 0.489991
    assert fee["difference"] == pytest.approx(0.5)
    assert fee["difference_low"] == pytest.approx(0.5 - 0.489991, abs=1e-6)
    # rate_bonus matched: only A (A1 kept, A2 lost: 1/2) vs 2/4 → 0; C1 unmatched
    assert bonus["difference"] == pytest.approx(0.0)
    assert table.row(2, named=True)["rate"] is None


def test_a_hold_out_gives_the_randomised_comparison() -> None:
    """10 queued customers (8 retained) against 5 held out (2 retained): 0.8 − 0.4 = 0.4, Newcombe's interval."""
    rows = [row(f"T{i}", JAN, 0.4, "mass", i < 3, close=date(2026, 3, 1) if i >= 8 else None) for i in range(10)]
    rows += [
        row(f"H{i}", JAN, 0.4, "mass", False, close=date(2026, 3, 1) if i >= 2 else None, holdout=True)
        for i in range(5)
    ]
    frame = with_outcomes(pl.DataFrame(rows, schema_overrides={"close_date": pl.Date}), DATA_END, window=3, edges=EDGES)
    result = randomised(frame, 0.95)
    assert result is not None and result.kind == "randomised"
    assert (result.treated_n, result.treated_retained, result.control_n, result.control_retained) == (10, 8, 5, 2)
    assert result.difference == pytest.approx(0.4)
    assert (result.low, result.high) == pytest.approx(newcombe_interval(8, 10, 2, 5, z_value(0.95)))
    # Wilson 8/10: (0.4902, 0.9433); 2/5: (0.1176, 0.7693) → 0.4 − √(0.3098² + 0.3693²), 0.4 + √(0.1433² + 0.2824²)
    assert result.low == pytest.approx(-0.0820, abs=1e-3)
    assert result.high == pytest.approx(0.7167, abs=1e-3)
    assert randomised(frame.filter(~pl.col("holdout")), 0.95) is None


def test_bands_and_windows_per_row_match_the_scalar_rules() -> None:
    """The per-row band and window end (computed in polars) agree with `band_labels` and `window_end` at the edges,
    for a missing probability, and across month lengths and leap years."""
    months = [date(2024, 1, 31), date(2023, 11, 30), date(2025, 12, 31), date(2026, 5, 31)]
    probabilities = [0.1, 0.0999, None, 0.5]
    rows = pl.DataFrame(
        {"warning_month": months, "churn_probability": probabilities, "close_date": [None] * 4},
        schema={"warning_month": pl.Date, "churn_probability": pl.Float64, "close_date": pl.Date},
    )
    frame = with_outcomes(rows, date(2026, 12, 31), window=1, edges=EDGES)
    assert frame["window_end"].to_list() == [window_end(m, 1) for m in months]
    assert frame["window_end"].to_list() == [
        date(2024, 2, 29),
        date(2023, 12, 31),
        date(2026, 1, 31),
        date(2026, 6, 30),
    ]
    assert frame["risk_band"].to_list() == ["10%–20%", "<10%", None, "≥50%"]
