"""The /churn page's sections (Dash components from the page's numbers): risk KPIs and distribution, the drill
by region → branch → RM → customers, signals over time and their mix, and the retention action list.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.churn import figures
from clientscope.churn import files as churn_files
from clientscope.churn import numbers as churn_numbers
from clientscope.churn import view as churn_view
from clientscope.churn.ids import ACTION_LIST, RM_LIST, Ids
from clientscope.churn.lists import ACTIONS_SOURCE, RM_SOURCE
from clientscope.churn.words import (
    baseline_name,
    money_formatter,
    risk_level_labels,
    signal_labels,
)
from clientscope.components.crossfilter import graph_id
from clientscope.components.empty import empty_state
from clientscope.components.export_button import export_button
from clientscope.components.page import page_frame
from clientscope.components.retention_queue import queue_section
from clientscope.components.retention_results import coverage_section, outcomes_section
from clientscope.customer_list import SCROLL, CustomerSegment, customer_list
from clientscope.i18n import join_words, t
from clientscope.semantic import format_value
from clientscope.state import to_query
from clientscope.view_context import PageContext


def panel(title: str, body, **kwargs) -> dbc.Card:
    return dbc.Card([dbc.CardHeader(title, className="fw-semibold"), dbc.CardBody(body)], className="mb-3", **kwargs)


def _kpi(key: str, label: str, value: str, note: str = "") -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(label, className="text-muted small"),
                    html.Div(value, className="kpi-value", id=f"churn-kpi-{key}"),
                    html.Div(note, className="small text-muted"),
                ]
            ),
            className="kpi-card h-100",
        ),
        md=3,
        xs=6,
    )


def risk_section(pc: PageContext, data: churn_files.ChurnData) -> list:
    lang, theme = pc.lang, pc.state.theme
    money = money_formatter(pc)
    dist = churn_numbers.distribution(pc, data)
    totals = churn_numbers.level_totals(dist)
    head = churn_numbers.headline(pc, totals)
    levels = churn_view.selected_levels(pc.state)
    level_names = join_words([risk_level_labels(pc)[lv] for lv in levels], lang)
    percent = pc.model.formats["percent"]
    kpis = dbc.Row(
        [
            _kpi(
                "customers",
                t("churn.kpi.customers", lang),
                format_value(head.customers, pc.model.formats["count"], lang),
            ),
            _kpi(
                "at-risk",
                t("churn.kpi.at_risk", lang, levels=level_names),
                format_value(head.at_risk_customers, pc.model.formats["count"], lang),
                t("churn.kpi.share", lang, share=format_value(head.at_risk_share, percent, lang)),
            ),
            _kpi(
                "at-risk-aum",
                t("churn.kpi.at_risk_aum", lang, levels=level_names),
                money(head.at_risk_aum),
                t("churn.kpi.aum_share", lang, share=format_value(head.at_risk_aum_share, percent, lang)),
            ),
            _kpi(
                "auc",
                t("churn.kpi.auc", lang),
                f"{data.card.model.roc_auc:.3f}",
                t(
                    "churn.kpi.auc_note",
                    lang,
                    name=baseline_name(data.card.best_baseline.code, lang),
                    auc=f"{data.card.best_baseline.evaluation.roc_auc:.3f}",
                ),
            ),
        ],
        className="g-2 mb-3",
        id=Ids.KPIS,
    )
    if not head.customers:
        return [kpis, panel(t("churn.dist.title", lang), empty_state(lang))]
    card = data.card
    labels = risk_level_labels(pc)
    histogram = dcc.Graph(
        id=graph_id("risk_level", "churn-risk-dist"),
        figure=figures.risk_histogram(
            dist,
            churn_files.histogram_edges(data.card),
            level_labels=labels,
            selected=pc.state.cross.get("risk_level"),
            cutoffs={"medium": card.medium_cutoff, "high": card.high_cutoff},
            format_money=money,
            lang=lang,
            theme=theme,
        ),
        config={"displaylogo": False},
    )
    tiers = churn_numbers.at_risk_by(pc, data, "tier")
    tier_graph = (
        dcc.Graph(
            id=graph_id("tier", "churn-tier"),
            figure=figures.tier_bars(
                tiers,
                tier_labels=pc.model.tier_labels(lang),
                selected=pc.state.cross.get("tier"),
                format_money=money,
                lang=lang,
                theme=theme,
            ),
            config={"displaylogo": False},
        )
        if tiers.height and tiers["at_risk_customers"].sum()
        else empty_state(lang, "churn.empty.at_risk")
    )
    return [
        kpis,
        dbc.Row(
            [
                dbc.Col(dbc.Card(dbc.CardBody(histogram), className="mb-3"), md=8),
                dbc.Col(dbc.Card(dbc.CardBody(tier_graph), className="mb-3"), md=4),
            ],
            className="g-2",
        ),
    ]


def breadcrumb(pc: PageContext) -> html.Nav:
    crumbs = churn_view.breadcrumb(pc.state, pc.value_labels(), t("churn.drill.all", pc.lang))
    items = []
    for index, crumb in enumerate(crumbs):
        link = dcc.Link(crumb.label, href="/churn" + to_query(crumb.state), id=f"churn-crumb-{index}")
        items.append(html.Li(link, className="breadcrumb-item" + (" active fw-semibold" if crumb.active else "")))
    if churn_view.drill_level(pc.state) is None:
        items.append(html.Li(t("churn.drill.customers", pc.lang), className="breadcrumb-item active"))
    return html.Nav(html.Ol(items, className="breadcrumb mb-2"), id=Ids.BREADCRUMB, **{"aria-label": "breadcrumb"})


def drill_section(pc: PageContext, data: churn_files.ChurnData) -> dbc.Card:
    lang = pc.lang
    level = churn_view.drill_level(pc.state)
    if level is None:
        body = [
            html.P(t("churn.drill.customers_note", lang), className="small text-muted mb-2"),
            customer_grid(pc, RM_LIST, height=360),
        ]
    else:
        frame = churn_numbers.at_risk_by(pc, data, level)
        labels = {**pc.value_labels().get(level, {}), None: t("churn.unassigned", lang)}
        body = [
            html.P(t(f"churn.drill.hint.{level}", lang), className="small text-muted mb-2"),
            dcc.Graph(
                id=Ids.DRILL_GRAPH,
                figure=figures.at_risk_bars(
                    frame,
                    level=level,
                    labels=labels,
                    format_money=money_formatter(pc),
                    lang=lang,
                    theme=pc.state.theme,
                    currency=pc.model.currency,
                ),
                config={"displaylogo": False},
            )
            if frame.height and frame["customers"].sum()
            else empty_state(lang),
        ]
    return panel(t("churn.drill.title", lang), [breadcrumb(pc), *body], id=Ids.DRILL_CARD)


def signal_chip(pc: PageContext) -> html.Div | None:
    code = churn_view.selected_signal(pc.state)
    if code is None:
        return None
    remove = dcc.Link(
        "×", href="/churn" + to_query(pc.state.with_option(churn_view.SIGNAL_OPTION, None)), className="ms-1"
    )
    return dbc.Badge(
        [t("churn.signal_chip", pc.lang, signal=signal_labels(pc.lang)[code]), remove],
        color="info",
        className="me-1 chip mb-2",
        id=Ids.SIGNAL_CHIP,
    )


def signals_section(pc: PageContext, data: churn_files.ChurnData) -> list:
    lang, theme = pc.lang, pc.state.theme
    selected = churn_view.selected_signal(pc.state)
    long = churn_numbers.signal_shares_long(churn_numbers.signal_shares(pc, data))
    lines = (
        dcc.Graph(
            id=Ids.SIGNAL_GRAPH,
            figure=figures.signal_lines(
                long, signal_labels=signal_labels(lang), selected=selected, lang=lang, theme=theme
            ),
            config={"displaylogo": False},
        )
        if long.height
        else empty_state(lang)
    )
    mix = churn_numbers.reason_mix(pc, data)
    levels = join_words([risk_level_labels(pc)[lv] for lv in churn_view.selected_levels(pc.state)], lang)
    bars = (
        dcc.Graph(
            id=Ids.REASON_GRAPH,
            figure=figures.reason_bars(
                mix,
                signal_labels=signal_labels(lang),
                selected=selected,
                title=t("churn.reasons.title", lang, levels=levels),
                lang=lang,
                theme=theme,
            ),
            config={"displaylogo": False},
        )
        if mix["customers"].sum()
        else empty_state(lang, "churn.empty.at_risk")
    )
    notes = [t("churn.signals.note", lang)]
    if data.flags_sample.per_10000 < 10_000:
        notes.append(t("churn.signals.sampled", lang, share=f"{data.flags_sample.per_10000 / 100:g}%"))
    return [
        signal_chip(pc),
        dbc.Row(
            [
                dbc.Col(dbc.Card(dbc.CardBody([lines, html.P(" ".join(notes), className="small text-muted")])), md=8),
                dbc.Col(dbc.Card(dbc.CardBody(bars)), md=4),
            ],
            className="g-2 mb-3",
        ),
    ]


def customer_grid(pc: PageContext, name: str, *, height: int) -> html.Div:
    """A server-side paged customer list of the page (the customer-list engine, sources in `churn/lists.py`)."""
    source = RM_SOURCE if name == RM_LIST else ACTIONS_SOURCE
    columns = {"resizable": True, "sortable": False, "filter": False}
    look = replace(SCROLL, default_col=columns, options={"tooltipShowDelay": 300})
    return customer_list(pc, CustomerSegment(source=source), name, back="churn", height=f"{height}px", look=look)


def actions_section(pc: PageContext) -> dbc.Card:
    lang = pc.lang
    levels = join_words([risk_level_labels(pc)[lv] for lv in churn_view.selected_levels(pc.state)], lang)
    return panel(
        t("churn.actions.title", lang),
        [
            html.P(t("churn.actions.note", lang, levels=levels), className="small text-muted mb-2"),
            customer_grid(pc, ACTION_LIST, height=480),
        ],
        id=Ids.ACTIONS,
    )


# --- the sections the page registers -------------------------------------------------------------------------------


def _data(pc: PageContext) -> churn_files.ChurnData | None:
    return churn_files.churn_status(pc.db, date.today(), churn_files.page_rules(pc)).data


def frame(pc: PageContext) -> html.Div:
    """Title, export button, notices, filter bar and chips, and the scoring month (or why there is no model)."""
    lang = pc.lang
    title = [t("churn.title", lang), export_button("churn", lang)]
    status = churn_files.churn_status(pc.db, date.today(), churn_files.page_rules(pc))
    if status.data is None:
        problem = status.problem
        note = dbc.Alert(
            t("churn.unavailable", lang, months=problem.months if problem else 0, reason=str(problem)),
            color="warning",
            id=Ids.UNAVAILABLE,
        )
    else:
        trained_on = status.data.card.trained_on.isoformat()
        note = html.P(
            t("churn.as_of", lang, month=status.data.as_of.isoformat(), trained=trained_on),
            className="text-muted small",
            id=Ids.AS_OF,
        )
    return page_frame(pc, title, [note])  # type: ignore[arg-type]  (a title with its export button)


def risk(pc: PageContext) -> list | None:
    data = _data(pc)
    return risk_section(pc, data) if data else None


def drill(pc: PageContext) -> dbc.Card | None:
    data = _data(pc)
    return drill_section(pc, data) if data else None


def signals(pc: PageContext) -> list | None:
    data = _data(pc)
    return signals_section(pc, data) if data else None


def actions(pc: PageContext) -> dbc.Card | None:
    return actions_section(pc) if _data(pc) else None


def queue(pc: PageContext) -> Any:
    """The retention work queue (clientscope/components/retention_queue.py)."""
    data = _data(pc)
    return queue_section(pc, data) if data else None


def coverage(pc: PageContext) -> Any:
    return coverage_section(pc, date.today()) if _data(pc) else None


def outcomes(pc: PageContext) -> Any:
    data = _data(pc)
    return outcomes_section(pc, data) if data else None
