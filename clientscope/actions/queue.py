"""What the churn page, the customer 360 page, the workbook and scheduled reports read from the action store.

- `ensure_batch` opens the warning batch of the churn model's scoring month (its high-risk customers) once.
- `queue_frame` is the work queue: the viewer's actions with the customers' personal data (masked per role).
- `coverage` is the follow-up coverage by region → branch → RM; `overdue_actions` the overdue list for push.
- `outcome_rows` joins actions with the extract's close dates for the "did it work" comparison.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import polars as pl

from clientscope.access.masking import mask_frame
from clientscope.actions import outcomes
from clientscope.actions.config import RetentionConfig, retention_config
from clientscope.actions.store import (
    CLOSED_STATUSES,
    Batch,
    actions_frame,
    get_batch,
    list_batches,
    open_batch,
)
from clientscope.actions.summaries import first_warning_month, follow_up_counts
from clientscope.churn.files import churn_status
from clientscope.churn.signals import SignalRules
from clientscope.db import Database, ViewerScope, run_named
from clientscope.store import AppStore, open_store, store_url

AT_RISK_LEVEL = "high"  # the churn page's "at risk": the model's high level (docs/churn-model.md §4)
QUEUE_LIMIT = 2_000  # rows the work queue shows at once (filters narrow it)
HORIZON_MONTHS = 3  # the churn window of the outcome: the model's label window
_ACCESS_EXTENSION = "clientscope_access"  # clientscope.access.web.EXTENSION_KEY (not imported: a page-level module)


def current_store() -> AppStore:
    """The app's store inside a request (the one access control uses), else the configured one (command line)."""
    flask = sys.modules.get("flask")  # a command line never loads Flask (0.2 s of imports): no app context then
    if flask is not None and flask.has_app_context():
        runtime = flask.current_app.extensions.get(_ACCESS_EXTENSION)
        if runtime is not None:
            return runtime.store
    return _store_at(store_url())


@lru_cache(maxsize=4)
def _store_at(url: str) -> AppStore:
    return open_store(url)  # one engine (and one migration check) per URL and process


def warnings_from_scores(scores: pl.DataFrame) -> pl.DataFrame:
    """The warned customers of the scoring month: the model's high-risk level, riskiest first."""
    columns = [
        c
        for c in (
            "customer_id",
            "region",
            "branch_id",
            "rm_id",
            "tier",
            "churn_probability",
            "warning_level",
            "aum_total",
        )
        if c in scores.columns
    ]
    return (
        scores.filter(pl.col("risk_level") == AT_RISK_LEVEL).sort("churn_probability", descending=True).select(columns)
    )


def ensure_batch(store: AppStore, scores_path: str, as_of: date, config: RetentionConfig, now: datetime) -> Batch:
    """The batch of the scoring month-end `as_of`, opened from the page's scores file on first use."""
    existing = get_batch(store, as_of)
    if existing is not None:
        return existing
    scores = pl.read_parquet(scores_path)
    return open_batch(store, as_of, warnings_from_scores(scores), config, now)


def latest_batch_open(db: Database, today: date, rules: SignalRules) -> bool:
    """Whether the batch of the latest scored month-end is open already (or there is no model to score with)."""
    data = churn_status(db, today, rules).data
    return data is None or get_batch(current_store(), data.as_of) is not None


def open_latest_batch(db: Database, today: date, rules: SignalRules) -> None:
    """Open the batch of the latest scored month-end now, in the build step: at 1M customers it inserts ~80k
    actions (seconds), which the churn page's first visit would otherwise wait for."""
    data = churn_status(db, today, rules).data
    if data is not None:
        ensure_batch(current_store(), str(data.scores_path), data.as_of, retention_config(), now_utc())


def customers_of(db: Database, scope: ViewerScope, ids: Sequence[str]) -> pl.DataFrame:
    """customer_id, name, phone, close_date of `ids` the viewer may see (personal columns null when absent)."""
    frame = run_named(db, "actions/customers", {"ids": sorted(set(ids))}, scope=scope).frame
    for column, dtype in (("name", pl.String), ("phone", pl.String), ("close_date", pl.Date)):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(column))
    return frame.select("customer_id", "name", "phone", "close_date")


