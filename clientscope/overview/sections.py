"""The overview page's sections, each drawn from the URL state on its own (`clientscope.components.sections`):
the frame, the headline KPI cards, the tier mix, and the links into each analysis with the data source."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope import runtime
from clientscope.components.crossfilter import graph_id
from clientscope.components.empty import empty_state
from clientscope.components.kpi import kpi_card
from clientscope.components.page import page_frame
from clientscope.i18n import t
from clientscope.kpis import kpi_views
from clientscope.overview.data import HEADLINE_METRICS, tier_mix
from clientscope.segments.figures import tier_mix_bars
from clientscope.shell import carried_query
from clientscope.state import to_query
from clientscope.view_context import PageContext

PATH = "/"
ANALYSES = ("segments", "lifecycle", "campaigns", "churn")


def frame_section(pc: PageContext) -> html.Div:
    return page_frame(pc, t("overview.title", pc.lang), [])


def kpis_section(pc: PageContext) -> dbc.Row:
    cards = [
        dbc.Col(kpi_card(view, pc.lang, pc.state.compare), md=4, lg=2, xs=6) for view in kpi_views(pc, HEADLINE_METRICS)
    ]
    return dbc.Row(cards, className="g-2 mb-3", id="kpi-cards")


def mix_section(pc: PageContext) -> dbc.Card:
    lang = pc.lang
    mix = tier_mix(pc)
    if not mix.height or not mix["customers"].sum():
        return dbc.Card(dbc.CardBody(empty_state(lang)), className="mb-3")
    tier_labels = pc.model.tier_labels(lang)
    figure = tier_mix_bars(
        mix,
        tier_order=tuple(tier_labels),
        tier_labels=tier_labels,
        measures={"customers": pc.model.label("customers", lang), "aum_total": pc.model.label("aum_total", lang)},
        theme=pc.state.theme,
        title=t("overview.tier_mix", lang),
        share_label=t("overview.share", lang),
    )
    graph = dcc.Graph(id=graph_id("tier", "overview-tier-mix"), figure=figure, config={"displaylogo": False})
    return dbc.Card(dbc.CardBody(graph), className="mb-3")


def links_section(pc: PageContext) -> html.Div:
    """A card per analysis, opening it with the same filters, and where the data comes from."""
    lang = pc.lang
    search = to_query(pc.state)
    pages = {page["module"].split(".")[-1]: page["relative_path"] for page in dash.page_registry.values()}
    links = [
        dbc.Col(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H5(t(f"nav.{name}", lang), className="card-title"),
                        html.P(t(f"overview.about.{name}", lang), className="small text-muted"),
                        dcc.Link(t("overview.open", lang), href=pages[name] + carried_query(search), id=f"link-{name}"),
                    ]
                )
            ),
            md=3,
            xs=6,
        )
        for name in ANALYSES
        if name in pages
    ]
    source = t("overview.source", lang, folder=pc.data_dir) + (
        t("overview.demo", lang) if runtime.current().is_demo else ""
    )
    return html.Div([dbc.Row(links, className="g-2 mb-3"), html.P(source, className="text-muted small")])
