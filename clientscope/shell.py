"""The Dash shell: navbar from the page registry, the page container, the data error page."""

from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, dcc, html

from clientscope import runtime
from clientscope.access import OPEN_VIEWER, AccessSetup, Viewer, current_viewer
from clientscope.ask.view import ask_form
from clientscope.errors import on_callback_error
from clientscope.i18n import normalise_language, t
from clientscope.runtime import AppContext
from clientscope.settings import PROJECT_ROOT
from clientscope.shell_ids import ShellIds
from clientscope.startup import load_access_setup
from clientscope.state import parse_query
from clientscope.web import install_hardening

log = logging.getLogger(__name__)

# Query keys that belong to one page's view (breakdown, drill, clicks) and are not carried to other pages.
PAGE_LOCAL_KEYS = ("dim", "drill", "q")


def carried_query(search: str | None, **overrides: str) -> str:
    """The query string the navbar links carry: global filters, period, language, theme."""
    args = {
        k: v
        for k, v in parse_query(search or "").items()
        if k not in PAGE_LOCAL_KEYS and not k.startswith(("x.", "p."))
    }
    args.update(overrides)
    return _encode(args)


def _encode(args: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(args) if args else ""


def navbar(pathname: str | None, search: str | None, viewer: Viewer = OPEN_VIEWER) -> html.Div:
    args = parse_query(search or "")
    lang = normalise_language(args.get("lang"))
    theme = "dark" if args.get("theme") == "dark" else "light"
    links = [
        dbc.NavItem(
            dbc.NavLink(
                t(f"nav.{page['module'].split('.')[-1]}", lang),
                href=page["relative_path"] + carried_query(search),
                active=pathname == page["relative_path"],
            )
        )
        for page in dash.page_registry.values()
        if not page.get("nav_hidden") and viewer.may_open(page["path"])
    ]
    other_lang = "zh_CN" if lang == "en" else "en"
    other_theme = "light" if theme == "dark" else "dark"
    here = pathname or "/"
    switches = [
        dbc.NavItem(
            dbc.NavLink(
                t("nav.language", lang),
                href=here + _with(search, lang=other_lang),
                id="language-switch",
                external_link=False,
            )
        ),
        dbc.NavItem(
            dbc.NavLink(
                t(f"nav.theme.{other_theme}", lang), href=here + _with(search, theme=other_theme), id="theme-switch"
            )
        ),
    ]
    ask = [ask_form(lang, theme, args.get("q", "") if here == "/ask" else "")] if viewer.may_open("/ask") else []
    bar = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(t("app.title", lang), href="/" + carried_query(search)),
                dbc.Nav(links, navbar=True, className="me-auto"),
                *ask,
                dbc.Nav(switches + viewer_items(viewer, lang), navbar=True),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="mb-3",
    )
    banner = (
        html.Div(t("access.open_mode", lang), id="open-mode-banner", className="alert alert-info py-1 px-3 small")
        if viewer.open_mode
        else None
    )
    return html.Div([bar, banner])


def viewer_items(viewer: Viewer, lang: str) -> list:
    """Who is signed in, and the sign-out button (a POST with the session's CSRF token)."""
    if viewer.open_mode:
        return []
    from clientscope.access.web import csrf_token, signs_out

    items: list = [dbc.NavItem(html.Span(viewer.label(lang), className="navbar-text ms-3"))]
    if signs_out():
        items.append(
            dbc.NavItem(
                html.Form(
                    [
                        dcc.Input(type="hidden", name="csrf", value=csrf_token()),
                        dcc.Input(type="hidden", name="lang", value=lang),
                        html.Button(
                            t("access.logout", lang), className="btn btn-sm btn-outline-light ms-2", id="logout"
                        ),
                    ],
                    action="/logout",
                    method="POST",
                )
            )
        )
    return items


def _with(search: str | None, **changes: str) -> str:
    args = parse_query(search or "")
    args.update(changes)
    if args.get("lang") == "zh_CN":
        args.pop("lang")
    if args.get("theme") == "light":
        args.pop("theme")
    return _encode(args)


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
            dcc.Location(id=ShellIds.URL, refresh="callback-nav"),
            html.Div(id=ShellIds.NAVBAR),
            html.Div(id=ShellIds.DATA_ERROR),
            dbc.Container(
                dcc.Loading(dash.page_container, type="default", delay_show=300), id=ShellIds.PAGE, fluid=True
            ),
            dbc.Toast(
                id=ShellIds.ERROR_TOAST,
                header="⚠",
                is_open=False,
                dismissable=True,
                icon="danger",
                style={"position": "fixed", "top": 70, "right": 20, "zIndex": 2000, "maxWidth": 420},
            ),
            html.Div(id=ShellIds.THEME_SINK, hidden=True),
        ]
    )


def create_app(ctx: AppContext, access: AccessSetup | None = None) -> dash.Dash:
    """The Dash app for `ctx`; `access` defaults to the access.yaml and app store from the settings."""
    from clientscope.access.web import install_access

    access = access or load_access_setup()
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PROJECT_ROOT / "pages"),
        assets_folder=str(PROJECT_ROOT / "assets"),
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="Clientscope",
        health_endpoint="health",
        update_title=None,
        on_error=on_callback_error,
    )
    runtime.attach(app.server, ctx)
    install_access(app, access.config, access.store)
    install_hardening(app)
    app.layout = shell_layout
    import clientscope.components.crossfilter
    import clientscope.components.filter_bar  # noqa: F401  (registers the filter bar callbacks)

    @app.callback(
        Output(ShellIds.NAVBAR, "children"),
        Output(ShellIds.DATA_ERROR, "children"),
        Output(ShellIds.PAGE, "style"),
        Input(ShellIds.URL, "pathname"),
        Input(ShellIds.URL, "search"),
    )
    def render_shell(pathname: str | None, search: str | None):
        current = runtime.current()
        viewer = current_viewer()
        if current.ok:
            return navbar(pathname, search, viewer), None, None
        lang = normalise_language(parse_query(search or "").get("lang"))
        return navbar(pathname, search, viewer), error_page(current, lang), {"display": "none"}

    app.clientside_callback(
        ClientsideFunction(namespace="clientscope", function_name="applyTheme"),
        Output(ShellIds.THEME_SINK, "children"),
        Input(ShellIds.URL, "search"),
    )
    return app
