"""The explore grid paged on the server: AG Grid's infinite row model asks for one block of rows at a time.

The page renders the grid empty (column headers, the pinned grand total, the row count); each block request
lays the same pivot out again (`explore`: the query's result comes from the metric query cache,
`clientscope.cache`, so one state runs one query) and answers with that slice of the rows in the pivot's order —
subtotal rows in their places, the grand total pinned at the bottom and never in a block.  The browser holds a
block, never the whole pivot.

Caps: the grid shows at most `GRID_ROW_CAP` rows (the first ones, the grand total kept); more is a warning
asking for filters, fewer row dimensions or a top N.  The workbook keeps its own cap (`table.ROW_CAP`), with its
note in the sheet as before.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.components.grid import grid_options
from clientscope.explore.controls import Ids
from clientscope.explore.grid import PAGE_SIZE, column_defs, format_rows, row_class_rules
from clientscope.explore.options import parse_options
from clientscope.explore.page_text import row_header
from clientscope.explore.report import ExploreResult, explore
from clientscope.explore.table import ROW_CAP, PivotRow, PivotTable
from clientscope.i18n import t
from clientscope.semantic import SemanticModel
from clientscope.state import to_query
from clientscope.view_context import PageContext

GRID_ROW_CAP = 5_000  # pivot rows (subtotals included) the grid pages through; the workbook keeps ROW_CAP
MAX_BLOCK = 500  # rows one request may ask for (AG Grid asks for cacheBlockSize = PAGE_SIZE)
EMPTY_BLOCK: dict[str, Any] = {"rowData": [], "rowCount": 0}


def body_rows(table: PivotTable) -> tuple[PivotRow, ...]:
    """The rows the grid pages through: every row but the grand total, which is pinned at the bottom."""
    return table.rows[:-1] if table.rows and table.rows[-1].depth == 0 else table.rows


def total_rows(table: PivotTable) -> tuple[PivotRow, ...]:
    return table.rows[-1:] if table.rows and table.rows[-1].depth == 0 else ()


def _row_index(value: object, default: int) -> int:
    """A block bound from the browser: a whole number ≥ 0 (anything else is the default)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return default
    return max(0, int(value))


def rows_block(table: PivotTable, model: SemanticModel, lang: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """The answer to one getRows request: rows [startRow, endRow) of the body and the body's row count."""
    start = _row_index(request.get("startRow"), 0)
    end = min(max(start, _row_index(request.get("endRow"), start + PAGE_SIZE)), start + MAX_BLOCK)
    body = body_rows(table)
    return {"rowData": format_rows(table, body[start:end], model, lang), "rowCount": len(body)}


def page_pivot(pc: PageContext) -> ExploreResult:
    """The page's pivot: cut to the grid's cap for the grid, to the workbook's for a chart (as before paging)."""
    options, _ = parse_options(pc.state, pc.model)
    return explore(pc, GRID_ROW_CAP if options.view == "grid" else ROW_CAP)


def grid_block(pc: PageContext, request: Mapping[str, Any]) -> dict[str, Any]:
    """The block of the view in `pc` (its URL state) that the grid asked for."""
    result = explore(pc, GRID_ROW_CAP)
    if result.table is None:
        return EMPTY_BLOCK
    return rows_block(result.table, pc.model, pc.lang, request)


def row_cap_notice(table: PivotTable, lang: str) -> str | None:
    """The warning shown above a capped grid (None when every row is shown)."""
    if not table.capped_rows:
        return None
    return t("explore.grid_capped", lang, rows=table.all_rows, cap=table.row_cap, export_cap=ROW_CAP)


def grid_notes(table: PivotTable, lang: str) -> list[str]:
    """The row count, and the export's own cap when the grid shows more rows than the workbook keeps."""
    notes = [t("explore.row_count", lang, rows=len(body_rows(table)), page=PAGE_SIZE)]
    if not table.capped_rows and table.all_rows > ROW_CAP:
        notes.append(t("explore.export_capped", lang, cap=ROW_CAP, rows=table.all_rows))
    return notes


def pivot_grid(pc: PageContext, table: PivotTable) -> html.Div:
    """The grid (infinite row model, one block per page) with its row count above it and the drill hint below."""
    lang = pc.lang
    count = len(body_rows(table))
    grid = dag.AgGrid(
        id=Ids.GRID,
        rowModelType="infinite",
        columnDefs=column_defs(table, pc.model, row_header(pc, table), lang),
        rowClassRules=row_class_rules(table.levels),
        defaultColDef={"resizable": True, "sortable": False, "suppressHeaderMenuButton": True},
        dashGridOptions=grid_options(
            lang,
            pagination=True,
            paginationPageSize=PAGE_SIZE,
            paginationPageSizeSelector=False,
            cacheBlockSize=PAGE_SIZE,
            maxBlocksInCache=10,
            infiniteInitialRowCount=max(1, min(count, PAGE_SIZE)),
            rowBuffer=0,
            pinnedBottomRowData=format_rows(table, total_rows(table), pc.model, lang),
        ),
        getRowId="params.data._id",
        style={"height": "62vh"},
    )
    notice = row_cap_notice(table, lang)
    return html.Div(
        [
            dcc.Store(id=Ids.COLUMN_KEYS, data={"keys": [c.key for c in table.columns], "query": to_query(pc.state)}),
            dbc.Alert(notice, color="warning", id="explore-row-cap", className="py-2") if notice else None,
            html.Div(" ".join(grid_notes(table, lang)), id="explore-row-count", className="small text-muted mb-1"),
            # the block requests' progress, as the sections show theirs; the rows stay visible underneath
            dcc.Loading(
                grid,
                type="dot",
                delay_show=400,
                target_components={Ids.GRID: "getRowsResponse"},
                overlay_style={"visibility": "visible", "opacity": 0.6},
            ),
            html.Div(t("explore.drill.hint", lang), className="small text-muted mt-1"),
        ]
    )
