"""Training the churn classifier and its simple baselines, and evaluating them out of time (the split: split.py).

scikit-learn is imported inside the functions that fit a model: it is slow to import, and the page and the
card never need it.  `TrainedModel` (the fitted classifier, the baselines' regressions and the card) is what
the cache (model.py) pickles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from clientscope.churn.card import (
    BASELINES,
    DEFAULT_CONFIG,
    FEATURES,
    SIGNAL_INPUTS,
    TRENDS,
    Baseline,
    ModelCard,
    ModelConfig,
    Periods,
)
from clientscope.churn.metrics import Evaluation, TieBreak, evaluate, share_cutoff
from clientscope.churn.signals import HORIZON_MONTHS, SignalRules, default_rules, load_signals
from clientscope.churn.split import month_counts, plan_periods, plan_sample
from clientscope.db import Database

if TYPE_CHECKING:  # imported where models are fitted: scikit-learn is slow to import (cold start)
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline

# the number each baseline ranks by; a higher number is a higher risk
_BASELINE_INPUTS: dict[str, tuple[str, ...]] = {
    "warning_score": ("warning_score",),
    "aum_change": ("aum_trend",),
    "signals_logit": SIGNAL_INPUTS,
}


@dataclass(frozen=True)
class TrainedModel:
    classifier: HistGradientBoostingClassifier
    # per baseline, a logistic regression on its inputs fitted on the training months: the probability of the
    # signals_logit baseline, the calibration of the one-number baselines
    baseline_models: dict[str, Pipeline]
    rules: SignalRules
    config: ModelConfig
    card: ModelCard


def feature_matrix(frame: pl.DataFrame) -> np.ndarray:
    """The model input: FEATURES as float64, nulls as NaN (the classifier handles missing values)."""
    return frame.select(pl.col(FEATURES).cast(pl.Float64)).to_numpy()


def fit_classifier(train: pl.DataFrame, config: ModelConfig) -> HistGradientBoostingClassifier:
    from sklearn.ensemble import HistGradientBoostingClassifier

    classifier = HistGradientBoostingClassifier(
        learning_rate=config.learning_rate,
        max_iter=config.max_iter,
        max_leaf_nodes=config.max_leaf_nodes,
        min_samples_leaf=config.min_samples_leaf,
        l2_regularization=config.l2_regularization,
        early_stopping=True,
        random_state=config.seed,
    )
    x = feature_matrix(train)
    # a feature missing for every training row (e.g. a 6-month trend on a short extract) crashes the
    # binning in scikit-learn 1.9; a constant column is never split on, so scoring is unaffected
    x[:, np.isnan(x).all(axis=0)] = 0.0
    return classifier.fit(x, train["churned_3m"].to_numpy())


def baseline_inputs(frame: pl.DataFrame, code: str) -> np.ndarray:
    """A baseline's inputs as float64; an unknown value (a trend without history) counts as no change (0), and
    the regression also gets, per trend, 1 when it is unknown."""
    values = [pl.col(_BASELINE_INPUTS[code]).cast(pl.Float64).fill_nan(None).fill_null(0.0)]
    if code == "signals_logit":
        values += [
            pl.col(c).cast(pl.Float64).fill_nan(None).is_null().cast(pl.Float64).alias(f"{c}_unknown") for c in TRENDS
        ]
    return frame.select(values).to_numpy()


def baseline_ranking(frame: pl.DataFrame, code: str, fitted: Pipeline) -> np.ndarray:
    """The number a baseline ranks by (higher = riskier): the warning score, the AUM fall, or the regression."""
    if code == "warning_score":
        return baseline_inputs(frame, code)[:, 0]
    if code == "aum_change":
        return -baseline_inputs(frame, code)[:, 0]
    return baseline_probability(frame, code, fitted)


def baseline_probability(frame: pl.DataFrame, code: str, fitted: Pipeline) -> np.ndarray:
    if frame.is_empty():
        return np.empty(0)
    return fitted.predict_proba(baseline_inputs(frame, code))[:, 1]


def fit_baselines(train: pl.DataFrame) -> dict[str, Pipeline]:
    """A standardised logistic regression per baseline on the training months (deterministic: lbfgs)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    outcome = train["churned_3m"].to_numpy()
    return {
        code: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(
            baseline_inputs(train, code), outcome
        )
        for code in BASELINES
    }


def score_rows(frame: pl.DataFrame, classifier: HistGradientBoostingClassifier) -> np.ndarray:
    if frame.is_empty():
        return np.empty(0)
    return classifier.predict_proba(feature_matrix(frame))[:, 1]


