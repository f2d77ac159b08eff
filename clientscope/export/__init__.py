"""Excel workbooks that keep types and formatting: one builder for the UI button and the CLI.

Pages describe an export with the frozen dataclasses below and call `workbook_bytes` (download)
or `write_workbook` (file); see docs/excel-export.md for the layout, formats, masking and limits.

The names are imported when first used (PEP 562): the masking rules (`clientscope.export.masking`) are read by
every page's lists without loading the workbook writer and xlsxwriter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clientscope.lazy_names import lazy_getattr

if TYPE_CHECKING:
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

_MODULES = {
    "clientscope.export.datasheet": ("EXCEL_MAX_ROWS",),
    "clientscope.export.masking": ("mask_value",),
    "clientscope.export.names": ("export_filename", "safe_sheet_name"),
    "clientscope.export.spec": (
        "ChartSpec",
        "ColumnSpec",
        "ExportError",
        "HeaderSpan",
        "MetricDefinition",
        "Outline",
        "SheetSpec",
        "TotalRow",
        "WorkbookSpec",
    ),
    "clientscope.export.workbook": ("RenderedWorkbook", "render_workbook", "workbook_bytes", "write_workbook"),
}
__getattr__ = lazy_getattr(__name__, _MODULES)

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
