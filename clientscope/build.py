"""The build step: everything a page needs, built once per data version and reused by every later start.

One function runs it for the server (`startup.prepare`), the scheduled refresh (`clientscope build`) and the
command-line export (`clientscope export`), so all three read the same cached validation, marts, rollups and
churn files, and none of them repeats work a previous run already did.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from clientscope import settings
from clientscope.db import FULL_SCOPE, Database
from clientscope.semantic import ExtractCurrencyError, SemanticModel, model_for_extracts
from clientscope.validation import ValidationReport

if TYPE_CHECKING:
    from clientscope.churn.files import LatestScores

STEPS = ("validate", "marts", "rollups", "campaigns", "churn", "retention")
ENGINES = ("duckdb", "spark")  # what builds the marts and rollups and scores the churn model (docs/spark.md)


@dataclass(frozen=True)
class StepTiming:
    name: str
    seconds: float
    reused: bool  # True when this data version's result was already on disk
    # the process's peak resident memory so far (MiB): which step needs how much, for sizing the refresh machine
    peak_mib: float = 0.0

    def describe(self) -> str:
        return f"{self.name} {self.seconds:.1f} s" + (" (cached)" if self.reused else "")


@dataclass(frozen=True)
class BuildResult:
    report: ValidationReport
    db: Database | None  # None when the extracts cannot be served (`problems` says why)
    steps: tuple[StepTiming, ...]
    model: SemanticModel  # in the extracts' declared currency (formats and tier floors)
    problems: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps)


class _Timer:
    """Collects each step's duration and tells the caller's progress hook that a step is done."""

    def __init__(self, on_step: Callable[[StepTiming], None] | None) -> None:
        self.steps: list[StepTiming] = []
        self._on_step = on_step

    @contextmanager
    def step(self, name: str, reused: bool) -> Iterator[None]:
        start = time.perf_counter()
        yield
        timing = StepTiming(name, time.perf_counter() - start, reused, peak_rss_mib())
        self.steps.append(timing)
        if self._on_step is not None:
            self._on_step(timing)


def peak_rss_mib() -> float:
    """This process's resident-memory high-water mark (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_build(
    data_dir: Path,
    model: SemanticModel,
    *,
    today: date | None = None,
    on_step: Callable[[StepTiming], None] | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    open_retention_batch: bool = True,
) -> BuildResult:
    """Validate the extracts (cached per data version), then build or reuse the marts, rollups and churn files.

    Returns the open database, its memory limit lowered to the serving limit, and the model in the extracts'
    declared currency; or no database and the problems when the extracts are not valid or declare a currency
    metrics.yaml has no floors for (nothing is built from them).

    `engine="spark"` builds the marts and rollups with PySpark (`spark_master`: a cluster URL, else local mode)
    into the same cache folders, which DuckDB then registers as if it had built them, and scores the churn model
    on Spark (docs/spark.md). Last, the retention batch of the scored month-end is opened in the app store
    (docs/retention-actions.md), unless `open_retention_batch` is false (an export writes no app state).
    """
    from clientscope.campaigns.serving import build_campaign_files, serving_present
    from clientscope.campaigns.table import warm as warm_campaigns
    from clientscope.churn.explain import churn_rules_view
    from clientscope.churn.files import build_churn_files, churn_files_present
    from clientscope.churn.scoring import latest_scores_on_duckdb
    from clientscope.churn.signals import SignalRules
    from clientscope.marts import build_marts, marts_dir
    from clientscope.semantic.rollups import build_rollups, rollups_dir
    from clientscope.validation_cache import is_validated, validate_once
    from clientscope.view_context import build_page_context

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")
    if engine == "spark":  # before any work: a missing PySpark or Java is said at once (SparkUnavailable)
        from clientscope.spark.session import check_available

        check_available()
    timer = _Timer(on_step)
    with timer.step("validate", reused=is_validated(data_dir)):
        report = validate_once(data_dir)
    if not report.ok:
        return BuildResult(report, None, tuple(timer.steps), model, tuple(str(p) for p in report.errors))
    try:  # amounts in the extracts' declared currency: its formats and tier floors
        model = model_for_extracts(model, data_dir)
    except ExtractCurrencyError as exc:
        return BuildResult(report, None, tuple(timer.steps), model, (str(exc),))
    db = Database.open(data_dir, memory_limit=settings.duckdb_build_memory())
    spark = _spark_steps(engine, spark_master)
    with timer.step("marts", reused=marts_dir(db, model.rules).is_dir()):
        if spark is not None:  # Spark writes the cache folder; build_marts then finds it and registers it
            spark.marts(db, model)
        build_marts(db, model.rules)
    with timer.step("rollups", reused=rollups_dir(db, model).is_dir()):
        if spark is not None:
            spark.rollups(db, model)
        build_rollups(db, model)
    with timer.step("campaigns", reused=serving_present(db, model.rules)):
        build_campaign_files(db, model.rules)
        warm_campaigns(build_page_context(db, model, data_dir, {}, FULL_SCOPE))  # the first visit's counts
    rules, day = SignalRules.from_rules(model.rules), today or date.today()
    with timer.step("churn", reused=churn_files_present(db)):
        # the model is trained here on either engine (it samples); Spark scores every open customer
        build_churn_files(db, day, rules, spark.scores() if spark is not None else latest_scores_on_duckdb)
        churn_rules_view(db, FULL_SCOPE)  # the page's decision-tree rules for the whole bank (8 s at scale M)
    if open_retention_batch:  # with the build, not on a manager's first visit (an export writes no app state)
        from clientscope.actions.queue import latest_batch_open, open_latest_batch  # the app store: 0.4 s of imports

        with timer.step("retention", reused=latest_batch_open(db, day, rules)):
            open_latest_batch(db, day, rules)
    db.set_memory_limit(settings.duckdb_memory())
    return BuildResult(report, db, tuple(timer.steps), model)


@dataclass(frozen=True)
class _SparkSteps:
    """The marts, rollups and churn scoring run on Spark (imported only when asked for: the app never needs Java)."""

    master: str | None

    def marts(self, db: Database, model: SemanticModel) -> None:
        from clientscope.spark.build import build_marts_on_spark
        from clientscope.spark.session import SparkSettings

        build_marts_on_spark(db, model, SparkSettings.from_env(self.master))

    def rollups(self, db: Database, model: SemanticModel) -> None:
        from clientscope.spark.build import build_rollups_on_spark
        from clientscope.spark.session import SparkSettings

        build_rollups_on_spark(db, model, SparkSettings.from_env(self.master))

    def scores(self) -> LatestScores:
        from clientscope.spark.scoring import SparkScores
        from clientscope.spark.session import SparkSettings

        return SparkScores(SparkSettings.from_env(self.master))


def _spark_steps(engine: str, master: str | None) -> _SparkSteps | None:
    return _SparkSteps(master) if engine == "spark" else None
