"""KPI cards: the month shown, value, prior period, change and % change (percentage points for rates), the value
over the whole period where it means something, sparkline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.figures.theme import COLORWAY
from clientscope.i18n import t


@dataclass(frozen=True)
class KpiView:
    """A KPI already formatted for display (formatting belongs to the semantic layer)."""

    metric: str
    label: str
    description: str
    value: str
    prior: str | None
    change: str | None  # e.g. "+1.2万" or "+1.3 pp"
    pct_change: str | None  # e.g. "+4.5%"; None for rates (the change is already in pp)
    direction: int  # +1 up, -1 down, 0 flat / unknown
    good_when_up: bool = True
    spark_x: Sequence[str] = ()
    spark_y: Sequence[float | None] = ()
    months: str = ""  # the month shown and the month compared with, e.g. "2026-10 vs 2026-09"
    period: str | None = None  # the value over the whole period, e.g. "2025-11 – 2026-10: 12.89% (458 ÷ 3,553)"
    period_title: str = ""  # what the period value's numerator and denominator are
    note: str | None = None  # why there is no value, e.g. a conversion window that has not ended yet


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
