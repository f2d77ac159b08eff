"""The delivery log in the app store, which is also what makes sending exactly-once across restarts.

A run is recorded as `due` (one row per recipient, unique idempotency key) before anything is rendered, and marked
`sent` (or `failed` after the retries, or `refused` when the recipient may not see the page) once the attempt is
over. A process that dies in between leaves the row `due`, and the next run sends it, once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl
import sqlalchemy as sa

from clientscope.store import AppStore
from clientscope.store.tables import deliveries, schedule_state

DUE, SENT, FAILED, REFUSED = "due", "sent", "failed", "refused"
# How long a sender holds a due row: longer than a render and every retry (5 s + 30 s + 2 min), so that a second
# scheduler (or an overlapping `schedule run --once`) never sends the same row; a sender that died lets it go after.
LEASE = timedelta(minutes=10)
LOG_COLUMNS = ("id", "kind", "name", "due_at", "recipient", "status", "attempts", "result", "finished_at")


@dataclass(frozen=True)
class Due:
    id: int
    key: str
    kind: str
    name: str
    due_at: datetime
    recipient: str
    payload: Mapping[str, object]


def idempotency_key(kind: str, name: str, stamp: str, recipient: str) -> str:
    """Subscription (or alert) + scheduled time (or the data version that found the breach) + recipient."""
    return f"{kind}:{name}:{stamp}:{recipient}"


def aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _insert_ignoring_duplicates(con: sa.Connection, values: dict[str, object]) -> bool:
    # Imported on the first delivery rather than when a server process starts (the dialects: 30 ms).
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if con.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(deliveries).values(**values).on_conflict_do_nothing(index_elements=["key"])
    # RETURNING rather than rowcount, which drivers report differently for a skipped conflict.
    return con.execute(statement.returning(deliveries.c.id)).first() is not None


def record_due(
    con: sa.Connection,
    kind: str,
    name: str,
    due_at: datetime,
    recipient: str,
    payload: Mapping[str, object] | None = None,
    *,
    stamp: str | None = None,
) -> bool:
    """Record one delivery as due; False when this (kind, name, time or stamp, recipient) was recorded before."""
    return _insert_ignoring_duplicates(
        con,
        {
            "key": idempotency_key(kind, name, stamp or aware(due_at).isoformat(), recipient),
            "kind": kind,
            "name": name,
            "due_at": aware(due_at),
            "recipient": recipient,
            "status": DUE,
            "payload": json.dumps(dict(payload or {}), ensure_ascii=False, default=str),
            "created_at": datetime.now(UTC),
        },
    )


def _free(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        deliveries.c.status == DUE,
        sa.or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until < aware(now)),
    )


def pending(store: AppStore, now: datetime, kind: str | None = None, name: str | None = None) -> list[Due]:
    """Deliveries recorded as due, not finished and not held by a sender, oldest first."""
    query = sa.select(deliveries).where(_free(now)).order_by(deliveries.c.due_at, deliveries.c.id)
    if kind:
        query = query.where(deliveries.c.kind == kind)
    if name:
        query = query.where(deliveries.c.name == name)
    with store.begin() as con:
        rows = con.execute(query).mappings().all()
    return [
        Due(
            r["id"],
            r["key"],
            r["kind"],
            r["name"],
            aware(r["due_at"]),
            r["recipient"],
            json.loads(r["payload"] or "{}"),
        )
        for r in rows
    ]


def claim(store: AppStore, delivery_id: int, now: datetime) -> bool:
    """Take the lease on a due row; False when another sender holds it or it is finished."""
    with store.begin() as con:
        statement = (
            deliveries.update()
            .where(deliveries.c.id == delivery_id, _free(now))
            .values(claimed_until=aware(now) + LEASE)
        )
        return con.execute(statement).rowcount == 1


def finish(store: AppStore, delivery_id: int, status: str, attempts: int, result: str) -> None:
    with store.begin() as con:
        con.execute(
            deliveries.update()
            .where(deliveries.c.id == delivery_id)
            .values(status=status, attempts=attempts, result=result[:2000], finished_at=datetime.now(UTC))
        )


def planned_until(con: sa.Connection, name: str) -> tuple[datetime | None, bool]:
    """(the last scheduled time recorded as due, paused) of a subscription; (None, False) before its first plan."""
    row = con.execute(sa.select(schedule_state).where(schedule_state.c.name == name)).mappings().first()
    if row is None:
        return None, False
    until = row["planned_until"]
    return (aware(until) if until is not None else None), bool(row["paused"])


def set_planned_until(con: sa.Connection, name: str, until: datetime) -> None:
    updated = con.execute(
        schedule_state.update().where(schedule_state.c.name == name).values(planned_until=aware(until))
    )
    if updated.rowcount == 0:
        con.execute(schedule_state.insert().values(name=name, planned_until=aware(until), paused=False))


def set_paused(store: AppStore, name: str, paused: bool) -> None:
    with store.begin() as con:
        updated = con.execute(schedule_state.update().where(schedule_state.c.name == name).values(paused=paused))
        if updated.rowcount == 0:
            con.execute(schedule_state.insert().values(name=name, planned_until=None, paused=paused))


def paused_names(store: AppStore) -> frozenset[str]:
    with store.begin() as con:
        rows = con.execute(sa.select(schedule_state.c.name).where(schedule_state.c.paused)).all()
    return frozenset(r[0] for r in rows)


def recent(store: AppStore, *, name: str | None = None, limit: int = 500) -> pl.DataFrame:
    """The newest deliveries first: what, to whom, when, result."""
    query = sa.select(*(deliveries.c[c] for c in LOG_COLUMNS)).order_by(deliveries.c.id.desc()).limit(limit)
    if name:
        query = query.where(deliveries.c.name == name)
    with store.begin() as con:
        rows = con.execute(query).all()
    schema = {
        "id": pl.Int64,
        "kind": pl.String,
        "name": pl.String,
        "due_at": pl.Datetime("us", "UTC"),
        "recipient": pl.String,
        "status": pl.String,
        "attempts": pl.Int64,
        "result": pl.String,
        "finished_at": pl.Datetime("us", "UTC"),
    }
    data = [(*r[:3], aware(r[3]), *r[4:8], aware(r[8]) if r[8] else None) for r in rows]
    return pl.DataFrame(data, schema=schema, orient="row")
