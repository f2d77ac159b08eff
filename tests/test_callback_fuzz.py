"""Tampered callback requests get 200, 204 or 400 — never a 500 — and leave no traceback in the log.

For every page, the test renders the page through Dash's own pages router (a real callback request), reads
the components of the shell and the page, and builds for each server-side callback whose inputs are on that
page the body the browser would send. That body must be answered 200 or 204. Then each input and state value
is replaced in turn by a list, an object, a number, a boolean, a short and a very long string, and the ids,
properties, outputs and the body's shape are broken one at a time: every answer must be 200, 204 or 400.
Everything is deterministic (no random choices) and bounded (about 2,200 requests, ~15 s).
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from clientscope.views.store import OPEN_OWNER, save_view
from clientscope.web.callback_guard import is_list_valued
from tests.conftest import REPO_ROOT
from tests.sections_support import render_sections

CALLBACK_URL = "/_dash-update-component"
PAGE_PATHS = (
    "/",
    "/segments",
    "/lifecycle",
    "/campaigns",
    "/churn",
    "/metrics",
    "/audit",
    "/subscriptions",
    "/explore",
    "/views",
)
# + one /customers/<id>
LOCATION_IDS = ("url", "_pages_location")
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
TAMPERED_VALUES: tuple[Any, ...] = (
    ["x", 1],
    {"fuzz": [1, {"deep": None}]},
    12345,
    -7.5,
    True,
    "?lang=en&region=" + "区" * 300,
    "x" * 50_000,
)
ALLOWED = {200, 204, 400}


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.fixture(scope="module")
def customer_path(demo_data: Path) -> str:
    ids = pl.read_parquet(demo_data / "customers" / "*.parquet", columns=["customer_id"])["customer_id"]
    return f"/customers/{ids.sort()[0]}"


def components(tree: Any) -> Iterator[tuple[Any, dict]]:
    """(id, props) of every component with an id in a layout's JSON, wherever it is nested."""
    if isinstance(tree, list):
        for item in tree:
            yield from components(item)
    elif isinstance(tree, dict):
        if "type" in tree and "namespace" in tree and isinstance(tree.get("props"), dict):
            props = tree["props"]
            if "id" in props:
                yield props["id"], props
            for value in props.values():
                yield from components(value)
        else:
            for value in tree.values():
                yield from components(value)


def page_components(client, path: str) -> list[tuple[Any, dict]]:
    """The shell's and the page's components, the page rendered by the pages router as the browser asks."""
    body = {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    response = client.post(CALLBACK_URL, json=body)
    assert response.status_code == 200, response.text
    page = response.get_json()["response"]["_pages_content"]["children"]
    sections = render_sections(client, page, path, "")  # a sectioned page's content is in its sections
    return [*components(client.get("/_dash-layout").get_json()), *components(page), *components(sections)]


def _pattern(component_id: str) -> dict | None:
    return json.loads(component_id) if component_id.startswith("{") else None


def _fits(got: Any, pattern: dict, match: dict) -> bool:
    if not isinstance(got, dict) or got.keys() != pattern.keys():
        return False
    for key, wanted in pattern.items():
        if wanted == ["MATCH"] and key in match and got[key] != match[key]:
            return False
        if not isinstance(wanted, list) and got[key] != wanted:
            return False
    return True


def _resolve(dep: dict, found: list[tuple[Any, dict]], path: str, match: dict, with_value: bool) -> Any:
    """The body entry for one declared dependency on this page, or None when the page lacks it."""
    prop = dep["property"]

    def entry(component_id: Any, props: dict) -> dict:
        item = {"id": component_id, "property": prop}
        if with_value:
            value = component_id if prop == "id" else props.get(prop)
            if component_id in LOCATION_IDS:
                value = {"pathname": path, "search": ""}.get(prop, value)
            if value is not None:
                item["value"] = value
        return item

    pattern = _pattern(dep["id"])
    if pattern is None:
        props = next((p for i, p in found if i == dep["id"]), None)
        return None if props is None else entry(dep["id"], props)
    hits = [(i, p) for i, p in found if _fits(i, pattern, match)]
    if any(v in (["ALL"], ["ALLSMALLER"]) for v in pattern.values()):
        return [entry(i, p) for i, p in hits]
    if not hits:
        return None
    component_id, props = hits[0]
    match.update({k: component_id[k] for k, v in pattern.items() if v == ["MATCH"]})
    return entry(component_id, props)


def valid_body(dependency: dict, found: list[tuple[Any, dict]], path: str) -> dict | None:
    """The body the browser sends for this callback on this page (None: the callback is not on the page)."""
    match: dict = {}
    inputs = [_resolve(d, found, path, match, True) for d in dependency["inputs"]]
    if any(i is None for i in inputs) or all(i == [] for i in inputs):
        return None
    state = [_resolve(d, found, path, match, True) for d in dependency["state"]]
    outputs_spec = [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]} for o in _outputs(dependency)]
    outputs = [_resolve(d, found, path, match, False) for d in outputs_spec]
    if any(s is None for s in state) or any(o is None for o in outputs):
        return None
    first = inputs[0][0] if isinstance(inputs[0], list) and inputs[0] else inputs[0]
    body = {
        "output": dependency["output"],
        "outputs": outputs if dependency["output"].startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [_prop_id(first)] if isinstance(first, dict) else [],
    }
    if state:
        body["state"] = state
    return body


