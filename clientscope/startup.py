"""Preparing what an app instance serves (the build step): demo, metrics.yaml, validation, marts, churn model."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

from clientscope import settings
from clientscope.db import Database
from clientscope.runtime import AppContext
from clientscope.semantic import SemanticError, SemanticModel, format_problems, load_semantic_model

log = logging.getLogger(__name__)


class StartupRefused(SystemExit):
    """metrics.yaml is invalid: the app does not start (the problems are printed, one per line)."""


def ensure_demo(data_dir: Path) -> None:
    """Generate the demo extracts once, on first use."""
    from clientscope.catalog import locate
    from clientscope.contract import REQUIRED_TABLES

    if data_dir.is_dir():
        found = locate(data_dir)
        if all(found[name].present for name in REQUIRED_TABLES):
            return
    from clientscope.demo import generate

    log.warning("No data folder configured: generating the demo bank into %s (one-off, a few seconds)", data_dir)
    generate(data_dir, progress=True)


def load_model(metrics_arg: str | None = None) -> SemanticModel:
    path = settings.metrics_file(metrics_arg)
    try:
        return load_semantic_model(path)
    except SemanticError as exc:
        message = f"{path} is not valid; the app will not start until it is fixed:\n{format_problems(exc.problems)}"
        print(message, file=sys.stderr)
        raise StartupRefused(1) from exc


def prepare(data_arg: str | None = None, metrics_arg: str | None = None) -> AppContext:
    """Resolve, (generate,) validate and open the data folder; build the marts, rollups and churn model.

    Everything built is cached per data version, so a later start with the same extracts only opens it.

    Bad extracts never raise: they become the problems the app shows on its error page.
    An invalid metrics.yaml refuses start-up (`StartupRefused`), as the operator must fix it.
    """
    model = load_model(metrics_arg)
    data_dir, is_demo = settings.resolve_data_dir(data_arg)
    if is_demo:
        ensure_demo(data_dir)
    from clientscope.validation_cache import validate_once

    report = validate_once(data_dir)
    warnings = tuple(str(p) for p in report.warnings)
    if not report.ok:
        for problem in report.errors:
            log.error("%s", problem)
        return AppContext(data_dir, is_demo, None, model, tuple(str(p) for p in report.errors), warnings)
    db = Database.open(data_dir, memory_limit=settings.duckdb_build_memory())
    from clientscope.marts import build_marts

    build_marts(db, model.rules)
    from clientscope.semantic.rollups import build_rollups

    build_rollups(db, model)
    from clientscope.analytics.churn_signals import SignalRules
    from clientscope.churn_page import build_churn_files

    build_churn_files(db, date.today(), SignalRules.from_rules(model.rules))
    db.set_memory_limit(settings.duckdb_memory())
    return AppContext(data_dir, is_demo, db, model, (), warnings)
