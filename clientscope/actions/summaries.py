"""Narrow reads of the retention actions for the page's summaries (coverage, whether any outcome can be known):
only the columns a summary needs, so a batch of tens of thousands of warned customers reads in one pass."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import polars as pl
import sqlalchemy as sa

from clientscope.actions.rows import utc
from clientscope.actions.store import CLOSED_STATUSES, actions_query
from clientscope.db import ViewerScope
from clientscope.store import AppStore
from clientscope.store.tables import retention_actions as actions


def first_warning_month(store: AppStore, scope: ViewerScope) -> date | None:
    """The earliest warning month of the viewer's actions (hold-out included); None when there are none."""
    query = actions_query(sa.select(sa.func.min(actions.c.warning_month)), scope, holdout=None)
    with store.begin() as con:
        return con.execute(query).scalar()


def follow_up_counts(
    store: AppStore,
    scope: ViewerScope,
    level: str,
    *,
    warning_month: date,
    filters: Mapping[str, Sequence[str]],
    deadline: datetime,
    today: date,
) -> pl.DataFrame:
    """Per `level` value (code) of the batch's warned customers (hold-out excluded): warned, contacted (first
    contact at or before `deadline`) and overdue (due before `today`, not closed), counted by the store, so a batch
    of tens of thousands of actions never travels to Python (80,000 rows at 1M customers: 0.8 s through the driver)."""
    in_time = sa.and_(actions.c.first_contact_at.is_not(None), actions.c.first_contact_at <= utc(deadline))
    overdue = sa.and_(actions.c.due_date < today, actions.c.status.not_in(sorted(CLOSED_STATUSES)))
    code = actions.c[level]
    query = actions_query(
        sa.select(
            code.label("code"),
            sa.func.count().label("warned"),
            sa.func.sum(sa.case((in_time, 1), else_=0)).label("contacted"),
            sa.func.sum(sa.case((overdue, 1), else_=0)).label("overdue"),
        ),
        scope,
        warning_month=warning_month,
        filters=filters,
    ).group_by(code)
    with store.begin() as con:
        rows = con.execute(query).all()
    schema = {"code": pl.String(), "warned": pl.Int64(), "contacted": pl.Int64(), "overdue": pl.Int64()}
    return pl.DataFrame([tuple(row) for row in rows], schema=schema, orient="row")
