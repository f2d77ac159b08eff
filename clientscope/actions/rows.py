"""Rows of the app store's retention tables as Python and polars values: timestamps in UTC whatever the database
(SQLite gives naive datetimes written in UTC, PostgreSQL aware ones), and a table's rows as a typed frame."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import polars as pl
import sqlalchemy as sa


def utc(value: datetime) -> datetime:
    # SQLite gives back naive datetimes (written in UTC), PostgreSQL aware ones: one kind for both.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def stamp(value: datetime) -> str:
    return utc(value).strftime("%Y-%m-%d %H:%M UTC")


def normalised(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("created_at", "updated_at", "first_contact_at", "at"):
        if row.get(key) is not None:
            row[key] = utc(row[key])
    return row


POLARS_TYPES: Mapping[type, pl.DataType] = {
    sa.Integer: pl.Int64(),
    sa.Float: pl.Float64(),
    sa.Boolean: pl.Boolean(),
    sa.Date: pl.Date(),
    sa.DateTime: pl.Datetime("us", "UTC"),
}


def frame_of(
    result: sa.CursorResult, columns: Iterable[sa.ColumnElement[Any]], extra: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """The rows of `result` (a select of `columns`, then `extra`'s) as a typed frame, timestamps in UTC.

    Built column by column: a batch of 80,000 actions (1M customers) took 1.8 s as one dict per row."""
    schema: dict[str, Any] = {
        column.name: next((v for k, v in POLARS_TYPES.items() if isinstance(column.type, k)), pl.String())
        for column in columns
    }
    schema.update(extra or {})
    names = list(result.keys())
    columns = list(zip(*result.all(), strict=True)) or [()] * len(names)
    stamps = {name for name, dtype in schema.items() if isinstance(dtype, pl.Datetime)}
    series = [
        _utc_series(name, values) if name in stamps else pl.Series(name, values, dtype=schema[name])
        for name, values in zip(names, columns, strict=True)
    ]
    return pl.DataFrame(series).select(list(schema))


def _utc_series(name: str, values: Sequence[datetime | None]) -> pl.Series:
    # naive values are UTC (SQLite), aware ones are converted (PostgreSQL): one typed column either way
    series = pl.Series(name, values)
    if not isinstance(series.dtype, pl.Datetime):  # no value at all
        return series.cast(pl.Datetime("us", "UTC"))
    series = series.cast(pl.Datetime("us", series.dtype.time_zone))
    if series.dtype.time_zone is None:
        return series.dt.replace_time_zone("UTC")
    return series.dt.convert_time_zone("UTC")
