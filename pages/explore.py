"""`/explore`: a self-service pivot over metrics.yaml (中国式报表) — every setting in the URL (docs/explore.md)."""

from __future__ import annotations

from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from clientscope import runtime
from clientscope.components.empty import empty_state
from clientscope.components.export_button import export_button
from clientscope.components.page import changed_search, page_frame
from clientscope.components.request_context import current_state, page_context
from clientscope.customer_list import customer_list
from clientscope.explore.controls import Ids, controls
from clientscope.explore.drill import cell_drill, cell_key
from clientscope.explore.figure import pivot_figure
from clientscope.explore.options import TOTAL_KEY, with_controls
from clientscope.explore.page_text import pivot_notes
from clientscope.explore.paging import grid_block, page_pivot, pivot_grid
from clientscope.explore.table import PivotTable
from clientscope.i18n import t
from clientscope.state import parse_query, to_query

dash.register_page(__name__, path="/explore", order=80, title="Clientscope · explore")

HIDDEN = {"display": "none"}
PINNED_BOTTOM = "b-"  # AG Grid's id of a pinned bottom row (the grand total)


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    pc = page_context(query)
    lang = pc.lang
    result = page_pivot(pc)
    body: list = [
        html.Div([html.P(t("explore.intro", lang), className="text-muted d-inline"), export_button("explore", lang)]),
        controls(result.options, pc.model, lang, pc.state.compare),
    ]
    table = result.table
    if table is None:
        body.append(dbc.Alert(t("explore.error", lang, reason=result.error), color="danger", id="explore-error"))
    elif not table.rows:
        body.append(empty_state(lang))
    else:
        notes = pivot_notes(table, lang, rows_note=result.options.view != "grid")  # the grid warns of its own cap
        body += [html.Div(note, className="small text-muted explore-note") for note in notes]
        body.append(_result(pc, table, result.options.view))
        body.append(_drill(pc, table, result.options.cell))
    framed = replace(pc, notices=(*pc.notices, *result.notices))
    return page_frame(framed, t("explore.title", lang), body)


def _result(pc, table: PivotTable, view: str) -> html.Div:
    if view == "grid":
        return pivot_grid(pc, table)
    keys = dcc.Store(id=Ids.COLUMN_KEYS, data={"keys": [c.key for c in table.columns]})
    label = pc.model.label(table.request.metrics[0], pc.lang)
    figure = pivot_figure(table, view, label, pc.state.theme)
    return html.Div([keys, dcc.Graph(id=Ids.CHART, figure=figure, config={"displaylogo": False})])


def _drill(pc, table: PivotTable, cell: str | None) -> html.Div:
    """The drilled cell's customer list (the close button is always there, hidden without a cell)."""
    close = dbc.Button(
        t("explore.drill.close", pc.lang), id=Ids.CLOSE_DRILL, size="sm", color="link", style=None if cell else HIDDEN
    )
    if not cell:
        return html.Div(close)
    drill = cell_drill(pc, table, cell)
    if drill.segment is None:
        return html.Div([dbc.Alert(drill.problem, color="warning", id="explore-drill-problem"), close])
    listing = customer_list(pc, drill.segment, "explore", back="explore", title=drill.title)
    return html.Div([close, listing], className="mt-3")


@callback(
    Output("url", "search", allow_duplicate=True),
    Input(Ids.METRICS, "value"),
    Input(Ids.ROWS, "value"),
    Input(Ids.COLUMN, "value"),
    Input(Ids.SHOW, "value"),
    Input(Ids.SORT, "value"),
    Input(Ids.TOP, "value"),
    Input(Ids.VIEW, "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_controls(metrics, rows, column, show, sort, top, view, search):
    state = current_state(parse_query(search or ""))
    new = with_controls(state, metrics=metrics, rows=rows, column=column, show=show, sort=sort, top=top, view=view)
    return changed_search(to_query(new), search)


@callback(
    Output(Ids.GRID, "getRowsResponse"),
    Input(Ids.GRID, "getRowsRequest"),
    State(Ids.COLUMN_KEYS, "data"),
    prevent_initial_call=True,
)
def on_rows(request, data):
    """One block of the pivot's rows, for the state the grid was drawn for (server-side paging)."""
    if not isinstance(request, dict) or not isinstance(data, dict):
        return no_update
    return grid_block(page_context(parse_query(str(data.get("query") or ""))), request)


@callback(
    Output("url", "search", allow_duplicate=True),
    Input(Ids.GRID, "cellClicked"),
    State(Ids.COLUMN_KEYS, "data"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_cell(clicked, columns, search):
    if not clicked or not isinstance(clicked.get("rowId"), str) or not columns:
        return no_update
    row_id = TOTAL_KEY if clicked["rowId"].startswith(PINNED_BOTTOM) else clicked["rowId"]
    keys, column = columns.get("keys") or [], str(clicked.get("colId") or "")
    index = int(column[1:].split("__")[0]) if column.startswith("c") and "__" in column else len(keys) - 1
    if not 0 <= index < len(keys):
        return no_update
    state = current_state(parse_query(search or ""))
    return changed_search(to_query(state.with_option("cell", cell_key(row_id, keys[index]))), search)


@callback(
    Output("url", "search", allow_duplicate=True),
    Input(Ids.CLOSE_DRILL, "n_clicks"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_close_drill(n_clicks, search):
    if not n_clicks:
        return no_update
    state = current_state(parse_query(search or ""))
    return changed_search(to_query(state.with_option("cell", None)), search)
