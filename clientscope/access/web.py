"""Sign-in and the access guard on the Flask server behind Dash.

Every request passes one guard (`_guard`) that establishes the viewer — signed in with a built-in account
(Flask-Login session), named by the bank's gateway (trusted header from a trusted proxy), or the local viewer
of open mode — or refuses the request. Pages are wrapped so that a role only renders its pages, and callbacks
of a page the role may not open are refused before they run.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import dash
import dash_bootstrap_components as dbc
import flask
import flask_login
from dash import html

from clientscope import settings
from clientscope.access import accounts
from clientscope.access.audit import Action, record, record_for
from clientscope.access.config import AccessConfig
from clientscope.access.login_page import login_html
from clientscope.access.viewer import OPEN_VIEWER, Viewer, current_viewer, set_current
from clientscope.i18n import normalise_language, t
from clientscope.store import AppStore

log = logging.getLogger(__name__)
EXTENSION_KEY = "clientscope_access"
_PUBLIC_PATHS = ("/health", "/login", "/logout", "/_favicon.ico")
_PUBLIC_PREFIXES = ("/assets/",)
_CSRF_KEY = "csrf"
_REPORT_PATHS = {"overview": "/", "customer": "/customers"}  # a workbook's page name → the page's path


@dataclass(frozen=True)
class AccessRuntime:
    config: AccessConfig | None  # None: open mode
    store: AppStore

    @property
    def open_mode(self) -> bool:
        return self.config is None


def access_runtime() -> AccessRuntime:
    return flask.current_app.extensions[EXTENSION_KEY]


class _SessionUser(flask_login.UserMixin):
    def __init__(self, viewer: Viewer, session_epoch: int) -> None:
        self.viewer = viewer
        self.session_epoch = session_epoch

    def get_id(self) -> str:
        # The session names the account's counter it was opened under, so that a sign-out ends it on the server.
        return f"{self.session_epoch}:{self.viewer.username}"


def install_access(app: dash.Dash, config: AccessConfig | None, store: AppStore) -> None:
    server = app.server
    server.extensions[EXTENSION_KEY] = AccessRuntime(config, store)
    server.secret_key = secret_key()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=config.session_minutes if config else 60),
        SESSION_REFRESH_EACH_REQUEST=True,  # the timeout counts from the last request, not from sign-in
    )
    manager = flask_login.LoginManager()
    manager.init_app(server)
    manager.user_loader(_load_user)
    server.before_request(_guard)
    server.add_url_rule("/login", "clientscope_login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "clientscope_logout", _logout, methods=["POST"])
    for page in dash.page_registry.values():
        page["layout"] = _guarded_layout(page["layout"], page["path"])


def _load_user(user_id: str) -> _SessionUser | None:
    runtime = access_runtime()
    if runtime.open_mode or runtime.config is None or runtime.config.sign_in != "accounts":
        return None
    epoch, _, username = user_id.partition(":")
    if not epoch.isdigit():  # a session from before sign-out ended sessions on the server: sign in again
        return None
    viewer = accounts.load_viewer(runtime.store, username, int(epoch))
    return _SessionUser(viewer, int(epoch)) if viewer else None


def secret_key() -> bytes:
    """The key that signs session cookies: `CLIENTSCOPE_SECRET_KEY`, else one generated once into the state
    folder (mode 0600), so that every gunicorn worker and every restart accepts the same sessions."""
    explicit = os.environ.get(settings.SECRET_KEY_ENV)
    if explicit:
        return explicit.encode()
    path = settings.state_dir() / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(handle, "w") as out:
        out.write(secrets.token_hex(32))
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    # A worker that lost the race may read before the winner wrote: wait for the full key.
    for _ in range(50):
        key = path.read_text().strip()
        if len(key) == 64:
            return key.encode()
        time.sleep(0.02)
    raise RuntimeError(f"{path} does not hold a session key; delete it and restart")


# --- the guard ---------------------------------------------------------------------------------------------------


def _guard() -> Any:
    path = flask.request.path
    if path in _PUBLIC_PATHS or path.startswith(_PUBLIC_PREFIXES):
        return None
    runtime = access_runtime()
    if runtime.config is None:
        return _open_mode()
    viewer = _header_viewer(runtime.config) if runtime.config.sign_in == "header" else _session_viewer()
    if isinstance(viewer, flask.Response):
        return viewer
    set_current(viewer)
    if path == "/_dash-update-component" and not _callback_allowed(viewer):
        record_for(runtime.store, viewer, Action.DENIED, target=str(_callback_output()))
        return flask.jsonify(error="forbidden"), 403
    return None


def _open_mode() -> Any:
    if not _is_loopback(flask.request.remote_addr):
        return flask.Response(
            "Clientscope runs without sign-in (no access.yaml) and answers only this machine. "
            "Configure access.yaml (docs/access.md) to serve other computers.\n",
            status=403,
            mimetype="text/plain",
        )
    set_current(OPEN_VIEWER)
    return None


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _session_viewer() -> Viewer | flask.Response:
    user = flask_login.current_user
    if user.is_authenticated:
        return user.viewer
    if flask.request.path.startswith("/_dash"):
        return flask.make_response(flask.jsonify(error="signed out"), 401)
    target = flask.request.full_path if flask.request.query_string else flask.request.path
    # The sign-in page speaks the language of the page that was asked for.
    lang = "&lang=en" if normalise_language(flask.request.args.get("lang")) == "en" else ""
    return flask.redirect("/login?next=" + quote(target, safe="") + lang)


def _header_viewer(config: AccessConfig) -> Viewer | flask.Response:
    request = flask.request
    lang = normalise_language(request.args.get("lang"))
    username = request.headers.get(config.header.user, "").strip()
    if not username or not config.trusts(request.remote_addr):
        return flask.Response(t("access.gateway", lang), status=401, mimetype="text/plain")
    groups = [g.strip() for g in request.headers.get(config.header.groups, "").split(config.header.separator)]
    grant = config.users.get(username) or next((config.groups[g] for g in groups if g in config.groups), None)
    if grant is None:
        return flask.Response(t("access.no_role", lang), status=403, mimetype="text/plain")
    return grant.viewer(username)


def _callback_body() -> dict[str, Any]:
    body = flask.request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _callback_output() -> object:
    return _callback_body().get("output")


def _callback_allowed(viewer: Viewer) -> bool:
    """Callbacks defined by a page module run only for viewers who may open that page; the export button
    names its page in its (pattern-matching) id. Shared callbacks (shell, filter bar, lists) read under the
    viewer's scope."""
    output = _callback_output()
    if not isinstance(output, str):
        return True  # malformed bodies are the request guard's business (400), not a permission question
    if '"export-download"' in output:
        page = _pattern_page(_callback_body().get("outputs"), "page")
        return page is not None and viewer.may_open(_REPORT_PATHS.get(page, "/" + page))
    if '"section"' in output:
        # A page section (clientscope.components.sections) is drawn by one shared callback; it belongs to the page
        # its id names, which is the page it draws.
        page = _pattern_page(_callback_body().get("outputs"), "page")
        return page is not None and viewer.may_open(page)
    if '"customer-list"' in output:
        # The customer-list engine is shared code, but each list belongs to the page its id names (its `page`): a
        # role that may not open that page may not page through its customers either.
        page = _pattern_page(_callback_body().get("outputs"), "page")
        return page is not None and viewer.may_open("/" + page)
    entry = dash.get_app().callback_map.get(output)
    if entry is None:
        return True
    module = getattr(entry.get("callback"), "__module__", "")
    page = dash.page_registry.get(module)
    return page is None or viewer.may_open(page["path"])


