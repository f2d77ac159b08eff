"""The lifecycle page's sections, continued (see `clientscope.lifecycle.sections`): the stage flow beside time to
activate, the stage mix, and the customer list behind the clicks (the customer-list engine's "lifecycle_drill"
source, `lists.py`)."""

from __future__ import annotations

from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.components.empty import empty_state
from clientscope.customer_list import SCROLL, CustomerSegment, customer_list
from clientscope.i18n import t
from clientscope.lifecycle import api as lc
from clientscope.lifecycle import figures_flow as figs
from clientscope.lifecycle.lists import SOURCE
from clientscope.lifecycle.sections import Ids, card, chart_id, formatter, graph, unapplied_note
from clientscope.view_context import PageContext


def flow_section(pc, view, flow, count, pct, theme) -> dbc.Card:
    lang = pc.lang
    months = [{"value": m, "label": m} for m in view.months]
    pickers = html.Div(
        [
            html.Span(t("lifecycle.flow.from", lang), className="small"),
            dcc.Dropdown(id=Ids.FLOW_A, options=months, value=view.flow_a, clearable=False, style={"width": "120px"}),
            html.Span(t("lifecycle.flow.to", lang), className="small"),
            dcc.Dropdown(id=Ids.FLOW_B, options=months, value=view.flow_b, clearable=False, style={"width": "120px"}),
        ],
        className="d-flex align-items-center gap-2",
    )
    title = t("lifecycle.flow.title", lang)
    if not flow.height:
        return card(title, empty_state(lang), header_extra=pickers, card_id="lifecycle-flow")
    react = lc.reactivation(flow)
    figure = figs.stage_sankey(
        flow,
        from_order=lc.FROM_STATES,
        to_order=lc.TO_STATES,
        state_labels=lc.state_labels(pc),
        month_a=view.flow_a,
        month_b=view.flow_b,
        theme=theme,
        title=None,
        count=count,
        texts={"customers": t("lifecycle.customers", lang), "share_of_from": t("lifecycle.flow.share_of_from", lang)},
        selected=view.cohort_cross.get(lc.CROSS_FLOW),
    )
    note = (
        t(
            "lifecycle.flow.reactivation",
            lang,
            rate=pct(react.rate),
            dormant=count(react.dormant),
            reactivated=count(react.reactivated),
        )
        if react.dormant
        else t("lifecycle.flow.no_dormant", lang, months=pc.model.rules.lifecycle.dormant_months)
    )
    body = html.Div(
        [
            html.P(note, className="small mb-1", id=Ids.REACTIVATION),
            unapplied_note(pc, view, "flow"),
            graph(chart_id("flow"), figure),
        ]
    )
    return card(title, body, t("lifecycle.flow.hint", lang), header_extra=pickers, card_id="lifecycle-flow")


def activation_section(pc, view, members, theme) -> dbc.Card:
    lang = pc.lang
    title = t("lifecycle.activation.title", lang)
    frame = lc.activation_histogram(members)
    if not frame.height:
        return card(title, empty_state(lang, "lifecycle.empty.cohort"), card_id="lifecycle-act")
    figure = figs.activation_histogram(
        frame,
        theme=theme,
        title=None,
        texts={
            "within": t("lifecycle.activation.within", lang, days=view.windows.activation_days),
            "after": t("lifecycle.activation.after", lang),
            "never": t("lifecycle.activation.never", lang),
            "offset": t("lifecycle.activation.offset", lang),
            "customers": t("lifecycle.customers", lang),
        },
        selected=view.cohort_cross.get(lc.CROSS_ACTIVATION),
    )
    return card(
        title, graph(chart_id("activation"), figure), t("lifecycle.activation.hint", lang), card_id="lifecycle-act"
    )


def mix_section(pc, view, count, theme) -> dbc.Card:
    lang = pc.lang
    title = t("lifecycle.mix.title", lang)
    frame = lc.stage_mix(pc, view)
    if not frame.height:
        return card(title, empty_state(lang), card_id="lifecycle-mix")
    figure = figs.stage_mix_bars(
        frame,
        stage_order=lc.STAGE_ORDER,
        stage_labels=pc.model.value_labels("stage", lang),
        theme=theme,
        title=None,
        count=count,
        texts={"customers": t("lifecycle.customers", lang), "share": t("lifecycle.mix.share", lang)},
        selected=view.cohort_cross.get(lc.CROSS_STAGE),
    )
    body = html.Div([unapplied_note(pc, view, "mix"), graph(chart_id("mix"), figure)])
    return card(title, body, t("lifecycle.mix.hint", lang), card_id="lifecycle-mix")


def list_section(pc: PageContext, view: lc.LifecycleView) -> dbc.Card:
    lang = pc.lang
    count = formatter(pc, "count")
    total = lc.drill_total(pc, view)  # the served cells when they can say (the grid pages the rows itself)
    drill = lc.drill_list(pc, view) if total is None else None
    caption = t("lifecycle.list.count", lang, count=count(drill.total if drill else total))
    if drill is not None and drill.truncated:
        caption += " " + t("lifecycle.list.truncated", lang, shown=count(drill.rows.height))
    title = html.Span(
        [t("lifecycle.list.title", lang), " · ", lc.list_title(pc, view, view.target), " · ", caption],
        id=Ids.LIST_TITLE,
    )
    clear = (
        dbc.Button(t("lifecycle.list.clear", lang), id=Ids.CLEAR, size="sm", color="link")
        if view.target is not None
        else html.Span(id=Ids.CLEAR)
    )
    look = replace(SCROLL, default_col={"sortable": True, "resizable": True, "minWidth": 90})
    grid = customer_list(pc, CustomerSegment(source=SOURCE), "drill", back="lifecycle", height="420px", look=look)
    return dbc.Card(
        [
            dbc.CardHeader(html.Div([title, html.Div(clear, className="ms-auto")], className="d-flex")),
            dbc.CardBody(grid),
        ],
        className="mb-3",
        id="lifecycle-list",
    )


def render_flow(pc: PageContext) -> dbc.Row:
    """The stage flow (months A and B) beside time to activate, side by side as one section."""
    view = lc.lifecycle_view(pc)
    count, pct = formatter(pc, "count"), formatter(pc, "percent")
    flow = lc.stage_flow(pc, view)
    activation = lc.cohort_cells(pc, view).activation
    return dbc.Row(
        [
            dbc.Col(flow_section(pc, view, flow, count, pct, pc.state.theme), lg=7),
            dbc.Col(activation_section(pc, view, activation, pc.state.theme), lg=5),
        ],
        className="g-3",
    )


def render_mix(pc: PageContext) -> dbc.Card:
    return mix_section(pc, lc.lifecycle_view(pc), formatter(pc, "count"), pc.state.theme)


def render_list(pc: PageContext) -> dbc.Card:
    return list_section(pc, lc.lifecycle_view(pc))
