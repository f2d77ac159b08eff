"""Rows → cell-ready values, checked and converted per column with polars, not per cell in Python.

A batch is checked once (does each column's dtype fit its kind?), converted in one `select`
(numbers to floats with NaN and infinities as nulls, zoned datetimes to their wall-clock time,
"" to null) and only then turned into Python values a chunk at a time, with personal text masked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import polars as pl

from clientscope.export.masking import masker
from clientscope.export.spec import NUMERIC_KINDS, ColumnSpec, ExportError, SheetSpec

_TEMPORAL_KINDS: Final = frozenset({"date", "datetime"})


def check_batch(batch: pl.DataFrame, sheet: SheetSpec, rows_before: int) -> None:
    """Raise ExportError naming the first value whose column type does not fit the column's kind."""
    for column in sheet.columns:
        if column.key not in batch.columns:
            raise ExportError(f"sheet {sheet.name!r}: the rows have no column {column.key!r}")
        if _fits(column, batch.schema[column.key]):
            continue
        series = batch.get_column(column.key)
        if series.null_count() == series.len():
            continue  # nothing to write, so the type does not matter
        index = int(series.is_not_null().arg_max() or 0)
        expected = "a number" if column.kind in NUMERIC_KINDS else "a date or datetime"
        raise ExportError(
            f"sheet {sheet.name!r}, column {column.key!r} ({column.kind}), data row {rows_before + index + 1}: "
            f"expected {expected}, got {series[index]!r}"
        )


def _fits(column: ColumnSpec, dtype: pl.DataType) -> bool:
    if column.kind == "text" or dtype == pl.Null:
        return True
    if column.kind in NUMERIC_KINDS:
        return dtype.is_numeric()
    return dtype == pl.Date or isinstance(dtype, pl.Datetime)


def cell_ready(batch: pl.DataFrame, columns: tuple[ColumnSpec, ...]) -> pl.DataFrame:
    """The batch's columns (in `columns` order) converted to what the cells will hold."""
    return batch.select([_cell_expr(column, batch.schema[column.key]) for column in columns])


def _cell_expr(column: ColumnSpec, dtype: pl.DataType) -> pl.Expr:
    value = pl.col(column.key)
    if column.kind in NUMERIC_KINDS:
        number = value.cast(pl.Float64)
        return pl.when(number.is_finite()).then(number).alias(column.key)  # Excel has no NaN or infinity
    if column.kind in _TEMPORAL_KINDS:
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            return value.dt.replace_time_zone(None)  # Excel has no time zones: keep the wall-clock time
        return value
    if isinstance(dtype, pl.Categorical | pl.Enum):
        value = value.cast(pl.String)
    if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum):
        return pl.when(value != "").then(value).alias(column.key)  # an empty string is an empty cell
    return value


def python_values(series: pl.Series, column: ColumnSpec, *, mask_personal: bool) -> list[object]:
    """One chunk of a cell-ready column as Python values; other text types via str(), personal text masked."""
    values = series.to_list()
    if column.kind != "text":
        return values
    if series.dtype not in (pl.String, pl.Null):
        values = [None if value is None else str(value) for value in values]
    if column.personal and mask_personal:
        mask: Callable[[str], str] = masker(column.personal_kind)
        values = [None if value is None else mask(value) for value in values]
    return values
