"""What explains the model: its evaluation rows (the workbook's sheet behind the model card) and why customers
churn (the decision-tree rules), for the viewer's customers.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import joblib
import polars as pl

from clientscope import settings
from clientscope.atomic_files import write_atomic
from clientscope.churn.card import ModelCard, decile_table
from clientscope.churn.files import PAGE_FILES_VERSION, ChurnData
from clientscope.churn.rules import ChurnRule, recent_labelled_periods, why_they_churn
from clientscope.churn.split import month_counts
from clientscope.db import Database, ViewerScope, run_named
from clientscope.view_context import PageContext

log = logging.getLogger(__name__)

RULES_RECENT_MONTHS = 6  # why_they_churn's default window


def evaluation_rows(pc: PageContext, data: ChurnData) -> pl.DataFrame:
    """The test rows behind the model card, one per customer-month, for the workbook (`scored_evaluation`, written
    by the build step).

    A restricted viewer gets only the rows of their own customers: the card describes the bank-wide model, but
    no row of another region, branch or book leaves the database for them, not even without its id (the deciles
    are still those of the whole test set, so a viewer's rows read as they rank bank-wide).
    """
    frame = pl.read_parquet(data.evaluation_path)
    if pc.scope.restricted:
        visible = run_named(pc.db, "churn_page/customer_ids", scope=pc.scope).frame["customer_id"]
        frame = frame.filter(pl.col("customer_id").is_in(visible.implode()))
    return frame


@dataclass(frozen=True)
class RulesView:
    rules: tuple[ChurnRule, ...]
    first_month: date | None
    last_month: date | None
    problem: str | None = None


def churn_rules_view(db: Database, scope: ViewerScope) -> RulesView:
    """Why customers churn (the decision-tree rules) for the viewer's customers; cached per data version."""
    return _rules(db, db.version, str(settings.cache_root()), scope)


def rules_path(version: str, cache_root: Path, scope: ViewerScope) -> Path:
    """Where the rules of this data version for this viewer scope are kept."""
    digest = hashlib.sha256(repr((scope.as_params(), PAGE_FILES_VERSION)).encode()).hexdigest()[:12]
    return cache_root / "churn_page" / f"rules-{version}-{digest}.joblib"


@lru_cache(maxsize=16)
def _rules(db: Database, version: str, cache_root: str, scope: ViewerScope) -> RulesView:
    path = rules_path(version, Path(cache_root), scope)
    if path.is_file():
        try:
            loaded = joblib.load(path)
            if isinstance(loaded, RulesView):
                return loaded
        except Exception:  # a damaged cache file is recomputed, never fatal
            log.warning("ignoring unreadable %s", path)
    months = month_counts(db)["month"].to_list()
    try:
        first, last = recent_labelled_periods(months, RULES_RECENT_MONTHS)
        view = RulesView(tuple(why_they_churn(db, scope=scope)), first, last)
    except ValueError as exc:
        return RulesView((), None, None, str(exc))
    write_atomic(path, lambda temp: joblib.dump(view, temp))
    return view


def decile_frame(card: ModelCard) -> pl.DataFrame:
    """Gains and calibration by decile, model and rule baseline (churn_model.decile_table)."""
    return decile_table(card)
