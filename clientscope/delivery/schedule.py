"""When a subscription is due: its cron schedule read in the bank's time zone, as UTC instants.

croniter iterates in the zone of the start time, so "0 8 * * 1-5" in Asia/Shanghai is 00:00 UTC on weekdays,
and a day-of-month that a month lacks (the 31st) is skipped, as cron does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from croniter import croniter

# A scheduler down for a long time plans at most this many missed runs per subscription: enough for a weekend
# of hourly reports, never a flood of a year's minute-level ones.
MAX_CATCH_UP = 100


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone: pass an aware one")
    return moment.astimezone(UTC)


def next_run(schedule: str, zone: ZoneInfo, after: datetime) -> datetime:
    """The first scheduled instant strictly after `after` (UTC)."""
    return _utc(croniter(schedule, _utc(after).astimezone(zone)).get_next(datetime))


def runs_between(schedule: str, zone: ZoneInfo, after: datetime, until: datetime) -> Iterator[datetime]:
    """Scheduled instants in (after, until], oldest first, at most MAX_CATCH_UP of them (the newest kept)."""
    found: list[datetime] = []
    it = croniter(schedule, _utc(after).astimezone(zone))
    limit = _utc(until)
    while True:
        moment = _utc(it.get_next(datetime))
        if moment > limit:
            break
        found.append(moment)
        if len(found) > MAX_CATCH_UP:
            found.pop(0)
    yield from found
