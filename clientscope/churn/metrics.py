"""How well a churn score ranks and how well it is calibrated: ROC AUC, deciles, lift, gains.

Pure functions over arrays. Deciles are defined once and used for lift, gains and calibration:
rows are ranked by score, highest first; equal scores by month-end AUM, highest first (an empty AUM
last), then by customer id, then by month (both ascending): the retention team calls the bigger
relationship first, and the order never depends on a hash or the row order. The row at rank r
(0-based) of n goes to decile `r * 10 // n + 1`. Decile 1 holds the highest scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DECILES = 10


@dataclass(frozen=True)
class DecileStat:
    decile: int  # 1 = the 10 % of rows with the highest scores
    rows: int
    churners: int
    mean_predicted: float  # mean predicted churn probability (calibration)
    observed_rate: float  # share of the rows that churned (calibration)
    cumulative_capture: float  # share of all churners found in deciles 1..decile (the gains curve)


@dataclass(frozen=True)
class Evaluation:
    """Discrimination and calibration of one score on one set of rows with known outcomes."""

    rows: int
    churners: int
    base_rate: float
    roc_auc: float
    top_decile_lift: float  # churn rate in decile 1 / base rate
    deciles: tuple[DecileStat, ...]

    @property
    def gains(self) -> tuple[float, ...]:
        """Cumulative share of churners captured by score decile (decile 1 first)."""
        return tuple(d.cumulative_capture for d in self.deciles)


@dataclass(frozen=True)
class TieBreak:
    """What orders rows with equal scores (module docstring): AUM descending, customer id, month."""

    aum: np.ndarray  # month-end AUM (NaN when unknown: ranked after every known AUM)
    customer_id: np.ndarray  # strings
    month: np.ndarray  # dates or month indices: a customer's earlier month first


def rank_order(score: np.ndarray, ties: TieBreak) -> np.ndarray:
    """Row positions from the highest score down, equal scores in the TieBreak order."""
    aum = np.nan_to_num(np.asarray(ties.aum, dtype=float), nan=-np.inf)
    customer = np.asarray(ties.customer_id).astype(str)
    month = np.asarray(ties.month)
    # np.lexsort sorts by the last key first
    return np.lexsort((month, customer, -aum, -np.asarray(score, dtype=float)))


def assign_deciles(score: np.ndarray, ties: TieBreak) -> np.ndarray:
    """Decile 1..10 of each row, ranked by `rank_order`."""
    n = len(score)
    rank = np.empty(n, dtype=np.int64)
    rank[rank_order(score, ties)] = np.arange(n)
    return rank * DECILES // n + 1


def evaluate(outcome: np.ndarray, ranking: np.ndarray, predicted: np.ndarray, ties: TieBreak) -> Evaluation:
    """Evaluate a score: `ranking` orders the rows, `predicted` is its churn probability.

    For the model both are the predicted probability; for a baseline the ranking is its own score (the
    warning score's points, the AUM change, …) and the probability is that score's calibration (churn_model).
    """
    y = np.asarray(outcome, dtype=bool)
    churners = int(y.sum())
    if churners == 0 or churners == len(y):
        raise ValueError(
            f"cannot evaluate a churn score on {len(y)} rows with {churners} churners: "
            "the test period needs both churners and customers who stayed"
        )
    deciles = assign_deciles(ranking, ties)
    base_rate = churners / len(y)
    stats = _decile_stats(y, np.asarray(predicted, dtype=float), deciles, churners)
    return Evaluation(
        rows=len(y),
        churners=churners,
        base_rate=base_rate,
        roc_auc=float(_roc_auc(y, ranking)),
        top_decile_lift=stats[0].observed_rate / base_rate,
        deciles=stats,
    )


def _decile_stats(y: np.ndarray, predicted: np.ndarray, deciles: np.ndarray, churners: int) -> tuple[DecileStat, ...]:
    stats: list[DecileStat] = []
    captured = 0
    for decile in range(1, DECILES + 1):
        members = deciles == decile
        rows = int(members.sum())
        hits = int(y[members].sum())
        captured += hits
        stats.append(
            DecileStat(
                decile=decile,
                rows=rows,
                churners=hits,
                mean_predicted=float(predicted[members].mean()) if rows else 0.0,
                observed_rate=hits / rows if rows else 0.0,
                cumulative_capture=captured / churners,
            )
        )
    return tuple(stats)


def share_cutoff(score: np.ndarray, share: float) -> float:
    """The score of the last row inside the top `share` of rows (the cut-off for a risk level)."""
    ordered = np.sort(np.asarray(score, dtype=float))[::-1]
    # round first: 0.3 * 10 is 3.0000000000000004 in floating point, which must stay 3 rows
    count = max(1, math.ceil(round(share * len(ordered), 9)))
    return float(ordered[count - 1])


def _roc_auc(y: np.ndarray, ranking: np.ndarray) -> float:
    # imported here: scikit-learn (with scipy and pandas) costs ~1.5 s, and the app only needs it to train
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, ranking))
