"""The customer 360 page's body: the cards in their rows, the back link to the page the customer was opened
from, and the message for an unknown (or out-of-scope) customer."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope import customer360 as c360
from clientscope.components.page import notices_alert
from clientscope.components.retention_results import customer_history_card
from clientscope.customer.cards import (
    aum_card,
    campaigns_card,
    complaints_card,
    products_card,
    profile_card,
    risk_card,
    tier_card,
    transactions_card,
)
from clientscope.customer.ids import Ids
from clientscope.i18n import t
from clientscope.segments.numbers import numbers
from clientscope.state import to_query
from clientscope.view_context import PageContext

DEFAULT_BACK = "segments"


def back_link(pc: PageContext) -> dcc.Link:
    """Back to the page the customer was opened from (`p.back`), with that page's view restored."""
    pages = {page["module"].split(".")[-1]: page.get("relative_path") for page in dash.page_registry.values()}
    back = pc.state.options.get("back")
    target = back if back in pages and back != "customer" and pages.get(back) else DEFAULT_BACK
    path = pages.get(target) or "/"
    state = pc.state.with_option("back", None).with_option("customer", None)
    label = t(f"nav.{target}", pc.lang) if target in pages else t("customer.back_default", pc.lang)
    return dcc.Link(t("customer.back", pc.lang, page=label), href=path + to_query(state), id=Ids.BACK)


def not_found(pc: PageContext, customer_id: object) -> html.Div:
    lang = pc.lang
    shown = str(customer_id or "")[: c360.MAX_ID_LENGTH]
    return html.Div(
        [
            html.H2(t("customer.notfound.title", lang), className="h4"),
            html.P(t("customer.notfound.body", lang, customer_id=shown)),
            back_link(pc),
        ],
        id=Ids.NOT_FOUND,
    )


def customer_view(pc: PageContext, data: c360.Customer360) -> html.Div:
    """The page for one customer: heading with the Export button, then the cards."""
    lang = pc.lang
    num = numbers(pc)
    profile = data.profile
    heading = t("customer.title", lang, name=profile.get("name") or profile["customer_id"])
    export = html.Div(
        [
            dbc.Button(t("export.button", lang), id=Ids.EXPORT, color="secondary", outline=True, size="sm"),
            dcc.Download(id=Ids.DOWNLOAD),
        ],
        className="d-inline-block ms-2",
    )
    return html.Div(
        [
            html.Div(back_link(pc), className="small mb-1"),
            html.H2([heading, export], className="h4"),
            notices_alert(pc.notices, lang),
            dbc.Row(
                [
                    dbc.Col(profile_card(pc, profile), lg=6),
                    dbc.Col([risk_card(pc, data.risk), tier_card(pc, data)], lg=6),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [dbc.Col(aum_card(pc, data, num), lg=6), dbc.Col(transactions_card(pc, data, num), lg=6)],
                className="g-3 mb-3",
            ),
            html.Div(products_card(pc, data), className="mb-3"),
            campaigns_card(pc, data, num),
            complaints_card(pc, data),
            customer_history_card(pc, profile["customer_id"]),
        ]
    )
