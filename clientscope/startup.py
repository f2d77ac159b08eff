"""Preparing what an app instance serves (the build step): demo, metrics.yaml, validation, marts, churn model."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from clientscope import settings
from clientscope.access import AccessSetup, access_setup
from clientscope.runtime import AppContext
from clientscope.semantic import SemanticError, SemanticModel, format_problems, load_semantic_model
from clientscope.store.engine import StoreError

log = logging.getLogger(__name__)


class StartupRefused(SystemExit):
    """metrics.yaml is invalid: the app does not start (the problems are printed, one per line)."""


def without_notebook_support() -> None:
    """Keep Dash from importing IPython in a server process (about 0.5 s of every start, when it is installed).

    Dash imports IPython at import time for its Jupyter integration, which a server never uses. Called by
    `clientscope serve` and app.py before Dash is imported; once Dash is imported it changes nothing.
    """
    if "dash" not in sys.modules:
        sys.modules.setdefault("IPython", None)  # `import IPython` then raises ImportError, which Dash expects


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
        raise _invalid(path, exc) from exc


def _invalid(path: Path, exc: SemanticError) -> StartupRefused:
    return _refused(f"{path} is not valid; the app will not start until it is fixed:\n{format_problems(exc.problems)}")


def _refused(message: str) -> StartupRefused:
    """Print why the app does not start (the operator reads the terminal, not a log file)."""
    print(message, file=sys.stderr)
    return StartupRefused(1)


def load_access_setup(access_arg: str | None = None) -> AccessSetup:
    """access.yaml (if any) and the app store; a bad access file or an unreachable store refuses the start."""
    path = settings.access_file(access_arg)
    try:
        setup = access_setup(path)
    except SemanticError as exc:
        raise _invalid(path, exc) from exc
    except StoreError as exc:
        raise _refused(str(exc)) from exc
    if setup.config is None:
        log.warning("no access.yaml: open mode, no sign-in, answering this machine (loopback) only")
    return setup


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
    from clientscope.build import run_build

    result = run_build(data_dir, model)
    report = result.report
    warnings = tuple(str(p) for p in report.warnings)
    if result.db is None:
        for problem in result.problems:
            log.error("%s", problem)
        return AppContext(data_dir, is_demo, None, result.model, result.problems, warnings)
    log.info("build step: %s", ", ".join(step.describe() for step in result.steps))
    return AppContext(data_dir, is_demo, result.db, result.model, (), warnings)
