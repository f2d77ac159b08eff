"""`/metrics`: the metric catalog — searchable, sortable, in the current language."""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import Input, Output, Patch, callback, dcc, html

from clientscope import runtime
from clientscope.components.export_button import export_button
from clientscope.components.grid import grid_options
from clientscope.components.request_context import page_context
from clientscope.i18n import t
from clientscope.metric_catalog import COLUMNS, catalog_frame

dash.register_page(__name__, path="/metrics", order=90, title="Clientscope · metrics")

WIDE = {"description": 320, "formula": 320}
WIDTHS = {**WIDE, "sql": 360, "dimensions": 260}


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    pc = page_context(query)
    lang = pc.lang
    frame = catalog_frame(pc.model, lang)
    columns = [
        {
            "field": column,
            "headerName": t(f"catalog.col.{column}", lang),
            "width": WIDTHS.get(column, 150),
            "wrapText": column in WIDE,
            "autoHeight": column in WIDE,
            "pinned": "left" if column == "label" else None,
            # the SQL is long: one line in the cell, the whole statement in the tooltip, and not searched
            "tooltipField": "sql" if column == "sql" else None,
            "getQuickFilterText": {"function": "''"} if column == "sql" else None,
            "cellStyle": {"fontFamily": "monospace", "fontSize": "11px"} if column == "sql" else None,
        }
        for column in COLUMNS
    ]
    return html.Div(
        [
            html.Div(
                [html.H2(t("catalog.title", lang), className="h4 d-inline-block"), export_button("metrics", lang)]
            ),
            html.P(t("catalog.intro", lang), className="text-muted"),
            dcc.Input(
                id="catalog-search",
                type="search",
                placeholder=t("catalog.search", lang),
                className="form-control mb-2",
                debounce=False,
            ),
            html.Div(t("catalog.count", lang, count=frame.height), id="catalog-count", className="small text-muted"),
            dag.AgGrid(
                id="catalog-grid",
                rowData=frame.to_dicts(),
                columnDefs=columns,
                defaultColDef={"sortable": True, "filter": True, "resizable": True},
                dashGridOptions=grid_options(lang, pagination=False, domLayout="normal"),
                getRowId="params.data.name",
                style={"height": "70vh"},
            ),
        ]
    )


@callback(Output("catalog-grid", "dashGridOptions"), Input("catalog-search", "value"), prevent_initial_call=True)
def search(text: str | None) -> Patch:
    options = Patch()
    options["quickFilterText"] = text or ""
    return options