def queue_frame(
    db: Database,
    store: AppStore,
    scope: ViewerScope,
    *,
    statuses: Sequence[str] | None,
    overdue_on: date | None,
    filters: Mapping[str, Sequence[str]],
    limit: int | None = QUEUE_LIMIT,
) -> pl.DataFrame:
    """The viewer's work queue (hold-out customers never appear) with name and phone, masked unless allowed; its
    first `limit` actions (None: all)."""
    rows = actions_frame(store, scope, statuses=statuses, overdue_on=overdue_on, filters=filters, limit=limit)
    people = customers_of(db, scope, rows["customer_id"].to_list()).drop("close_date")
    return mask_frame(rows.join(people, on="customer_id", how="left"), scope)


def overdue_expr(today: date) -> pl.Expr:
    """Still due for follow-up (not retained, lost or not reachable) and due before `today`."""
    return (pl.col("due_date") < today) & ~pl.col("status").is_in(sorted(CLOSED_STATUSES))


def overdue_actions(store: AppStore, today: date, scope: ViewerScope) -> pl.DataFrame:
    """The viewer's actions still due for follow-up whose due date is before `today`, most overdue first.

    For scheduled reports (one per RM: pass that RM's scope). Columns: action_id, customer_id, warning_month,
    region, branch_id, rm_id, assignee, status, offer, due_date, days_overdue, churn_probability, updated_by,
    updated_at. No personal data: a report that needs names joins them under the recipient's scope.
    """
    rows = actions_frame(store, scope, overdue_on=today)
    return rows.select(
        pl.col("id").alias("action_id"),
        "customer_id",
        "warning_month",
        "region",
        "branch_id",
        "rm_id",
        "assignee",
        "status",
        "offer",
        "due_date",
        (pl.lit(today) - pl.col("due_date")).dt.total_days().cast(pl.Int64).alias("days_overdue"),
        "churn_probability",
        "updated_by",
        "updated_at",
    ).sort(["days_overdue", "churn_probability"], descending=True)


def coverage(
    store: AppStore,
    scope: ViewerScope,
    batch: Batch,
    level: str,
    filters: Mapping[str, Sequence[str]],
    today: date,
) -> pl.DataFrame:
    """Follow-up coverage of one batch by `level` (region, branch_id or rm_id): code, warned (not held out),
    contacted (first contact within the batch's follow-up days of its opening), share, overdue."""
    deadline = batch.opened_at + timedelta(days=batch.follow_up_days)
    counts = follow_up_counts(
        store, scope, level, warning_month=batch.warning_month, filters=filters, deadline=deadline, today=today
    )
    grouped = counts.select(
        "code", "warned", "contacted", "overdue", (pl.col("contacted") / pl.col("warned")).alias("share")
    )
    return grouped.sort(["share", "code"], nulls_last=True)


def latest_batch(store: AppStore) -> Batch | None:
    found = list_batches(store)
    return found[-1] if found else None


# What the outcome comparisons read of each action (outcomes.with_outcomes, randomised, matched by STRATA, offers)
OUTCOME_COLUMNS = ("customer_id", "warning_month", "holdout", "tier", "churn_probability", "offer", "first_contact_at")


def outcome_rows(
    db: Database, store: AppStore, scope: ViewerScope, data_end: date, config: RetentionConfig
) -> pl.DataFrame:
    """Every warned customer of the viewer's batches (hold-out included) with `acted`, the extract's close date,
    the risk band and the outcome (outcomes.with_outcomes)."""
    rows = actions_frame(store, scope, holdout=None, columns=OUTCOME_COLUMNS)
    closes = customers_of(db, scope, rows["customer_id"].to_list()).select("customer_id", "close_date")
    frame = rows.join(closes, on="customer_id", how="left").with_columns(
        pl.col("first_contact_at").is_not_null().alias("acted")
    )
    return outcomes.with_outcomes(frame, data_end, window=HORIZON_MONTHS, edges=config.risk_bands)


@dataclass(frozen=True)
class KnownOutcomes:
    """The warned customers whose outcome window has ended (None while no batch's has: nobody is read), and the end
    of the earliest batch's window (None when the viewer has no batch)."""

    rows: pl.DataFrame | None
    first_window_end: date | None


def known_outcomes(
    db: Database, store: AppStore, scope: ViewerScope, data_end: date, config: RetentionConfig
) -> KnownOutcomes:
    """What the "did it work" comparison reads; no action is read while the earliest window is still open."""
    earliest = first_warning_month(store, scope)
    first_end = outcomes.window_end(earliest, HORIZON_MONTHS) if earliest is not None else None
    if first_end is None or first_end > data_end:
        return KnownOutcomes(None, first_end)
    rows = outcome_rows(db, store, scope, data_end, config)
    return KnownOutcomes(rows.filter(pl.col("outcome_known")), first_end)


def now_utc() -> datetime:
    return datetime.now(UTC)
