"""`/lifecycle`: the acquisition-cohort funnel, the funnel by group, cohort retention, stage flow, time to activate
and stage mix, with a customer list behind every click.

URL state: the period (cohort range), filters and cross-filters as everywhere, plus the page's own cross-filters
`x.cohort`, `x.step`, `x.activation`, `x.flow` (set by clicks, see `clientscope.lifecycle.view.click_state`);
`dim` = the comparison dimension; page options `p.retention` (customers | aum), `p.flow_a` / `p.flow_b` (the
Sankey's months), `p.list` (the drill target of the customer list, see `clientscope.lifecycle.view.DrillTarget`).
Definitions: `clientscope/lifecycle/__init__.py` (the package map) and its modules.
"""

from __future__ import annotations

from enum import StrEnum

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from clientscope import runtime
from clientscope.components.empty import empty_state
from clientscope.components.export_button import export_button
from clientscope.components.grid import grid_options
from clientscope.components.page import PageContext, changed_search, current_state, page_context, page_frame
from clientscope.i18n import join_words, t
from clientscope.lifecycle import api as lc
from clientscope.lifecycle import figures as figs
from clientscope.semantic import format_value
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query, to_query

dash.register_page(__name__, path="/lifecycle", order=20, title="Clientscope · lifecycle")

CHART = "lifecycle-chart"
GRAPH_CONFIG = {"displaylogo": False}


class Ids(StrEnum):
    DIM = "lifecycle-dim"
    RETENTION = "lifecycle-retention"
    FLOW_A = "lifecycle-flow-a"
    FLOW_B = "lifecycle-flow-b"
    GRID = "lifecycle-grid"
    CLEAR = "lifecycle-clear"
    SUMMARY = "lifecycle-summary"
    FUNNEL_TABLE = "lifecycle-funnel-table"
    LIST_TITLE = "lifecycle-list-title"
    REACTIVATION = "lifecycle-reactivation"


def chart_id(name: str) -> dict[str, str]:
    """The page's charts: a click sets a cross-filter and the customer list (`lc.click_state`)."""
    return {"type": CHART, "chart": name}


def _graph(graph_id_, figure) -> dcc.Graph:
    return dcc.Graph(id=graph_id_, figure=figure, config=GRAPH_CONFIG)


def _card(title: str, body, hint: str | None = None, header_extra=None, card_id: str | None = None) -> dbc.Card:
    header = [html.Span(title, className="fw-semibold")]
    if header_extra is not None:
        header.append(html.Div(header_extra, className="ms-auto"))
    parts = [dbc.CardHeader(html.Div(header, className="d-flex align-items-center flex-wrap gap-2"))]
    parts.append(dbc.CardBody([*([html.P(hint, className="small text-muted mb-1")] if hint else []), body]))
    return dbc.Card(parts, className="mb-3", **({"id": card_id} if card_id else {}))


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    pc = page_context(query)
    lang, theme = pc.lang, pc.state.theme
    view = lc.lifecycle_view(pc)
    frames = lc.cohort_cells(pc, view)
    members = frames.funnel
    funnel = lc.funnel(members)
    flow = lc.stage_flow(pc, view)
    count = _formatter(pc, "count")
    money = _formatter(pc, "cny_auto")
    pct = _formatter(pc, "percent")
    steps = lc.step_labels(lang, view.windows)
    title = [t("lifecycle.title", lang), export_button("lifecycle", lang)]

    intro = [
        html.P(
            t(
                "lifecycle.cohort_intro",
                lang,
                start=view.start,
                end=view.end,
                count=count(lc.customer_count(members)),
                as_of=view.as_of,
            ),
            className="mb-1",
            id="lifecycle-intro",
        ),
        html.P(t("lifecycle.entry_note", lang), className="small text-muted mb-1"),
    ]
    if lc.CROSS_STAGE in view.cohort_cross:
        intro.append(html.P(t("lifecycle.stage_note", lang, as_of=view.as_of), className="small text-muted mb-1"))
    if view.ignored:
        names = join_words([pc.model.dimension_label(d, lang) for d in view.ignored if d in pc.model.dimensions], lang)
        intro.append(dbc.Alert(t("lifecycle.ignored", lang, names=names), color="info", className="py-1 small"))

    content = [
        html.Div(intro, className="mb-2"),
        _summary(pc, view, members, funnel, flow, count, pct),
        _funnel_section(pc, view, members, funnel, steps, count, theme),
        _compare_section(pc, view, frames.groups, steps, count, theme),
        _retention_section(pc, view, frames.retention, count, money, theme),
        dbc.Row(
            [
                dbc.Col(_flow_section(pc, view, flow, count, pct, theme), lg=7),
                dbc.Col(_activation_section(pc, view, frames.activation, theme), lg=5),
            ],
            className="g-3",
        ),
        _mix_section(pc, view, count, theme),
        _list_section(pc, view),
    ]
    # the chips of the page's own cross-filters read "Funnel step: Grown", not the code
    return page_frame(pc, title, content, value_labels=lc.cross_value_labels(pc, view))


