"""The "Export to Excel" button every page carries: the same workbook as `clientscope export PAGE`."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html, no_update, set_props

from clientscope.i18n import t
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query

log = logging.getLogger(__name__)


def export_button(page: str, lang: str) -> html.Div:
    return html.Div(
        [
            dbc.Button(
                t("export.button", lang),
                id={"type": "export-button", "page": page},
                color="secondary",
                outline=True,
                size="sm",
            ),
            dcc.Download(id={"type": "export-download", "page": page}),
        ],
        className="d-inline-block ms-2",
    )


def build_workbook_bytes(page: str, search: str | None, generated_at: datetime) -> tuple[bytes, str]:
    """The workbook for `page` in the state written in the URL, for the current viewer: (content, file name).

    The cover names the viewer and their role; personal data is masked unless the role may see it; the
    export is audited with its rows and masking."""
    from clientscope.access import current_viewer
    from clientscope.access.audit import Action, record_for
    from clientscope.access.web import access_runtime
    from clientscope.components.request_context import page_context
    from clientscope.export import export_filename, render_workbook
    from clientscope.kpis import period_bounds
    from clientscope.reports import ReportRequest, builder

    viewer = current_viewer()
    pc = page_context(parse_query(search or ""))
    # Open mode has no identity to name: its cover says "—", as the command line's does.
    user = None if viewer.open_mode else viewer.label(pc.lang)
    spec = builder(page)(ReportRequest(pc, generated_at, user=user))
    rendered = render_workbook(spec)
    record_for(
        access_runtime().store,
        viewer,
        Action.EXPORT,
        target=page,
        search=search or "",
        rows=rendered.rows,
        masked=any(sheet.masked for sheet in rendered.sheets),
    )
    _, end = period_bounds(pc)
    period_end = datetime.strptime(end, "%Y-%m").date() if end else None
    return rendered.content, export_filename(page, period_end, pc.lang)


@callback(
    Output({"type": "export-download", "page": MATCH}, "data"),
    Input({"type": "export-button", "page": MATCH}, "n_clicks"),
    State({"type": "export-button", "page": MATCH}, "id"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_export(n_clicks, button_id, search):
    if not n_clicks:
        return no_update
    # The workbook is the one of the download component the request writes to, which the access guard checked
    # (clientscope.access.web); the button's id is a State the browser sends and could name another page.
    del button_id
    return download_or_toast(ctx.outputs_list["id"]["page"], search)


def download_or_toast(page: str, search: str | None) -> Any:
    """The page's workbook as a download, or (when it cannot be written) an error toast with its id and reason."""
    from clientscope.errors import new_error_id
    from clientscope.export import ExportError

    try:
        content, filename = build_workbook_bytes(page, search, datetime.now())
    except ExportError as exc:
        error_id = new_error_id()
        log.error("export %s failed (%s): %s", page, error_id, exc)
        lang = parse_query(search or "").get("lang", "zh_CN")
        set_props(
            ShellIds.ERROR_TOAST,
            {"is_open": True, "children": t("export.failed", lang, error_id=error_id, reason=str(exc))},
        )
        return no_update
    return dcc.send_bytes(content, filename)
