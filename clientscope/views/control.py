"""The "save this view" control of the shared page frame: a name, a share switch, and the URL as it is now."""

from __future__ import annotations

from enum import StrEnum

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from clientscope.i18n import t
from clientscope.shell_ids import ShellIds


class Ids(StrEnum):
    OPEN = "save-view-open"
    NAME = "save-view-name"
    SHARE = "save-view-share"
    SAVE = "save-view-save"
    FEEDBACK = "save-view-feedback"


def save_view_control(lang: str) -> html.Div:
    """A small button opening a popover: name, share, save (the page's URL is read when saving)."""
    return html.Div(
        [
            dbc.Button(t("views.save", lang), id=Ids.OPEN, color="secondary", outline=True, size="sm"),
            dbc.Popover(
                dbc.PopoverBody(
                    [
                        dbc.Input(id=Ids.NAME, placeholder=t("views.name", lang), maxLength=80, size="sm"),
                        dcc.Checklist(
                            id=Ids.SHARE,
                            options=[{"label": " " + t("views.share", lang), "value": "shared"}],
                            value=[],
                            className="small my-2",
                        ),
                        dbc.Button(t("views.save", lang), id=Ids.SAVE, color="primary", size="sm"),
                        html.Div(id=Ids.FEEDBACK, className="small mt-2"),
                    ]
                ),
                target=Ids.OPEN,
                trigger="legacy",
                placement="bottom",
            ),
        ],
        className="d-inline-block ms-2",
    )


@callback(
    Output(Ids.FEEDBACK, "children"),
    Input(Ids.SAVE, "n_clicks"),
    State(Ids.NAME, "value"),
    State(Ids.SHARE, "value"),
    State(ShellIds.URL, "pathname"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_save(n_clicks, name, share, pathname, search):
    if not n_clicks:
        return no_update
    from clientscope.views.actions import save_current

    return save_current(str(name or ""), bool(share), pathname or "/", search or "")
