"""Data behind the overview page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clientscope.db import Database, ViewerScope, run_named


@dataclass(frozen=True)
class DataSummary:
    months: int
    first_month: date | None
    latest_month: date | None
    customers: int
    aum_total: float


def data_summary(db: Database, scope: ViewerScope) -> DataSummary:
    frame = run_named(db, "overview/data_summary", scope=scope).frame
    if frame.is_empty():
        return DataSummary(0, None, None, 0, 0.0)
    row = frame.row(0, named=True)
    return DataSummary(
        months=int(row["months"]),
        first_month=row["first_month"],
        latest_month=row["latest_month"],
        customers=int(row["customers"]),
        aum_total=float(row["aum_total"] or 0.0),
    )
