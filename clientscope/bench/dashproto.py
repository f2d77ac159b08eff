"""Dash's callback protocol, spoken the way the browser's renderer speaks it.

The benchmark drives the app over HTTP with the same requests dash-renderer sends:
`GET /_dash-layout` and `GET /_dash-dependencies` describe the components and callbacks, and each
callback is a `POST /_dash-update-component` whose body names the output, the input and state values
read from the current layout, and the properties that changed.  Nothing here is specific to a page:
the callbacks and component ids come from the running app, so new pages are measured as they appear.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

ComponentId = str | dict[str, Any]
WILDCARDS = ("ALL", "MATCH", "ALLSMALLER")


@dataclass(frozen=True)
class Dep:
    """One (component id, property) of a callback; a dict id may hold wildcards (["ALL"], ["MATCH"])."""

    id: ComponentId
    prop: str

    @property
    def is_pattern(self) -> bool:
        return isinstance(self.id, dict) and any(_is_wildcard(v) for v in self.id.values())

    @property
    def multi(self) -> bool:
        """Whether the renderer sends a list of values (ALL / ALLSMALLER) rather than one value."""
        return isinstance(self.id, dict) and any(_is_wildcard(v) and v[0] != "MATCH" for v in self.id.values())

    @property
    def clean_prop(self) -> str:
        """The property without the `@hash` Dash appends to outputs declared with allow_duplicate."""
        return self.prop.split("@", 1)[0]


@dataclass(frozen=True)
class Callback:
    """A callback as listed by `/_dash-dependencies`."""

    output: str
    outputs: tuple[Dep, ...]
    inputs: tuple[Dep, ...]
    state: tuple[Dep, ...]
    prevent_initial_call: bool
    clientside: bool

    @property
    def multi_output(self) -> bool:
        return self.output.startswith("..") and self.output.endswith("..")

    def label(self) -> str:
        """A readable name for reports: its outputs, and the first input that triggers it."""
        outputs = ", ".join(f"{short_id(d.id)}.{d.clean_prop}" for d in self.outputs)
        first = self.inputs[0] if self.inputs else None
        trigger = f" ← {short_id(first.id)}.{first.prop}" if first else ""
        more = f" (+{len(self.inputs) - 1})" if len(self.inputs) > 1 else ""
        return outputs + trigger + more


def _is_wildcard(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 1 and value[0] in WILDCARDS


def short_id(component_id: ComponentId) -> str:
    """`{"type": "filter", "key": ["ALL"]}` → `{filter}`: pattern ids by their type, for labels."""
    if isinstance(component_id, dict):
        kind = component_id.get("type")
        return "{" + (str(kind) if kind is not None else ",".join(sorted(component_id))) + "}"
    return component_id


def id_key(component_id: ComponentId) -> str:
    """The renderer's string form of an id (dict ids: keys sorted, compact JSON)."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return str(component_id)


def prop_key(component_id: ComponentId, prop: str) -> str:
    """A `changedPropIds` entry: `id.prop`."""
    return f"{id_key(component_id)}.{prop}"


def _split_id_and_prop(text: str) -> Dep:
    # The renderer splits at the last dot (ids must not contain dots).
    dot = text.rindex(".")
    raw_id, prop = text[:dot], text[dot + 1 :]
    component_id: ComponentId = json.loads(raw_id) if raw_id.startswith("{") else raw_id
    return Dep(component_id, prop)


def parse_output(output: str) -> tuple[Dep, ...]:
    if output.startswith("..") and output.endswith(".."):
        return tuple(_split_id_and_prop(part) for part in output[2:-2].split("..."))
    return (_split_id_and_prop(output),)


def _dep(raw: Mapping[str, Any]) -> Dep:
    component_id = raw["id"]
    if isinstance(component_id, str) and component_id.startswith("{"):
        component_id = json.loads(component_id)
    return Dep(component_id, raw["property"])


def parse_dependencies(raw: list[Mapping[str, Any]]) -> tuple[Callback, ...]:
    """The body of `GET /_dash-dependencies` → callbacks."""
    return tuple(
        Callback(
            output=item["output"],
            outputs=() if item.get("no_output") else parse_output(item["output"]),
            inputs=tuple(_dep(d) for d in item.get("inputs", [])),
            state=tuple(_dep(d) for d in item.get("state", [])),
            prevent_initial_call=bool(item.get("prevent_initial_call")),
            clientside=bool(item.get("clientside_function")),
        )
        for item in raw
    )


