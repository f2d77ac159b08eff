"""The churn model of one data version and the page files derived from it (built by the build step).

`churn_status(db, today)` trains or loads the model once per data version (`train_or_load`, cached on disk under
`settings.cache_root()/churn/`) and caches derived Parquet files next to it: the scores of every open customer at
the latest month-end (`scores.parquet`) and the six signal flags of every open customer-month (`flags.parquet`),
each row with the region, branch, RM, tier and acquisition channel of its month. Files are written to a temporary
name and renamed, so two workers racing on a first visit both end up reading a whole file; a restart reuses them.
The build step (`build_churn_files`) makes them up front.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import joblib
import polars as pl

from clientscope import settings
from clientscope.atomic_files import write_atomic, write_parquet_atomic
from clientscope.churn.card import DEFAULT_CONFIG, ModelCard, ModelConfig
from clientscope.churn.evaluation import scored_evaluation
from clientscope.churn.model import cache_key, train_or_load
from clientscope.churn.scoring import latest_scores_on_duckdb, riskiest_first
from clientscope.churn.signals import (
    FLAG_COLUMN,
    HORIZON_MONTHS,
    Sample,
    Signal,
    SignalRules,
    default_rules,
    load_signals,
)
from clientscope.churn.split import month_counts
from clientscope.churn.training import TrainedModel, evaluation_frame
from clientscope.db import FULL_SCOPE, Database, query_sql
from clientscope.marts import params_for
from clientscope.view_context import PageContext

log = logging.getLogger(__name__)


PAGE_FILES_VERSION = "5"  # bump when the layout of the page files changes (5: flags carry the scored level, mask)
SCORES_FILE = "scores.parquet"
EVALUATION_FILE = "evaluation.parquet"
SCORE_CELLS_FILE = "score_cells.parquet"
CARD_FILE = "card.joblib"  # the ModelCard alone: unpickling it imports no scikit-learn
# Bin edges of the probability histogram (the model's cut-offs are added, so no bin straddles a risk level).
HISTOGRAM_EDGES: tuple[float, ...] = (0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)


TREND_HISTORY_MONTHS = 6  # the transaction and login trends compare 3 months with the 3 before


FLAGS_MAX_ROWS = 2_000_000  # customer-months kept in flags.parquet; larger extracts keep a seeded customer sample

# Every open customer at the latest month-end scored, in no order: `latest_scores_on_duckdb`, or the Spark build's
# `clientscope.spark.scoring.SparkScores` (hashable: it is part of the cache key of `_status`).
LatestScores = Callable[[Database, TrainedModel], pl.DataFrame]


class ModelUnavailable(Exception):
    """The churn model cannot be trained on this extract (the message says why, in English)."""

    def __init__(self, reason: str, *, months: int) -> None:
        super().__init__(reason)
        self.months = months


@dataclass(frozen=True)
class ChurnData:
    """The model card of one data version and the page's files derived from the model.

    The page and its workbook read only these files: the fitted model itself (scikit-learn, seconds to import and
    unpickle) is loaded by the build step alone.
    """

    card: ModelCard
    rules: SignalRules
    folder: Path
    flags_sample: Sample
    as_of: date  # the scoring month-end (the latest month of the extract)
    months: int  # month-ends in the extract

    @property
    def scores_path(self) -> Path:
        return self.folder / SCORES_FILE

    @property
    def flags_path(self) -> Path:
        return self.folder / flags_file(self.flags_sample)

    @property
    def evaluation_path(self) -> Path:
        return self.folder / EVALUATION_FILE


@dataclass(frozen=True)
class ChurnStatus:
    data: ChurnData | None
    problem: ModelUnavailable | None = None


def model_config(month_count: int) -> ModelConfig:
    """The default settings; on short extracts a shorter test period so the trend signals exist in training.

    With n month-ends the training months end at n - test_months - 5 (docs/churn-model.md §3) and the 6-month
    trends start at month 6, so n - test_months - 5 >= 6. On 12 or 13 month-ends the test period is 1 or 2
    months instead of 3 (the model card says which months); below 12 the default is tried and may fail.
    """
    fitting = month_count - HORIZON_MONTHS - 2 - TREND_HISTORY_MONTHS
    if fitting >= DEFAULT_CONFIG.test_months or fitting < 1:
        return DEFAULT_CONFIG
    return replace(DEFAULT_CONFIG, test_months=fitting)


def churn_status(
    db: Database, today: date, rules: SignalRules | None = None, score: LatestScores = latest_scores_on_duckdb
) -> ChurnStatus:
    """The model and page files for the data version `db` serves; trained on first use (`today` is its date).

    `rules` is the warning score of the app's metrics.yaml (`SignalRules.from_rules(model.rules)`); by default
    the file `settings.metrics_file()` names. `score` scores the latest month-end when the files are written.
    """
    with db.lock:  # the page's sections ask at once; one of them opens (or builds) the files, the others wait
        return _status(db, db.version, str(settings.cache_root()), today, rules or default_rules(), score)


def page_rules(pc: PageContext) -> SignalRules:
    """The warning score of the metrics.yaml the app serves."""
    return SignalRules.from_rules(pc.model.rules)


def churn_data(db: Database, today: date, rules: SignalRules | None = None) -> ChurnData:
    status = churn_status(db, today, rules)
    if status.data is None:
        raise status.problem or ModelUnavailable("no model", months=0)
    return status.data


@lru_cache(maxsize=8)
def _status(
    db: Database, version: str, cache_root: str, today: date, rules: SignalRules, score: LatestScores
) -> ChurnStatus:
    # Keyed by the data version and the day: a refreshed extract gets new files, and a new day only reopens them
    # (train_or_load keeps a cached card's original training date).
    months = month_counts(db)
    count = months.height
    config = model_config(count)
    folder = _page_folder(Path(cache_root), version, rules, config)
    sample = flags_sample(months, config)
    if not all((folder / name).is_file() for name in _page_files(sample)):
        try:
            trained = train_or_load(db, Path(cache_root), version, trained_on=today, rules=rules, config=config)
        except ValueError as exc:
            log.warning("churn model unavailable for data version %s: %s", version, exc)
            return ChurnStatus(None, ModelUnavailable(str(exc), months=count))
        _write_page_files(db, trained, folder, sample, score)
    card = joblib.load(folder / CARD_FILE)
    as_of = pl.read_parquet(folder / SCORES_FILE, columns=["month"])["month"].max() or months["month"].max()
    data = ChurnData(card, rules, folder, sample, as_of, count)
    # the page's queries read them as views, which a restricted viewer's scope filters like every customer-keyed
    # (or branch-keyed) table
    for name, path in (
        ("churn_scores", data.scores_path),
        ("churn_flags", data.flags_path),
        ("churn_score_cells", folder / SCORE_CELLS_FILE),
    ):
        db.register_parquet(name, str(path))
    return ChurnStatus(data)


def _page_files(sample: Sample) -> tuple[str, ...]:
    return (SCORES_FILE, flags_file(sample), EVALUATION_FILE, SCORE_CELLS_FILE, CARD_FILE)


def flags_file(sample: Sample) -> str:
    return f"flags-{sample.per_10000}.parquet"


def _write_page_files(db: Database, trained: TrainedModel, folder: Path, sample: Sample, score: LatestScores) -> None:
    """Everything the page and its workbook read, from the fitted model; the card last (it marks completeness)."""
    # no reasons in the file: the page words them per request, in the viewer's language
    scores = _with_attributes(db, riskiest_first(score(db, trained)))
    write_parquet_atomic(scores, folder / SCORES_FILE)
    write_parquet_atomic(_flags_frame(db, trained, sample, scores), folder / flags_file(sample))
    write_parquet_atomic(scored_evaluation(evaluation_frame(db, trained)), folder / EVALUATION_FILE)
    write_parquet_atomic(_cells(scores, "score_cells", list(histogram_edges(trained.card))), folder / SCORE_CELLS_FILE)
    write_atomic(folder / CARD_FILE, lambda temp: joblib.dump(trained.card, temp))


def _cells(scores: pl.DataFrame, query: str, edges: list[float]) -> pl.DataFrame:
    """The serving-layer aggregate of the scores (`queries/churn_page/<query>.sql`), sorted by its cell."""
    cur = duckdb.connect()  # a private connection: only the scores frame is registered on it
    try:
        cur.register("page_scores", scores)
        sql = query_sql(f"churn_page/{query}")
        return cur.sql(sql, params=params_for(sql, {"edges": edges})).pl()
    finally:
        cur.close()


def histogram_edges(card: ModelCard) -> tuple[float, ...]:
    """HISTOGRAM_EDGES with the model's medium and high cut-offs added (so no bin straddles a risk level)."""
    return tuple(sorted({*HISTOGRAM_EDGES, round(card.medium_cutoff, 12), round(card.high_cutoff, 12)}))


