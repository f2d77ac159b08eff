"""Scoring the latest month-end with a trained churn model: probability, risk level, reasons in words."""

from __future__ import annotations

import polars as pl

from clientscope.churn.card import risk_level
from clientscope.churn.reasons import with_reasons
from clientscope.churn.signals import load_signals
from clientscope.churn.split import latest_month
from clientscope.churn.training import TrainedModel, score_rows
from clientscope.db import FULL_SCOPE, Database, ViewerScope


def score_latest(
    db: Database, trained: TrainedModel, *, lang: str = "zh_CN", scope: ViewerScope = FULL_SCOPE
) -> pl.DataFrame:
    """Every open customer at the latest month-end, riskiest first.

    Columns: the signals frame (customer_id, month, branch_id, rm_id, signals, flags, levels,
    warning_score, warning_level) plus churn_probability, risk_level, reason_codes, reason_1..3 and action.
    Riskiest first; equal probabilities by AUM (highest first), then customer id (churn_metrics' tie rule).
    """
    month = latest_month(db)
    frame = load_signals(db, trained.rules, first_month=month, last_month=month, scope=scope)
    frame = frame.drop("outcome_end", "label_known", "churned_3m").with_columns(
        pl.Series("churn_probability", score_rows(frame, trained.classifier), dtype=pl.Float64)
    )
    frame = frame.with_columns(risk_level(pl.col("churn_probability"), trained.card).alias("risk_level"))
    frame = with_reasons(frame, trained.rules, lang)
    return frame.sort(
        ["churn_probability", "aum_total", "customer_id"], descending=[True, True, False], nulls_last=True
    )
