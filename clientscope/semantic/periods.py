"""Months and periods as the compiler binds them: `YYYY-MM` strings (as in the URL) or dates."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from clientscope.semantic.sqltext import CompileError

GRAIN_MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
COMPARISON_MONTHS: dict[str, int] = {"mom": 1, "qoq": 3, "yoy": 12}
# The period when the URL names none: the last 12 months of data (the filter bar, kpis.period_bounds, campaigns).
DEFAULT_PERIOD_MONTHS = 12
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-\d{2})?$")


def month_start(value: str | date) -> date:
    """The first day of the month named by `YYYY-MM` (or `YYYY-MM-DD`, or a date)."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = _MONTH.match(str(value).strip())
    if not match:
        raise CompileError(f"invalid month {value!r}: expected YYYY-MM")
    return date(int(match.group(1)), int(match.group(2)), 1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def period_change(value: Any, prior: Any) -> Any:
    """value − prior, as the compiled comparisons compute it (`compare_query`'s `__change`); None when either is
    missing."""
    return None if value is None or prior is None else value - prior


def relative_change(value: Any, prior: Any) -> float | None:
    """(value − prior) / |prior|, as the compiled comparisons compute it (`__pct_change`); None when either is
    missing or the prior is zero (a change from nothing is no measurable rise or fall)."""
    if value is None or not prior:
        return None
    return (value - prior) / abs(prior)
