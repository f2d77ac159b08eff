"""What the /subscriptions page shows: the file's subscriptions and alerts with their next run and state, and the
delivery log. The page only lays these out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from clientscope.delivery import log as dlog
from clientscope.delivery.config import DeliveryConfig, load_delivery, subscriptions_file
from clientscope.delivery.schedule import next_run
from clientscope.semantic import SemanticError
from clientscope.store import AppStore


@dataclass(frozen=True)
class Board:
    file: str
    config: DeliveryConfig | None  # None: no file, or one with problems
    problems: tuple[str, ...] = ()


def load_board() -> Board:
    path = subscriptions_file()
    if not path.is_file():
        return Board(str(path), None)
    try:
        return Board(str(path), load_delivery(path))
    except SemanticError as exc:
        return Board(str(path), None, tuple(str(p) for p in exc.problems))


def subscription_rows(config: DeliveryConfig, store: AppStore, now: datetime) -> list[dict[str, object]]:
    paused = dlog.paused_names(store)
    rows = []
    for sub in config.subscriptions:
        following = next_run(sub.schedule, config.zone, now).astimezone(config.zone)
        rows.append(
            {
                "name": sub.name,
                "page": sub.page,
                "filters": sub.filters,
                "schedule": sub.schedule,
                "next": f"{following:%Y-%m-%d %H:%M}",
                "recipients": len(sub.recipients),
                "paused": sub.name in paused,
            }
        )
    return rows


def alert_rows(config: DeliveryConfig) -> list[dict[str, object]]:
    return [
        {
            "name": a.name,
            "metric": a.metric,
            "filters": a.filters,
            "condition": f"{a.condition} {a.threshold if a.threshold is not None else a.other}",
            "recipients": len(a.recipients),
        }
        for a in config.alerts
    ]


def log_rows(store: AppStore, limit: int = 500) -> list[dict[str, object]]:
    frame = dlog.recent(store, limit=limit)
    return frame.with_columns(
        pl.col("due_at").dt.strftime("%Y-%m-%d %H:%M UTC"), pl.col("finished_at").dt.strftime("%Y-%m-%d %H:%M:%S")
    ).to_dicts()


def toggle(store: AppStore, name: str) -> bool | None:
    """Pause a running subscription or resume a paused one: whether it is paused now, or None when the file has no
    subscription of that name (a stale page, or a tampered request)."""
    config = load_board().config
    if config is None or config.subscription(name) is None:
        return None
    paused = name not in dlog.paused_names(store)
    dlog.set_paused(store, name, paused)
    return paused


def queue_now(store: AppStore, name: str, now: datetime) -> int | None:
    """ "Send now": this minute's run recorded as due for every recipient; the scheduler sends it in its next round
    (the web worker renders nothing). None when the file has no subscription of that name."""
    config = load_board().config
    sub = config.subscription(name) if config is not None else None
    if sub is None:
        return None
    due_at = now.astimezone(UTC).replace(second=0, microsecond=0)
    with store.begin() as con:
        return sum(dlog.record_due(con, "report", sub.name, due_at, r.key) for r in sub.recipients)


def utc_now() -> datetime:
    return datetime.now(UTC)
