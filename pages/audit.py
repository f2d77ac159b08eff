"""`/audit`: the audit log, for auditors — who signed in, viewed, opened and exported what; exportable."""

from __future__ import annotations

from datetime import datetime

import dash
import dash_ag_grid as dag
from dash import Input, Output, State, callback, dcc, html, no_update

from clientscope.access import current_viewer
from clientscope.access.audit import COLUMNS, entries
from clientscope.access.web import access_runtime
from clientscope.components.grid import grid_options
from clientscope.i18n import normalise_language, t
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query

dash.register_page(__name__, path="/audit", order=95, title="Clientscope · audit")

SHOWN = 2_000  # the newest entries on screen; the workbook has up to AUDIT_EXPORT_ROWS
AUDIT_EXPORT_ROWS = 100_000


def layout(**query: str) -> html.Div:
    lang = normalise_language(query.get("lang"))
    frame = entries(access_runtime().store, limit=SHOWN)
    columns = [{"field": c, "headerName": t(f"audit.col.{c}", lang), "filter": True} for c in COLUMNS]
    rows = frame.with_columns(frame["at"].dt.strftime("%Y-%m-%d %H:%M:%S")).to_dicts()
    return html.Div(
        [
            html.H2(t("audit.title", lang), className="h4 d-inline-block"),
            html.Button(t("export.button", lang), id="audit-export", className="btn btn-outline-secondary btn-sm ms-2"),
            dcc.Download(id="audit-download"),
            html.P(t("audit.intro", lang), className="text-muted"),
            dag.AgGrid(
                id="audit-grid",
                rowData=rows,
                columnDefs=columns,
                defaultColDef={"sortable": True, "resizable": True},
                dashGridOptions=grid_options(lang, pagination=True, paginationPageSize=50),
                style={"height": "70vh"},
            ),
        ]
    )


@callback(
    Output("audit-download", "data"),
    Input("audit-export", "n_clicks"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def export_audit(n_clicks: int | None, search: str | None):
    if not n_clicks:
        return no_update
    lang = normalise_language(parse_query(search if isinstance(search, str) else "").get("lang"))
    viewer = current_viewer()
    frame = entries(access_runtime().store, limit=AUDIT_EXPORT_ROWS)
    now = datetime.now()
    from clientscope.access.audit_report import audit_workbook  # the Excel writer loads when a workbook is asked for

    content = audit_workbook(frame, lang, viewer.username, now)
    return dcc.send_bytes(content, f"clientscope-audit-{now:%Y%m%d-%H%M}.xlsx")
