"""Scoring the latest month-end with a trained churn model: probability, risk level, reasons in words.

`ScoringModel.scored` is the one scoring step, whichever engine computed the signals: DuckDB here
(`score_latest`, `latest_scores_on_duckdb`), or Spark, whose executors run the same method on batches of rows
(`clientscope.spark.scoring`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from clientscope.churn.card import ModelCard, risk_level
from clientscope.churn.reasons import with_reasons
from clientscope.churn.signals import load_signals
from clientscope.churn.split import latest_month
from clientscope.churn.training import TrainedModel, score_rows
from clientscope.db import FULL_SCOPE, Database, ViewerScope

if TYPE_CHECKING:
    from sklearn.ensemble import HistGradientBoostingClassifier

LABEL_COLUMNS = ("outcome_end", "label_known", "churned_3m")  # the signals frame's label: unknown when scoring


@dataclass(frozen=True)
class ScoringModel:
    """What scoring needs of a trained model (no training frames or baselines: Spark ships it to every task)."""

    classifier: HistGradientBoostingClassifier
    card: ModelCard

    @classmethod
    def of(cls, trained: TrainedModel) -> ScoringModel:
        return cls(trained.classifier, trained.card)

    def scored(self, signals: pl.DataFrame) -> pl.DataFrame:
        """The signals rows without the label, with churn_probability and risk_level (row by row: a row's score
        does not depend on the rows beside it, so any batching gives the same numbers)."""
        frame = signals.drop(LABEL_COLUMNS).with_columns(
            pl.Series("churn_probability", score_rows(signals, self.classifier), dtype=pl.Float64)
        )
        return frame.with_columns(risk_level(pl.col("churn_probability"), self.card).alias("risk_level"))


def score_latest(
    db: Database, trained: TrainedModel, *, lang: str = "zh_CN", scope: ViewerScope = FULL_SCOPE
) -> pl.DataFrame:
    """Every open customer at the latest month-end, riskiest first.

    Columns: the signals frame (customer_id, month, branch_id, rm_id, signals, flags, levels,
    warning_score, warning_level) plus churn_probability, risk_level, reason_codes, reason_1..3 and action.
    """
    frame = ScoringModel.of(trained).scored(_latest_signals(db, trained, scope))
    return riskiest_first(with_reasons(frame, trained.rules, lang))


def latest_scores_on_duckdb(db: Database, trained: TrainedModel) -> pl.DataFrame:
    """Every open customer at the latest month-end, scored by DuckDB and scikit-learn here (in no order)."""
    return ScoringModel.of(trained).scored(_latest_signals(db, trained, FULL_SCOPE))


def riskiest_first(frame: pl.DataFrame) -> pl.DataFrame:
    """Equal probabilities by AUM (highest first), then customer id (churn_metrics' tie rule)."""
    return frame.sort(
        ["churn_probability", "aum_total", "customer_id"], descending=[True, True, False], nulls_last=True
    )


def _latest_signals(db: Database, trained: TrainedModel, scope: ViewerScope) -> pl.DataFrame:
    month = latest_month(db)
    return load_signals(db, trained.rules, first_month=month, last_month=month, scope=scope)
