"""Render a sectioned page's sections over HTTP as the browser does: after the pages router has drawn the empty
slots (`clientscope.components.sections`), one request per slot fills it from the URL's query string."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

CALLBACK_URL = "/_dash-update-component"


def slots(tree: Any) -> Iterator[dict]:
    """The ids of the section slots in a rendered page."""
    if isinstance(tree, dict):
        ident = tree.get("id")
        if isinstance(ident, dict) and ident.get("type") == "section":
            yield ident
        for value in tree.values():
            yield from slots(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from slots(value)


def section_output(dependencies: list[dict]) -> str:
    """The callback_map key of the one callback that fills every section slot (from /_dash-dependencies)."""
    return next(d["output"] for d in dependencies if '"type":"section"' in d["output"])


def section_body(output: str, slot: dict, path: str, search: str) -> dict:
    key = {**slot, "type": "section-key"}
    return {
        "output": output,
        "outputs": [{"id": slot, "property": "children"}, {"id": key, "property": "data"}],
        "inputs": [{"id": "url", "property": "search", "value": search}],
        "state": [{"id": "url", "property": "pathname", "value": path}, {"id": key, "property": "data", "value": None}],
        "changedPropIds": ["url.search"],
    }


def render_sections(client, tree: Any, path: str, search: str, **request: Any) -> list[Any]:
    """The children of every section slot in a rendered page (an empty list for a page without sections), asked
    with a Flask test client (`request`: its keyword arguments, e.g. headers)."""
    found = list(slots(tree))
    if not found:
        return []
    output = section_output(client.get("/_dash-dependencies", **request).get_json())
    drawn = []
    for slot in found:
        response = client.post(CALLBACK_URL, json=section_body(output, slot, path, search), **request)
        assert response.status_code == 200, (slot, response.status_code, response.get_data(as_text=True)[:300])
        drawn.append(response.get_json()["response"])
    return drawn
