"""The Dash shell: navbar from the page registry, the page container and the data error page."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from clientscope import runtime
from clientscope.i18n import normalise_language, t
from clientscope.runtime import AppContext
from clientscope.settings import PROJECT_ROOT

log = logging.getLogger(__name__)


def language_from_search(search: str | None) -> str:
    values = parse_qs((search or "").lstrip("?")).get("lang", [])
    return normalise_language(values[0] if values else None)


def navbar(pathname: str | None, lang: str) -> dbc.Navbar:
    links = [
        dbc.NavItem(
            dbc.NavLink(
                t(f"nav.{page['module'].split('.')[-1]}", lang),
                href=page["relative_path"] + ("?lang=en" if lang == "en" else ""),
                active=pathname == page["relative_path"],
            )
        )
        for page in dash.page_registry.values()
        if not page.get("nav_hidden")
    ]
    other = "zh_CN" if lang == "en" else "en"
    switch = dbc.NavItem(
        dbc.NavLink(t("nav.language", lang), href=f"{pathname or '/'}?lang={other}", id="language-switch")
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(t("app.title", lang), href="/"),
                dbc.Nav([*links, switch], navbar=True, className="me-auto"),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="mb-3",
    )


def error_page(ctx: AppContext, lang: str) -> html.Div:
    return dbc.Container(
        [
            html.H2(t("error.data.title", lang)),
            html.P(t("error.data.intro", lang, folder=str(ctx.data_dir))),
            html.Ul([html.Li(html.Code(problem)) for problem in ctx.problems], id="data-problems"),
            html.P(t("error.data.docs", lang)),
        ],
        className="py-4",
    )


def shell_layout() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            html.Div(id="navbar"),
            html.Div(id="data-error"),
            dbc.Container(dash.page_container, id="page", fluid=True),
        ]
    )


def create_app(ctx: AppContext) -> dash.Dash:
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PROJECT_ROOT / "pages"),
        assets_folder=str(PROJECT_ROOT / "assets"),
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="Clientscope",
        health_endpoint="/health",
        update_title=None,
    )
    runtime.attach(app.server, ctx)
    app.layout = shell_layout

    @app.callback(
        Output("navbar", "children"),
        Output("data-error", "children"),
        Output("page", "style"),
        Input("url", "pathname"),
        Input("url", "search"),
    )
    def render_shell(pathname: str | None, search: str | None):
        lang = language_from_search(search)
        current = runtime.current()
        if current.ok:
            return navbar(pathname, lang), None, None
        return navbar(pathname, lang), error_page(current, lang), {"display": "none"}

    return app