def churn_files_present(db: Database) -> bool:
    """Whether this data version's model and page files are on disk (looked up by name: nothing is read)."""
    root = settings.cache_root()
    models = (root / "churn").glob(f"model-{db.version}-*.joblib")
    scores = (root / "churn_page").glob(f"{db.version}-*-{PAGE_FILES_VERSION}/{CARD_FILE}")
    return next(models, None) is not None and next(scores, None) is not None


def build_churn_files(
    db: Database, today: date, rules: SignalRules | None = None, score: LatestScores = latest_scores_on_duckdb
) -> None:
    """Train the model and write the page files now, in the build step, so that no visitor waits for them.

    When this data version's files are on disk, nothing is read: counting the months scans the extract, which
    costs time at every cold start. (Files of the same
    data version under other settings count as present; the page then trains its own on first use.)
    """
    if churn_files_present(db):
        return
    log.info("training the churn model for data version %s", db.version)
    churn_status(db, today, rules, score)


def _page_folder(root: Path, version: str, rules: SignalRules, config: ModelConfig) -> Path:
    return root / "churn_page" / f"{cache_key(version, rules, config)}-{PAGE_FILES_VERSION}"


def flags_sample(months: pl.DataFrame, config: ModelConfig) -> Sample:
    """Every customer unless the extract has more than FLAGS_MAX_ROWS open customer-months."""
    rows = int(months["open_customers"].sum()) if months.height else 0
    if rows <= FLAGS_MAX_ROWS:
        return Sample(config.seed)
    return Sample(config.seed, max(1, 10_000 * FLAGS_MAX_ROWS // rows))


def _flags_frame(db: Database, trained: TrainedModel, sample: Sample, scores: pl.DataFrame) -> pl.DataFrame:
    """The sampled open customer-months' flags and filter attributes, and each customer's risk level and signal mask
    at the scoring month (null when not scored): the signal trend follows the customers of a risk level or signal
    with a column test instead of joining the scores on every filter change."""
    frame = load_signals(db, trained.rules, sample=sample, scope=FULL_SCOPE)
    flags = _with_attributes(db, frame.select("customer_id", "month", *FLAG_COLUMN.values()))
    scored = scores.select(
        "customer_id",
        pl.col("risk_level").alias("scored_risk_level"),
        signal_mask().alias("scored_signal_mask"),
    )
    return flags.join(scored, on="customer_id", how="left", maintain_order="left")


def signal_mask() -> pl.Expr:
    """Bit k set when signal k fires (clientscope.churn.view.SIGNALS order), as score_cells.sql writes it."""
    return pl.sum_horizontal(
        pl.col(FLAG_COLUMN[signal]).fill_null(False).cast(pl.Int32) * (1 << bit) for bit, signal in enumerate(Signal)
    )


def _with_attributes(db: Database, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (customer_id, month, …) with the attributes the page filters on, as of each row's month."""
    cur = db.con.cursor()  # its own connection: the registered rows never leak into other queries
    try:
        own = rows.drop("region", "branch_id", "rm_id", "tier", "acquisition_channel", strict=False)
        cur.register("page_rows", own)
        return cur.sql(query_sql("churn_page/with_attributes")).pl()
    finally:
        cur.close()
