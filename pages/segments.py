"""`/segments`: who the customers are — tier mix and trend, breakdowns, product penetration, tier migration,
potential customers, and the drill-through customer list behind every segment.

The page is a list of sections (`clientscope.segments.sections`) that render on their own from the URL; the
callbacks here only turn a control, a click or a button into the next URL."""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, ctx, html, no_update

from clientscope import runtime
from clientscope.components.page import changed_search
from clientscope.components.request_context import current_state, page_context
from clientscope.components.sections import FRAME, register_section, sectioned_layout
from clientscope.segments import figures, sections
from clientscope.segments.components import BUTTON, CLICK, PATH, SETTING
from clientscope.segments.migration_section import migration_section
from clientscope.segments.view import segments_view, with_click, with_setting
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query, to_query

dash.register_page(__name__, path=PATH, order=10, title="Clientscope · segments")

# name → (renderer, the page options it reads); a tuple in LAYOUT puts its sections side by side
SECTIONS = {
    "kpis": (sections.kpis_section, ()),
    "mix": (sections.mix_section, ()),
    "trend": (sections.trend_section, ("trend",)),
    "breakdown": (sections.breakdown_section, ("by", "mix")),
    "products": (sections.products_section, ()),
    "migration": (migration_section, ("from", "to")),
    "potential": (sections.potential_section, ("list",)),
    "list": (sections.list_section, ("list", "move", "tag", "from", "to")),
}
LAYOUT = ("kpis", "mix", ("trend", "breakdown"), "products", "migration", "potential", "list")

register_section(PATH, FRAME, sections.frame_section)
for _name, (_body, _options) in SECTIONS.items():
    register_section(PATH, _name, sections.with_view(_body), options=_options)


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    return sectioned_layout(PATH, LAYOUT)


# --- callbacks: read the control, let the library compute the new state, write it into the URL ----------------


def _write(search: str | None, state) -> str:
    query = to_query(state)
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input({"type": SETTING, "name": ALL}, "value"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_setting(_values, search):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or ctx.triggered[0].get("value") is None:
        return no_update
    pc = page_context(parse_query(search or ""))
    view = segments_view(pc)
    return _write(search, with_setting(pc.state, view, trigger["name"], ctx.triggered[0]["value"]))


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input({"type": CLICK, "name": ALL}, "clickData"),
    State({"type": CLICK, "name": ALL}, "figure"),
    State({"type": CLICK, "name": ALL}, "id"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_chart_click(_clicks, figures_shown, ids, search):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered:
        return no_update
    figure = next((f for f, i in zip(figures_shown, ids, strict=True) if i == trigger), None)
    value = figures.clicked_code(ctx.triggered[0].get("value"), figure)
    if not value:
        return no_update
    target = trigger["name"] if trigger["name"] in ("tag", "tier-penetration") else "move"
    state = current_state(parse_query(search or ""))
    return _write(search, with_click(state, target, value))


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input({"type": BUTTON, "name": ALL}, "n_clicks"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_button(_clicks, search):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update
    state = current_state(parse_query(search or ""))
    return _write(search, with_click(state, trigger["name"], None))
