"""KPI cards: the month shown, value, prior period, change and % change (percentage points for rates), the value
over the whole period where it means something, sparkline."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.figures.theme import COLORWAY
from clientscope.i18n import t
from clientscope.kpis import KpiView


def sparkline(view: KpiView) -> dcc.Graph | None:
    """A plain-dict figure with no template: axes are hidden, and a validated plotly figure with the page's
    template costs ~10 ms per card (the largest share of the overview's render before this was changed)."""
    if len(view.spark_x) < 2:
        return None
    trace = {
        "type": "scatter",
        "x": list(view.spark_x),
        "y": list(view.spark_y),
        "mode": "lines",
        "hoverinfo": "x+y",
        "line": {"color": COLORWAY[0], "width": 2},
    }
    layout = {
        "height": 48,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "showlegend": False,
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    figure = {"data": [trace], "layout": layout}
    return dcc.Graph(figure=figure, config={"displayModeBar": False, "staticPlot": True}, style={"height": "48px"})


def kpi_card(view: KpiView, lang: str, comparison: str) -> dbc.Card:
    good = (view.direction > 0) == view.good_when_up if view.direction else None
    css = "up" if good else ("down" if good is False else "")
    delta_parts = [p for p in (view.change, f"({view.pct_change})" if view.pct_change else None) if p]
    prior = t("kpi.prior", lang, comparison=t(f"compare.{comparison}", lang), value=view.prior) if view.prior else ""
    return dbc.Card(
        html.Div(
            [
                html.Div(view.label, className="text-muted small", title=view.description),
                html.Div(view.months, className="kpi-month small text-muted", id=f"kpi-month-{view.metric}"),
                html.Div(view.value, className="kpi-value", id=f"kpi-value-{view.metric}"),
                html.Div(view.note, className="small text-muted", id=f"kpi-note-{view.metric}") if view.note else None,
                html.Div(
                    " ".join(delta_parts) or "—",
                    className=f"kpi-delta small {css}",
                    id=f"kpi-delta-{view.metric}",
                ),
                html.Div(prior, className="small text-muted"),
                html.Div(
                    view.period, className="kpi-period small", id=f"kpi-period-{view.metric}", title=view.period_title
                )
                if view.period
                else None,
                sparkline(view),
            ],
            className="card-body",
            title=view.description,
        ),
        className="kpi-card h-100",
    )
