"""One data sheet: title, note, bold frozen header, typed rows streamed in order, total, chart.

Layout (zero-based rows): 0 title, 1 note (or empty), 2 header, 3.. data, then the total row,
then a truncation note when the rows did not fit. The workbook is written in xlsxwriter's
constant_memory mode, so every row is final once the next one starts: the rows are consumed as
polars batches, a few thousand at a time, and never held as Python objects all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final

import polars as pl
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from clientscope.export.cells import CellValueError, Styles, checked, column_width, number_format, value_writer
from clientscope.export.charts import CHART_SCALE, ChartCache, TableRange, build_chart
from clientscope.export.prepare import cell_ready, check_batch, python_values
from clientscope.export.spec import ColumnSpec, ExportError, SheetSpec

TITLE_ROW: Final = 0
NOTE_ROW: Final = 1
HEADER_ROW: Final = 2
FIRST_DATA_ROW: Final = 3
EXCEL_MAX_ROWS: Final = 1_048_576
# Rows turned into Python objects at a time: small enough to bound memory, big enough to be fast.
CHUNK_ROWS: Final = 4_096
WIDTH_SAMPLE_ROWS: Final = 200
TRUNCATED_TAB_COLOR: Final = "#C00000"


@dataclass(frozen=True)
class SheetResult:
    """What the cover needs to know about a written data sheet."""

    name: str
    title: str
    rows: int
    truncated: bool
    masked: bool


def data_capacity(row_limit: int, has_total: bool) -> int:
    """Data rows that fit: the limit less title, note, header, the total row and a truncation note row."""
    capacity = row_limit - FIRST_DATA_ROW - (1 if has_total else 0) - 1
    if capacity < 1:
        raise ValueError(f"row_limit {row_limit} leaves no room for data rows")
    return capacity


def write_data_sheet(
    workbook: Workbook,
    worksheet: Worksheet,
    sheet: SheetSpec,
    *,
    styles: Styles,
    words: Mapping[str, str],
    mask_personal: bool,
    row_limit: int,
) -> SheetResult:
    columns = sheet.columns
    capacity = data_capacity(row_limit, sheet.total is not None)
    worksheet.write_string(TITLE_ROW, 0, sheet.title, styles.title)
    if sheet.note:
        worksheet.write_string(NOTE_ROW, 0, sheet.note, styles.note)
    for col, column in enumerate(columns):
        worksheet.write_string(HEADER_ROW, col, column.label, styles.header)

    formats = [styles.cell(number_format(column)) for column in columns]
    written, truncated, sample = 0, False, None
    cache = ChartCache(sheet.chart, columns) if sheet.chart else None
    for chunk in _chunks(sheet, mask_personal, capacity):
        if chunk.height == 0:
            truncated = True  # rows remain but no room is left
            break
        _write_rows(worksheet, columns, chunk.values, formats, FIRST_DATA_ROW + written)
        if sample is None:
            sample = {key: values[:WIDTH_SAMPLE_ROWS] for key, values in chunk.values.items()}
        if cache is not None:
            cache.add(chunk.values, chunk.height)
        written += chunk.height
        if chunk.cut:
            truncated = True
            break

    next_row = FIRST_DATA_ROW + written
    if written == 0:
        worksheet.write_string(next_row, 0, words["no_data"], styles.note)
        next_row += 1
    if sheet.total is not None:
        _write_total(worksheet, sheet, next_row, styles, words)
        next_row += 1
    if truncated:
        worksheet.write_string(next_row, 0, words["truncated_sheet"].format(rows=written), styles.warning)
        worksheet.set_tab_color(TRUNCATED_TAB_COLOR)

    last_data_row = FIRST_DATA_ROW + written - 1 if written else HEADER_ROW
    worksheet.freeze_panes(FIRST_DATA_ROW, 0)
    worksheet.autofilter(HEADER_ROW, 0, last_data_row, len(columns) - 1)
    if sheet.chart is not None and written:
        table = TableRange(worksheet.name, HEADER_ROW, FIRST_DATA_ROW, last_data_row)
        chart = build_chart(workbook, sheet.chart, columns, table, cache)
        worksheet.insert_chart(HEADER_ROW, len(columns) + 1, chart, dict(CHART_SCALE))
    _set_widths(worksheet, columns, sample)
    masked = mask_personal and any(column.personal for column in columns)
    return SheetResult(worksheet.name, sheet.title, written, truncated, masked)


@dataclass(frozen=True)
class _Chunk:
    """Up to CHUNK_ROWS rows as cell-ready Python values per column key; `cut` if rows were dropped."""

    values: dict[str, list[object]]
    height: int
    cut: bool


def _batches(sheet: SheetSpec) -> Iterator[pl.DataFrame]:
    # A DataFrame is itself iterable (over its columns), so test for it first.
    if isinstance(sheet.rows, pl.DataFrame):
        yield sheet.rows
        return
    for batch in sheet.rows:
        if not isinstance(batch, pl.DataFrame):
            raise ExportError(f"sheet {sheet.name!r}: a batch of rows is a {type(batch).__name__}, not a DataFrame")
        yield batch


def _chunks(sheet: SheetSpec, mask_personal: bool, capacity: int) -> Iterator[_Chunk]:
    """The rows in order, at most `capacity` of them; an empty chunk signals rows beyond it."""
    seen = 0
    for batch in _batches(sheet):
        if batch.height == 0:
            continue
        if seen >= capacity:
            yield _Chunk({}, 0, cut=True)
            return
        check_batch(batch, sheet, seen)
        # select() and iter_slices() share the batch's buffers; only a chunk at a time becomes Python objects.
        for part in cell_ready(batch, sheet.columns).iter_slices(CHUNK_ROWS):
            room = capacity - seen
            cut = part.height > room
            part = part.head(room) if cut else part
            values = {
                column.key: python_values(part.get_column(column.key), column, mask_personal=mask_personal)
                for column in sheet.columns
            }
            seen += part.height
            yield _Chunk(values, part.height, cut)
            if cut:
                return


def _write_rows(
    worksheet: Worksheet,
    columns: tuple[ColumnSpec, ...],
    values: dict[str, list[object]],
    formats: list[Format],
    first_row: int,
) -> None:
    # The hot loop of a big export: one bound xlsxwriter method per column, values already checked.
    methods = [_write_method(worksheet, column) for column in columns]
    plan = list(zip(range(len(columns)), methods, formats, strict=True))
    row = first_row
    for cells in zip(*(values[column.key] for column in columns), strict=True):
        for col, write, fmt in plan:
            value = cells[col]
            if value is not None:
                checked(write(row, col, value, fmt), row, col)
        row += 1


def _write_method(worksheet: Worksheet, column: ColumnSpec) -> Callable[..., int]:
    if column.kind == "text":
        return worksheet.write_string
    if column.kind in ("date", "datetime"):
        return worksheet.write_datetime
    return worksheet.write_number


def _write_total(worksheet: Worksheet, sheet: SheetSpec, row: int, styles: Styles, words: Mapping[str, str]) -> None:
    total = sheet.total
    assert total is not None
    first = sheet.columns[0]
    worksheet.write_string(row, 0, total.label or words["total"], styles.total(number_format(first)))
    for col, column in enumerate(sheet.columns[1:], start=1):
        fmt = styles.total(number_format(column))
        value = total.values.get(column.key)
        if value is None:
            worksheet.write_blank(row, col, None, fmt)  # keeps the bold top border across the row
            continue
        try:
            value_writer(column)(worksheet, row, col, value, fmt)
        except CellValueError as exc:
            raise ExportError(f"sheet {sheet.name!r}, total row, column {column.key!r} ({column.kind}): {exc}") from exc


def _set_widths(worksheet: Worksheet, columns: tuple[ColumnSpec, ...], sample: dict[str, list[object]] | None) -> None:
    # Widths come from the first rows only (already masked): later batches are gone by the time they could matter.
    for col, column in enumerate(columns):
        worksheet.set_column(col, col, column_width(column, sample[column.key] if sample else []))
