"""The explore page's workbook: the pivot as on screen (clientscope/explore/workbook.py), the filters and the
metric definitions; `clientscope export explore --query "p.m=...&p.rows=..."` gives the same file."""

from __future__ import annotations

from clientscope.explore.page_text import pivot_notes, row_header
from clientscope.explore.report import explore
from clientscope.explore.workbook import pivot_sheet
from clientscope.export import ExportError, WorkbookSpec
from clientscope.i18n import t
from clientscope.reports import ReportRequest
from clientscope.reports.common import workbook_spec


def workbook(request: ReportRequest) -> WorkbookSpec:
    pc = request.page
    lang = pc.lang
    result = explore(pc)
    if result.table is None:
        raise ExportError(t("explore.error", lang, reason=result.error))
    sheet = pivot_sheet(
        result.table,
        pc.model,
        name=t("explore.sheet", lang),
        title=t("explore.title", lang),
        row_header=row_header(pc, result.table),
        note=" ".join(pivot_notes(result.table, lang)) or None,
        lang=lang,
    )
    return workbook_spec(
        pc,
        page="explore",
        title=t("explore.title", lang),
        sheets=[sheet],
        metrics=result.options.metrics,
        generated_at=request.generated_at,
        user=request.user,
    )
