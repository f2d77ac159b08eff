"""The segments page's component ids and small Dash building blocks, shared by its sections and callbacks."""

from __future__ import annotations

from enum import StrEnum

import dash_bootstrap_components as dbc
from dash import dcc, html

PATH = "/segments"
SETTING = "segments-setting"  # controls whose value is a page setting (written into the URL)
CLICK = "segments-click"  # charts whose click picks the customer list's segment
BUTTON = "segments-button"
LIST_NAME = "segments"
GRAPH_CONFIG = {"displaylogo": False}


class Ids(StrEnum):
    KPIS = "segments-kpis"
    MIX = "segments-mix"
    TREND = "segments-trend"
    BREAKDOWN = "segments-breakdown"
    PRODUCTS = "segments-products"
    MIGRATION = "segments-migration"
    MIGRATION_SUMMARY = "segments-migration-summary"
    DETAIL = "segments-migration-detail"
    POTENTIAL = "segments-potential"
    LIST = "segments-list"


def setting_id(name: str) -> dict[str, str]:
    return {"type": SETTING, "name": name}


def click_id(name: str) -> dict[str, str]:
    return {"type": CLICK, "name": name}


def button_id(name: str) -> dict[str, str]:
    return {"type": BUTTON, "name": name}


def card(title: str, body: list, card_id: str, note: str | None = None) -> dbc.Card:
    header = [html.Span(title, className="fw-semibold")]
    if note:
        header.append(html.Span(" · " + note, className="text-muted small"))
    return dbc.Card([dbc.CardHeader(header), dbc.CardBody(body)], className="mb-3", id=card_id)


def radio(name: str, options: dict[str, str], value: str) -> dbc.RadioItems:
    return dbc.RadioItems(
        id=setting_id(name),
        options=[{"value": v, "label": label} for v, label in options.items()],
        value=value,
        inline=True,
        className="small mb-1",
    )


def graph(graph_id_value: dict[str, str], figure) -> dcc.Graph:
    return dcc.Graph(id=graph_id_value, figure=figure, config=GRAPH_CONFIG)


def stat(label: str, value: str, stat_id: str) -> dbc.Col:
    return dbc.Col(
        html.Div(
            [html.Div(label, className="small text-muted"), html.Div(value, className="fs-5 fw-semibold", id=stat_id)]
        ),
        md=2,
        xs=4,
    )
