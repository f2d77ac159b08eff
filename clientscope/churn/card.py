"""The churn model card: what was trained on what, with which settings, and how well it did out of time.

Also the model's inputs (FEATURES) and the simple baselines it is compared with, the training settings
(`ModelConfig`, part of the cache key) and what the card alone answers (deciles, risk levels).  Nothing here
imports scikit-learn: the build step writes the card apart (`card.joblib`) and the churn page unpickles it
without loading the model (docs/decisions.md, "The churn page never loads the model").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import polars as pl

from clientscope.churn.metrics import Evaluation
from clientscope.churn.signals import Sample

# The warning score's six signals (metrics.yaml rules.risk), as values: the simple baseline's inputs.
SIGNAL_INPUTS: tuple[str, ...] = (
    "txn_trend",
    "aum_trend",
    "complaints_2m",
    "closures_3m",
    "inactive_months",
    "logins_trend",
)
# Signals plus levels from the customer-month history; order matters (it is the model's input).
FEATURES: tuple[str, ...] = (
    *SIGNAL_INPUTS,
    "aum_total",
    "deposits",
    "wealth",
    "insurance",
    "loan_balance",
    "card_spend",
    "txn_count",
    "txn_amount",
    "digital_logins",
    "products_held",
    "complaints",
    "txn_last3",
    "logins_last3",
    "tenure_months",
    "age",
    "risk_rank",
)

# The simple baselines the model card compares the model with (docs/churn-model.md §3), in this order (the
# first wins a tie in AUC). Each ranks the rows by one transparent number:
# - warning_score: the warning score (预警分, metrics.yaml rules.risk), the documented rule baseline;
# - aum_change: the AUM change over the aum_drop window alone (the biggest fall first; unknown = no change);
# - signals_logit: a logistic regression on the six signal values (an unknown trend = 0) plus, per trend, whether
#   it is unknown (too little history: new customers), standardised, fitted on the training months.
BASELINES: tuple[str, ...] = ("warning_score", "aum_change", "signals_logit")
RULE_BASELINE = "warning_score"
TRENDS: tuple[str, ...] = ("txn_trend", "aum_trend", "logins_trend")  # empty without enough history


@dataclass(frozen=True)
class ModelConfig:
    """Training settings; part of the cache key, so changing one retrains."""

    seed: int = 7
    test_months: int = 3
    max_rows: int = 300_000  # customer-months loaded for training + test; larger extracts are sampled
    max_iter: int = 200
    learning_rate: float = 0.05
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 50
    l2_regularization: float = 1.0
    high_share: float = 0.10  # "high" risk = scores in the top 10 % of the test period
    medium_share: float = 0.30  # "medium" = the next scores down to the top 30 %


DEFAULT_CONFIG = ModelConfig()
CARD_VERSION = "3"  # bump when the card or the evaluation changes (or its classes move: pickles name their
# module): a cached model is retrained


@dataclass(frozen=True)
class Periods:
    train_first: date
    train_last: date
    test_first: date
    test_last: date
    data_end: date  # the last month-end in the extract


@dataclass(frozen=True)
class Baseline:
    """One simple baseline and its out-of-time evaluation on the card's test rows."""

    code: str  # one of BASELINES
    evaluation: Evaluation


@dataclass(frozen=True)
class ModelCard:
    """What was trained on what, and how well it did out of time (the model and its simple baselines)."""

    data_version: str
    trained_on: date
    seed: int
    horizon_months: int
    features: tuple[str, ...]
    periods: Periods
    sample: Sample  # customers kept (per 10,000) by the seeded hash
    train_rows: int
    train_churners: int
    test_rows: int
    test_churners: int
    model: Evaluation
    baselines: tuple[Baseline, ...]  # every simple baseline, in BASELINES order
    high_cutoff: float  # churn probability at or above which a customer is "high" risk
    medium_cutoff: float  # … "medium" risk; below is "low"
    sklearn_version: str

    def baseline(self, code: str) -> Baseline:
        return next(b for b in self.baselines if b.code == code)

    @property
    def rule_baseline(self) -> Evaluation:
        """The warning score's evaluation: the documented rule baseline."""
        return self.baseline(RULE_BASELINE).evaluation

    @property
    def best_baseline(self) -> Baseline:
        """The strongest simple baseline: the highest out-of-time ROC AUC (the first in BASELINES on a tie)."""
        return max(self.baselines, key=lambda b: (b.evaluation.roc_auc, -BASELINES.index(b.code)))


def decile_table(card: ModelCard) -> pl.DataFrame:
    """Gains and calibration by decile for the model, the warning score ("rule") and the strongest baseline
    ("best", when it is not the warning score), one row per (score, decile)."""
    scores = [("model", card.model), ("rule", card.rule_baseline)]
    if card.best_baseline.code != RULE_BASELINE:
        scores.append(("best", card.best_baseline.evaluation))
    rows = [{"score": name, **asdict(stat)} for name, evaluation in scores for stat in evaluation.deciles]
    return pl.DataFrame(rows)


def risk_level(probability: pl.Expr, card: ModelCard) -> pl.Expr:
    """high / medium / low by the card's cut-offs (top 10 % / top 30 % of the test period's scores)."""
    return (
        pl.when(probability >= card.high_cutoff)
        .then(pl.lit("high"))
        .when(probability >= card.medium_cutoff)
        .then(pl.lit("medium"))
        .otherwise(pl.lit("low"))
    )
