"""Security headers, no-store, /health, and the CSRF and shape checks in front of the callback endpoint."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from clientscope.web.callback_guard import VALUE_TYPES

CALLBACK_URL = "/_dash-update-component"
THEME_BODY = {  # the shell's server-side callback, as the browser sends it on the overview
    "output": "..navbar.children...data-error.children...page.style..",
    "outputs": [
        {"id": "navbar", "property": "children"},
        {"id": "data-error", "property": "children"},
        {"id": "page", "property": "style"},
    ],
    "inputs": [
        {"id": "url", "property": "pathname", "value": "/"},
        {"id": "url", "property": "search", "value": "?lang=en"},
    ],
    "changedPropIds": ["url.pathname"],
}


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def _directives(csp: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in csp.split("; ")}


def _assert_security_headers(response) -> None:
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]


def test_page_html_has_the_security_headers_and_is_not_stored(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_every_inline_script_of_the_page_is_allowed_by_its_hash(client) -> None:
    response = client.get("/")
    html = re.sub(r"<!--.*?-->", "", response.text, flags=re.S)  # scripts inside comments never run
    # Inline scripts the browser executes: no src, and no non-JavaScript type (the JSON config is data).
    inline = [
        body
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
        if "src=" not in attrs and "application/json" not in attrs
    ]
    assert len(inline) >= 2  # the pages router's clientside function and `new DashRenderer()`
    allowed = _directives(response.headers["Content-Security-Policy"])["script-src"]
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed


def test_callback_answers_are_not_stored(client) -> None:
    response = client.post(CALLBACK_URL, json=THEME_BODY)
    assert response.status_code == 200
    assert "Overview" in response.text
    _assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/assets/clientscope.css", "/_favicon.ico"])
def test_static_files_may_be_cached(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_component_bundles_may_be_cached(client) -> None:
    bundle = re.search(r'src="(/_dash-component-suites/[^"]+)"', client.get("/").text).group(1)
    response = client.get(bundle)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_health_answers_ok_and_nothing_else(client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.data == b"OK"
    assert response.headers["Cache-Control"] == "no-store"
    _assert_security_headers(response)


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"],
)
def test_callbacks_refuse_what_a_cross_site_form_can_send(client, content_type: str) -> None:
    # The three content types an HTML form (or a "simple" cross-site fetch) may send without a preflight.
    response = client.post(CALLBACK_URL, data='{"output": "x"}', content_type=content_type)
    assert response.status_code == 415
    assert response.get_json() == {"error": "callback requests must have Content-Type: application/json"}


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
    ids=["other-origin", "null-origin", "sec-fetch-cross-site"],
)
def test_callbacks_refuse_cross_site_requests(client, headers: dict[str, str]) -> None:
    response = client.post(CALLBACK_URL, json=THEME_BODY, headers=headers)
    assert response.status_code == 403
    assert response.get_json() == {"error": "cross-site callback request"}


def test_callbacks_accept_same_origin_requests(client) -> None:
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    response = client.post(CALLBACK_URL, json=THEME_BODY, headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"output": "no-such.children"}, "unknown output"),
        # a clientside callback: the browser runs it, the server has nothing to dispatch
        ({"output": "theme-sink.children"}, "unknown output"),
        ({"inputs": THEME_BODY["inputs"][:1]}, "`inputs` does not match the callback"),
        (
            {"inputs": [THEME_BODY["inputs"][0], {"id": "url", "property": "search", "value": ["?lang=en"]}]},
            "inputs[1]: `search` must be a string or null",
        ),
        (
            {"inputs": [{"id": "url", "property": "pathname", "value": "segments"}, THEME_BODY["inputs"][1]]},
            "inputs[0]: `pathname` must be a string starting with / or null",
        ),
        ({"inputs": [{"id": "nope", "property": "pathname"}, THEME_BODY["inputs"][1]]}, "inputs[0]: unknown id"),
        ({"inputs": [{"id": "url", "property": "href"}, THEME_BODY["inputs"][1]]}, "inputs[0]: unknown property"),
        ({"outputs": THEME_BODY["outputs"][:2]}, "`outputs` does not match the callback"),
        ({"changedPropIds": "url.pathname"}, "`changedPropIds` must be a list of strings"),
        ({"changedPropIds": ["url.hash"]}, "`changedPropIds` must name the callback's inputs"),
        ({"changedPropIds": ['{"type":"x".value']}, "`changedPropIds` must name the callback's inputs"),
    ],
)
def test_bad_callback_bodies_are_400_with_a_short_reason(client, change: dict, error: str) -> None:
    response = client.post(CALLBACK_URL, json={**THEME_BODY, **change})
    assert response.status_code == 400
    assert response.get_json() == {"error": error}


def test_every_property_a_callback_reads_has_a_declared_type(dash_app, client) -> None:
    client.get("/")  # Dash registers the pages' callbacks on the first request
    read = {
        dep["property"]
        for spec in dash_app.callback_map.values()
        if "callback" in spec
        for dep in [*spec.get("inputs", []), *spec.get("state", [])]
    }
    assert read - {"id"} <= set(VALUE_TYPES)


def test_serve_runs_without_debug(monkeypatch) -> None:
    import argparse

    import clientscope.shell
    import clientscope.startup
    from clientscope.cli import _cmd_serve

    runs: list[dict] = []

    class FakeApp:
        def run(self, **kwargs) -> None:
            runs.append(kwargs)

    monkeypatch.setattr(clientscope.startup, "prepare", lambda *args: None)
    monkeypatch.setattr(clientscope.shell, "create_app", lambda ctx, access=None: FakeApp())
    _cmd_serve(argparse.Namespace(data=None, metrics=None, access=None, host="127.0.0.1", port=8050))
    assert runs == [{"host": "127.0.0.1", "port": 8050, "debug": False}]


def test_app_py_runs_without_debug() -> None:
    import ast

    from tests.conftest import REPO_ROOT

    tree = ast.parse((REPO_ROOT / "app.py").read_text(encoding="utf-8"))
    runs = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "run"]
    assert [{k.arg: ast.literal_eval(k.value) for k in run.keywords}.get("debug") for run in runs] == [False]


@pytest.mark.parametrize(("search", "language"), [(["?lang=en"], "zh_CN"), (7, "zh_CN"), ("?lang=en", "en")])
def test_the_callback_error_handler_reads_the_language_of_any_search(monkeypatch, search, language) -> None:
    # The toast's language comes from the request's url.search: a tampered one must not make the error
    # handler fail in turn (that failure was an HTTP 500 before the guard existed).
    from types import SimpleNamespace

    import clientscope.errors

    monkeypatch.setattr(clientscope.errors, "ctx", SimpleNamespace(states={"url.search": search}, inputs={}))
    assert clientscope.errors._language() == language
