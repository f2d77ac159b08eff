"""A headless stand-in for the browser: it sends the callbacks dash-renderer would send, and times them.

`Browser` keeps the components on screen (`LayoutIndex`), and after each user action fires the callbacks
the renderer fires: those whose inputs changed, in rounds, following the chain (a filter callback writes
`url.search`, every `dcc.Location` picks up the new URL, the page router re-renders the page, the new
page's own callbacks make their initial calls).  Clientside callbacks run in the browser, not on the
server, and are skipped.  Each POST is timed from request to the last byte of the response.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from clientscope.bench.dashproto import (
    Callback,
    ComponentId,
    LayoutIndex,
    build_payload,
    matches,
    parse_dependencies,
    prop_key,
    response_updates,
)

UPDATE_PATH = "/_dash-update-component"
PAGE_CONTENT = "_pages_content"
MAX_ROUNDS = 8  # a longer chain is a loop in the app; stop rather than spin


class Transport(Protocol):
    def get(self, path: str) -> tuple[int, bytes]: ...

    def post(self, path: str, body: Mapping[str, Any]) -> tuple[int, bytes]: ...


class HttpTransport:
    """A keep-alive HTTP session against a running server, like a browser tab."""

    # Generous: a page's first visit after a refresh may train a model (the churn page) before it answers.
    def __init__(self, base_url: str, timeout_s: float = 3600.0) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.timeout_s = timeout_s

    def get(self, path: str) -> tuple[int, bytes]:
        response = self.session.get(self.base_url + path, timeout=self.timeout_s)
        return response.status_code, response.content

    def post(self, path: str, body: Mapping[str, Any]) -> tuple[int, bytes]:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        response = self.session.post(
            self.base_url + path, data=data, headers={"Content-Type": "application/json"}, timeout=self.timeout_s
        )
        return response.status_code, response.content

    def close(self) -> None:
        self.session.close()


class FlaskTransport:
    """The same requests through Flask's test client: in-process, no sockets."""

    def __init__(self, flask_app: Any) -> None:
        self.client = flask_app.test_client()

    def get(self, path: str) -> tuple[int, bytes]:
        response = self.client.get(path)
        return response.status_code, response.data

    def post(self, path: str, body: Mapping[str, Any]) -> tuple[int, bytes]:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        response = self.client.post(path, data=data, content_type="application/json")
        return response.status_code, response.data

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class CallRecord:
    """One callback request: what was sent (replayed later to capture its SQL) and how long it took."""

    output: str
    label: str
    body: Mapping[str, Any]
    status: int
    ms: float
    response_bytes: int


@dataclass
class StepRecord:
    page: str
    step: int
    action: str
    calls: list[CallRecord] = field(default_factory=list)
    search: str = ""  # the page's URL query after the step

    @property
    def ms(self) -> float:
        return sum(call.ms for call in self.calls)


class CallbackFailed(RuntimeError):
    """The app answered a callback with an error status: the benchmark stops rather than time errors."""


