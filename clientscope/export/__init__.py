"""Excel workbooks that keep types and formatting: one builder for the UI button and the CLI.

Pages describe an export with the frozen dataclasses below and call `workbook_bytes` (download)
or `write_workbook` (file); see docs/excel-export.md for the layout, formats, masking and limits.
"""

from clientscope.export.datasheet import EXCEL_MAX_ROWS
from clientscope.export.masking import mask_value
from clientscope.export.names import export_filename, safe_sheet_name
from clientscope.export.spec import (
    ChartSpec,
    ColumnSpec,
    ExportError,
    HeaderSpan,
    MetricDefinition,
    Outline,
    SheetSpec,
    TotalRow,
    WorkbookSpec,
)
from clientscope.export.workbook import RenderedWorkbook, render_workbook, workbook_bytes, write_workbook

__all__ = [
    "EXCEL_MAX_ROWS",
    "ChartSpec",
    "ColumnSpec",
    "ExportError",
    "HeaderSpan",
    "MetricDefinition",
    "Outline",
    "RenderedWorkbook",
    "SheetSpec",
    "TotalRow",
    "WorkbookSpec",
    "export_filename",
    "mask_value",
    "render_workbook",
    "safe_sheet_name",
    "workbook_bytes",
    "write_workbook",
]