def _unapplied_note(pc: PageContext, view: lc.LifecycleView, chart: str) -> html.P | None:
    """Which cohort cross-filters an all-customer chart leaves out (so a chart that did not change says why)."""
    dimensions = lc.unapplied(view, chart)
    if not dimensions:
        return None
    names = join_words([lc.cross_dimension_label(pc, d) for d in dimensions], pc.lang)
    return html.P(t("lifecycle.not_narrowed", pc.lang, names=names), className="small text-muted mb-1")


def _formatter(pc: PageContext, fmt: str):
    spec = pc.model.formats[fmt]
    return lambda value: format_value(value, spec, pc.lang)


def _summary(pc, view, members, funnel, flow, count, pct) -> dbc.Row:
    lang, windows = pc.lang, view.windows
    summary = lc.summary(members, funnel)
    react = lc.reactivation(flow)
    cards = [
        ("acquired", t("lifecycle.card.acquired", lang), count(summary.acquired), ""),
        (
            "activation",
            t("lifecycle.card.activation", lang),
            pct(summary.activation_rate),
            _pending(pc, summary, "activated", count),
        ),
        (
            "retained_early",
            t("lifecycle.card.retained_early", lang, months=windows.retain_early),
            pct(summary.retained_early_rate),
            _pending(pc, summary, "retained_early", count),
        ),
        (
            "retained_late",
            t("lifecycle.card.retained_late", lang, months=windows.retain_late),
            pct(summary.retained_late_rate),
            _pending(pc, summary, "retained_late", count),
        ),
        (
            "churn",
            t("lifecycle.card.churn", lang, months=windows.churn_months),
            pct(summary.churn_rate),
            _pending(pc, summary, lc.OUTFLOW, count),
        ),
        (
            "days",
            t("lifecycle.card.days", lang),
            t("lifecycle.days", lang, days=f"{summary.median_days_to_activate:.0f}")
            if summary.median_days_to_activate is not None
            else "—",
            "",
        ),
        (
            "reactivation",
            t("lifecycle.card.reactivation", lang),
            pct(react.rate),
            t("lifecycle.card.flow_months", lang, a=view.flow_a, b=view.flow_b),
        ),
    ]
    return dbc.Row(
        [
            dbc.Col(
                dbc.Card(
                    dbc.CardBody(
                        [
                            html.Div(label, className="text-muted small"),
                            html.Div(value, className="kpi-value", id=f"lifecycle-kpi-{key}"),
                            html.Div(note, className="small text-muted"),
                        ],
                        className="py-2",
                    )
                ),
                xs=6,
                md=3,
                xl=True,
            )
            for key, label, value, note in cards
        ],
        className="g-2 mb-3",
        id=Ids.SUMMARY,
    )


