"""Deciles, lift, gains and calibration of a churn score, checked by hand on small arrays."""

from __future__ import annotations

import numpy as np
import pytest

from clientscope.churn.metrics import TieBreak, assign_deciles, evaluate, rank_order, share_cutoff


def ties_for(n: int) -> TieBreak:
    """Equal AUM, customers C00, C01, … in row order, one month: ties fall back to the customer id."""
    return TieBreak(np.zeros(n), np.array([f"C{i:02d}" for i in range(n)]), np.zeros(n, dtype=int))


def test_deciles_rank_by_score_and_break_ties_by_aum_then_customer_then_month() -> None:
    score = np.array([0.1, 0.9, 0.5, 0.5, 0.3, 0.2, 0.8, 0.7, 0.6, 0.4])
    ties = ties_for(10)
    # order: 0.9, 0.8, 0.7, 0.6, 0.5 (C02), 0.5 (C03), 0.4, 0.3, 0.2, 0.1 — equal AUM, so by customer id
    assert assign_deciles(score, ties).tolist() == [10, 1, 5, 6, 8, 9, 2, 3, 4, 7]
    # a higher AUM goes first among equal scores (C03 now 1,000 vs C02 0), whatever the row order
    richer = TieBreak(np.array([0, 0, 0, 1_000, 0, 0, 0, 0, 0, 0.0]), ties.customer_id, ties.month)
    assert assign_deciles(score, richer).tolist() == [10, 1, 6, 5, 8, 9, 2, 3, 4, 7]


def test_tie_rule_on_a_hand_checked_top_decile() -> None:
    # Six rows with the same score: AUM 500 (B, month 2), 500 (B, month 1), 900 (Z), unknown AUM (A), 500 (A),
    # and one higher score (Y). Hand order: Y; then AUM 900 (Z); then AUM 500 by customer then month: A/1, B/1,
    # B/2; the unknown AUM last (A/3). The row order of the input never matters.
    score = np.array([0.2, 0.2, 0.2, 0.2, 0.2, 0.9])
    ties = TieBreak(
        np.array([500.0, 500.0, 900.0, np.nan, 500.0, 10.0]),
        np.array(["B", "B", "Z", "A", "A", "Y"]),
        np.array([2, 1, 1, 3, 1, 1]),
    )
    assert rank_order(score, ties).tolist() == [5, 2, 4, 1, 0, 3]
    shuffled = np.array([3, 0, 5, 1, 4, 2])
    reordered = TieBreak(ties.aum[shuffled], ties.customer_id[shuffled], ties.month[shuffled])
    assert shuffled[rank_order(score[shuffled], reordered)].tolist() == [5, 2, 4, 1, 0, 3]


def test_deciles_of_uneven_counts() -> None:
    deciles = assign_deciles(np.linspace(1, 0, 25), ties_for(25))
    # 25 rows: decile 1 takes ranks 0..2 (r * 10 // 25 == 0 for r < 2.5)
    assert np.bincount(deciles)[1:].tolist() == [3, 2, 3, 2, 3, 2, 3, 2, 3, 2]


def test_lift_gains_and_calibration_by_hand() -> None:
    # 20 rows, 4 churners; the two highest scores churn, the others sit in deciles 3 and 10
    score = np.arange(20, 0, -1) / 20  # 1.0, 0.95, ..., 0.05
    outcome = np.zeros(20, dtype=bool)
    outcome[[0, 1, 4, 19]] = True
    result = evaluate(outcome, score, score, ties_for(20))
    assert result.rows == 20 and result.churners == 4
    assert result.base_rate == pytest.approx(0.2)
    assert result.top_decile_lift == pytest.approx(1.0 / 0.2)  # decile 1 = rows 0, 1: both churn
    assert result.gains == pytest.approx((0.5, 0.5, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 1.0))
    assert result.deciles[2].observed_rate == pytest.approx(0.5)
    assert result.deciles[0].mean_predicted == pytest.approx((1.0 + 0.95) / 2)
    # ROC AUC by counting pairs: churner ranks (desc) 1, 2, 5, 20 among 20 → stayers below each
    pairs = (16 + 16 + 14 + 0) / (4 * 16)
    assert result.roc_auc == pytest.approx(pairs)


def test_ranking_and_probability_can_differ() -> None:
    outcome = np.array([True, False, False, False, False, False, False, False, False, False])
    points = np.array([5, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    probability = np.where(points > 0, 0.4, 0.05)
    result = evaluate(outcome, points, probability, ties_for(10))
    assert result.roc_auc == 1.0
    assert result.deciles[0].mean_predicted == pytest.approx(0.4)
    assert result.deciles[1].mean_predicted == pytest.approx(0.05)


def test_evaluation_needs_churners_and_stayers() -> None:
    with pytest.raises(ValueError) as error:
        evaluate(np.zeros(5, dtype=bool), np.ones(5), np.ones(5), ties_for(5))
    assert str(error.value) == (
        "cannot evaluate a churn score on 5 rows with 0 churners: "
        "the test period needs both churners and customers who stayed"
    )


def test_share_cutoff_is_the_score_of_the_last_row_inside_the_share() -> None:
    score = np.array([0.1, 0.9, 0.5, 0.3, 0.2, 0.8, 0.7, 0.6, 0.4, 0.05, 0.01])
    assert share_cutoff(score, 0.10) == 0.8  # ceil(1.1) = 2 rows: 0.9, 0.8
    assert share_cutoff(score, 0.30) == 0.6  # ceil(3.3) = 4 rows
    assert share_cutoff(np.arange(10, 0, -1) / 10, 0.30) == 0.8  # exactly 3 of 10 rows, despite 0.3 * 10 > 3
