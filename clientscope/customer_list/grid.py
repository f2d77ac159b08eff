"""The customer list component (an AG Grid on the infinite row model) and the ONE callback that serves the rows
of every list on every page.

The component's store carries the segment and the page's query (`to_query(pc.state)`), so the callback rebuilds
the view the list was drawn from and the rows always match the section around them. Its ids are
`{"type": ..., "page": <page>, "name": <list>}`: the sign-in layer lets a viewer page through a list only when
they may open `/<page>`, and a source that belongs to a page (`ListSource.page`) answers only under that page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dash_ag_grid as dag
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from clientscope.components.grid import grid_options
from clientscope.customer_list.display import column_defs, display_rows, link_query
from clientscope.customer_list.source import PAGE_SIZE, CustomerSegment, list_frame, list_source, sort_from_model
from clientscope.i18n import t
from clientscope.state import to_query
from clientscope.view_context import PageContext

GRID = "customer-list"
STORE = "customer-list-segment"
COUNT = "customer-list-count"


@dataclass(frozen=True)
class GridLook:
    """How a list pages: pages of `block` rows with a pager and the count above (the drill list), or a scrolled
    grid fetching blocks (`SCROLL`, the analysis pages' lists, which show their count themselves)."""

    block: int = PAGE_SIZE
    paginate: bool = True
    max_blocks: int = 10
    initial_rows: int = PAGE_SIZE
    count: bool = True  # the header with the title and the list's size
    default_col: Mapping[str, Any] = field(
        default_factory=lambda: {"resizable": True, "suppressHeaderMenuButton": True}
    )
    options: Mapping[str, Any] = field(default_factory=dict)  # more dashGridOptions (tooltip delay ...)


SCROLL = GridLook(
    block=100, paginate=False, max_blocks=20, initial_rows=1, count=False, default_col={"resizable": True}
)


def list_ids(page: str, name: str) -> dict[str, dict[str, str]]:
    """The ids of one list's grid, store and count."""
    return {kind: {"type": kind, "page": page, "name": name} for kind in (GRID, STORE, COUNT)}


def customer_list(
    pc: PageContext,
    segment: CustomerSegment,
    name: str,
    *,
    back: str,
    title: str | None = None,
    height: str = "560px",
    look: GridLook | None = None,
) -> html.Div:
    """The list component: a header with the row count (unless the look hides it), and the server-side grid.

    `back` is the page the list is on: its rows link to the customer 360 page with `p.back=<back>`."""
    look = look or GridLook()
    source = list_source(segment.source)
    ids = list_ids(back, name)
    key, descending = source.default_sort or (None, False)
    paging = (
        {"pagination": True, "paginationPageSize": look.block, "paginationPageSizeSelector": False}
        if look.paginate
        else {}
    )
    header = [html.Span(id=ids[COUNT], className="text-muted small")]
    if look.count:  # (a scrolled list's page shows its title and count itself: the header is kept, hidden)
        header.insert(0, html.Span(title or t("customer.list.title", pc.lang), className="fw-semibold me-2"))
    return html.Div(
        [
            html.Div(header, className="mb-1" if look.count else "d-none"),
            dcc.Store(id=ids[STORE], data={"segment": segment.to_dict(), "query": to_query(pc.state)}),
            dag.AgGrid(
                id=ids[GRID],
                rowModelType="infinite",
                columnDefs=[
                    {**c, "sort": ("desc" if descending else "asc") if c.get("colId", c["field"]) == key else None}
                    for c in column_defs(pc, source)
                ],
                defaultColDef=dict(look.default_col),
                dashGridOptions=grid_options(
                    pc.lang,
                    **paging,
                    cacheBlockSize=look.block,
                    maxBlocksInCache=look.max_blocks,
                    infiniteInitialRowCount=look.initial_rows,
                    rowBuffer=0,
                    **look.options,
                ),
                getRowId="params.data.id",
                style={"height": height},
            ),
        ],
        className="customer-list",
    )


def rows_response(
    pc: PageContext, segment: CustomerSegment, request: Mapping[str, Any], back: str
) -> tuple[dict[str, Any], int | None]:
    """The grid's answer to one getRows request: {rowData, rowCount} and the list size."""
    start = max(0, int(request.get("startRow") or 0))
    end = max(start, int(request.get("endRow") or start + PAGE_SIZE))
    frame, total = list_frame(
        pc, segment, limit=end - start, offset=start, sort=sort_from_model(request.get("sortModel"))
    )
    rows = display_rows(pc, frame, query=link_query(pc, back), source=list_source(segment.source))
    count = total if total is not None else start
    return {"rowData": rows, "rowCount": count}, total


def answer(request: Mapping[str, Any], data: Mapping[str, Any], page: str) -> tuple[dict[str, Any], Any]:
    """The rows of the list named by `page` and the store's `data`; a segment that does not fit is refused with
    its reason (shown where the count is) and no rows."""
    from clientscope.components.request_context import page_context
    from clientscope.state import parse_query

    pc = page_context(parse_query(str(data.get("query") or "")))
    try:
        segment = CustomerSegment.from_dict(data.get("segment") or {})
        owner = list_source(segment.source).page
        if owner is not None and owner != page:
            raise ValueError(f"the {segment.source!r} list belongs to the {owner} page")
    except ValueError as error:
        return {"rowData": [], "rowCount": 0}, t("customer.list.refused", pc.lang, problem=str(error))
    response, total = rows_response(pc, segment, request, page)
    count = t("customer.list.count", pc.lang, count=f"{total:,}") if total is not None else no_update
    return response, count


@callback(
    Output({"type": GRID, "page": MATCH, "name": MATCH}, "getRowsResponse"),
    Output({"type": COUNT, "page": MATCH, "name": MATCH}, "children"),
    Input({"type": GRID, "page": MATCH, "name": MATCH}, "getRowsRequest"),
    State({"type": STORE, "page": MATCH, "name": MATCH}, "data"),
    prevent_initial_call=True,
)
def on_get_rows(request, data):
    if not request or not isinstance(data, dict):
        return no_update, no_update
    # the page the sign-in layer checked: the requested output's own id (clientscope/access/web.py)
    page = str(ctx.outputs_list[0]["id"].get("page") or "")
    return answer(request, data, page)
