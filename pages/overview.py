"""`/`: headline KPIs with trends, the tier mix at a glance, and links into each analysis."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope import runtime
from clientscope.components.crossfilter import graph_id
from clientscope.components.empty import empty_state
from clientscope.components.kpi import kpi_card
from clientscope.components.page import page_context, page_frame
from clientscope.figures.segments import tier_mix_bars
from clientscope.i18n import t
from clientscope.kpis import kpi_views
from clientscope.overview import HEADLINE_METRICS, tier_mix
from clientscope.shell import carried_query
from clientscope.state import to_query

dash.register_page(__name__, path="/", order=0, title="Clientscope")

ANALYSES = ("segments", "lifecycle", "campaigns", "churn")


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    pc = page_context(query)
    lang, theme = pc.lang, pc.state.theme
    cards = [
        dbc.Col(kpi_card(view, lang, pc.state.compare), md=4, lg=2, xs=6) for view in kpi_views(pc, HEADLINE_METRICS)
    ]
    mix = tier_mix(pc)
    tier_labels = pc.model.tier_labels(lang)
    figure = (
        dcc.Graph(
            id=graph_id("tier", "overview-tier-mix"),
            figure=tier_mix_bars(
                mix,
                tier_order=tuple(tier_labels),
                tier_labels=tier_labels,
                measures={
                    "customers": pc.model.label("customers", lang),
                    "aum_total": pc.model.label("aum_total", lang),
                },
                theme=theme,
                title=t("overview.tier_mix", lang),
                share_label=t("overview.share", lang),
            ),
            config={"displaylogo": False},
        )
        if mix.height and mix["customers"].sum()
        else empty_state(lang)
    )
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
    return page_frame(
        pc,
        t("overview.title", lang),
        [
            dbc.Row(cards, className="g-2 mb-3", id="kpi-cards"),
            dbc.Card(dbc.CardBody(figure), className="mb-3"),
            dbc.Row(links, className="g-2 mb-3"),
            html.P(source, className="text-muted small"),
        ],
    )
