"""The definitions sheet: every metric in the workbook with its meaning, formula and owner."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from xlsxwriter.worksheet import Worksheet

from clientscope.export.cells import Styles
from clientscope.export.spec import MetricDefinition

HEADER_ROW: Final = 2
FIRST_ROW: Final = 3
# (label key, width, wrap): long descriptions and formulas wrap instead of running off the screen.
COLUMNS: Final = (
    ("metric", 22.0, False),
    ("description", 60.0, True),
    ("formula", 50.0, True),
    ("owner", 16.0, False),
    ("code", 24.0, False),
    ("format", 16.0, False),
)


def write_definitions(
    worksheet: Worksheet,
    definitions: tuple[MetricDefinition, ...],
    styles: Styles,
    words: Mapping[str, str],
) -> None:
    worksheet.write_string(0, 0, words["definitions"], styles.title)
    for col, (key, width, wrap) in enumerate(COLUMNS):
        worksheet.write_string(HEADER_ROW, col, words[key], styles.header)
        worksheet.set_column(col, col, width, styles.wrap if wrap else None)
    row = FIRST_ROW
    for definition in definitions:
        cells = (
            definition.label,
            definition.description,
            definition.formula,
            definition.owner,
            definition.name,
            definition.format,
        )
        for col, text in enumerate(cells):
            if text:
                worksheet.write_string(row, col, text, styles.wrap if COLUMNS[col][2] else None)
        row += 1
    if not definitions:
        worksheet.write_string(FIRST_ROW, 0, words["no_definitions"], styles.note)
    worksheet.freeze_panes(FIRST_ROW, 0)
    worksheet.autofilter(HEADER_ROW, 0, max(HEADER_ROW, row - 1), len(COLUMNS) - 1)
