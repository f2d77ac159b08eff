"""`clientscope schedule run`: a loop that plans, checks alerts on new data, sends, and sleeps to the next minute.

croniter and a loop rather than APScheduler: the state that matters (what is due, what was sent) must live in the
app store for exactly-once delivery across restarts and workers, which APScheduler's own job store would duplicate;
cron's granularity is a minute, so waking each minute is all the scheduling needed; and a clock passed in makes the
loop testable without sleeping.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from clientscope.catalog import data_version
from clientscope.delivery.service import DataUnavailable, Deliverer

log = logging.getLogger(__name__)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The wall clock; `stop()` (from a signal handler) ends a sleep at once, so SIGTERM stops the scheduler
    after the current round instead of up to a minute later."""

    def __init__(self) -> None:
        self._stopping = threading.Event()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()


def seconds_to_next_minute(now: datetime) -> float:
    following = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return max((following - now).total_seconds(), 0.5)


def tick(deliverer: Deliverer, now: datetime, last_version: str | None) -> str | None:
    """One round: plan, check alerts if the data version changed, send. Returns the data version checked."""
    planned = deliverer.plan(now)
    version = last_version
    if deliverer.config.alerts:
        current = data_version(deliverer.data_dir)
        if current != last_version:
            try:
                deliverer.check_alerts(now)
                version = current
            except DataUnavailable as exc:
                log.error("alerts not checked: %s", exc)
    outcomes = deliverer.work(now)
    if planned or outcomes:
        sent = sum(o.status == "sent" for o in outcomes)
        log.info("round at %s: %d deliveries planned, %d sent, %d not", now, planned, sent, len(outcomes) - sent)
    return version


def run(deliverer: Deliverer, clock: Clock, *, stop: Callable[[], bool] = lambda: False) -> None:
    """Until `stop()` is true. One round's failure is logged and the next minute tries again: due deliveries stay
    due until they are sent."""
    version: str | None = None
    while not stop():
        try:
            version = tick(deliverer, clock.now(), version)
        except Exception:
            log.exception("scheduler round failed; retrying at the next minute")
        if stop():
            break
        clock.sleep(seconds_to_next_minute(clock.now()))