def _pending(pc: PageContext, summary: lc.CohortSummary, step: str, count) -> str:
    """A rate card's note: how many of the cohort its rate leaves out as not yet measurable (none: no note)."""
    pending = summary.pending.get(step, 0)
    return t("lifecycle.card.pending", pc.lang, count=count(pending)) if pending else ""


def _funnel_section(pc, view, members, funnel, steps, count, theme) -> dbc.Card:
    lang = pc.lang
    if not members.height:
        return _card(
            t("lifecycle.funnel.title", lang), empty_state(lang, "lifecycle.empty.cohort"), card_id="lifecycle-funnel"
        )
    figure = figs.funnel_bars(
        funnel,
        step_labels=steps,
        theme=theme,
        title=None,
        count=count,
        texts={
            "of_start": t("lifecycle.of_start", lang, value="{value}"),
            "of_previous": t("lifecycle.of_previous", lang, value="{value}"),
            "measurable": t("lifecycle.measurable", lang, value="{value}"),
            "pending": t("lifecycle.pending", lang, value="{value}"),
            "hover_customers": t("lifecycle.customers", lang),
        },
        selected=view.cohort_cross.get(lc.CROSS_STEP),
    )
    definitions = lc.step_definitions(pc, view.windows)
    rows = [
        {
            "step": steps[row["step"]],
            "customers": row["customers"],
            "pct_start": row["pct_start"],
            "pct_previous": row["pct_previous"],
            "measurable": row["measurable"],
            "pending": row["pending"],
        }
        for row in funnel.iter_rows(named=True)
    ]
    percent = {"function": "params.value == null ? '—' : d3.format('.1%')(params.value)"}
    integer = {"function": "params.value == null ? '—' : d3.format(',')(params.value)"}
    number_columns = [
        ("customers", integer),
        ("pct_start", percent),
        ("pct_previous", percent),
        ("measurable", integer),
        ("pending", integer),
    ]
    table = dag.AgGrid(
        id=Ids.FUNNEL_TABLE,
        rowData=rows,
        columnDefs=[
            {"field": "step", "headerName": t("lifecycle.col.step", lang), "flex": 2, "minWidth": 150},
            *(
                {
                    "field": field,
                    "headerName": t(f"lifecycle.col.{field}", lang),
                    "valueFormatter": formatter,
                    "type": "rightAligned",
                    "flex": 1,
                    "minWidth": 90,
                }
                for field, formatter in number_columns
            ),
        ],
        defaultColDef={"sortable": False, "resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions=grid_options(lang, domLayout="autoHeight"),
        getRowId="params.data.step",
        style={"height": None},
    )
    glossary = html.Details(
        [
            html.Summary(t("lifecycle.def.title", lang), className="small"),
            html.Dl(
                [
                    item
                    for step in (*lc.STEPS, lc.OUTFLOW)
                    for item in (html.Dt(steps[step]), html.Dd(definitions[step], className="mb-1"))
                ],
                className="small mb-1",
            ),
            html.Ul(
                [html.Li(t("lifecycle.def.measurable", lang)), html.Li(t("lifecycle.def.reopen", lang))],
                className="small text-muted mb-0",
            ),
        ],
        open=True,
        id="lifecycle-definitions",
        className="mt-2",
    )
    note = lc.pending_note(lang, funnel, steps, count)
    pending = html.P(note, className="small text-muted mb-1", id="lifecycle-pending") if note else None
    body = dbc.Row(
        [
            dbc.Col([_graph(chart_id("funnel"), figure), pending], lg=6),
            dbc.Col([table, glossary], lg=6),
        ],
        className="g-2",
    )
    return _card(t("lifecycle.funnel.title", lang), body, t("lifecycle.funnel.hint", lang), card_id="lifecycle-funnel")


def _compare_section(pc, view, members, steps, count, theme) -> dbc.Card:
    lang = pc.lang
    selector = dbc.RadioItems(
        id=Ids.DIM,
        options=[{"value": d, "label": pc.model.dimension_label(d, lang)} for d in lc.COMPARE_COLUMNS],
        value=view.dim,
        inline=True,
        className="small",
    )
    header = html.Div(
        [html.Span(t("lifecycle.compare.by", lang) + "：", className="small me-1"), selector],
        className="d-flex align-items-center",
    )
    title = t("lifecycle.compare.title", lang, dimension=pc.model.dimension_label(view.dim, lang))
    frame = lc.funnel_by(members, view.dim, lc.group_order(pc, view.dim))
    if not frame.height:
        return _card(
            title, empty_state(lang, "lifecycle.empty.cohort"), header_extra=header, card_id="lifecycle-compare"
        )
    figure = figs.funnel_groups(
        frame,
        step_labels=steps,
        group_labels=lc.group_labels(pc, view.dim),
        theme=theme,
        title=None,
        count=count,
        texts={
            "of_start": t("lifecycle.of_start", lang, value="{value}"),
            "of_previous": t("lifecycle.of_previous", lang, value="{value}"),
            "pending": t("lifecycle.pending", lang, value="{value}"),
            "hover_customers": t("lifecycle.customers", lang),
            "share_axis": t("lifecycle.share_axis", lang),
            "unknown": t("lifecycle.unknown", lang),
        },
        selected=pc.state.cross.get(view.dim),
    )
    # a click cross-filters the page by the clicked group (customdata[0]) and lists its customers at the step
    return _card(
        title,
        _graph(chart_id("groups"), figure),
        t("lifecycle.compare.hint", lang),
        header_extra=header,
        card_id="lifecycle-compare",
    )


def _retention_section(pc, view, members, count, money, theme) -> dbc.Card:
    lang = pc.lang
    switch = dbc.RadioItems(
        id=Ids.RETENTION,
        options=[{"value": m, "label": t(f"lifecycle.retention.{m}", lang)} for m in lc.RETENTION_MEASURES],
        value=view.retention,
        inline=True,
        className="small",
    )
    frame = lc.retention(members)
    title = t("lifecycle.retention.title", lang)
    if not frame.height:
        return _card(
            title, empty_state(lang, "lifecycle.empty.cohort"), header_extra=switch, card_id="lifecycle-retention-card"
        )
    figure = figs.retention_heatmap(
        frame,
        measure=view.retention,
        theme=theme,
        title=None,
        count=count,
        money=money,
        texts={
            "cohort": t("lifecycle.retention.cohort", lang),
            "offset": t("lifecycle.retention.offset", lang),
            "share": t("lifecycle.retention.share", lang),
            "active": t("lifecycle.retention.active", lang),
            "cohort_size": t("lifecycle.retention.cohort_size", lang),
            "aum": t("lifecycle.retention.aum_now", lang),
            "aum_base": t("lifecycle.retention.aum_base", lang),
        },
        selected=view.cohort_cross.get(lc.CROSS_COHORT),
    )
    return _card(
        title,
        _graph(chart_id("heatmap"), figure),
        t("lifecycle.retention.hint", lang),
        header_extra=switch,
        card_id="lifecycle-retention-card",
    )


def _flow_section(pc, view, flow, count, pct, theme) -> dbc.Card:
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
        return _card(title, empty_state(lang), header_extra=pickers, card_id="lifecycle-flow")
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
            _unapplied_note(pc, view, "flow"),
            _graph(chart_id("flow"), figure),
        ]
    )
    return _card(title, body, t("lifecycle.flow.hint", lang), header_extra=pickers, card_id="lifecycle-flow")


