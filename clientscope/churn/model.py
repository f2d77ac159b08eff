"""The churn classifier: out-of-time training and evaluation, the model card, scoring, caching.

Split (documented in docs/churn-model.md): a month m has a known label when its outcome window
(m, last day of m + 3 months] ends at or before the last month-end of the extract. The test
period is the latest `test_months` labelled months. Training months are the labelled months
whose outcome window ends at or before the first test month-end, so every training label was
already known when the first test prediction is made, and no training feature month falls in a
test outcome window.
"""

from __future__ import annotations

import calendar
import hashlib
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import joblib
import numpy as np
import polars as pl

from clientscope.churn.metrics import Evaluation, TieBreak, evaluate, share_cutoff
from clientscope.churn.reasons import with_reasons
from clientscope.churn.signals import (
    ALL_CUSTOMERS,
    HORIZON_MONTHS,
    Sample,
    SignalRules,
    default_rules,
    load_signals,
)
from clientscope.db import FULL_SCOPE, Database, ViewerScope, run_named

if TYPE_CHECKING:  # imported where models are fitted: scikit-learn is slow to import (cold start)
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline

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
# the number each baseline ranks by; a higher number is a higher risk
_BASELINE_INPUTS: dict[str, tuple[str, ...]] = {
    "warning_score": ("warning_score",),
    "aum_change": ("aum_trend",),
    "signals_logit": SIGNAL_INPUTS,
}


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
CARD_VERSION = "2"  # bump when the card or the evaluation changes: a cached model is retrained


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


@dataclass(frozen=True)
class TrainedModel:
    classifier: HistGradientBoostingClassifier
    # per baseline, a logistic regression on its inputs fitted on the training months: the probability of the
    # signals_logit baseline, the calibration of the one-number baselines
    baseline_models: dict[str, Pipeline]
    rules: SignalRules
    config: ModelConfig
    card: ModelCard


def add_months_end(month_end: date, months: int) -> date:
    """The last day of the month `months` after the month of `month_end`."""
    index = month_end.year * 12 + month_end.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def plan_periods(months: list[date], test_months: int = 3) -> Periods:
    """The out-of-time split for the extract's month-ends (see the module docstring)."""
    data_end = max(months) if months else date.min
    labelled = sorted(m for m in months if add_months_end(m, HORIZON_MONTHS) <= data_end)
    test = labelled[-test_months:] if test_months > 0 else []
    train = [m for m in labelled if test and add_months_end(m, HORIZON_MONTHS) <= test[0]]
    if len(test) < test_months or not train:
        needed = test_months + 2 * HORIZON_MONTHS
        raise ValueError(
            f"the churn model needs at least {needed} month-ends of customer_months "
            f"(training, a {HORIZON_MONTHS}-month gap, {test_months} test months and their "
            f"{HORIZON_MONTHS}-month outcome); the extract has {len(months)}"
        )
    return Periods(train[0], train[-1], test[0], test[-1], data_end)


def plan_sample(open_rows: pl.DataFrame, first: date, last: date, config: ModelConfig) -> Sample:
    """Keep every customer unless the months first..last would exceed `max_rows` customer-months."""
    in_range = open_rows.filter(pl.col("month").is_between(first, last))
    rows = int(in_range["open_customers"].sum())
    if rows <= config.max_rows:
        return Sample(config.seed, ALL_CUSTOMERS)
    return Sample(config.seed, max(1, ALL_CUSTOMERS * config.max_rows // rows))


def month_counts(db: Database) -> pl.DataFrame:
    """Month-ends of the extract with their open customers (queries/churn/months.sql)."""
    return run_named(db, "churn/months").frame


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


def latest_month(db: Database) -> date:
    months = month_counts(db)["month"]
    if months.is_empty():
        raise ValueError("customer_months has no rows: there is no month to score")
    return months.max()


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


def cache_key(data_version: str, rules: SignalRules, config: ModelConfig) -> str:
    """Data version + a digest of the settings and scikit-learn version (pickles do not cross versions)."""
    settings = f"{rules!r}|{config!r}|{FEATURES!r}|{BASELINES!r}|{CARD_VERSION}|{version('scikit-learn')}"
    return f"{data_version}-{hashlib.sha256(settings.encode()).hexdigest()[:12]}"


def train_or_load(
    db: Database,
    cache_dir: Path,
    data_version: str,
    *,
    trained_on: date,
    rules: SignalRules | None = None,
    config: ModelConfig = DEFAULT_CONFIG,
) -> TrainedModel:
    """The model for this data version from `cache_dir/churn/`, training (and saving) it when absent."""
    rules = rules or default_rules()
    path = Path(cache_dir) / "churn" / f"model-{cache_key(data_version, rules, config)}.joblib"
    cached = _load(path)
    if cached is not None:
        return cached
    trained = train(db, data_version=data_version, trained_on=trained_on, rules=rules, config=config)
    _save_atomic(trained, path)
    return trained


def _load(path: Path) -> TrainedModel | None:
    if not path.is_file():
        return None
    try:
        loaded = joblib.load(path)
    except Exception:  # a damaged cache file is retrained, never fatal
        return None
    return loaded if isinstance(loaded, TrainedModel) else None


def _save_atomic(trained: TrainedModel, path: Path) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".model-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        joblib.dump(trained, temp_name)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
