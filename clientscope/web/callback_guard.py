"""Checks on every POST to Dash's callback endpoint, made before Dash reads the body.

Dash trusts the body it is sent: an unknown output is a `KeyError`, and a list where the URL search belongs
reaches the callback (and the error handler) as a list. Both were HTTP 500s. Here the body is checked
against the callback it names in `app.callback_map`: its inputs and state must be the ones that callback
declares, in the same order, and each value must have the type its property can hold (`VALUE_TYPES`).
Anything else is answered 400 with a short JSON error and a warning in the log, before Dash sees it.

The same hook refuses cross-site requests (see docs/security.md): the body must be `application/json`,
which an HTML form cannot send and a cross-site script cannot send without a CORS preflight this server
never approves, and a browser's `Origin` / `Sec-Fetch-Site` headers, when present, must name this site.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import dash
from flask import Request, Response, jsonify, request

log = logging.getLogger(__name__)

CALLBACK_ROUTE = "_dash-update-component"
# The longest string value accepted: a URL query string with many filters is a few kB.
MAX_TEXT = 32_768
# The most components one pattern-matching (ALL) input may list, and the most items in one list value.
MAX_ITEMS = 5_000
_MULTI_WILDCARDS = (["ALL"], ["ALLSMALLER"])
_WILDCARDS = (*_MULTI_WILDCARDS, ["MATCH"])

Check = Callable[[Any], bool]


def _text(value: Any) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= MAX_TEXT)


def _count(value: Any) -> bool:
    return value is None or (type(value) is int and value >= 0)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scalar(value: Any) -> bool:
    return (isinstance(value, str) and len(value) <= MAX_TEXT) or _number(value)


def _path(value: Any) -> bool:
    return value is None or (_text(value) and value.startswith("/"))


def _choice(value: Any) -> bool:
    """A single-choice dropdown, radio or text input value: one option, or nothing chosen."""
    return value is None or _scalar(value)


def _choices(value: Any) -> bool:
    """A multi-select dropdown or checklist value: a list of options (each a string), or nothing chosen."""
    if isinstance(value, list):
        return len(value) <= MAX_ITEMS and all(isinstance(item, str) and len(item) <= MAX_TEXT for item in value)
    return value is None


def _object(value: Any) -> bool:
    return value is None or isinstance(value, dict)


# Every property a server-side callback reads, with the type it may hold. A callback that reads a
# property missing here is refused (400) until the property is added: the guard fails closed, and
# tests/test_hardening.py checks that every registered callback's properties are listed.
VALUE_TYPES: Mapping[str, tuple[Check, str]] = {
    "pathname": (_path, "a string starting with / or null"),
    "search": (_text, "a string or null"),
    "hash": (_text, "a string or null"),
    "href": (_text, "a string or null"),
    "n_clicks": (_count, "a non-negative integer or null"),
    "value": (_choice, "a string, a number or null"),
    "clickData": (_object, "an object or null"),
    "selectedData": (_object, "an object or null"),
    "cellClicked": (_object, "an object or null"),
    "getRowsRequest": (_object, "an object or null"),
    "figure": (_object, "an object or null"),
    "data": (_object, "an object or null"),
}


# Components whose `value` is a list of strings (multi-select dropdowns, checklists), by id or, for
# pattern-matching ids, by their "type"; every other `value` is one option. tests/test_callback_fuzz.py
# checks this against the `value` of every component on every page.
LIST_VALUED: frozenset[str] = frozenset(
    {"filter", "retention-status-filter", "explore-metrics", "explore-rows", "explore-show", "save-view-share"}
)
LIST_VALUE_TYPE: tuple[Check, str] = (_choices, "a list of strings or null")


class RejectedRequest(Exception):
    """A callback request the guard refuses: the HTTP status and a short reason for the client and the log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def install_callback_guard(app: dash.Dash) -> None:
    """Check every request to the callback endpoint before Dash dispatches it."""
    route = app.config.routes_pathname_prefix + CALLBACK_ROUTE

    def guard() -> Response | None:
        if request.path != route or request.method != "POST":
            return None
        try:
            check_same_site(request)
            check_body(request.get_json(silent=True), app.callback_map)
        except RejectedRequest as rejected:
            log.warning("refused a callback request (HTTP %s): %s", rejected.status, rejected.reason)
            response = jsonify(error=rejected.reason)
            response.status_code = rejected.status
            return response
        return None

    # Runs after Dash's own `_setup_server` hook (registered in Dash.__init__, and Flask runs hooks in order),
    # so `callback_map` already holds the pages' callbacks on the very first request.
    app.server.before_request(guard)


def check_same_site(req: Request) -> None:
    """Refuse what a cross-site page could make a signed-in user's browser send (CSRF)."""
    if req.mimetype != "application/json":
        raise RejectedRequest(415, "callback requests must have Content-Type: application/json")
    if req.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        raise RejectedRequest(403, "cross-site callback request")
    origin = req.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != req.host:
        raise RejectedRequest(403, "cross-site callback request")


