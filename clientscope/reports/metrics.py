"""The metric catalog as a workbook (for audit and for teams that keep definitions in Excel)."""

from __future__ import annotations

from clientscope.export import ColumnSpec, SheetSpec, WorkbookSpec
from clientscope.i18n import t
from clientscope.metric_catalog import COLUMNS, catalog_frame
from clientscope.reports import ReportRequest
from clientscope.reports.common import workbook_spec


def workbook(request: ReportRequest) -> WorkbookSpec:
    pc = request.page
    lang = pc.lang
    frame = catalog_frame(pc.model, lang)
    sheet = SheetSpec(
        name=t("catalog.title", lang),
        title=t("catalog.title", lang),
        columns=tuple(
            ColumnSpec(c, t(f"catalog.col.{c}", lang), "text", width=60 if c == "sql" else None) for c in COLUMNS
        ),
        rows=frame,
        note=t("catalog.intro", lang),
    )
    return workbook_spec(
        pc,
        page="metrics",
        title=t("catalog.title", lang),
        sheets=[sheet],
        metrics=[m.name for m in pc.model.visible_metrics()],
        generated_at=request.generated_at,
        user=request.user,
    )
