"""`/lifecycle`: the acquisition-cohort funnel, the funnel by group, cohort retention, stage flow, time to activate
and stage mix, with a customer list behind every click.

URL state: the period (cohort range), filters and cross-filters as everywhere, plus the page's own cross-filters
`x.cohort`, `x.step`, `x.activation`, `x.flow` (set by clicks, see `clientscope.lifecycle.view.click_state`);
`dim` = the comparison dimension; page options `p.retention` (customers | aum), `p.flow_a` / `p.flow_b` (the
Sankey's months), `p.list` (the drill target of the customer list, see `clientscope.lifecycle.view.DrillTarget`).
Definitions: `clientscope/lifecycle/__init__.py` (the package map) and its modules.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, ctx, html, no_update

from clientscope import runtime
from clientscope.components.page import changed_search
from clientscope.components.request_context import current_state, page_context
from clientscope.components.sections import FRAME, register_section, sectioned_layout
from clientscope.lifecycle import api as lc
from clientscope.lifecycle import sections as parts
from clientscope.lifecycle import sections_flow as flow_parts
from clientscope.lifecycle.sections import CHART, Ids
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query, to_query

PATH = "/lifecycle"
dash.register_page(__name__, path=PATH, order=20, title="Clientscope · lifecycle")

# Each section renders in its own request from the URL (clientscope/components/sections.py), and again only when
# the shared state or the page options it names change.
_FLOW_MONTHS = (lc.OPT_FLOW_A, lc.OPT_FLOW_B)
register_section(PATH, FRAME, parts.render_frame, options=_FLOW_MONTHS)  # the flow chip's label names the months
register_section(PATH, "summary", parts.render_summary, options=_FLOW_MONTHS)  # the reactivation card
register_section(PATH, "funnel", parts.render_funnel)
register_section(PATH, "compare", parts.render_compare)
register_section(PATH, "retention", parts.render_retention, options=(lc.OPT_RETENTION,))
register_section(PATH, "flow", flow_parts.render_flow, options=_FLOW_MONTHS)
register_section(PATH, "mix", flow_parts.render_mix)
register_section(PATH, "list", flow_parts.render_list, options=(lc.OPT_LIST, *_FLOW_MONTHS))
SECTION_NAMES: tuple[str, ...] = ("summary", "funnel", "compare", "retention", "flow", "mix", "list")


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    return sectioned_layout(PATH, SECTION_NAMES)


# --- callbacks: read the input, change the URL state, let the page re-render ------------------------------------


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input({"type": CHART, "chart": ALL}, "clickData"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_chart_click(_clicks, search):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or ctx.triggered[0].get("value") is None:
        return no_update
    state = lc.click_state(current_state(parse_query(search or "")), trigger["chart"], ctx.triggered[0]["value"])
    if state is None:
        return no_update
    query = to_query(state)
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.DIM, "value"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_dimension(dim, search):
    query = to_query(lc.with_dimension(current_state(parse_query(search or "")), dim))
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.RETENTION, "value"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_retention(measure, search):
    query = to_query(lc.with_retention(current_state(parse_query(search or "")), measure))
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.FLOW_A, "value"),
    Input(Ids.FLOW_B, "value"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_flow_months(month_a, month_b, search):
    # Dash 4 dropdowns report their value when mounted: the defaults (the period) never go into the URL
    pc = page_context(parse_query(search or ""))
    view = lc.lifecycle_view(pc)
    query = to_query(lc.with_flow_months(pc.state, month_a, month_b, (view.start, view.end)))
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.CLEAR, "n_clicks"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_clear(n_clicks, search):
    if not n_clicks:
        return no_update
    return to_query(lc.with_target(current_state(parse_query(search or "")), None))
