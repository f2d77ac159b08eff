"""`/campaigns`: which campaigns and channels produce conversions and revenue.

Campaign table (reach, conversion vs control group with uplift intervals, cost, CPA, attributed revenue, ROI)
under the chosen attribution model; uplift intervals; every model's channel credit side by side; conversions
over time by campaign; top conversion paths; and the converted customers of the selection, linked to the
customer 360 page.  The model, look-back and half-life are page options in the URL (`p.model`, `p.lookback`,
`p.half_life`), so every view can be shared.  Clicking a campaign row, a channel bar or a campaign line
cross-filters the page.  Each part of the page is a section drawn on its own request
(clientscope/campaigns/sections.py); the data behind them is the clientscope.campaigns package.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, html, no_update

from clientscope import runtime
from clientscope.campaigns import sections as sc
from clientscope.campaigns import view as vw
from clientscope.campaigns.cards import Ids
from clientscope.campaigns.models import MODELS
from clientscope.components.crossfilter import cross_filtered_query
from clientscope.components.page import changed_search
from clientscope.components.request_context import page_context
from clientscope.components.sections import FRAME, register_section, sectioned_layout
from clientscope.state import parse_query, to_query

PATH = "/campaigns"
dash.register_page(__name__, path=PATH, order=30, title="Clientscope · campaigns")

__all__ = ["Ids", "layout"]

register_section(PATH, FRAME, sc.frame_section, options=sc.SETTINGS)  # a bad setting is a notice
register_section(PATH, "settings", sc.settings_section, options=sc.SETTINGS)
register_section(PATH, "kpis", sc.kpi_section, options=sc.SETTINGS)
register_section(PATH, "table", sc.table_section, options=sc.SETTINGS)
register_section(PATH, "charts", sc.charts_section, options=sc.SETTINGS)
register_section(PATH, "trend", sc.trend_section, options=sc.SETTINGS)
register_section(PATH, "customers", sc.customers_section, options=sc.SETTINGS)
SECTION_NAMES = ("settings", "kpis", "table", "charts", "trend", "customers")


def layout(**query: str):
    if not runtime.current().ok:
        return html.Div()
    return sectioned_layout(PATH, SECTION_NAMES)


@callback(
    Output("url", "search", allow_duplicate=True),
    Input(Ids.MODEL, "value"),
    Input(Ids.LOOKBACK, "value"),
    Input(Ids.HALF_LIFE, "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_settings(model: str | None, lookback: str | None, half_life: str | None, search: str | None):
    pc = page_context(parse_query(search or ""))
    default = vw.default_lookback(pc)
    if (
        model not in MODELS
        or lookback not in {str(d) for d in vw.lookback_choices(default)}
        or half_life not in {str(h) for h in vw.HALF_LIFE_CHOICES}
    ):
        return no_update
    query = to_query(vw.settings_state(pc.state, vw.Settings(model, int(lookback), int(half_life)), default))
    return changed_search(query, search)


@callback(
    Output("url", "search", allow_duplicate=True),
    Input(Ids.TABLE, "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_campaign_click(cell: dict | None, search: str | None):
    """A row selects its campaign (the total row does nothing); a second click clears it."""
    value = (cell or {}).get("rowId")
    pc = page_context(parse_query(search or ""))
    if not value or str(value) not in pc.choices.labels.get("campaign", {}):
        return no_update
    return changed_search(cross_filtered_query(search, "campaign", str(value)), search)
