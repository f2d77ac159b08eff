"""`/subscriptions`: scheduled reports and alerts (from subscriptions.yaml), pause and resume, the delivery log.
Opened by roles with the `manage_subscriptions` permission (docs/access.md)."""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html, no_update

from clientscope.access import current_viewer
from clientscope.access.audit import Action, record_for
from clientscope.access.web import access_runtime
from clientscope.components.grid import grid_options
from clientscope.delivery.board import (
    alert_rows,
    load_board,
    log_rows,
    queue_now,
    subscription_rows,
    toggle,
    utc_now,
)
from clientscope.i18n import normalise_language, t
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query

dash.register_page(__name__, path="/subscriptions", order=92, title="Clientscope · subscriptions")

SUB_COLUMNS = ("name", "page", "filters", "schedule", "next", "recipients")
ALERT_COLUMNS = ("name", "metric", "filters", "condition", "recipients")
LOG_COLUMNS = ("due_at", "kind", "name", "recipient", "status", "attempts", "result", "finished_at")
_HEADERS = {"next": "subs.col.next", "metric": "subs.col.metric", "condition": "subs.col.condition"}


def _header(column: str, lang: str) -> str:
    return t(_HEADERS.get(column, f"subs.col.{column}"), lang)


def _table(rows: list[dict], columns: tuple[str, ...], lang: str, toggles: bool = False) -> dbc.Table:
    head = [html.Th(_header(c, lang)) for c in columns] + ([html.Th(t("subs.col.state", lang))] if toggles else [])
    body = []
    for row in rows:
        cells = [html.Td(str(row[c])) for c in columns]
        if toggles:
            state = t("subs.state.paused" if row["paused"] else "subs.state.active", lang)
            action = t("subs.resume" if row["paused"] else "subs.pause", lang)
            button = dbc.Button(action, id={"type": "subs-toggle", "name": row["name"]}, size="sm", outline=True)
            send = dbc.Button(
                t("subs.send", lang), id={"type": "subs-send", "name": row["name"]}, size="sm", className="ms-2"
            )
            cells.append(html.Td([html.Span(state, className="me-2"), button, send]))
        body.append(html.Tr(cells))
    return dbc.Table([html.Thead(html.Tr(head)), html.Tbody(body)], size="sm", bordered=True, className="mb-4")


def _subscriptions(lang: str) -> html.Div:
    board = load_board()
    if board.problems:
        return dbc.Alert(
            [html.Div(t("subs.invalid", lang)), html.Ul([html.Li(p) for p in board.problems])], color="danger"
        )
    if board.config is None:
        return dbc.Alert(t("subs.no_file", lang, file=board.file), color="info")
    store = access_runtime().store
    return html.Div(
        [
            html.P(t("subs.intro", lang, file=board.file), className="text-muted"),
            _table(subscription_rows(board.config, store, utc_now()), SUB_COLUMNS, lang, toggles=True),
            html.H3(t("subs.alerts", lang), className="h5"),
            _table(alert_rows(board.config), ALERT_COLUMNS, lang),
        ]
    )


def layout(**query: str) -> html.Div:
    lang = normalise_language(query.get("lang"))
    columns = [{"field": c, "headerName": _header(c, lang), "filter": True} for c in LOG_COLUMNS]
    return html.Div(
        [
            html.H2(t("subs.title", lang), className="h4"),
            html.Div(id="subs-status"),
            html.Div(_subscriptions(lang), id="subs-list"),
            html.H3(t("subs.log", lang), className="h5"),
            dag.AgGrid(
                id="subs-log",
                rowData=log_rows(access_runtime().store),
                columnDefs=columns,
                defaultColDef={"sortable": True, "resizable": True},
                dashGridOptions=grid_options(lang, pagination=True, paginationPageSize=25),
                style={"height": "50vh"},
            ),
        ]
    )


@callback(
    Output("subs-list", "children"),
    Input({"type": "subs-toggle", "name": ALL}, "n_clicks"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_toggle(clicks, search):
    name = ctx.triggered_id.get("name") if isinstance(ctx.triggered_id, dict) else None
    if not any(clicks or []) or not isinstance(name, str):
        return no_update
    paused = toggle(access_runtime().store, name)
    if paused is None:
        return no_update
    record_for(access_runtime().store, current_viewer(), Action.SUBSCRIPTION, target=name, paused=paused)
    return _subscriptions(_lang(search))


@callback(
    Output("subs-status", "children"),
    Input({"type": "subs-send", "name": ALL}, "n_clicks"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_send(clicks, search):
    name = ctx.triggered_id.get("name") if isinstance(ctx.triggered_id, dict) else None
    if not any(clicks or []) or not isinstance(name, str):
        return no_update
    queued = queue_now(access_runtime().store, name, utc_now())
    if queued is None:
        return no_update
    record_for(access_runtime().store, current_viewer(), Action.SUBSCRIPTION, target=name, send_now=queued)
    return dbc.Alert(t("subs.queued", _lang(search), name=name), color="success", dismissable=True, className="py-2")


def _lang(search: object) -> str:
    return normalise_language(parse_query(search if isinstance(search, str) else "").get("lang"))
