"""Narrow reads of the retention actions for the page's summaries (coverage, whether any outcome can be known):
only the columns a summary needs, so a batch of tens of thousands of warned customers reads in one pass."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl
import sqlalchemy as sa

from clientscope.actions.rows import utc
from clientscope.actions.store import actions_query
from clientscope.db import ViewerScope
from clientscope.store import AppStore
from clientscope.store.tables import retention_actions as actions


def first_warning_month(store: AppStore, scope: ViewerScope) -> date | None:
    """The earliest warning month of the viewer's actions (hold-out included); None when there are none."""
    query = actions_query(sa.select(sa.func.min(actions.c.warning_month)), scope, holdout=None)
    with store.begin() as con:
        return con.execute(query).scalar()


def follow_up_frame(
    store: AppStore, scope: ViewerScope, level: str, *, warning_month: date, filters: Mapping[str, Sequence[str]]
) -> pl.DataFrame:
    """code (the `level` column), first_contact_at (UTC), due_date, status of the batch's warned customers (hold-out
    excluded): only what a coverage table needs, so a batch of tens of thousands of actions reads in one pass."""
    query = actions_query(
        sa.select(actions.c[level].label("code"), actions.c.first_contact_at, actions.c.due_date, actions.c.status),
        scope,
        warning_month=warning_month,
        filters=filters,
    )
    with store.begin() as con:
        rows = con.execute(query).all()
    schema = {"code": pl.String(), "first_contact_at": pl.Datetime("us"), "due_date": pl.Date(), "status": pl.String()}
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    first_contact = [None if v is None else utc(v).replace(tzinfo=None) for v in columns[1]]
    frame = pl.DataFrame(
        {"code": columns[0], "first_contact_at": first_contact, "due_date": columns[2], "status": columns[3]},
        schema=schema,
    )
    return frame.with_columns(pl.col("first_contact_at").dt.replace_time_zone("UTC"))
