"""`/churn`: churn-risk drilldowns, signals over time, the model card, why customers churn, the retention list."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from clientscope import churn_page as cp
from clientscope import runtime
from clientscope.churn_page import (
    action_grid_rows,
    baseline_name,
    baseline_rows,
    card_facts,
    card_rows,
    decile_frame,
    drill_search,
    feature_labels,
    money_formatter,
    risk_level_labels,
    rule_rows,
    signal_labels,
    signal_search,
)
from clientscope.components.crossfilter import clicked_value, graph_id
from clientscope.components.empty import empty_state
from clientscope.components.export_button import export_button
from clientscope.components.grid import grid_options
from clientscope.components.page import PageContext, changed_search, current_state, page_context, page_frame
from clientscope.components.retention_queue import queue_section
from clientscope.components.retention_results import coverage_section, outcomes_section
from clientscope.figures import churn as figures
from clientscope.i18n import join_words, t
from clientscope.semantic import format_value
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query, to_query

dash.register_page(__name__, path="/churn", order=40, title="Clientscope · churn")

GRID = "churn-grid"
ACTION_LIST = "actions"
RM_LIST = "rm-customers"
BLOCK_ROWS = 100


class Ids(StrEnum):
    AS_OF = "churn-as-of"
    KPIS = "churn-kpis"
    DRILL_CARD = "churn-drill"
    DRILL_GRAPH = "churn-drill-graph"
    BREADCRUMB = "churn-breadcrumb"
    SIGNAL_GRAPH = "churn-signal-graph"
    REASON_GRAPH = "churn-reason-graph"
    SIGNAL_CHIP = "churn-signal-chip"
    ACTIONS = "churn-actions"
    CARD = "churn-model-card"
    RULES = "churn-rules"
    UNAVAILABLE = "churn-unavailable"


def grid_id(name: str) -> dict[str, str]:
    return {"type": GRID, "name": name}


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    pc = page_context(query)
    lang = pc.lang
    title = [t("churn.title", lang), export_button("churn", lang)]
    status = cp.churn_status(pc.db, date.today(), cp.page_rules(pc))
    if status.data is None:
        problem = status.problem
        content = [
            dbc.Alert(
                t("churn.unavailable", lang, months=problem.months if problem else 0, reason=str(problem)),
                color="warning",
                id=Ids.UNAVAILABLE,
            ),
            rules_section(pc),
        ]
        return page_frame(pc, title, content)  # type: ignore[arg-type]  (a title with its export button)
    data = status.data
    return page_frame(
        pc,
        title,  # type: ignore[arg-type]
        [
            html.P(
                t("churn.as_of", lang, month=data.as_of.isoformat(), trained=data.trained.card.trained_on.isoformat()),
                className="text-muted small",
                id=Ids.AS_OF,
            ),
            *risk_section(pc, data),
            drill_section(pc, data),
            *signals_section(pc, data),
            actions_section(pc),
            queue_section(pc, data),
            coverage_section(pc, date.today()),
            outcomes_section(pc, data),
            card_section(pc, data),
            rules_section(pc),
        ],
    )


# --- sections ------------------------------------------------------------------------------------------------------


def _card(title: str, body, **kwargs) -> dbc.Card:
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


def risk_section(pc: PageContext, data: cp.ChurnData) -> list:
    lang, theme = pc.lang, pc.state.theme
    money = money_formatter(pc)
    dist = cp.distribution(pc, data)
    totals = cp.level_totals(dist)
    head = cp.headline(pc, totals)
    levels = cp.selected_levels(pc.state)
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
                f"{data.trained.card.model.roc_auc:.3f}",
                t(
                    "churn.kpi.auc_note",
                    lang,
                    name=baseline_name(data.trained.card.best_baseline.code, lang),
                    auc=f"{data.trained.card.best_baseline.evaluation.roc_auc:.3f}",
                ),
            ),
        ],
        className="g-2 mb-3",
        id=Ids.KPIS,
    )
    if not head.customers:
        return [kpis, _card(t("churn.dist.title", lang), empty_state(lang))]
    card = data.trained.card
    labels = risk_level_labels(pc)
    histogram = dcc.Graph(
        id=graph_id("risk_level", "churn-risk-dist"),
        figure=figures.risk_histogram(
            dist,
            cp.histogram_edges(data),
            level_labels=labels,
            selected=pc.state.cross.get("risk_level"),
            cutoffs={"medium": card.medium_cutoff, "high": card.high_cutoff},
            format_money=money,
            lang=lang,
            theme=theme,
        ),
        config={"displaylogo": False},
    )
    tiers = cp.at_risk_by(pc, data, "tier")
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
    crumbs = cp.breadcrumb(pc.state, pc.value_labels(), t("churn.drill.all", pc.lang))
    items = []
    for index, crumb in enumerate(crumbs):
        link = dcc.Link(crumb.label, href="/churn" + to_query(crumb.state), id=f"churn-crumb-{index}")
        items.append(html.Li(link, className="breadcrumb-item" + (" active fw-semibold" if crumb.active else "")))
    if cp.drill_level(pc.state) is None:
        items.append(html.Li(t("churn.drill.customers", pc.lang), className="breadcrumb-item active"))
    return html.Nav(html.Ol(items, className="breadcrumb mb-2"), id=Ids.BREADCRUMB, **{"aria-label": "breadcrumb"})


def drill_section(pc: PageContext, data: cp.ChurnData) -> dbc.Card:
    lang = pc.lang
    level = cp.drill_level(pc.state)
    if level is None:
        body = [
            html.P(t("churn.drill.customers_note", lang), className="small text-muted mb-2"),
            customer_grid(pc, RM_LIST, height=360),
        ]
    else:
        frame = cp.at_risk_by(pc, data, level)
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
    return _card(t("churn.drill.title", lang), [breadcrumb(pc), *body], id=Ids.DRILL_CARD)


def signal_chip(pc: PageContext) -> html.Div | None:
    code = cp.selected_signal(pc.state)
    if code is None:
        return None
    remove = dcc.Link("×", href="/churn" + to_query(pc.state.with_option(cp.SIGNAL_OPTION, None)), className="ms-1")
    return dbc.Badge(
        [t("churn.signal_chip", pc.lang, signal=signal_labels(pc.lang)[code]), remove],
        color="info",
        className="me-1 chip mb-2",
        id=Ids.SIGNAL_CHIP,
    )


def signals_section(pc: PageContext, data: cp.ChurnData) -> list:
    lang, theme = pc.lang, pc.state.theme
    selected = cp.selected_signal(pc.state)
    long = cp.signal_shares_long(cp.signal_shares(pc, data))
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
    mix = cp.reason_mix(pc, data)
    levels = join_words([risk_level_labels(pc)[lv] for lv in cp.selected_levels(pc.state)], lang)
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


def customer_grid(pc: PageContext, name: str, *, height: int) -> dag.AgGrid:
    """A server-side paged customer list (infinite row model; rows from `on_rows`)."""
    lang = pc.lang
    sortable = {"aum_total", "churn_probability"}
    columns = [
        ("customer", 130, {"cellRenderer": "markdown", "pinned": "left"}),
        ("name", 90, {}),
        ("phone", 120, {}),
        ("rm", 110, {}),
        ("branch", 130, {}),
        ("tier", 110, {}),
        ("aum_total", 120, {"type": "rightAligned"}),
        ("churn_probability", 110, {"type": "rightAligned"}),
        ("risk_level", 90, {}),
        ("reasons", 360, {"tooltipField": "reasons"}),
        ("action", 220, {"tooltipField": "action"}),
    ]
    column_defs = [
        {
            "field": field,
            "colId": field,
            "headerName": t(f"churn.col.{field}", lang),
            "width": width,
            "sortable": field in sortable,
            **({"headerTooltip": t("churn.col.sort_hint", lang)} if field in sortable else {}),
            **extra,
        }
        for field, width, extra in columns
    ]
    return dag.AgGrid(
        id=grid_id(name),
        columnDefs=column_defs,
        defaultColDef={"resizable": True, "sortable": False, "filter": False},
        rowModelType="infinite",
        dashGridOptions=grid_options(
            lang,
            cacheBlockSize=BLOCK_ROWS,
            maxBlocksInCache=20,
            infiniteInitialRowCount=1,
            rowBuffer=0,
            tooltipShowDelay=300,
        ),
        style={"height": f"{height}px"},
    )


def actions_section(pc: PageContext) -> dbc.Card:
    lang = pc.lang
    levels = join_words([risk_level_labels(pc)[lv] for lv in cp.selected_levels(pc.state)], lang)
    return _card(
        t("churn.actions.title", lang),
        [
            html.P(t("churn.actions.note", lang, levels=levels), className="small text-muted mb-2"),
            customer_grid(pc, ACTION_LIST, height=480),
        ],
        id=Ids.ACTIONS,
    )


def card_section(pc: PageContext, data: cp.ChurnData) -> dbc.Card:
    lang, theme = pc.lang, pc.state.theme
    card = data.trained.card
    deciles = decile_frame(card)
    best = baseline_name(card.best_baseline.code, lang)
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(""),
                        html.Th(t("churn.card.model", lang)),
                        html.Th(t("churn.card.best", lang, name=best), id="churn-card-best-name"),
                        html.Th(t("churn.card.rule", lang)),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(label),
                            html.Td(model, id=f"churn-card-{key}-model"),
                            html.Td(best_value, id=f"churn-card-{key}-best"),
                            html.Td(rule, id=f"churn-card-{key}-rule"),
                        ]
                    )
                    for key, label, model, best_value, rule in card_rows(card, lang)
                ]
            ),
        ],
        size="sm",
        bordered=False,
        hover=True,
        className="mb-2",
    )
    baselines = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("churn.card.baseline_col", lang)),
                        html.Th(t("churn.card.auc", lang)),
                        html.Th(t("churn.card.lift", lang)),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [html.Td(html.Strong(name) if strongest else name), html.Td(auc), html.Td(lift)],
                        id=f"churn-baseline-{code}",
                    )
                    for code, name, auc, lift, strongest in baseline_rows(card, lang)
                ]
            ),
        ],
        size="sm",
        bordered=False,
        className="mb-2 small",
    )
    facts = html.Dl(
        [
            item
            for label, value, key in card_facts(card, lang)
            for item in (html.Dt(label), html.Dd(value, id=f"churn-card-{key}"))
        ],
        className="small mb-0 churn-card-facts",
    )
    features = html.Details(
        [
            html.Summary(t("churn.card.features", lang, count=len(card.features))),
            html.P(join_words(feature_labels(card.features, lang), lang), className="small"),
        ],
        className="small",
    )
    return _card(
        t("churn.card.title", lang),
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            table,
                            html.Div(t("churn.card.baselines", lang), className="fw-semibold small"),
                            baselines,
                            facts,
                            features,
                        ],
                        md=4,
                    ),
                    dbc.Col(
                        dcc.Graph(
                            figure=figures.gains_chart(deciles, lang=lang, theme=theme, best_name=best),
                            config={"displaylogo": False},
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        dcc.Graph(
                            figure=figures.calibration_chart(deciles, lang=lang, theme=theme, best_name=best),
                            config={"displaylogo": False},
                        ),
                        md=4,
                    ),
                ]
            ),
            html.P(t("churn.card.note", lang), className="small text-muted mb-0"),
        ],
        id=Ids.CARD,
    )


def rules_section(pc: PageContext) -> dbc.Card:
    lang = pc.lang
    view = cp.churn_rules_view(pc.db, pc.scope)
    if not view.rules:
        body = empty_state(lang, "churn.rules.none", reason=view.problem or "")
    else:
        header = html.Thead(
            html.Tr([html.Th(t(f"churn.rules.col.{c}", lang)) for c in ("rule", "rows", "rate", "lift")])
        )
        rows = [
            html.Tr(
                [
                    html.Td(text, className="churn-rule-text"),
                    html.Td(size, className="text-end"),
                    html.Td(
                        [
                            html.Div(rate, className="small"),
                            dbc.Progress(value=min(100.0, share * 100), color="danger", style={"height": "6px"}),
                        ]
                    ),
                    html.Td(lift, className="text-end"),
                ]
            )
            for text, size, rate, share, lift in rule_rows(view.rules, lang)
        ]
        body = [
            html.P(
                t(
                    "churn.rules.note",
                    lang,
                    first=view.first_month.isoformat() if view.first_month else "",
                    last=view.last_month.isoformat() if view.last_month else "",
                    base=figures.percent_text(view.rules[0].base_rate),
                ),
                className="small text-muted",
            ),
            dbc.Table([header, html.Tbody(rows)], size="sm", hover=True, className="mb-0"),
        ]
    return _card(t("churn.rules.title", lang), body, id=Ids.RULES)


# --- callbacks -----------------------------------------------------------------------------------------------------


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.DRILL_GRAPH, "clickData"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_drill(click, search):
    """A click on a bar drills one level down (region → branch → RM → the RM's customer list)."""
    query = drill_search(current_state(parse_query(search or "")), click)
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.SIGNAL_GRAPH, "clickData"),
    Input(Ids.REASON_GRAPH, "clickData"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_signal(line_click, bar_click, search):
    """A click on a signal (line or bar) keeps the customers with that signal firing; again removes it."""
    click = bar_click if ctx.triggered_id == Ids.REASON_GRAPH else line_click
    code = clicked_value(click)
    if code is None:
        return no_update
    query = signal_search(current_state(parse_query(search or "")), code)
    return changed_search(query, search)


@callback(
    Output({"type": GRID, "name": MATCH}, "getRowsResponse"),
    Input({"type": GRID, "name": MATCH}, "getRowsRequest"),
    State({"type": GRID, "name": MATCH}, "id"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_rows(request, grid, search):
    """One block of a customer list (server-side paging and sorting)."""
    if not request:
        return no_update
    pc = page_context(parse_query(search or ""))
    data = cp.churn_data(pc.db, date.today(), cp.page_rules(pc))
    return action_grid_rows(pc, data, request, every_level=grid["name"] == RM_LIST)
