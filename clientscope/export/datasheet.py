"""One data sheet: title, note, bold frozen header, typed rows streamed in order, total, chart.

Layout (zero-based rows): 0 title, 1 note (or empty), 2 header, 3.. data, then the total row,
then a truncation note when the rows did not fit (or, for a list the caller cut short, how long it is).
A sheet with header bands (a pivot) has its bands from row 2 and the header (and data) that many rows lower;
with an outline its rows are grouped (collapsible) by level.
A big workbook is written in xlsxwriter's constant_memory mode (`workbook.streamed`), so every row is final once
the next one starts: the rows are consumed as polars batches, a few thousand at a time, and never held as Python
objects all at once.
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
    of_rows: int | None = None  # the list's full length, when the sheet holds only its first `rows` (SheetSpec)

    @property
    def shortened(self) -> bool:
        return self.of_rows is not None and not self.truncated


def data_capacity(row_limit: int, has_total: bool, bands: int = 0) -> int:
    """Data rows that fit: the limit less title, note, bands, header, the total row and a truncation note row."""
    capacity = row_limit - FIRST_DATA_ROW - bands - (1 if has_total else 0) - 1
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
    page: str = "",
) -> SheetResult:
    columns = sheet.columns
    capacity = data_capacity(row_limit, sheet.total is not None, len(sheet.bands))
    header_row = HEADER_ROW + len(sheet.bands)
    first_row = header_row + 1
    worksheet.write_string(TITLE_ROW, 0, sheet.title, styles.title)
    if sheet.note:
        worksheet.write_string(NOTE_ROW, 0, sheet.note, styles.note)
    _write_header(worksheet, sheet, styles)

    formats = [styles.cell(number_format(column)) for column in columns]
    emphasis = [styles.get(num_format=number_format(column), bold=True) for column in columns]
    written, truncated, sample = 0, False, None
    cache = ChartCache(sheet.chart, columns) if sheet.chart else None
    for chunk in _chunks(sheet, mask_personal, capacity):
        if chunk.height == 0:
            truncated = True  # rows remain but no room is left
            break
        _write_rows(worksheet, columns, chunk.values, formats, first_row + written)
        if sheet.outline is not None:
            _outline_rows(worksheet, sheet, chunk, emphasis, first_row + written)
        if sample is None:
            sample = {key: values[:WIDTH_SAMPLE_ROWS] for key, values in chunk.values.items()}
        if cache is not None:
            cache.add(chunk.values, chunk.height)
        written += chunk.height
        if chunk.cut:
            truncated = True
            break

    next_row = first_row + written
    if written == 0:
        worksheet.write_string(next_row, 0, words["no_data"], styles.note)
        next_row += 1
    if sheet.total is not None:
        _write_total(worksheet, sheet, next_row, styles, words)
        next_row += 1
    of_rows = sheet.of_rows if sheet.of_rows is not None and sheet.of_rows > written else None
    if truncated:
        worksheet.write_string(next_row, 0, words["truncated_sheet"].format(rows=written), styles.warning)
        worksheet.set_tab_color(TRUNCATED_TAB_COLOR)
    elif of_rows is not None:
        worksheet.write_string(next_row, 0, words["shortened_sheet"].format(rows=written, of=of_rows, page=page))

    last_data_row = first_row + written - 1 if written else header_row
    pivot = bool(sheet.bands) or sheet.outline is not None
    worksheet.freeze_panes(first_row, 1 if pivot else 0)  # a pivot keeps its row labels in view too
    if sheet.outline is None:  # filtering would tear subtotals from their groups
        worksheet.autofilter(header_row, 0, last_data_row, len(columns) - 1)
    if written:
        _colour_changes(worksheet, columns, styles, first_row, last_data_row)
    if sheet.chart is not None and written:
        table = TableRange(worksheet.name, header_row, first_row, last_data_row)
        chart = build_chart(workbook, sheet.chart, columns, table, cache)
        worksheet.insert_chart(header_row, len(columns) + 1, chart, dict(CHART_SCALE))
    _set_widths(worksheet, columns, sample)
    masked = mask_personal and any(column.personal for column in columns)
    return SheetResult(worksheet.name, sheet.title, written, truncated, masked, of_rows)


@dataclass(frozen=True)
class _Chunk:
    """Up to CHUNK_ROWS rows as cell-ready Python values per column key; `cut` if rows were dropped."""

    values: dict[str, list[object]]
    height: int
    cut: bool
    levels: list[int] | None = None  # outline levels, for a sheet with an outline


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
        done = seen  # rows of earlier batches
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
            yield _Chunk(values, part.height, cut, _levels(sheet, batch, seen - part.height - done, part.height))
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


def _levels(sheet: SheetSpec, batch: pl.DataFrame, offset: int, height: int) -> list[int] | None:
    if sheet.outline is None:
        return None
    if sheet.outline.column not in batch.columns:
        raise ExportError(f"sheet {sheet.name!r}: the rows have no outline column {sheet.outline.column!r}")
    return [int(v or 0) for v in batch.get_column(sheet.outline.column).slice(offset, height).to_list()]


def _outline_rows(worksheet: Worksheet, sheet: SheetSpec, chunk: _Chunk, bold: list[Format], first_row: int) -> None:
    """Group each row at its outline level; rows above the detail level (subtotals, the total) in bold."""
    assert sheet.outline is not None and chunk.levels is not None
    detail = sheet.outline.detail_level
    for offset, level in enumerate(chunk.levels):
        row = first_row + offset
        worksheet.set_row(row, None, None, {"level": min(level, 7)})
        if level < detail:
            for col, column in enumerate(sheet.columns):
                value = chunk.values[column.key][offset]
                if value is None:
                    worksheet.write_blank(row, col, None, bold[col])
                else:
                    checked(_write_method(worksheet, column)(row, col, value, bold[col]), row, col)


def _write_header(worksheet: Worksheet, sheet: SheetSpec, styles: Styles) -> None:
    """The bands (merged across their columns) and the column headers; a column under no band is merged down."""
    keys = list(sheet.keys)
    header_row = HEADER_ROW + len(sheet.bands)
    covered: set[int] = set()
    for b, band in enumerate(sheet.bands):
        for span in band:
            first, last = keys.index(span.first), keys.index(span.last)
            covered.update(range(first, last + 1))
            if first == last:
                worksheet.write_string(HEADER_ROW + b, first, span.label, styles.header_band)
            else:
                worksheet.merge_range(HEADER_ROW + b, first, HEADER_ROW + b, last, span.label, styles.header_band)
    for col, column in enumerate(sheet.columns):
        if sheet.bands and col not in covered:
            worksheet.merge_range(HEADER_ROW, col, header_row, col, column.label, styles.header_band)
        else:
            worksheet.write_string(header_row, col, column.label, styles.header)


def _colour_changes(
    worksheet: Worksheet, columns: tuple[ColumnSpec, ...], styles: Styles, first_row: int, last_row: int
) -> None:
    """Changes coloured as on screen: green when the change is good news for the metric, red when bad."""
    good, bad = styles.get(font_color="#198754"), styles.get(font_color="#DC3545")
    for col, column in enumerate(columns):
        if column.good_direction is None:
            continue
        up, down = (good, bad) if column.good_direction == "up" else (bad, good)
        for criteria, fmt in ((">", up), ("<", down)):
            worksheet.conditional_format(
                first_row, col, last_row, col, {"type": "cell", "criteria": criteria, "value": 0, "format": fmt}
            )


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