def _activation_section(pc, view, members, theme) -> dbc.Card:
    lang = pc.lang
    title = t("lifecycle.activation.title", lang)
    frame = lc.activation_histogram(members)
    if not frame.height:
        return _card(title, empty_state(lang, "lifecycle.empty.cohort"), card_id="lifecycle-act")
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
    return _card(
        title, _graph(chart_id("activation"), figure), t("lifecycle.activation.hint", lang), card_id="lifecycle-act"
    )


def _mix_section(pc, view, count, theme) -> dbc.Card:
    lang = pc.lang
    title = t("lifecycle.mix.title", lang)
    frame = lc.stage_mix(pc, view)
    if not frame.height:
        return _card(title, empty_state(lang), card_id="lifecycle-mix")
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
    body = html.Div([_unapplied_note(pc, view, "mix"), _graph(chart_id("mix"), figure)])
    return _card(title, body, t("lifecycle.mix.hint", lang), card_id="lifecycle-mix")


NUMERIC = {"latest_aum", "aum_at", "aum_a", "aum_b", "aum_total"}
INTEGERS = {"days_to_activate", "txn_count"}


def _list_columns(pc: PageContext, view: lc.LifecycleView, columns) -> list[dict]:
    defs = []
    for column in columns:
        header = lc.list_header(pc, view, column)
        item: dict = {"field": column, "headerName": header}
        if column == "customer_id":
            item = {
                "field": "customer_link",
                "colId": "customer_id",
                "headerName": header,
                "cellRenderer": "markdown",
                "pinned": "left",
                "width": 130,
            }
        elif column in NUMERIC:
            item.update(
                type="rightAligned",
                valueFormatter={"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"},
            )
        elif column in INTEGERS:
            item.update(type="rightAligned")
        defs.append(item)
    return defs


