"""Deciles, lift, gains and calibration of a churn score, checked by hand on small arrays."""

from __future__ import annotations

import numpy as np
import pytest

from clientscope.analytics.churn_metrics import assign_deciles, evaluate, share_cutoff


def test_deciles_rank_by_score_and_break_ties_by_tie_key() -> None:
    score = np.array([0.1, 0.9, 0.5, 0.5, 0.3, 0.2, 0.8, 0.7, 0.6, 0.4])
    tie_key = np.array([0, 0, 9, 1, 0, 0, 0, 0, 0, 0])
    # order: 0.9, 0.8, 0.7, 0.6, 0.5 (key 1), 0.5 (key 9), 0.4, 0.3, 0.2, 0.1
    assert assign_deciles(score, tie_key).tolist() == [10, 1, 6, 5, 8, 9, 2, 3, 4, 7]


def test_deciles_of_uneven_counts() -> None:
    deciles = assign_deciles(np.linspace(1, 0, 25), np.zeros(25))
    # 25 rows: decile 1 takes ranks 0..2 (r * 10 // 25 == 0 for r < 2.5)
    assert np.bincount(deciles)[1:].tolist() == [3, 2, 3, 2, 3, 2, 3, 2, 3, 2]


def test_lift_gains_and_calibration_by_hand() -> None:
    # 20 rows, 4 churners; the two highest scores churn, the others sit in deciles 3 and 10
    score = np.arange(20, 0, -1) / 20  # 1.0, 0.95, ..., 0.05
    outcome = np.zeros(20, dtype=bool)
    outcome[[0, 1, 4, 19]] = True
    result = evaluate(outcome, score, score, np.zeros(20))
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
    result = evaluate(outcome, points, probability, np.arange(10))
    assert result.roc_auc == 1.0
    assert result.deciles[0].mean_predicted == pytest.approx(0.4)
    assert result.deciles[1].mean_predicted == pytest.approx(0.05)


def test_evaluation_needs_churners_and_stayers() -> None:
    with pytest.raises(ValueError) as error:
        evaluate(np.zeros(5, dtype=bool), np.ones(5), np.ones(5), np.zeros(5))
    assert str(error.value) == (
        "cannot evaluate a churn score on 5 rows with 0 churners: "
        "the test period needs both churners and customers who stayed"
    )


def test_share_cutoff_is_the_score_of_the_last_row_inside_the_share() -> None:
    score = np.array([0.1, 0.9, 0.5, 0.3, 0.2, 0.8, 0.7, 0.6, 0.4, 0.05, 0.01])
    assert share_cutoff(score, 0.10) == 0.8  # ceil(1.1) = 2 rows: 0.9, 0.8
    assert share_cutoff(score, 0.30) == 0.6  # ceil(3.3) = 4 rows
    assert share_cutoff(np.arange(10, 0, -1) / 10, 0.30) == 0.8  # exactly 3 of 10 rows, despite 0.3 * 10 > 3
