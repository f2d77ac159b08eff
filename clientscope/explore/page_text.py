"""Words around the pivot that the page and the workbook share: the row header and the notes under it."""

from __future__ import annotations

from clientscope.explore.table import COLUMN_CAP, PivotTable
from clientscope.i18n import t
from clientscope.semantic.periods import COMPARISON_MONTHS
from clientscope.view_context import PageContext


def row_header(pc: PageContext, table: PivotTable) -> str:
    """The label column's header: the row dimensions, outermost first (区域 / 网点)."""
    names = [pc.model.dimension_label(d, pc.lang) for d in table.request.rows]
    return " / ".join(names) or t("explore.row_header", pc.lang)


def pivot_notes(table: PivotTable, lang: str, *, rows_note: bool = True) -> list[str]:
    """What the reader must know: rows or columns cut by the caps, a top N, how a comparison reads.

    `rows_note=False`: the row cap is said elsewhere (the page shows it as a warning, `row_cap_notice`)."""
    notes = []
    if table.capped_rows and rows_note:
        notes.append(t("explore.capped_rows", lang, cap=table.row_cap))
    if table.capped_columns:
        notes.append(t("explore.capped_columns", lang, cap=COLUMN_CAP))
    if table.options.top is not None and table.levels:
        notes.append(t("explore.top_note", lang, top=table.options.top, rows=table.detail_rows))
    if table.options.compare and not table.options.column_is_time:
        notes.append(t("explore.compare_note", lang, months=COMPARISON_MONTHS[table.options.compare]))
    return notes
