"""The audit log: who signed in, viewed which page with which filters, opened which customer, exported what.

Append-only (the database refuses updates and deletes, see the first migration). Entries carry codes and
counts, never passwords or personal data values: a filter is a region or tier code, a customer is an id.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import StrEnum

import polars as pl
import sqlalchemy as sa

from clientscope.access.viewer import Viewer
from clientscope.store import AppStore
from clientscope.store.tables import audit_log

log = logging.getLogger(__name__)


class Action(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    VIEW = "view"
    OPEN_CUSTOMER = "open_customer"
    EXPORT = "export"
    DENIED = "denied"
    RETENTION_ACTION = "retention_action"  # a change of a retention action (docs/retention-actions.md)
    DELIVER = "deliver"  # a scheduled report or alert sent (or refused) to a recipient, docs/delivery.md
    SUBSCRIPTION = "subscription"  # a subscription paused, resumed or queued to send now on /subscriptions
    SAVE_VIEW = "save_view"
    SHARE_VIEW = "share_view"
    DELETE_VIEW = "delete_view"


COLUMNS = ("id", "at", "username", "role", "action", "target", "detail", "remote_addr")


def record(
    store: AppStore,
    action: Action,
    *,
    username: str,
    role: str,
    target: str = "",
    detail: Mapping[str, object] | None = None,
    remote_addr: str | None = None,
) -> None:
    """Append one entry. A failure to audit is logged loudly but never shown to the viewer as a broken page."""
    values = {
        "at": datetime.now(UTC),
        "username": username[:120],
        "role": role,
        "action": action.value,
        "target": target[:2000],
        "detail": json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True, default=str),
        "remote_addr": (remote_addr or "")[:64],
    }
    try:
        with store.begin() as con:
            con.execute(audit_log.insert().values(**values))
    except sa.exc.SQLAlchemyError:
        log.exception("could not write the audit entry %s for %s", action.value, username)


def record_for(store: AppStore, viewer: Viewer, action: Action, target: str = "", **detail: object) -> None:
    from flask import has_request_context, request

    address = request.remote_addr if has_request_context() else None
    record(
        store,
        action,
        username=viewer.username,
        role=viewer.role.value,
        target=target,
        detail=detail,
        remote_addr=address,
    )


def entries(
    store: AppStore,
    *,
    username: str | None = None,
    action: str | None = None,
    since: date | None = None,
    limit: int = 10_000,
) -> pl.DataFrame:
    """The newest entries first, optionally for one user, one action, or from a day on."""
    query = sa.select(*(audit_log.c[name] for name in COLUMNS)).order_by(audit_log.c.id.desc()).limit(limit)
    if username:
        query = query.where(audit_log.c.username == username)
    if action:
        query = query.where(audit_log.c.action == action)
    if since:
        query = query.where(audit_log.c.at >= datetime(since.year, since.month, since.day, tzinfo=UTC))
    with store.begin() as con:
        rows = con.execute(query).all()
    schema = {
        "id": pl.Int64,
        "at": pl.Datetime("us"),
        "username": pl.String,
        "role": pl.String,
        "action": pl.String,
        "target": pl.String,
        "detail": pl.String,
        "remote_addr": pl.String,
    }
    return pl.DataFrame([(r[0], _naive_utc(r[1]), *r[2:]) for r in rows], schema=schema, orient="row")


def _naive_utc(value: datetime) -> datetime:
    # PostgreSQL returns aware datetimes, SQLite naive ones (written in UTC): one column type for both.
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value