def _list_section(pc: PageContext, view: lc.LifecycleView) -> dbc.Card:
    lang = pc.lang
    drill = lc.drill_list(pc, view)
    count = _formatter(pc, "count")
    caption = t("lifecycle.list.count", lang, count=count(drill.total))
    if drill.truncated:
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
    grid = dag.AgGrid(
        id=Ids.GRID,
        rowModelType="infinite",
        columnDefs=_list_columns(pc, view, drill.columns),
        defaultColDef={"sortable": True, "resizable": True, "minWidth": 90},
        dashGridOptions=grid_options(
            lang, cacheBlockSize=100, maxBlocksInCache=20, infiniteInitialRowCount=1, rowBuffer=0
        ),
        style={"height": "420px"},
    )
    return dbc.Card(
        [
            dbc.CardHeader(html.Div([title, html.Div(clear, className="ms-auto")], className="d-flex")),
            dbc.CardBody(grid),
        ],
        className="mb-3",
        id="lifecycle-list",
    )


# --- callbacks: read the input, change the URL state, let the page re-render ------------------------------------


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input({"type": CHART, "chart": ALL}, "clickData"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_chart_click(_clicks, search):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or ctx.triggered[0].get("value") is None:
        return no_update
    state = lc.click_state(current_state(parse_query(search or "")), trigger["chart"], ctx.triggered[0]["value"])
    if state is None:
        return no_update
    query = to_query(state)
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.DIM, "value"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_dimension(dim, search):
    query = to_query(lc.with_dimension(current_state(parse_query(search or "")), dim))
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.RETENTION, "value"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_retention(measure, search):
    query = to_query(lc.with_retention(current_state(parse_query(search or "")), measure))
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.FLOW_A, "value"),
    Input(Ids.FLOW_B, "value"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_flow_months(month_a, month_b, search):
    # Dash 4 dropdowns report their value when mounted: the defaults (the period) never go into the URL
    pc = page_context(parse_query(search or ""))
    view = lc.lifecycle_view(pc)
    query = to_query(lc.with_flow_months(pc.state, month_a, month_b, (view.start, view.end)))
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input(Ids.CLEAR, "n_clicks"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_clear(n_clicks, search):
    if not n_clicks:
        return no_update
    return to_query(lc.with_target(current_state(parse_query(search or "")), None))


@callback(
    Output(Ids.GRID, "getRowsResponse"),
    Input(Ids.GRID, "getRowsRequest"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_rows(request, search):
    if not request:
        return no_update
    pc = page_context(parse_query(search or ""))
    return lc.grid_response(pc, request, lc.link_query(pc.state))
