"""The lifecycle page's sections (`clientscope.components.sections`): each renders on its own from the URL state
(`render_<name>(pc)`), reading its data through `clientscope.lifecycle.api` (the serving layer when it can
answer).  The frame (title, intro, filter bar, chips), the summary cards, the funnel, the funnel by group and the
retention heatmap are here; the stage flow with time to activate, the stage mix and the customer list are in
`clientscope.lifecycle.sections_flow`."""

from __future__ import annotations

from enum import StrEnum

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.components.empty import empty_state
from clientscope.components.export_button import export_button
from clientscope.components.grid import grid_options
from clientscope.components.page import page_frame
from clientscope.i18n import join_words, t
from clientscope.lifecycle import api as lc
from clientscope.lifecycle import figures as figs
from clientscope.semantic import format_value
from clientscope.state import to_query
from clientscope.view_context import PageContext

CHART = "lifecycle-chart"
GRAPH_CONFIG = {"displaylogo": False}


class Ids(StrEnum):
    DIM = "lifecycle-dim"
    RETENTION = "lifecycle-retention"
    FLOW_A = "lifecycle-flow-a"
    FLOW_B = "lifecycle-flow-b"
    CLEAR = "lifecycle-clear"
    SUMMARY = "lifecycle-summary"
    FUNNEL_TABLE = "lifecycle-funnel-table"
    LIST_TITLE = "lifecycle-list-title"
    REACTIVATION = "lifecycle-reactivation"


def chart_id(name: str) -> dict[str, str]:
    """The page's charts: a click sets a cross-filter and the customer list (`lc.click_state`)."""
    return {"type": CHART, "chart": name}


def graph(graph_id_, figure) -> dcc.Graph:
    return dcc.Graph(id=graph_id_, figure=figure, config=GRAPH_CONFIG)


def card(title: str, body, hint: str | None = None, header_extra=None, card_id: str | None = None) -> dbc.Card:
    header = [html.Span(title, className="fw-semibold")]
    if header_extra is not None:
        header.append(html.Div(header_extra, className="ms-auto"))
    parts = [dbc.CardHeader(html.Div(header, className="d-flex align-items-center flex-wrap gap-2"))]
    parts.append(dbc.CardBody([*([html.P(hint, className="small text-muted mb-1")] if hint else []), body]))
    return dbc.Card(parts, className="mb-3", **({"id": card_id} if card_id else {}))


def unapplied_note(pc: PageContext, view: lc.LifecycleView, chart: str) -> html.P | None:
    """Which cohort cross-filters an all-customer chart leaves out (so a chart that did not change says why)."""
    dimensions = lc.unapplied(view, chart)
    if not dimensions:
        return None
    names = join_words([lc.cross_dimension_label(pc, d) for d in dimensions], pc.lang)
    return html.P(t("lifecycle.not_narrowed", pc.lang, names=names), className="small text-muted mb-1")


def formatter(pc: PageContext, fmt: str):
    spec = pc.model.formats[fmt]
    return lambda value: format_value(value, spec, pc.lang)


def summary_cards(pc, view, members, funnel, flow, count, pct) -> dbc.Row:
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


def funnel_section(pc, view, members, funnel, steps, count, theme) -> dbc.Card:
    lang = pc.lang
    if not members.height:
        return card(
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
            dbc.Col([graph(chart_id("funnel"), figure), pending], lg=6),
            dbc.Col([table, glossary], lg=6),
        ],
        className="g-2",
    )
    return card(t("lifecycle.funnel.title", lang), body, t("lifecycle.funnel.hint", lang), card_id="lifecycle-funnel")


def compare_section(pc, view, members, steps, count, theme) -> dbc.Card:
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
        return card(
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
    return card(
        title,
        graph(chart_id("groups"), figure),
        t("lifecycle.compare.hint", lang),
        header_extra=header,
        card_id="lifecycle-compare",
    )


def retention_section(pc, view, members, count, money, theme) -> dbc.Card:
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
        return card(
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
    return card(
        title,
        graph(chart_id("heatmap"), figure),
        t("lifecycle.retention.hint", lang),
        header_extra=switch,
        card_id="lifecycle-retention-card",
    )


# --- the renderers: one per section, from the URL state -------------------------------------------------------


def render_frame(pc: PageContext) -> html.Div:
    """Title, notices, filter bar, the chips (the page's own cross-filters read "Funnel step: Grown"), the intro."""
    lang = pc.lang
    view = lc.lifecycle_view(pc)
    cells = lc.cohort_cells(pc, view)
    count = formatter(pc, "count")
    intro = [
        html.P(
            t("lifecycle.cohort_intro", lang, start=view.start, end=view.end,
              count=count(lc.customer_count(cells.funnel)), as_of=view.as_of),
            className="mb-1",
            id="lifecycle-intro",
            # the view it was drawn from: the frame drawn from a new URL can be told from the old one (the
            # section's elements are updated in place, not replaced as when the whole page was re-rendered)
            **{"data-view": to_query(pc.state)},
        ),
        html.P(t("lifecycle.entry_note", lang), className="small text-muted mb-1"),
    ]  # fmt: skip
    if lc.CROSS_STAGE in view.cohort_cross:
        intro.append(html.P(t("lifecycle.stage_note", lang, as_of=view.as_of), className="small text-muted mb-1"))
    if view.ignored:
        names = join_words([pc.model.dimension_label(d, lang) for d in view.ignored if d in pc.model.dimensions], lang)
        intro.append(dbc.Alert(t("lifecycle.ignored", lang, names=names), color="info", className="py-1 small"))
    title = [t("lifecycle.title", lang), export_button("lifecycle", lang)]
    content = [html.Div(intro, className="mb-2")]
    return page_frame(pc, title, content, value_labels=lc.cross_value_labels(pc, view))


def render_summary(pc: PageContext) -> dbc.Row:
    view = lc.lifecycle_view(pc)
    members = lc.cohort_cells(pc, view).funnel
    flow = lc.stage_flow(pc, view)
    return summary_cards(pc, view, members, lc.funnel(members), flow, formatter(pc, "count"), formatter(pc, "percent"))


def render_funnel(pc: PageContext) -> dbc.Card:
    view = lc.lifecycle_view(pc)
    members = lc.cohort_cells(pc, view).funnel
    steps = lc.step_labels(pc.lang, view.windows)
    return funnel_section(pc, view, members, lc.funnel(members), steps, formatter(pc, "count"), pc.state.theme)


def render_compare(pc: PageContext) -> dbc.Card:
    view = lc.lifecycle_view(pc)
    groups = lc.cohort_cells(pc, view).groups
    steps = lc.step_labels(pc.lang, view.windows)
    return compare_section(pc, view, groups, steps, formatter(pc, "count"), pc.state.theme)


def render_retention(pc: PageContext) -> dbc.Card:
    view = lc.lifecycle_view(pc)
    inputs = lc.cohort_cells(pc, view).retention
    count, money = formatter(pc, "count"), formatter(pc, "cny_auto")
    return retention_section(pc, view, inputs, count, money, pc.state.theme)