def _scored_test(
    test: pl.DataFrame, classifier: HistGradientBoostingClassifier, baselines: dict[str, Pipeline]
) -> pl.DataFrame:
    """The test rows with every score: model_score (probability), per baseline `<code>_rank` (what it ranks
    by) and `<code>_probability` (its calibrated churn probability)."""
    columns = [pl.Series("model_score", score_rows(test, classifier))]
    for code in BASELINES:
        columns.append(pl.Series(f"{code}_rank", baseline_ranking(test, code, baselines[code]), dtype=pl.Float64))
        columns.append(
            pl.Series(f"{code}_probability", baseline_probability(test, code, baselines[code]), dtype=pl.Float64)
        )
    return test.select("customer_id", "month", "aum_total", "churned_3m", "warning_score", "aum_trend").with_columns(
        columns
    )


def _split(frame: pl.DataFrame, periods: Periods) -> tuple[pl.DataFrame, pl.DataFrame]:
    train = frame.filter(pl.col("month").is_between(periods.train_first, periods.train_last))
    test = frame.filter(pl.col("month").is_between(periods.test_first, periods.test_last))
    return train, test


def _require_both_outcomes(train: pl.DataFrame, periods: Periods) -> None:
    churners = int(train["churned_3m"].sum())
    if churners == 0 or churners == train.height:
        raise ValueError(
            f"cannot train the churn model: the training months {periods.train_first} to "
            f"{periods.train_last} have {train.height} customer-months and {churners} churners; "
            "both churners and customers who stayed are needed"
        )


def tie_break(scored: pl.DataFrame) -> TieBreak:
    """Equal scores are ordered by AUM (highest first), customer id, month (churn_metrics)."""
    return TieBreak(
        scored["aum_total"].cast(pl.Float64).to_numpy(),
        scored["customer_id"].to_numpy(),
        scored["month"].to_numpy(),
    )


def evaluate_scored(scored: pl.DataFrame) -> tuple[Evaluation, tuple[Baseline, ...]]:
    """The model's and every baseline's evaluation of an evaluation frame."""
    outcome = scored["churned_3m"].to_numpy()
    ties = tie_break(scored)
    model_score = scored["model_score"].to_numpy()
    model = evaluate(outcome, model_score, model_score, ties)
    baselines = tuple(
        Baseline(
            code,
            evaluate(outcome, scored[f"{code}_rank"].to_numpy(), scored[f"{code}_probability"].to_numpy(), ties),
        )
        for code in BASELINES
    )
    return model, baselines


def train(
    db: Database,
    *,
    data_version: str,
    trained_on: date,
    rules: SignalRules | None = None,
    config: ModelConfig = DEFAULT_CONFIG,
) -> TrainedModel:
    """Train on the training months and evaluate out of time on the test months. Deterministic for a seed.

    `rules` (the warning score) default to metrics.yaml's.
    """
    rules = rules or default_rules()
    counts = month_counts(db)
    periods = plan_periods(counts["month"].to_list(), config.test_months)
    sample = plan_sample(counts, periods.train_first, periods.test_last, config)
    frame = load_signals(db, rules, first_month=periods.train_first, last_month=periods.test_last, sample=sample)
    train_rows, test_rows = _split(frame, periods)
    _require_both_outcomes(train_rows, periods)
    classifier = fit_classifier(train_rows, config)
    baseline_models = fit_baselines(train_rows)
    scored = _scored_test(test_rows, classifier, baseline_models)
    model_eval, baselines = evaluate_scored(scored)
    card = ModelCard(
        data_version=data_version,
        trained_on=trained_on,
        seed=config.seed,
        horizon_months=HORIZON_MONTHS,
        features=FEATURES,
        periods=periods,
        sample=sample,
        train_rows=train_rows.height,
        train_churners=int(train_rows["churned_3m"].sum()),
        test_rows=test_rows.height,
        test_churners=int(test_rows["churned_3m"].sum()),
        model=model_eval,
        baselines=baselines,
        high_cutoff=share_cutoff(scored["model_score"].to_numpy(), config.high_share),
        medium_cutoff=share_cutoff(scored["model_score"].to_numpy(), config.medium_share),
        sklearn_version=version("scikit-learn"),
    )
    return TrainedModel(classifier, baseline_models, rules, config, card)


def evaluation_frame(db: Database, trained: TrainedModel) -> pl.DataFrame:
    """The test rows behind the card: customer_id, month, aum_total, churned_3m, warning_score, aum_trend,
    model_score, and per baseline `<code>_rank` and `<code>_probability`.

    Rebuilt from the database with the card's periods and sample, so anyone can recompute the
    card's numbers from it.
    """
    periods = trained.card.periods
    test = load_signals(
        db, trained.rules, first_month=periods.test_first, last_month=periods.test_last, sample=trained.card.sample
    )
    return _scored_test(test, trained.classifier, trained.baseline_models)
