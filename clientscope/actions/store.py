"""Retention actions in the app store: warning batches, one action per customer and warning, every change.

Writes are transactional, and concurrent edits of one action never overwrite each other: an edit names the
version it was made on, and the update only applies when the stored version is still that one (optimistic
versioning). Otherwise `StaleVersion` says who changed the action and when. Every read and write takes the
viewer's scope: a region manager sees their region's actions, an RM their own customers' (the customer's
region, branch and RM are copied onto the action from the warning). See docs/retention-actions.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
import sqlalchemy as sa

from clientscope.actions.config import RetentionConfig
from clientscope.actions.rows import frame_of, normalised, stamp, utc
from clientscope.db import ViewerScope
from clientscope.i18n import t
from clientscope.store import AppStore
from clientscope.store.tables import retention_action_history as history
from clientscope.store.tables import retention_actions as actions
from clientscope.store.tables import retention_batches as batches

STATUSES: tuple[str, ...] = ("open", "contacted", "offer_made", "retained", "lost", "not_reachable")
CONTACT_STATUSES: frozenset[str] = frozenset({"contacted", "offer_made", "retained", "lost"})  # the RM reached them
CLOSED_STATUSES: frozenset[str] = frozenset({"retained", "lost", "not_reachable"})  # no follow-up due any more
MAX_NOTE = 2000
EDITABLE = ("assignee", "status", "offer", "due_date")
ACTION_COLUMNS = tuple(column.name for column in actions.columns)
HISTORY_COLUMNS = tuple(column.name for column in history.columns)
# metrics.yaml dimension of a page filter → the action column it narrows
FILTER_COLUMNS: Mapping[str, str] = {"region": "region", "branch": "branch_id", "rm": "rm_id", "tier": "tier"}


@dataclass(frozen=True)
class Editor:
    username: str
    role: str


@dataclass(frozen=True)
class Batch:
    warning_month: date
    opened_at: datetime
    holdout_share: float
    seed: int
    follow_up_days: int
    customers: int
    holdout_customers: int


@dataclass(frozen=True)
class ActionEdit:
    """The fields as the editor wants them after the edit (unchanged ones included), and a note to add."""

    assignee: str | None
    status: str
    offer: str | None
    due_date: date
    note: str = ""


class ActionError(ValueError):
    """A refused edit; `text(lang)` says why in the viewer's language (str() is the English text)."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


class ActionNotFound(ActionError):
    def __init__(self, action_id: object) -> None:
        super().__init__("actions.error.not_found", action_id=action_id)


class StaleVersion(ActionError):
    """Someone else saved the action after the editor opened it: nothing was written."""

    def __init__(self, *, yours: int, current: int, by: str, at: datetime) -> None:
        self.current = current
        super().__init__("actions.error.stale", user=by, at=stamp(at), version=current, yours=yours)


# --- batches --------------------------------------------------------------------------------------------------------


