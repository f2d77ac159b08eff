"""The demo's calendar: the month-ends it covers, as integer days since 1970-01-01.

Dates are plain int64 day numbers inside the generator (fast to compare and draw) and become
polars `Date` / `Datetime` columns only when frames are built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)
OPEN_ENDED = np.int64(10_000_000)  # "no close date": a day far beyond any real one (still safe to turn into µs)
US_PER_DAY = 86_400_000_000
US_PER_SECOND = 1_000_000

_END_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Window:
    """`months` consecutive month-ends ending with the month `end_month`."""

    first_month: np.datetime64  # datetime64[M] of the first month
    month_starts: np.ndarray  # int64 day numbers of the first day of each month
    month_ends: np.ndarray  # int64 day numbers of the last day of each month
    calendar_months: np.ndarray  # 1..12
    years: np.ndarray

    @property
    def size(self) -> int:
        return len(self.month_ends)

    @property
    def first_day(self) -> int:
        return int(self.month_starts[0])

    @property
    def last_day(self) -> int:
        return int(self.month_ends[-1])

    @property
    def end_year(self) -> int:
        return int(self.years[-1])

    def first_month_end_on_or_after(self, days: np.ndarray) -> np.ndarray:
        """Index of the first month-end ≥ day; `size` when there is none."""
        return np.searchsorted(self.month_ends, days, side="left")

    def horizon_bounds(self, extra: int) -> tuple[np.ndarray, np.ndarray]:
        """First and last days of the window's months followed by `extra` months after it."""
        return _month_bounds(self.first_month, self.size + extra)


def _month_bounds(first: np.datetime64, count: int) -> tuple[np.ndarray, np.ndarray]:
    months = np.arange(first, first + count, dtype="datetime64[M]")
    starts = months.astype("datetime64[D]").astype(np.int64)
    ends = ((months + 1).astype("datetime64[D]") - 1).astype(np.int64)
    return starts, ends


def parse_end_month(text: str) -> tuple[int, int]:
    match = _END_MONTH.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"end_month must look like YYYY-MM (e.g. 2026-10), got {text!r}")
    return int(match.group(1)), int(match.group(2))


def build_window(end_month: str, months: int) -> Window:
    year, month = parse_end_month(end_month)
    first = np.datetime64(f"{year:04d}-{month:02d}", "M") - (months - 1)
    starts, ends = _month_bounds(first, months)
    month_numbers = np.arange(first, first + months, dtype="datetime64[M]").astype(np.int64)
    return Window(first, starts, ends, month_numbers % 12 + 1, month_numbers // 12 + 1970)


def to_date(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


def day_of(value: date) -> int:
    return (value - EPOCH).days