def _pattern_page(outputs: object, key: str) -> str | None:
    """The page named by `key` in the concrete (pattern-matching) id of the request's first output (never the
    pattern's MATCH). The callback must act on this same id, not on a State the browser could set apart."""
    first = outputs[0] if isinstance(outputs, list) and outputs else outputs
    component = first.get("id") if isinstance(first, dict) else None
    page = component.get(key) if isinstance(component, dict) else None
    return page if isinstance(page, str) else None


# --- pages --------------------------------------------------------------------------------------------------------


def _guarded_layout(layout: Callable[..., Any] | Any, path: str) -> Callable[..., Any] | Any:
    if not callable(layout) or getattr(layout, "clientscope_guarded", False):
        return layout

    @functools.wraps(layout)
    def guarded(**query: Any) -> Any:
        viewer = current_viewer()
        store = access_runtime().store
        target = path.split("<", 1)[0].rstrip("/") or "/"
        if not viewer.may_open(path):
            record_for(store, viewer, Action.DENIED, target=target)
            return denied_page(viewer, normalise_language(query.get("lang")))
        filters = {k: v for k, v in query.items() if k not in ("lang", "theme") and isinstance(v, str)}
        if "customer_id" in query:
            record_for(store, viewer, Action.OPEN_CUSTOMER, target=str(query["customer_id"])[:64])
        else:
            record_for(store, viewer, Action.VIEW, target=target, filters=filters)
        return layout(**query)

    guarded.clientscope_guarded = True  # type: ignore[attr-defined]
    return guarded


