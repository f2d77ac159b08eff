"""Preparing the data an app instance serves: demo generation, validation, opening the database."""

from __future__ import annotations

import logging
from pathlib import Path

from clientscope import settings
from clientscope.db import Database
from clientscope.runtime import AppContext

log = logging.getLogger(__name__)


def ensure_demo(data_dir: Path) -> None:
    """Generate the demo extracts once, on first use."""
    from clientscope.catalog import locate
    from clientscope.contract import REQUIRED_TABLES

    found = locate(data_dir) if data_dir.is_dir() else {}
    if data_dir.is_dir() and all(found[name].present for name in REQUIRED_TABLES):
        return
    from clientscope.demo import generate

    log.warning("No data folder configured: generating the demo bank into %s (one-off, a few seconds)", data_dir)
    generate(data_dir, progress=True)


def prepare(data_arg: str | None = None) -> AppContext:
    """Resolve, (generate,) validate and open the data folder; never raises on bad data."""
    data_dir, is_demo = settings.resolve_data_dir(data_arg)
    if is_demo:
        ensure_demo(data_dir)
    from clientscope.validation import validate

    report = validate(data_dir)
    warnings = tuple(str(p) for p in report.warnings)
    if not report.ok:
        for problem in report.errors:
            log.error("%s", problem)
        return AppContext(data_dir, is_demo, None, tuple(str(p) for p in report.errors), warnings)
    return AppContext(data_dir, is_demo, Database.open(data_dir), (), warnings)
