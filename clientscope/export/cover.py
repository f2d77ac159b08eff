"""The cover sheet: what this workbook is, which filters made it, when, for whom, and any warnings.

It is the first tab but is filled last, because only then are the sheets' row counts and
truncations known (constant_memory mode only requires rows in order within each sheet).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from xlsxwriter.worksheet import Worksheet

from clientscope.export.cells import Styles, display_width
from clientscope.export.datasheet import SheetResult
from clientscope.export.spec import WorkbookSpec

DATA_AS_OF_FORMAT: Final = "yyyy-mm"  # extracts are monthly: the as-of date is a month-end
GENERATED_AT_FORMAT: Final = "yyyy-mm-dd hh:mm:ss"
_LABEL_WIDTH_CAP: Final = 40.0


def write_cover(
    worksheet: Worksheet,
    spec: WorkbookSpec,
    results: tuple[SheetResult, ...],
    styles: Styles,
    words: Mapping[str, str],
) -> None:
    worksheet.write_string(0, 0, spec.title, styles.title)
    row = _write_facts(worksheet, 2, spec, styles, words)
    row = _write_filters(worksheet, row + 1, spec, styles, words)
    row = _write_sheet_list(worksheet, row + 1, results, styles, words)
    _write_notes(worksheet, row + 1, spec.page, results, styles, words)
    labels = [words[key] for key in ("page", "data_as_of", "generated_at", "user", "language", "sheet")]
    labels += [label for label, _ in spec.filters]
    label_width = min(_LABEL_WIDTH_CAP, max(display_width(label) for label in labels) * 1.1 + 2)
    worksheet.set_column(0, 0, label_width)
    worksheet.set_column(1, 1, 40)
    worksheet.set_column(2, 2, 12)
    worksheet.set_column(3, 3, 70)


def _write_facts(worksheet: Worksheet, row: int, spec: WorkbookSpec, styles: Styles, words: Mapping[str, str]) -> int:
    missing = words["missing"]
    worksheet.write_string(row, 0, words["page"], styles.bold)
    worksheet.write_string(row, 1, spec.page)
    row += 1
    worksheet.write_string(row, 0, words["data_as_of"], styles.bold)
    if spec.data_as_of is None:
        worksheet.write_string(row, 1, missing)
    else:
        worksheet.write_datetime(row, 1, spec.data_as_of, styles.get(num_format=DATA_AS_OF_FORMAT, align="left"))
    row += 1
    worksheet.write_string(row, 0, words["generated_at"], styles.bold)
    # Excel has no time zones: the wall-clock time is written and the offset shown beside it.
    worksheet.write_datetime(row, 1, spec.generated_at, styles.get(num_format=GENERATED_AT_FORMAT, align="left"))
    offset = spec.generated_at.utcoffset()
    if offset is not None:
        worksheet.write_string(row, 2, _utc_offset(offset))
    row += 1
    worksheet.write_string(row, 0, words["user"], styles.bold)
    worksheet.write_string(row, 1, spec.user or missing)
    row += 1
    worksheet.write_string(row, 0, words["language"], styles.bold)
    worksheet.write_string(row, 1, f"{words['language_name']} ({spec.language})")
    return row + 1


def _write_filters(worksheet: Worksheet, row: int, spec: WorkbookSpec, styles: Styles, words: Mapping[str, str]) -> int:
    worksheet.write_string(row, 0, words["filters"], styles.section)
    row += 1
    if not spec.filters:
        worksheet.write_string(row, 0, words["no_filters"], styles.note)
        return row + 1
    for label, value in spec.filters:
        worksheet.write_string(row, 0, label, styles.bold)
        worksheet.write_string(row, 1, value)
        row += 1
    return row


def _write_sheet_list(
    worksheet: Worksheet, row: int, results: tuple[SheetResult, ...], styles: Styles, words: Mapping[str, str]
) -> int:
    worksheet.write_string(row, 0, words["sheets"], styles.section)
    row += 1
    for col, key in enumerate(("sheet", "sheet_title", "rows", "notes")):
        worksheet.write_string(row, col, words[key], styles.header)
    row += 1
    for result in results:
        worksheet.write_string(row, 0, result.name)
        worksheet.write_string(row, 1, result.title)
        worksheet.write_number(row, 2, result.rows, styles.cell("#,##0"))
        if result.truncated:
            worksheet.write_string(row, 3, words["truncated_sheet"].format(rows=result.rows), styles.warning)
        elif result.shortened:
            worksheet.write_string(row, 3, words["shortened_rows"].format(rows=result.rows, of=result.of_rows))
        row += 1
    return row


def _write_notes(
    worksheet: Worksheet,
    row: int,
    page: str,
    results: tuple[SheetResult, ...],
    styles: Styles,
    words: Mapping[str, str],
) -> int:
    truncated = [result for result in results if result.truncated]
    notes = [(words["truncated_cover"].format(sheet=r.name, rows=r.rows), styles.warning) for r in truncated]
    notes += [
        (words["shortened_cover"].format(sheet=r.name, rows=r.rows, of=r.of_rows, page=page), styles.warning)
        for r in results
        if r.shortened
    ]
    if any(result.masked for result in results):
        notes.append((words["masked"], styles.note))
    if not notes:
        return row
    worksheet.write_string(row, 0, words["notes"], styles.section)
    row += 1
    for text, fmt in notes:
        worksheet.write_string(row, 0, text, fmt)
        row += 1
    return row


def _utc_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
