"""Churn risk: the public API the churn page, customer 360 and CLI call.

One concept per module:
- churn_signals — per customer-month signals, the warning score and the 3-month label (SQL in queries/churn/)
- churn_metrics — ROC AUC, deciles, lift, gains, calibration
- churn_model   — out-of-time training, the model card, scoring, the on-disk cache
- churn_reasons — top reasons in words (zh_CN / en) and retention actions
- churn_rules   — why customers churn: a shallow decision tree read out as rules
See docs/churn-model.md for the definitions.
"""

from __future__ import annotations

from clientscope.analytics.churn_metrics import DecileStat, Evaluation
from clientscope.analytics.churn_model import (
    FEATURES,
    ModelCard,
    ModelConfig,
    Periods,
    TrainedModel,
    evaluation_frame,
    plan_periods,
    score_latest,
    train,
    train_or_load,
)
from clientscope.analytics.churn_reasons import ACTIONS, Reason, reasons_for, with_reasons
from clientscope.analytics.churn_rules import ChurnRule, Condition, churn_rules, why_they_churn
from clientscope.analytics.churn_signals import HORIZON_MONTHS, Sample, Signal, SignalRules, load_signals

__all__ = [
    "ACTIONS",
    "FEATURES",
    "HORIZON_MONTHS",
    "ChurnRule",
    "Condition",
    "DecileStat",
    "Evaluation",
    "ModelCard",
    "ModelConfig",
    "Periods",
    "Reason",
    "Sample",
    "Signal",
    "SignalRules",
    "TrainedModel",
    "churn_rules",
    "evaluation_frame",
    "load_signals",
    "plan_periods",
    "reasons_for",
    "score_latest",
    "train",
    "train_or_load",
    "why_they_churn",
    "with_reasons",
]