def denied_page(viewer: Viewer, lang: str) -> html.Div:
    role = t(f"access.role.{viewer.role.value}", lang)
    return dbc.Container(
        [html.H2(t("access.denied.title", lang)), html.P(t("access.denied.body", lang, role=role))],
        id="access-denied",
        className="py-4",
    )


# --- sign-in and sign-out ------------------------------------------------------------------------------------------


def signs_out() -> bool:
    """Whether viewers sign out here (built-in accounts), rather than at the bank's gateway."""
    config = access_runtime().config
    return config is not None and config.sign_in == "accounts"


def csrf_token() -> str:
    token = flask.session.get(_CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        flask.session[_CSRF_KEY] = token
    return token


def _csrf_ok() -> bool:
    sent = flask.request.form.get(_CSRF_KEY, "")
    expected = flask.session.get(_CSRF_KEY, "")
    return bool(sent) and bool(expected) and hmac.compare_digest(sent, expected)


def _login() -> Any:
    runtime = access_runtime()
    request = flask.request
    lang = normalise_language(request.values.get("lang"))
    if runtime.config is None:
        return flask.redirect("/")
    if runtime.config.sign_in != "accounts":
        return flask.Response(t("access.gateway", lang), status=401, mimetype="text/plain")
    next_url = _safe_next(request.values.get("next"), lang)
    if request.method == "GET":
        message = t("access.login.signed_out", lang) if request.args.get("signed_out") else None
        return _login_response(lang, next_url, message, 200)
    if not _csrf_ok():
        return _login_response(lang, next_url, t("access.login.expired", lang), 400)
    username = request.form.get("username", "").strip()[:120]
    result = accounts.sign_in(runtime.store, username, request.form.get("password", ""), runtime.config.lockout)
    if result.viewer is None:
        record(
            runtime.store,
            Action.SIGN_IN_FAILED,
            username=username or "(empty)",
            role="",
            detail={"reason": result.reason},
            remote_addr=request.remote_addr,
        )
        key = {"locked": "access.login.locked", "disabled": "access.login.disabled"}.get(result.reason)
        text = t(key or "access.login.wrong", lang, minutes=runtime.config.lockout.minutes)
        # 200, not 401: the answer is the sign-in page again with its message (a browser logs a 4xx document as
        # a console error, and 401 would promise an HTTP authentication challenge that this form is not).
        return _login_response(lang, next_url, text, 200)
    flask.session.clear()  # a fresh session on sign-in: no fixation
    flask_login.login_user(_SessionUser(result.viewer, result.session_epoch))
    flask.session.permanent = True
    # The sign-out form's token is made now, with the session: made later, by the navbar's callback, it would be
    # lost whenever a concurrent callback's response wrote the session cookie without it.
    csrf_token()
    record_for(runtime.store, result.viewer, Action.SIGN_IN)
    return flask.redirect(next_url)


def _logout() -> Any:
    runtime = access_runtime()
    lang = normalise_language(flask.request.values.get("lang"))
    if not _csrf_ok():
        return flask.redirect("/")
    user = flask_login.current_user
    if user.is_authenticated:
        accounts.end_sessions(runtime.store, user.viewer.username)
        record_for(runtime.store, user.viewer, Action.SIGN_OUT)
    flask_login.logout_user()
    flask.session.clear()
    return flask.redirect("/login?signed_out=1" + ("&lang=en" if lang == "en" else ""))


def _login_response(lang: str, next_url: str, message: str | None, status: int) -> flask.Response:
    body = login_html(lang=lang, csrf=csrf_token(), next_url=next_url, message=message)
    response = flask.make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_next(value: str | None, lang: str) -> str:
    """Only a path on this server: never an absolute URL (an open redirect after sign-in). Without one, the
    overview in the sign-in page's language."""
    home = "/?lang=en" if lang == "en" else "/"
    if not value:
        return home
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return home
    return value