def in_holdout(customer_id: str, warning_month: date, seed: int, share: float) -> bool:
    """Whether the customer is in the batch's random hold-out: a seeded hash, the same on every run and server."""
    if share <= 0.0:
        return False
    digest = hashlib.sha256(f"{seed}|{warning_month.isoformat()}|{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


WARNING_COLUMNS = (
    "customer_id",
    "region",
    "branch_id",
    "rm_id",
    "tier",
    "churn_probability",
    "warning_level",
    "aum_total",
)


def open_batch(
    store: AppStore, warning_month: date, warnings: pl.DataFrame, config: RetentionConfig, now: datetime
) -> Batch:
    """The batch of `warning_month`, opened now with one action per warned customer unless it exists already.

    Opening is one transaction; when two servers open the same batch at once, one wins and the other reads it.
    """
    existing = get_batch(store, warning_month)
    if existing is not None:
        return existing
    now = utc(now)
    due = now.date() + timedelta(days=config.follow_up_days)
    rows = [
        {
            **{key: row.get(key) for key in WARNING_COLUMNS},
            "warning_month": warning_month,
            "holdout": in_holdout(row["customer_id"], warning_month, config.seed, config.holdout_share),
            "assignee": row.get("rm_id"),
            "status": "open",
            "offer": None,
            "note": "",
            "due_date": due,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "updated_by": "system",
        }
        for row in warnings.unique("customer_id", keep="first", maintain_order=True).iter_rows(named=True)
    ]
    batch = {
        "warning_month": warning_month,
        "opened_at": now,
        "holdout_share": config.holdout_share,
        "seed": config.seed,
        "follow_up_days": config.follow_up_days,
        "customers": len(rows),
        "holdout_customers": sum(1 for row in rows if row["holdout"]),
    }
    try:
        with store.begin() as con:
            con.execute(batches.insert().values(**batch))
            if rows:
                con.execute(actions.insert(), rows)
    except sa.exc.IntegrityError:
        pass  # another worker opened it first: theirs is the batch
    opened = get_batch(store, warning_month)
    assert opened is not None
    return opened


def get_batch(store: AppStore, warning_month: date) -> Batch | None:
    with store.begin() as con:
        row = con.execute(sa.select(batches).where(batches.c.warning_month == warning_month)).mappings().first()
    return _batch(row) if row else None


def list_batches(store: AppStore) -> list[Batch]:
    with store.begin() as con:
        rows = con.execute(sa.select(batches).order_by(batches.c.warning_month)).mappings().all()
    return [_batch(row) for row in rows]


def _batch(row: Mapping[str, Any]) -> Batch:
    return Batch(**{**row, "opened_at": utc(row["opened_at"])})


# --- reading --------------------------------------------------------------------------------------------------------


def scope_conditions(scope: ViewerScope) -> list[sa.ColumnElement[bool]]:
    """The viewer's scope on the customer attributes copied onto each action."""
    conditions: list[sa.ColumnElement[bool]] = []
    for values, column in ((scope.regions, "region"), (scope.branches, "branch_id"), (scope.rms, "rm_id")):
        if values is not None:
            conditions.append(actions.c[column].in_(sorted(values)))
    return conditions


def actions_frame(
    store: AppStore,
    scope: ViewerScope,
    *,
    warning_month: date | None = None,
    statuses: Sequence[str] | None = None,
    overdue_on: date | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    customer_id: str | None = None,
    holdout: bool | None = False,
    limit: int | None = None,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Actions in the viewer's scope, newest warning first, then by churn probability (highest first).

    `overdue_on`: only actions still open for follow-up whose due date is before that day. `filters`: page filters
    keyed by metrics.yaml dimension (region, branch, rm, tier). `holdout` None: hold-out customers included.
    `columns`: only these (every column by default).
    """
    chosen = [actions.c[name] for name in columns] if columns is not None else list(actions.columns)
    query = actions_query(
        sa.select(*chosen),
        scope,
        warning_month=warning_month,
        statuses=statuses,
        overdue_on=overdue_on,
        filters=filters,
        customer_id=customer_id,
        holdout=holdout,
    )
    query = query.order_by(
        actions.c.warning_month.desc(), actions.c.churn_probability.desc(), actions.c.customer_id
    ).limit(limit)
    with store.begin() as con:
        return frame_of(con.execute(query), chosen)


def count_actions(
    store: AppStore,
    scope: ViewerScope,
    *,
    filters: Mapping[str, Sequence[str]] | None = None,
    statuses: Sequence[str] | None = None,
    overdue_on: date | None = None,
) -> int:
    """How many actions `actions_frame` would give for these conditions (hold-out excluded), before its limit."""
    query = actions_query(
        sa.select(sa.func.count()).select_from(actions),
        scope,
        filters=filters,
        statuses=statuses,
        overdue_on=overdue_on,
    )
    with store.begin() as con:
        return int(con.execute(query).scalar_one())


def actions_query(
    query: sa.Select,
    scope: ViewerScope,
    *,
    warning_month: date | None = None,
    statuses: Sequence[str] | None = None,
    overdue_on: date | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    customer_id: str | None = None,
    holdout: bool | None = False,
) -> sa.Select:
    """`query` (a select over the actions table) narrowed to the viewer's scope and the conditions given."""
    query = query.where(*scope_conditions(scope))
    if warning_month is not None:
        query = query.where(actions.c.warning_month == warning_month)
    if statuses:
        query = query.where(actions.c.status.in_(list(statuses)))
    if overdue_on is not None:
        query = query.where(actions.c.due_date < overdue_on, actions.c.status.not_in(sorted(CLOSED_STATUSES)))
    for dimension, values in (filters or {}).items():
        column = FILTER_COLUMNS.get(dimension)
        if column and values:
            query = query.where(actions.c[column].in_(list(values)))
    if customer_id is not None:
        query = query.where(actions.c.customer_id == customer_id)
    if holdout is not None:
        query = query.where(actions.c.holdout == holdout)
    return query


def get_action(store: AppStore, action_id: int, scope: ViewerScope) -> dict[str, Any] | None:
    with store.begin() as con:
        return _read(con, action_id, scope)


def _read(con: sa.Connection, action_id: int, scope: ViewerScope) -> dict[str, Any] | None:
    query = sa.select(actions).where(actions.c.id == action_id, *scope_conditions(scope))
    row = con.execute(query).mappings().first()
    return normalised(dict(row)) if row else None


def history_frame(
    store: AppStore, scope: ViewerScope, *, action_id: int | None = None, customer_id: str | None = None
) -> pl.DataFrame:
    """Every change of the viewer's actions (one action's, or one customer's), oldest first, with the warning."""
    query = (
        sa.select(history, actions.c.customer_id, actions.c.warning_month)
        .join(actions, actions.c.id == history.c.action_id)
        .where(*scope_conditions(scope))
        .order_by(history.c.action_id, history.c.version)
    )
    if action_id is not None:
        query = query.where(history.c.action_id == action_id)
    if customer_id is not None:
        query = query.where(actions.c.customer_id == customer_id)
    with store.begin() as con:
        frame = frame_of(
            con.execute(query), history.columns, extra={"customer_id": pl.String, "warning_month": pl.Date}
        )
    return frame.sort("warning_month", "version", descending=[True, False]) if frame.height else frame


# --- writing --------------------------------------------------------------------------------------------------------


def update_action(
    store: AppStore,
    action_id: int,
    expected_version: int,
    edit: ActionEdit,
    editor: Editor,
    scope: ViewerScope,
    config: RetentionConfig,
    now: datetime,
    *,
    assignees: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Apply `edit` to the action if it is still at `expected_version`; one transaction with its history row.

    `assignees`: the RMs the editor may assign to (None: any). Raises `ActionNotFound` (unknown or out of scope),
    `StaleVersion` (changed by someone else since) or `ActionError` (an invalid edit). Returns the new action.
    """
    now = utc(now)
    current = get_action(store, action_id, scope)
    if current is None:
        raise ActionNotFound(action_id)
    if current["version"] != expected_version:
        raise StaleVersion(
            yours=expected_version, current=current["version"], by=current["updated_by"], at=current["updated_at"]
        )
    changes = _validated(current, edit, config, assignees)
    values: dict[str, Any] = {**changes, "version": expected_version + 1, "updated_at": now}
    values["updated_by"] = editor.username[:120]
    if edit.note:
        values["note"] = edit.note
    if current["first_contact_at"] is None and changes.get("status") in CONTACT_STATUSES:
        values["first_contact_at"] = now
    after = {**current, **values}
    with store.begin() as con:
        # The version condition makes the check and the write one step: of two concurrent edits of one version
        # the database applies one, and the other matches no row (PostgreSQL re-reads the row after the lock).
        # The transaction starts with this write, so SQLite takes its write lock before reading anything.
        updated = con.execute(
            actions.update()
            .where(actions.c.id == action_id, actions.c.version == expected_version, *scope_conditions(scope))
            .values(**values)
        )
        if updated.rowcount != 1:
            raise _stale_after_race(con, action_id, expected_version, scope)
        con.execute(
            history.insert().values(
                action_id=action_id,
                version=after["version"],
                at=now,
                username=editor.username[:120],
                role=editor.role,
                changed=",".join([*changes, *(["note"] if edit.note else [])]),
                status=after["status"],
                assignee=after["assignee"],
                offer=after["offer"],
                due_date=after["due_date"],
                note=edit.note,
            )
        )
    return after


def _stale_after_race(con: sa.Connection, action_id: int, expected: int, scope: ViewerScope) -> ActionError:
    winner = _read(con, action_id, scope)  # the winner's committed row (the update waited for its lock)
    if winner is None:
        return ActionNotFound(action_id)
    return StaleVersion(yours=expected, current=winner["version"], by=winner["updated_by"], at=winner["updated_at"])


def _validated(
    current: Mapping[str, Any], edit: ActionEdit, config: RetentionConfig, assignees: Sequence[str] | None
) -> dict[str, Any]:
    """The fields the edit changes, after checking them; raises `ActionError` naming what is wrong."""
    if current["holdout"]:
        raise ActionError("actions.error.holdout")
    if edit.status not in STATUSES:
        raise ActionError("actions.error.status", status=edit.status, allowed=", ".join(STATUSES))
    if edit.offer is not None and edit.offer not in config.offer_codes():
        raise ActionError("actions.error.offer", offer=edit.offer, allowed=", ".join(config.offer_codes()))
    if edit.status == "offer_made" and edit.offer is None:
        raise ActionError("actions.error.offer_needed")
    reassigned = edit.assignee is not None and edit.assignee != current["assignee"]
    if reassigned and (len(edit.assignee) > 64 or (assignees is not None and edit.assignee not in assignees)):
        raise ActionError("actions.error.assignee", assignee=edit.assignee[:64])
    if len(edit.note) > MAX_NOTE:
        raise ActionError("actions.error.note", limit=MAX_NOTE)
    wanted = {"assignee": edit.assignee, "status": edit.status, "offer": edit.offer, "due_date": edit.due_date}
    changes = {key: value for key, value in wanted.items() if value != current[key]}
    if not changes and not edit.note.strip():
        raise ActionError("actions.error.nothing")
    return changes
