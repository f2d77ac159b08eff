"""`/views`: my saved views and the views others shared; open, share or delete (saving is on every page)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from clientscope.access.web import access_runtime
from clientscope.i18n import normalise_language, t
from clientscope.shell import carried_query
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query
from clientscope.views.actions import current_owner, delete, share
from clientscope.views.store import SavedView, list_views

dash.register_page(__name__, path="/views", order=85, title="Clientscope · views")

LIST = "views-list"


def layout(**query: str) -> html.Div:
    lang = normalise_language(query.get("lang"))
    return html.Div(
        [
            html.H2(t("views.title", lang), className="h4"),
            html.P(t("views.intro", lang), className="text-muted"),
            html.Div(views_list(lang, _personal_query(query)), id=LIST),
        ]
    )


def _personal_query(query: dict[str, str]) -> str:
    """The opener's language and theme, carried into every view link."""
    return carried_query("?" + "&".join(f"{k}={v}" for k, v in query.items() if k in ("lang", "theme"))).lstrip("?")


def views_list(lang: str, personal: str) -> list:
    mine, others = list_views(access_runtime().store, current_owner())
    return [
        html.H3(t("views.mine", lang), className="h6 mt-3"),
        _table(mine, lang, personal, own=True),
        html.H3(t("views.shared", lang), className="h6 mt-4"),
        _table(others, lang, personal, own=False),
    ]


def _table(views: tuple[SavedView, ...], lang: str, personal: str, *, own: bool) -> html.Div:
    if not views:
        which = "mine" if own else "shared"
        return html.P(t("views.none", lang), className="text-muted small", id=f"views-none-{which}")
    head = ["name", "page", "owner", "shared", "created"]
    rows = [
        html.Tr(
            [
                html.Td(dcc.Link(v.name, href=v.href(personal), id={"type": "view-link", "id": v.id})),
                html.Td(html.Code(v.path)),
                html.Td(v.owner),
                html.Td(t("views.yes" if v.shared else "views.no", lang)),
                html.Td(v.created_at.strftime("%Y-%m-%d %H:%M")),
                html.Td(_actions(v, lang) if own else None),
            ]
        )
        for v in views
    ]
    header = html.Thead(html.Tr([html.Th(t(f"views.col.{c}", lang)) for c in head] + [html.Th("")]))
    return dbc.Table([header, html.Tbody(rows)], size="sm", hover=True, className="views-table")


def _actions(view: SavedView, lang: str) -> list:
    toggle = "views.unshare_toggle" if view.shared else "views.share_toggle"
    return [
        dbc.Button(t(toggle, lang), id={"type": "view-share", "id": view.id}, size="sm", color="link"),
        dbc.Button(t("views.delete", lang), id={"type": "view-delete", "id": view.id}, size="sm", color="link"),
    ]


@callback(
    Output(LIST, "children"),
    Input({"type": "view-share", "id": ALL}, "n_clicks"),
    Input({"type": "view-delete", "id": ALL}, "n_clicks"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_action(_share, _delete, search):
    clicked = ctx.triggered_id
    if not isinstance(clicked, dict) or not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update
    if type(clicked.get("id")) is not int:
        return no_update
    query = parse_query(search or "")
    lang = normalise_language(query.get("lang"))
    if clicked["type"] == "view-delete":
        delete(int(clicked["id"]))
    else:
        mine, _ = list_views(access_runtime().store, current_owner())
        current = next((v for v in mine if v.id == int(clicked["id"])), None)
        if current is not None:
            share(current.id, not current.shared)
    return views_list(lang, _personal_query(query))