def check_body(body: Any, callback_map: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise `RejectedRequest` (400) unless `body` is a call of a registered server-side callback."""
    if not isinstance(body, dict):
        raise RejectedRequest(400, "the body must be a JSON object")
    output = body.get("output")
    spec = callback_map.get(output) if isinstance(output, str) else None
    # Clientside callbacks are in the map too, without a "callback": the browser runs them, never the server.
    if spec is None or "callback" not in spec:
        raise RejectedRequest(400, "unknown output")
    _check_section(body, "inputs", [_dependency(d) for d in spec.get("inputs") or []], with_values=True)
    _check_section(body, "state", [_dependency(d) for d in spec.get("state") or []], with_values=True)
    if not spec.get("no_output"):
        _check_outputs(body, output)
    _check_changed(body)


def _check_changed(body: Mapping[str, Any]) -> None:
    """`changedPropIds` (what Dash's `ctx.triggered_id` parses) must name the request's own inputs."""
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or len(changed) > MAX_ITEMS or not all(_text(item) for item in changed):
        raise RejectedRequest(400, "`changedPropIds` must be a list of strings")
    entries = [e for item in body["inputs"] for e in (item if isinstance(item, list) else [item])]
    inputs = {(_canonical(e["id"]), e["property"]) for e in entries}
    if not all(_parse_prop_id(item) in inputs for item in changed):
        raise RejectedRequest(400, "`changedPropIds` must name the callback's inputs")


def _canonical(component_id: Any) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def _parse_prop_id(prop_id: str) -> tuple[str, str] | None:
    """("<id>", "<property>") of "<id>.<property>", a pattern-matching id in canonical JSON; None if malformed."""
    component_id, dot, prop = prop_id.rpartition(".")
    if not dot:
        return None
    if component_id.startswith("{"):
        try:
            parsed = json.loads(component_id)
        except ValueError:
            return None
        return (_canonical(parsed), prop) if isinstance(parsed, dict) else None
    return component_id, prop


def _dependency(declared: Mapping[str, Any]) -> tuple[str, str]:
    """(id, property) of a declared input or state; pattern-matching ids as Dash's JSON string."""
    component_id = declared["id"]
    if isinstance(component_id, Enum):
        component_id = component_id.value
    return str(component_id), declared["property"]


def _check_outputs(body: Mapping[str, Any], output: str) -> None:
    """The outputs named in the callback's key, as the renderer sends them (with any `@hash` of a duplicate)."""
    multi = output.startswith("..")
    names = output[2:-2].split("...") if multi else [output]
    dependencies = [tuple(name.rsplit(".", 1)) for name in names]
    if multi:
        _check_section(body, "outputs", dependencies, with_values=False)
    else:
        # A single output is sent bare, not in a one-item list.
        _check_section({"outputs": [body.get("outputs")]}, "outputs", dependencies, with_values=False)


def _check_section(
    body: Mapping[str, Any], section: str, declared: Sequence[tuple[str, str]], with_values: bool
) -> None:
    items = body.get(section, [] if section == "state" else None)
    if not isinstance(items, list) or len(items) != len(declared):
        raise RejectedRequest(400, f"`{section}` does not match the callback")
    for position, ((component_id, prop), item) in enumerate(zip(declared, items, strict=True)):
        where = f"{section}[{position}]"
        pattern = json.loads(component_id) if component_id.startswith("{") else None
        if pattern is not None and any(value in _MULTI_WILDCARDS for value in pattern.values()):
            if not isinstance(item, list) or len(item) > MAX_ITEMS:
                raise RejectedRequest(400, f"{where} must be a list of components")
            for entry in item:
                _check_entry(entry, where, component_id, pattern, prop, with_values)
        else:
            _check_entry(item, where, component_id, pattern, prop, with_values)


def _check_entry(entry: Any, where: str, component_id: str, pattern: dict | None, prop: str, with_values: bool) -> None:
    if not isinstance(entry, dict):
        raise RejectedRequest(400, f"{where} must be an object")
    if entry.get("property") != prop:
        raise RejectedRequest(400, f"{where}: unknown property")
    got_id = entry.get("id")
    if not (_matches(got_id, pattern) if pattern is not None else got_id == component_id):
        raise RejectedRequest(400, f"{where}: unknown id")
    if not with_values:
        return
    value = entry.get("value")
    if prop == "id":
        if value is not None and value != got_id:
            raise RejectedRequest(400, f"{where}: `id` must be the component's id")
        return
    if prop == "value" and is_list_valued(got_id):
        check, expected = LIST_VALUE_TYPE
    else:
        check, expected = VALUE_TYPES.get(prop, (None, ""))
    if check is None:
        raise RejectedRequest(400, f"{where}: `{prop}` is not an accepted property")
    if not check(value):
        raise RejectedRequest(400, f"{where}: `{prop}` must be {expected}")


def _matches(got_id: Any, pattern: Mapping[str, Any]) -> bool:
    """Whether a component id (a dict) fits a pattern-matching id such as {"type": "filter", "key": ALL}."""
    if not isinstance(got_id, dict) or got_id.keys() != pattern.keys():
        return False
    return all(
        (_scalar(got_id[key]) or isinstance(got_id[key], bool)) if wanted in _WILDCARDS else got_id[key] == wanted
        for key, wanted in pattern.items()
    )


def is_list_valued(component_id: Any) -> bool:
    key = component_id.get("type") if isinstance(component_id, dict) else component_id
    return key in LIST_VALUED