class Browser:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        status, body = transport.get("/_dash-layout")
        _check(status, "/_dash-layout", body)
        self.index = LayoutIndex(json.loads(body))
        status, body = transport.get("/_dash-dependencies")
        _check(status, "/_dash-dependencies", body)
        self.callbacks: tuple[Callback, ...] = tuple(
            cb for cb in parse_dependencies(json.loads(body)) if not cb.clientside
        )

    # --- user actions ------------------------------------------------------------------------------------------

    def open(self, pathname: str, search: str = "") -> list[CallRecord]:
        """Navigate to a page, as typing its URL does: every Location reports pathname and search."""
        changed = []
        for location in self.index.locations():
            component_id = location["props"]["id"]
            location["props"]["pathname"] = pathname
            location["props"]["search"] = search
            changed += [(component_id, "pathname"), (component_id, "search")]
        return self._propagate(changed)

    def act(self, target: ComponentId, prop: str, value: Any) -> list[CallRecord]:
        """A user changed one property of one component (a dropdown's value, a graph's clickData)."""
        self.index.set_prop(target, prop, value)
        return self._propagate([(target, prop)])

    def search(self) -> str:
        page_location = self.index.get("_pages_location")
        return (page_location or {}).get("props", {}).get("search") or ""

    # --- the renderer's rounds ---------------------------------------------------------------------------------

    def _propagate(self, changed: list[tuple[ComponentId, str]]) -> list[CallRecord]:
        records: list[CallRecord] = []
        initial: list[Callback] = []
        for _ in range(MAX_ROUNDS):
            if not changed and not initial:
                break
            fired = self._triggered(changed) + [(cb, []) for cb in initial]
            changed, initial = [], []
            for callback, triggers in fired:
                for match in self._matches(callback, triggers):
                    record, updates = self._fire(callback, triggers, match)
                    if record is not None:
                        records.append(record)
                    more_changed, page_replaced, added = self._apply(updates)
                    changed += more_changed
                    if page_replaced:
                        initial += self._initial_calls()
                    elif added:  # a section's new content makes its own initial calls
                        initial += self._initial_calls(added)
        return records

    def _triggered(self, changed: list[tuple[ComponentId, str]]) -> list[tuple[Callback, list[str]]]:
        fired = []
        for callback in self.callbacks:
            triggers = [
                prop_key(component_id, prop)
                for component_id, prop in changed
                if any(d.prop == prop and matches(d.id, component_id) for d in callback.inputs)
            ]
            if triggers:
                fired.append((callback, list(dict.fromkeys(triggers))))
        return fired

    def _initial_calls(self, among: set[str] | None = None) -> list[Callback]:
        """Callbacks a newly rendered page (or newly added components, `among`) makes on mount: not
        prevent_initial_call, with an input or output in the new content and every single-valued input on screen."""
        found = []
        for callback in self.callbacks:
            if callback.prevent_initial_call:
                continue
            deps = (*callback.inputs, *callback.outputs)
            touches_page = any(self.index.in_page(c["props"]["id"], among) for d in deps for c in self.index.find(d.id))
            present = all(d.multi or self.index.find(d.id) for d in callback.inputs)
            if touches_page and present:
                found.append(callback)
        return found

    def _matches(self, callback: Callback, triggers: list[str]) -> list[dict[str, Any] | None]:
        """One call per set of MATCH values, as the renderer makes: the triggering component's values when a
        pattern input fired, else every matching set of output components on screen (one request each)."""
        pattern = next((d.id for d in callback.outputs if d.is_pattern and not d.multi), None)
        if not isinstance(pattern, dict):
            return [None]
        keys = [k for k, v in pattern.items() if isinstance(v, list) and v == ["MATCH"]]
        if not keys:
            return [None]
        for trigger in triggers:
            raw = trigger.rsplit(".", 1)[0]
            if raw.startswith("{"):
                component_id = json.loads(raw)
                if all(k in component_id for k in keys):
                    return [{k: component_id[k] for k in keys}]
        found = [c["props"]["id"] for c in self.index.find(pattern)]
        return [dict(t) for t in dict.fromkeys(tuple((k, cid[k]) for k in keys) for cid in found)]

    def _fire(
        self, callback: Callback, triggers: list[str], match: dict[str, Any] | None = None
    ) -> tuple[CallRecord | None, list]:
        body = build_payload(self.index, callback, triggers, match)
        if body is None:  # an input or output is not on screen: the renderer would not call it
            return None, []
        started = time.perf_counter()
        status, content = self.transport.post(UPDATE_PATH, body)
        elapsed = (time.perf_counter() - started) * 1000
        if status not in (200, 204):
            raise CallbackFailed(f"{callback.label()} answered HTTP {status}: {content[:300]!r}")
        parsed = json.loads(content) if status == 200 and content else None
        record = CallRecord(callback.output, callback.label(), body, status, elapsed, len(content))
        return record, response_updates(parsed)

    def _apply(self, updates: list) -> tuple[list[tuple[ComponentId, str]], bool, set[str]]:
        changed: list[tuple[ComponentId, str]] = []
        page_replaced = False
        added: set[str] = set()
        for component_id, prop, value in updates:
            if component_id == PAGE_CONTENT and prop == "children":
                self.index.replace_page(value)
                page_replaced = True
            elif prop == "children":
                added |= self.index.add_children(value)
            component = self.index.get(component_id)
            if component is None:
                continue
            if component.get("type") == "Location" and prop in ("search", "pathname"):
                changed += self._navigate(prop, value)
                continue
            before = component["props"].get(prop)
            component["props"][prop] = value
            if before != value:
                changed.append((component_id, prop))
        return changed, page_replaced, added

    def _navigate(self, prop: str, value: Any) -> list[tuple[ComponentId, str]]:
        """A `callback-nav` Location pushes the URL to history and every Location reports the change."""
        changed = []
        for location in self.index.locations():
            if location["props"].get(prop) != value:
                location["props"][prop] = value
                changed.append((location["props"]["id"], prop))
        return changed


def _check(status: int, path: str, body: bytes) -> None:
    if status != 200:
        raise CallbackFailed(f"GET {path} answered HTTP {status}: {body[:300]!r}")
