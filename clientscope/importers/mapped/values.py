"""Text and native values → contract types, shared by the mapping checks and the mapped import.

Values that do not parse become null; the caller compares before and after to report them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from clientscope.contract import LogicalType
from clientscope.importers.common import POLARS_TYPES

DEFAULT_FORMATS = {"date": "%Y-%m-%d", "timestamp": "%Y-%m-%d %H:%M:%S"}
TRUE_TEXTS = ("true", "t", "yes", "y", "1")
FALSE_TEXTS = ("false", "f", "no", "n", "0")
# Which intermediate types can become which contract types (anything can become text).
CONVERTIBLE: dict[str, tuple[str, ...]] = {
    "integer": ("integer", "float"),
    "float": ("integer", "float"),
    "boolean": ("boolean", "integer"),
    "date": ("date", "timestamp"),
    "timestamp": ("timestamp", "date"),
    "list<string>": ("string",),
}


def text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def convertible(from_kind: str, to_kind: str) -> bool:
    return from_kind == to_kind or to_kind == "string" or from_kind in CONVERTIBLE.get(to_kind, ())


def family(dtype: pl.DataType) -> str:
    """The contract type a native (Parquet) column already has; text for anything else."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "float"
    if dtype == pl.Boolean:
        return "boolean"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "timestamp"
    return "string"


def parse_text(
    text: pl.Series, kind: str, fmt: str | None, *, iso_fallback: bool = False, decimal_comma: bool = False
) -> pl.Series:
    """Text → the named type; values that do not parse become null (the caller reports them)."""
    if kind == "string":
        return text
    if kind == "integer":
        return text.cast(pl.Int64, strict=False)
    if kind == "float":
        if decimal_comma:  # 1234,56 as European files write it
            text = text.str.replace(",", ".", literal=True)
        return text.cast(pl.Float64, strict=False)
    if kind == "boolean":
        lower = text.str.to_lowercase()
        return (
            pl.select(
                pl.when(lower.is_in(TRUE_TEXTS)).then(True).when(lower.is_in(FALSE_TEXTS)).then(False).otherwise(None)
            )
            .to_series()
            .alias(text.name)
        )
    if kind == "date":
        parsed = text.str.to_date(fmt or DEFAULT_FORMATS["date"], strict=False)
        if iso_fallback:  # Excel date cells arrive as "YYYY-MM-DD HH:MM:SS"
            parsed = parsed.fill_null(text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        return parsed
    if kind == "timestamp":
        parsed = text.str.to_datetime(fmt or DEFAULT_FORMATS["timestamp"], strict=False, time_unit="us")
        if fmt is None or iso_fallback:
            parsed = parsed.fill_null(text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")))
        return parsed
    raise AssertionError(kind)


def convert(values: pl.Series, from_kind: str, to_kind: str) -> pl.Series:
    """Between contract types, per CONVERTIBLE; impossible values (e.g. 2.5 as integer) become null."""
    if from_kind == to_kind:
        return values
    if to_kind == "string":
        return values.cast(pl.String)
    if to_kind == "integer" and from_kind == "float":
        whole = pl.when(values == values.round()).then(values.cast(pl.Int64, strict=False))
        return pl.select(whole).to_series().alias(values.name)
    if to_kind == "boolean" and from_kind == "integer":
        return pl.select(pl.when(values == 1).then(True).when(values == 0).then(False)).to_series().alias(values.name)
    if to_kind == "date" and from_kind == "timestamp":
        return values.dt.date()
    return values.cast(POLARS_TYPES[LogicalType(to_kind)], strict=False)