def _outputs(dependency: dict) -> list[str]:
    output = dependency["output"]
    names = output[2:-2].split("...") if output.startswith("..") else [output]
    return names  # a duplicate output keeps its `@hash` in the property, as the renderer sends it


def _prop_id(entry: dict) -> str:
    component_id = entry["id"]
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{entry['property']}"


def tampered(body: dict) -> Iterator[tuple[str, Any]]:
    """(what was changed, the changed body) for every way this test breaks a valid body."""
    for section in ("inputs", "state"):
        for position, item in enumerate(body.get(section, [])):
            if isinstance(item, list) and not item:
                continue
            for value in TAMPERED_VALUES:
                changed = copy.deepcopy(body)
                target = changed[section][position]
                (target[0] if isinstance(target, list) else target)["value"] = value
                yield f"{section}[{position}].value={str(value)[:30]}", changed
            for key, wrong in (("id", "no-such-id"), ("id", {"type": "no-such"}), ("property", "no_such_prop")):
                changed = copy.deepcopy(body)
                target = changed[section][position]
                (target[0] if isinstance(target, list) else target)[key] = wrong
                yield f"{section}[{position}].{key}={wrong}", changed
            first = item[0] if isinstance(item, list) else item
            if isinstance(first["id"], dict):  # a pattern-matching id naming a component that does not exist
                for wrong in ("no-such-value", 12345, True):
                    changed = copy.deepcopy(body)
                    target = changed[section][position]
                    target = target[0] if isinstance(target, list) else target
                    target["id"] = {k: (v if k == "type" else wrong) for k, v in target["id"].items()}
                    if target["property"] == "id":
                        target["value"] = target["id"]
                    yield f"{section}[{position}].id wildcard={wrong}", changed
            changed = copy.deepcopy(body)
            changed[section][position] = {"fuzz": 1} if isinstance(item, list) else [item, item]
            yield f"{section}[{position}] reshaped", changed
    for key, wrong in (
        ("output", "no-such-output.children"),
        ("output", ["a", "list"]),
        ("outputs", {"id": "no-such-id", "property": "children"}),
        ("outputs", "x"),
        ("inputs", {"not": "a list"}),
        ("inputs", []),
        ("state", [[], {}, 3]),
        ("changedPropIds", "url.search"),
        ("changedPropIds", [{"x": 1}]),
        ("changedPropIds", ['{"type": broken.value']),
        ("changedPropIds", ["no-such-id.value"]),
    ):
        changed = copy.deepcopy(body)
        changed[key] = wrong
        yield f"{key}={wrong}", changed
    for key in ("output", "outputs", "inputs"):
        changed = copy.deepcopy(body)
        del changed[key]
        yield f"no {key}", changed


def test_tampered_callback_bodies_never_give_a_500(client, dash_app, customer_path, caplog, monkeypatch) -> None:
    caplog.set_level(logging.WARNING)
    # /subscriptions lists the example file's subscriptions, so that its pause buttons' callback is fuzzed too.
    monkeypatch.setenv("CLIENTSCOPE_SUBSCRIPTIONS", str(REPO_ROOT / "subscriptions.example.yaml"))
    # one saved view, so that /views renders its share and delete buttons (their callback is fuzzed too)
    save_view(dash_app.server.extensions["clientscope_access"].store, OPEN_OWNER, "fuzz", "/explore", "", False)
    dependencies = [d for d in client.get("/_dash-dependencies").get_json() if not d.get("clientside_function")]
    statuses: dict[int, int] = {}
    failures: list[str] = []
    covered: set[str] = set()
    for path in (*PAGE_PATHS, customer_path):
        found = page_components(client, path)
        # The guard's table of list-valued components agrees with what the pages render.
        assert [i for i, p in found if "value" in p and isinstance(p["value"], list) != is_list_valued(i)] == []
        for dependency in dependencies:
            body = valid_body(dependency, found, path)
            if body is None:
                continue
            covered.add(dependency["output"])
            response = client.post(CALLBACK_URL, json=body)
            if response.status_code not in (200, 204):
                failures.append(f"{path} {dependency['output']} valid body: {response.status_code} {response.text}")
            for what, changed in tampered(body):
                response = client.post(CALLBACK_URL, json=changed)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code not in ALLOWED:
                    failures.append(f"{path} {dependency['output']} {what}: HTTP {response.status_code}")
    assert failures == []
    # Every server-side callback was exercised on some page (the fuzz does not silently skip one).
    assert covered == {d["output"] for d in dependencies}
    assert statuses.get(400, 0) > 500
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert tracebacks == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"[1, 2]", b"null", b'"a string"', b"{", b'{"output": 1}'],
    ids=["text", "list", "null", "string", "truncated", "output-number"],
)
def test_malformed_json_bodies_are_400(client, payload: bytes) -> None:
    response = client.post(CALLBACK_URL, data=payload, content_type="application/json")
    assert response.status_code == 400
    assert set(response.get_json()) == {"error"}
