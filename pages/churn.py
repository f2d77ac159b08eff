"""`/churn`: churn-risk drilldowns, signals over time, the model card, why customers churn, the retention list.

The page is sectioned (clientscope/components/sections.py): each part below renders on its own from the URL.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, ctx, html, no_update

from clientscope import runtime
from clientscope.churn import card_sections, sections
from clientscope.churn import view as churn_view
from clientscope.churn.ids import Ids
from clientscope.churn.view import drill_search, signal_search
from clientscope.components.crossfilter import clicked_value
from clientscope.components.page import changed_search
from clientscope.components.request_context import current_state
from clientscope.components.sections import FRAME, register_section, sectioned_layout
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query

PATH = "/churn"
dash.register_page(__name__, path=PATH, order=40, title="Clientscope · churn")

register_section(PATH, FRAME, sections.frame)
register_section(PATH, "risk", sections.risk, options=(churn_view.SIGNAL_OPTION,))
register_section(PATH, "drill", sections.drill, options=(churn_view.SIGNAL_OPTION,))
register_section(PATH, "signals", sections.signals, options=(churn_view.SIGNAL_OPTION,))
register_section(PATH, "actions", sections.actions, options=(churn_view.SIGNAL_OPTION,))
register_section(PATH, "queue", sections.queue, options=(churn_view.SIGNAL_OPTION,))
register_section(PATH, "coverage", sections.coverage, options=(churn_view.SIGNAL_OPTION,))
# every warned customer of the viewer's batches, whatever the filters: a filter change does not redraw it
register_section(PATH, "outcomes", sections.outcomes, reads_filters=False)
register_section(PATH, "card", card_sections.card, reads_filters=False)
register_section(PATH, "rules", card_sections.rules, reads_filters=False)


def layout(**query: str):
    if not runtime.current().ok:
        return html.Div()
    names = ("risk", "drill", "signals", "actions", "queue", "coverage", "outcomes", "card", "rules")
    return sectioned_layout(PATH, names)


# --- callbacks -----------------------------------------------------------------------------------------------------


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.DRILL_GRAPH, "clickData"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_drill(click, search):
    """A click on a bar drills one level down (region → branch → RM → the RM's customer list)."""
    query = drill_search(current_state(parse_query(search or "")), click)
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.SIGNAL_GRAPH, "clickData"),
    Input(Ids.REASON_GRAPH, "clickData"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_signal(line_click, bar_click, search):
    """A click on a signal (line or bar) keeps the customers with that signal firing; again removes it."""
    click = bar_click if ctx.triggered_id == Ids.REASON_GRAPH else line_click
    code = clicked_value(click)
    if code is None:
        return no_update
    query = signal_search(current_state(parse_query(search or "")), code)
    return changed_search(query, search)