def matches(pattern: ComponentId, component_id: ComponentId, match: Mapping[str, Any] | None = None) -> bool:
    """Whether a concrete id fits a (possibly wildcard) id; MATCH keys must equal `match` when given."""
    if isinstance(pattern, str) or isinstance(component_id, str):
        return pattern == component_id
    if set(pattern) != set(component_id):
        return False
    for key, value in pattern.items():
        if _is_wildcard(value):
            if value[0] == "MATCH" and match is not None and key in match and match[key] != component_id[key]:
                return False
        elif value != component_id[key]:
            return False
    return True


def iter_components(node: Any) -> Iterator[dict[str, Any]]:
    """Every component (a dict with `type` and `props`) in a layout tree, in document order."""
    if isinstance(node, list):
        for item in node:
            yield from iter_components(item)
    elif isinstance(node, dict) and "props" in node and "type" in node:
        yield node
        for value in node["props"].values():
            yield from iter_components(value)


class LayoutIndex:
    """The components a browser would have on screen: shell layout plus the current page's content.

    Kept as two parts because a page render replaces the page's components wholesale.
    """

    def __init__(self, shell: Any) -> None:
        self._shell = self._index(shell)
        self._page: dict[str, dict[str, Any]] = {}

    @staticmethod
    def _index(tree: Any) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for component in iter_components(tree):
            component_id = component["props"].get("id")
            if component_id is not None:
                found[id_key(component_id)] = component
        return found

    def replace_page(self, content: Any) -> None:
        self._page = self._index(content)

    def add_children(self, content: Any) -> set[str]:
        """Components a callback added (any `children` output) join the page part; returns the new ids' keys."""
        added = self._index(content)
        new = set(added) - set(self._page) - set(self._shell)
        self._page.update(added)
        return new

    def get(self, component_id: ComponentId) -> dict[str, Any] | None:
        key = id_key(component_id)
        return self._page.get(key) or self._shell.get(key)

    def in_page(self, component_id: ComponentId, among: set[str] | None = None) -> bool:
        key = id_key(component_id)
        return key in self._page and (among is None or key in among)

    def components(self) -> list[dict[str, Any]]:
        return [*self._shell.values(), *self._page.values()]

    def find(self, pattern: ComponentId, match: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        if isinstance(pattern, str):
            found = self.get(pattern)
            return [found] if found is not None else []
        return [
            c
            for c in self.components()
            if isinstance(c["props"]["id"], dict) and matches(pattern, c["props"]["id"], match)
        ]

    def set_prop(self, component_id: ComponentId, prop: str, value: Any) -> None:
        component = self.get(component_id)
        if component is not None:
            component["props"][prop] = value

    def locations(self) -> list[dict[str, Any]]:
        return [c for c in self.components() if c.get("type") == "Location"]


def _entry(component: dict[str, Any], prop: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": component["props"]["id"], "property": prop}
    if prop in component["props"]:  # the renderer drops undefined values from the JSON
        entry["value"] = component["props"][prop]
    return entry


def resolve(index: LayoutIndex, dep: Dep, match: Mapping[str, Any] | None = None) -> Any:
    """The payload entry for one dependency; None when a single-valued dependency is not on screen."""
    found = index.find(dep.id, match)
    if dep.multi:
        return [_entry(c, dep.prop) for c in found]
    return _entry(found[0], dep.prop) if found else None


def _output_entry(index: LayoutIndex, dep: Dep, match: Mapping[str, Any] | None) -> Any:
    found = index.find(dep.id, match)
    if dep.multi:
        return [{"id": c["props"]["id"], "property": dep.prop} for c in found]
    if not found:
        return None
    return {"id": found[0]["props"]["id"], "property": dep.prop}


def build_payload(
    index: LayoutIndex,
    callback: Callback,
    changed: list[str],
    match: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The body the renderer posts for `callback`; None when an input or output is not on screen."""
    inputs = [resolve(index, d, match) for d in callback.inputs]
    state = [resolve(index, d, match) for d in callback.state]
    outputs = [_output_entry(index, d, match) for d in callback.outputs]
    if any(v is None for v in (*inputs, *state, *outputs)):
        return None
    body: dict[str, Any] = {
        "output": callback.output,
        "outputs": outputs if callback.multi_output else (outputs[0] if outputs else []),
        "inputs": inputs,
        "changedPropIds": changed,
    }
    if state:
        body["state"] = state
    return body


def response_updates(body: Mapping[str, Any] | None) -> list[tuple[ComponentId, str, Any]]:
    """(id, property, value) for every property a callback response sets (including set_props)."""
    if not body:
        return []
    updates: list[tuple[ComponentId, str, Any]] = []
    for part in ("response", "sideUpdate"):
        for raw_id, props in (body.get(part) or {}).items():
            component_id: ComponentId = json.loads(raw_id) if raw_id.startswith("{") else raw_id
            updates.extend((component_id, prop, value) for prop, value in props.items())
    return updates
