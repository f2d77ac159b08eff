"""Page sections that render on their own from the URL.

A sectioned page's layout is a list of empty slots. One pattern-matching callback (`render_section`) fills each
slot from the URL's query string: the browser sends one request per slot, in parallel, and a slot whose inputs
did not change since it was last drawn answers `no_update` at once. A filter change therefore never rebuilds a
whole page in one request, and a page option that one chart reads (`p.<name>`) redraws only that chart.

The URL stays the only state: the page router renders the slots when the path changes (a first visit, a new
page, a change of language or theme) and answers `no_update` when only the filters changed
(`sectioned_layout`), so back / forward / reload work as before. The page's frame (title, notices, filter
bar, chips) is a section too.

A section says which page options it reads (`options`); every section reads the shared state (language, theme,
period, comparison, filters, drill path and cross-filters, breakdown dimension) unless it says it reads none of
it but the language and theme (`reads_filters=False`: a model card, a definitions table).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs

from dash import MATCH, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import MissingCallbackContextException

from clientscope.components.request_context import page_context
from clientscope.shell_ids import ShellIds
from clientscope.state import ViewState, to_query
from clientscope.view_context import PageContext

log = logging.getLogger(__name__)

SLOT = "section"
SLOT_KEY = "section-key"
FRAME = "frame"
_PAGES_SEARCH = "_pages_location.search"


@dataclass(frozen=True)
class Section:
    path: str  # the page's path, e.g. "/segments"
    name: str
    render: Callable[[PageContext], Any]
    options: tuple[str, ...] = ()  # the page options (`p.<name>`) the section reads
    reads_filters: bool = True  # False: drawn from the language and theme (and its options) alone

    def key(self, pc: PageContext) -> str:
        """What the section is drawn from: the shared state (or only language and theme) plus its page options."""
        kept = {k: v for k, v in pc.state.options.items() if k in self.options}
        state = replace(pc.state, options=kept)
        if not self.reads_filters:
            state = ViewState(lang=state.lang, theme=state.theme, options=kept)
        return to_query(state)


# Filled when the page modules are imported (like Dash's own callback registry), never changed afterwards.
_SECTIONS: dict[tuple[str, str], Section] = {}


def register_section(
    path: str,
    name: str,
    render: Callable[[PageContext], Any],
    *,
    options: Sequence[str] = (),
    reads_filters: bool = True,
) -> Section:
    section = Section(path, name, render, tuple(options), reads_filters)
    _SECTIONS[(path, name)] = section
    return section


def section_named(path: str, name: str) -> Section:
    return _SECTIONS[(path, name)]


def slot_id(path: str, name: str) -> dict[str, str]:
    return {"type": SLOT, "page": path, "name": name}


def slot(path: str, name: str, *, loading: bool = True) -> html.Div:
    """An empty place for a section; `render_section` fills it."""
    body = html.Div(id=slot_id(path, name))
    key = dcc.Store(id={"type": SLOT_KEY, "page": path, "name": name}, data=None)
    return html.Div([key, dcc.Loading(body, type="dot", delay_show=400) if loading else body])


def sectioned_layout(path: str, names: Sequence[str | Sequence[str]]) -> Any:
    """A page's slots, its frame first; `no_update` when only the query string changed on this page.

    A tuple of names puts those sections side by side (one row, equal columns on large screens)."""
    if _search_only_change():
        return no_update
    return html.Div([slot(path, FRAME, loading=False), *(_placed(path, item) for item in names)])


def _placed(path: str, item: str | Sequence[str]) -> html.Div:
    if isinstance(item, str):
        return slot(path, item)
    return html.Div([html.Div(slot(path, name), className="col-lg") for name in item], className="row")


def _search_only_change() -> bool:
    try:
        triggered = set(ctx.triggered_prop_ids)
    except MissingCallbackContextException:  # called outside a request (validation layout, tests)
        return False
    return triggered == {_PAGES_SEARCH}


def render_for(path: str, name: str, query: Mapping[str, str], drawn: Mapping[str, Any] | None) -> tuple[Any, Any]:
    """The section's children and key for this query, or no_update twice when its key has not changed."""
    section = _SECTIONS.get((path, name))
    if section is None:
        return no_update, no_update
    pc = page_context(query)
    key = section.key(pc)
    if drawn is not None and drawn.get("key") == key:
        return no_update, no_update
    return section.render(pc), {"key": key}


@callback(
    Output({"type": SLOT, "page": MATCH, "name": MATCH}, "children"),
    Output({"type": SLOT_KEY, "page": MATCH, "name": MATCH}, "data"),
    Input(ShellIds.URL, "search"),
    State(ShellIds.URL, "pathname"),
    State({"type": SLOT_KEY, "page": MATCH, "name": MATCH}, "data"),
)
def render_section(search: str | None, pathname: str | None, drawn: dict[str, Any] | None):
    target = ctx.outputs_list[0]["id"]
    if pathname != target["page"]:  # the old page's slots while the router swaps pages: not drawn for nothing
        return no_update, no_update
    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    return render_for(target["page"], target["name"], query, drawn)
