"""The customer 360 page's cards: profile, churn risk in words, tier history, AUM composition, products,
transactions, campaign touches and conversions, complaints.  Each takes the page context and the customer's data
(`clientscope.customer360`) and returns a Dash card; the charts come from `clientscope.figures.customer`."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope import customer360 as c360
from clientscope.components.empty import empty_state
from clientscope.components.grid import grid_options
from clientscope.customer.ids import Ids
from clientscope.figures import customer as figures
from clientscope.i18n import t
from clientscope.segments.numbers import Numbers, numbers
from clientscope.segments.view import tag_label
from clientscope.view_context import PageContext

GRAPH_CONFIG = {"displaylogo": False}


def _card(title: str, body: list | Any, card_id: str, class_name: str = "h-100") -> dbc.Card:
    header = dbc.CardHeader(title, className="fw-semibold")
    return dbc.Card([header, dbc.CardBody(body)], className=class_name, id=card_id)


def _field(label: str, value: Any) -> list:
    return [html.Dt(label, className="col-sm-4 text-muted fw-normal"), html.Dd(value or "—", className="col-sm-8")]


def profile_card(pc: PageContext, p: dict[str, Any]) -> dbc.Card:
    lang = pc.lang
    labels = pc.value_labels()
    model = pc.model
    tier = p.get("tier")
    tier_text = model.tier_labels(lang).get(tier, tier) if tier else t("customer.no_months", lang)
    if p.get("tier_alt"):
        tier_text += f" · {labels.get('tier_alt', {}).get(p['tier_alt'], p['tier_alt'])}"
    tags = [dbc.Badge(tag_label(tag, lang), color="secondary", className="me-1") for tag in (p.get("tags") or [])]
    tenure = c360.tenure_months(p)
    opened = p["open_date"].isoformat() if p.get("open_date") else "—"
    status = (
        t("customer.closed_on", lang, date=p["close_date"].isoformat())
        if p.get("close_date")
        else t("customer.open", lang)
    )
    rm = p.get("rm_name") or p.get("rm_id") or t("customer.no_rm", lang)
    items = [
        *_field(t("customer.list.col.customer_id", lang), p["customer_id"]),
        *_field(t("customer.list.col.name", lang), p.get("name")),
        *_field(t("customer.list.col.phone", lang), p.get("phone")),
        *_field(t("customer.id_number", lang), p.get("id_number")),
        *_field(model.dimension_label("tier", lang), tier_text),
        *_field(t("customer.tags", lang), tags or None),
        *_field(model.dimension_label("region", lang), p.get("region")),
        *_field(model.dimension_label("branch", lang), p.get("branch_name") or p.get("branch_id")),
        *_field(model.dimension_label("rm", lang), rm),
        *_field(
            t("customer.tenure", lang),
            t("customer.tenure_value", lang, months=tenure, opened=opened) if tenure is not None else opened,
        ),
        *_field(t("customer.status", lang), status),
        *_field(model.dimension_label("stage", lang), labels.get("stage", {}).get(p.get("stage"), p.get("stage"))),
        *_field(model.dimension_label("gender", lang), labels.get("gender", {}).get(p.get("gender"), p.get("gender"))),
        *_field(
            model.dimension_label("age_band", lang),
            labels.get("age_band", {}).get(p.get("age_band"), p.get("age_band")),
        ),
        *_field(
            model.dimension_label("risk_profile", lang),
            labels.get("risk_profile", {}).get(p.get("risk_profile"), p.get("risk_profile")),
        ),
        *_field(
            model.dimension_label("acquisition_channel", lang),
            labels.get("acquisition_channel", {}).get(p.get("acquisition_channel"), p.get("acquisition_channel")),
        ),
        *_field(
            model.label("aum_total", lang),
            numbers(pc).money(p.get("aum_total")) + t("customer.as_of", lang, month=_month(p.get("latest_month"))),
        ),
        *_field(model.label("products_held", lang), p.get("products_held")),
    ]
    return _card(t("customer.profile", lang), html.Dl(items, className="row mb-0 small"), Ids.PROFILE)


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if value else "—"


def risk_card(pc: PageContext, risk: c360.ChurnRisk | None) -> dbc.Card:
    lang = pc.lang
    if risk is None:
        return _card(t("customer.risk.title", lang), html.P(t("customer.risk.none", lang)), Ids.RISK, "mb-3")
    level_labels = pc.model.value_labels("warning_level", lang)
    color = {"high": "danger", "medium": "warning", "low": "success"}.get(risk.level or "", "secondary")
    headline = html.Div(
        [
            dbc.Badge(level_labels.get(risk.level or "", risk.level or "—"), color=color, className="me-2 fs-6"),
            html.Span(t("customer.risk.score", lang, score=risk.score if risk.score is not None else "—")),
            html.Span(t("customer.as_of", lang, month=_month(risk.month)), className="text-muted small ms-2"),
        ],
        className="mb-2",
    )
    if risk.reasons:
        reasons = html.Ol(
            [
                html.Li(
                    [
                        html.Span(reason.text(lang)),
                        html.Div(
                            t("customer.risk.action", lang, action=reason.action(lang)), className="small text-muted"
                        ),
                    ]
                )
                for reason in risk.reasons
            ],
            id=Ids.REASONS,
            className="mb-0",
        )
    else:
        reasons = html.P(t("customer.risk.no_reasons", lang), id=Ids.REASONS, className="mb-0")
    return _card(
        t("customer.risk.title", lang),
        [headline, html.Div(t("customer.risk.reasons", lang), className="fw-semibold small"), reasons],
        Ids.RISK,
        "mb-3",
    )


def _graph(figure) -> dcc.Graph:
    return dcc.Graph(figure=figure, config=GRAPH_CONFIG)


def tier_card(pc: PageContext, data: c360.Customer360) -> dbc.Card:
    lang = pc.lang
    if not data.history.height:
        return _card(t("customer.tiers", lang), empty_state(lang, "empty.no_data"), Ids.TIERS, "")
    tier_labels = pc.model.tier_labels(lang)
    figure = figures.tier_history(
        data.history, tier_order=tuple(tier_labels), tier_labels=tier_labels, theme=pc.state.theme, title=""
    )
    return _card(t("customer.tiers", lang), _graph(figure), Ids.TIERS, "")


def aum_card(pc: PageContext, data: c360.Customer360, num: Numbers) -> dbc.Card:
    lang = pc.lang
    if not data.history.height:
        return _card(t("customer.aum", lang), empty_state(lang, "empty.no_data"), Ids.AUM)
    parts = {part: t(f"customer.part.{part}", lang) for part in figures.AUM_PARTS}
    figure = figures.aum_composition(data.history, part_labels=parts, money=num.money, theme=pc.state.theme, title="")
    return _card(t("customer.aum", lang), _graph(figure), Ids.AUM)


def products_card(pc: PageContext, data: c360.Customer360) -> dbc.Card:
    lang = pc.lang
    title = t("customer.products", lang)
    if data.holdings is None:
        return _card(title, html.P(t("customer.products.absent", lang), className="text-muted"), Ids.PRODUCTS)
    if not data.holdings.height:
        return _card(title, empty_state(lang, "customer.products.none"), Ids.PRODUCTS)
    products = pc.model.value_labels("product_type", lang)
    until = data.profile.get("close_date") or data.profile.get("latest_month") or max(data.holdings["open_date"])
    figure = figures.holdings_timeline(
        data.holdings,
        product_labels=products,
        until=until,
        theme=pc.state.theme,
        title="",
        status_labels={"held": t("customer.products.held", lang), "closed": t("customer.products.closed", lang)},
    )
    rows = [
        {
            "product": products.get(r["product_type"], r["product_type"]),
            "opened": r["open_date"].isoformat() if r["open_date"] else "—",
            "closed": r["close_date"].isoformat() if r["close_date"] else "—",
            "status": t("customer.products.held" if r["is_held"] else "customer.products.closed", lang),
        }
        for r in data.holdings.iter_rows(named=True)
    ]
    table = dag.AgGrid(
        id="customer-holdings",
        rowData=rows,
        columnDefs=[
            {"field": "product", "headerName": pc.model.dimension_label("product_type", lang)},
            {"field": "opened", "headerName": t("customer.products.opened", lang)},
            {"field": "closed", "headerName": t("customer.products.closed_on", lang)},
            {"field": "status", "headerName": t("customer.status", lang)},
        ],
        defaultColDef={"resizable": True, "sortable": True, "flex": 1},
        dashGridOptions=grid_options(lang, domLayout="autoHeight"),
    )
    return _card(title, [_graph(figure), table], Ids.PRODUCTS)


def transactions_card(pc: PageContext, data: c360.Customer360, num: Numbers) -> dbc.Card:
    lang = pc.lang
    if not data.history.height:
        return _card(t("customer.transactions", lang), empty_state(lang, "empty.no_data"), Ids.TRANSACTIONS)
    figure = figures.transactions_chart(
        data.history,
        count_label=t("customer.txn_count", lang),
        amount_label=t("customer.txn_amount", lang),
        money=num.money,
        theme=pc.state.theme,
        title="",
    )
    return _card(t("customer.transactions", lang), _graph(figure), Ids.TRANSACTIONS)


def campaigns_card(pc: PageContext, data: c360.Customer360, num: Numbers) -> html.Div:
    lang = pc.lang
    title = t("customer.campaigns", lang)
    if data.touches is None and data.conversions is None:
        body: Any = html.P(t("customer.campaigns.absent", lang), className="text-muted")
    else:
        events = c360.timeline(data, dict(pc.value_labels().get("campaign", {})))
        if not events.height:
            body = empty_state(lang, "customer.campaigns.none")
        else:
            kinds = {k: t(f"customer.campaigns.{k}", lang) for k in ("touch", "control", "conversion")}
            lanes = {
                **pc.model.value_labels("channel", lang),
                **pc.model.value_labels("product_type", lang),
            }
            figure = figures.campaign_timeline(
                events, kind_labels=kinds, lane_labels=lanes, money=num.money, theme=pc.state.theme, title=""
            )
            counts = {k: events.filter(events["kind"] == k).height for k in kinds}
            summary = t(
                "customer.campaigns.summary",
                lang,
                touches=counts["touch"],
                controls=counts["control"],
                conversions=counts["conversion"],
            )
            body = [html.P(summary, className="small mb-1"), _graph(figure)]
    return html.Div(_card(title, body, Ids.CAMPAIGNS), className="mb-3")


def complaints_card(pc: PageContext, data: c360.Customer360) -> html.Div:
    lang = pc.lang
    title = t("customer.complaints", lang)
    if data.complaints is None:
        body: Any = html.P(t("customer.complaints.absent", lang), className="text-muted")
    elif not data.complaints.height:
        body = empty_state(lang, "customer.complaints.none")
    else:
        rows = [
            {
                "when": r["complaint_ts"].strftime("%Y-%m-%d %H:%M") if r["complaint_ts"] else "—",
                "channel": _known(f"customer.complaint.channel.{r['channel']}", r["channel"], lang),
                "category": _known(f"customer.complaint.category.{r['category']}", r["category"], lang),
                "resolved": t("customer.yes" if r["resolved"] else "customer.no", lang),
            }
            for r in data.complaints.iter_rows(named=True)
        ]
        body = dag.AgGrid(
            id="customer-complaints-grid",
            rowData=rows,
            columnDefs=[
                {"field": "when", "headerName": t("customer.complaint.when", lang)},
                {"field": "channel", "headerName": t("customer.complaint.channel", lang)},
                {"field": "category", "headerName": t("customer.complaint.category", lang)},
                {"field": "resolved", "headerName": t("customer.complaint.resolved", lang)},
            ],
            defaultColDef={"resizable": True, "sortable": True, "flex": 1},
            dashGridOptions=grid_options(lang, domLayout="autoHeight"),
        )
    return html.Div(_card(title, body, Ids.COMPLAINTS), className="mb-3")


def _known(key: str, fallback: Any, lang: str) -> str:
    from clientscope.i18n import MESSAGES

    return t(key, lang) if key in MESSAGES else str(fallback or "—")
