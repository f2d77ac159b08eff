"""The segments page's sections: each a Dash component drawn from the URL state on its own
(`clientscope.components.sections`), so a filter change redraws them in parallel and a page option redraws only
the section that reads it. The migration section is in `migration_section.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from clientscope.components.crossfilter import graph_id, grid_id
from clientscope.components.empty import empty_state
from clientscope.components.export_button import export_button
from clientscope.components.grid import grid_options
from clientscope.components.kpi import kpi_card
from clientscope.components.page import page_frame
from clientscope.customer_list import customer_list, ignored_filters
from clientscope.i18n import join_words, t
from clientscope.kpis import kpi_views
from clientscope.segments import figures
from clientscope.segments.components import LIST_NAME, Ids, button_id, card, click_id, graph, radio
from clientscope.segments.figures import tier_mix_bars
from clientscope.segments.lists import list_segment, list_title
from clientscope.segments.mix import breakdown, breakdown_labels, tier_mix, tier_trend
from clientscope.segments.numbers import numbers
from clientscope.segments.potential import SIGNALS, potential, potential_rule
from clientscope.segments.products import penetration, products_per_customer
from clientscope.segments.view import (
    BREAKDOWNS,
    HEADLINE_METRICS,
    MIX_MEASURES,
    TAG,
    TREND_MEASURES,
    SegmentsView,
    segments_view,
    selected,
    tier_codes,
)
from clientscope.semantic import format_value
from clientscope.view_context import PageContext


def with_view(body: Callable[[PageContext, SegmentsView], Any]) -> Callable[[PageContext], Any]:
    """A section's renderer: nothing while the data has no months (the frame says so), else `body` with the view."""

    def render(pc: PageContext) -> Any:
        return body(pc, segments_view(pc)) if pc.choices.months else None

    return render


def frame_section(pc: PageContext) -> html.Div:
    """The title with the export button, notices, filter bar and chips; the empty state when there is no data."""
    lang = pc.lang
    title = [t("segments.title", lang), export_button("segments", lang)]
    return page_frame(pc, title, [] if pc.choices.months else [empty_state(lang, "empty.no_data")])


def kpis_section(pc: PageContext, view: SegmentsView) -> html.Div:
    lang = pc.lang
    cards = [dbc.Col(kpi_card(v, lang, pc.state.compare), md=3, xs=6) for v in kpi_views(pc, HEADLINE_METRICS)]
    return html.Div(
        [
            html.P(t("segments.intro", lang, start=view.start, end=view.end), className="text-muted small"),
            dbc.Row(cards, className="g-2 mb-3", id=Ids.KPIS),
        ]
    )


def mix_section(pc: PageContext, view: SegmentsView) -> dbc.Card:
    lang = pc.lang
    num = numbers(pc)
    mix = tier_mix(pc, view)
    tier_labels = pc.model.tier_labels(lang)
    title = t("segments.mix.title", lang, month=view.end)
    if not mix.height or not mix["customers"].sum():
        return card(title, [empty_state(lang)], Ids.MIX)
    chart = graph(
        graph_id("tier", "segments-mix"),
        tier_mix_bars(
            mix,
            tier_order=tuple(tier_labels),
            tier_labels=tier_labels,
            measures={"customers": pc.model.label("customers", lang), "aum_total": pc.model.label("aum_total", lang)},
            theme=pc.state.theme,
            title="",
            share_label=t("segments.share", lang),
        ),
    )
    compare = t(f"compare.{pc.state.compare}", lang)
    rows = [
        {
            "tier": r["tier"],
            "tier_label": tier_labels.get(r["tier"], r["tier"]),
            "customers": num.count(r["customers"]),
            "customers_change": num.count_change(r["customers_change"]),
            "customers_share": num.share(r["customers_share"]),
            "customers_share_change": num.points(r["customers_share_change"]),
            "aum_total": num.money(r["aum_total"]),
            "aum_total_change": num.money_change(r["aum_total_change"]),
            "aum_total_share": num.share(r["aum_total_share"]),
            "aum_total_share_change": num.points(r["aum_total_share_change"]),
        }
        for r in mix.iter_rows(named=True)
    ]
    columns = [
        {"field": "tier_label", "headerName": pc.model.dimension_label("tier", lang), "pinned": "left", "width": 120},
        {"field": "customers", "headerName": pc.model.label("customers", lang)},
        {"field": "customers_change", "headerName": t("segments.mix.change", lang, compare=compare)},
        {"field": "customers_share", "headerName": t("segments.mix.customer_share", lang)},
        {"field": "customers_share_change", "headerName": t("segments.mix.share_change", lang, compare=compare)},
        {"field": "aum_total", "headerName": pc.model.label("aum_total", lang)},
        {"field": "aum_total_change", "headerName": t("segments.mix.change", lang, compare=compare)},
        {"field": "aum_total_share", "headerName": t("segments.mix.aum_share", lang)},
        {"field": "aum_total_share_change", "headerName": t("segments.mix.share_change", lang, compare=compare)},
    ]
    table = dag.AgGrid(
        id=grid_id("tier", "segments-mix-table"),
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"resizable": True, "sortable": False, "width": 110, "type": "rightAligned"},
        dashGridOptions=grid_options(lang, domLayout="autoHeight"),
        getRowId="params.data.tier",
        columnSize="autoSize",
    )
    return card(
        title, [chart, table, html.P(t("segments.click_hint", lang), className="small text-muted mb-0")], Ids.MIX
    )


def trend_section(pc: PageContext, view: SegmentsView) -> dbc.Card:
    lang = pc.lang
    frame = tier_trend(pc, view)
    measures = {m: t(f"segments.trend.{m}", lang) for m in TREND_MEASURES}
    body = [radio("trend", measures, view.trend)]
    if not frame.height:
        body.append(empty_state(lang))
    else:
        tier_labels = pc.model.tier_labels(lang)
        body.append(
            graph(
                graph_id("tier", "segments-trend"),
                figures.tier_trend_chart(
                    frame,
                    measure=view.trend,
                    tier_order=tuple(tier_labels),
                    tier_labels=tier_labels,
                    picked=selected(pc, "tier"),
                    money=numbers(pc).money,
                    theme=pc.state.theme,
                    title="",
                    y_title=measures[view.trend],
                ),
            )
        )
    return card(t("segments.trend.title", lang, start=view.start, end=view.end), body, Ids.TREND)


def breakdown_section(pc: PageContext, view: SegmentsView) -> dbc.Card:
    lang = pc.lang
    dimensions = {d: (t("segments.tag", lang) if d == TAG else pc.model.dimension_label(d, lang)) for d in BREAKDOWNS}
    measures = {m: t(f"segments.mix_measure.{m}", lang) for m in MIX_MEASURES}
    body = [radio("breakdown", dimensions, view.breakdown), radio("mix", measures, view.mix)]
    frame = breakdown(pc, view)
    if not frame.height:
        body.append(empty_state(lang))
    else:
        tier_labels = pc.model.tier_labels(lang)
        figure = figures.breakdown_bars(
            frame,
            measure=view.mix,
            value_labels=breakdown_labels(pc, view, frame["value"].unique().to_list()),
            tier_order=tuple(tier_labels),
            tier_labels=tier_labels,
            picked=selected(pc, "tier"),
            money=numbers(pc).money,
            theme=pc.state.theme,
            title="",
            x_title=measures[view.mix],
        )
        is_tag = view.breakdown == TAG
        body.append(graph(click_id("tag") if is_tag else graph_id(view.breakdown, "segments-breakdown"), figure))
        hint = "segments.breakdown.tag_hint" if is_tag else "segments.click_hint"
        body.append(html.P(t(hint, lang), className="small text-muted mb-0"))
    return card(t("segments.breakdown.title", lang, month=view.end), body, Ids.BREAKDOWN)


def products_section(pc: PageContext, view: SegmentsView) -> dbc.Card:
    lang = pc.lang
    tier_labels = pc.model.tier_labels(lang)
    body: list = []
    frame = penetration(pc, view)
    if frame is None:
        body.append(dbc.Alert(t("segments.products.no_holdings", lang), color="info", id="segments-no-holdings"))
    elif not frame.height:
        body.append(empty_state(lang))
    else:
        body.append(
            graph(
                click_id("tier-penetration"),
                figures.penetration_heatmap(
                    frame,
                    tier_order=tuple(tier_labels),
                    tier_labels=tier_labels,
                    product_labels=pc.model.value_labels("product_type", lang),
                    theme=pc.state.theme,
                    title=t("segments.products.penetration", lang),
                    hover_label=t("segments.products.holders", lang),
                ),
            )
        )
    per_customer = products_per_customer(pc, view)
    detail = per_customer.filter(~per_customer["is_total"]) if "is_total" in per_customer.columns else per_customer
    if detail.height:
        fmt = pc.model.format_of("products_per_customer")
        body.append(
            graph(
                graph_id("tier", "segments-products-per-customer"),
                figures.tier_value_bars(
                    detail,
                    column="products_per_customer",
                    tier_order=tuple(tier_labels),
                    tier_labels=tier_labels,
                    picked=selected(pc, "tier"),
                    text=lambda v: format_value(v, fmt, lang),
                    theme=pc.state.theme,
                    title=pc.model.label("products_per_customer", lang),
                ),
            )
        )
    row = dbc.Row([dbc.Col(part, lg=7 if i == 0 else 5) for i, part in enumerate(body)])
    return card(t("segments.products.title", lang, month=view.end), [row], Ids.PRODUCTS)


def potential_section(pc: PageContext, view: SegmentsView) -> dbc.Card:
    lang = pc.lang
    num = numbers(pc)
    rule = potential_rule(pc.model)
    frame = potential(pc, view)
    tier_labels = pc.model.tier_labels(lang)
    description = t(
        "segments.potential.rule",
        lang,
        headroom=f"{rule.headroom_share:.0%}",
        growth=f"{rule.aum_growth_min:.0%}",
        growth_months=rule.growth_months,
        lookback=rule.lookback_months,
        peer=f"{rule.peer_share:.0%}",
        signals=rule.min_signals,
    )
    body: list = [html.P(description, className="small")]
    if not frame.height:
        body.append(empty_state(lang))
        return card(t("segments.potential.title", lang, month=view.end), body, Ids.POTENTIAL)
    missing = [
        t(f"segments.signal.{name}", lang)
        for name, column in (("cross_border", "with_cross_border_data"), ("payroll", "with_payroll_data"))
        if not frame[column].sum()
    ]
    if missing:
        body.append(dbc.Alert(t("segments.potential.missing", lang, signals=join_words(missing, lang)), color="light"))
    rows = [
        {
            "tier": tier_labels.get(r["tier"], r["tier"]),
            "next": tier_labels.get(tier_codes(pc)[r["tier_rank"] - 2], ""),
            "candidates": num.count(r["candidates"]),
            "potential": num.count(r["potential"]),
            "share": num.share(r["potential"] / r["candidates"] if r["candidates"] else None),
            "potential_aum": num.money(r["potential_aum"]),
            **{name: num.count(r[name]) for name in SIGNALS},
        }
        for r in frame.iter_rows(named=True)
    ]
    columns = [
        {"field": "tier", "headerName": pc.model.dimension_label("tier", lang), "width": 110},
        {"field": "next", "headerName": t("segments.potential.next", lang), "width": 110},
        {"field": "candidates", "headerName": t("segments.potential.candidates", lang)},
        {"field": "potential", "headerName": t("segments.potential.count", lang)},
        {"field": "share", "headerName": t("segments.share", lang)},
        {"field": "potential_aum", "headerName": t("segments.potential.aum", lang)},
        *({"field": name, "headerName": t(f"segments.signal.{name}", lang)} for name in SIGNALS),
    ]
    for column in columns[2:]:
        column["type"] = "rightAligned"
    body.append(
        dag.AgGrid(
            id="segments-potential-table",
            rowData=rows,
            columnDefs=columns,
            defaultColDef={"resizable": True, "sortable": False, "width": 105},
            dashGridOptions=grid_options(lang, domLayout="autoHeight"),
            columnSize="autoSize",
        )
    )
    body.append(html.P(t("segments.potential.signal_note", lang), className="small text-muted mb-0"))
    label = "segments.potential.hide" if view.potential else "segments.potential.show"
    body.append(
        dbc.Button(
            t(label, lang), id=button_id("potential"), color="primary", outline=True, size="sm", className="mt-2"
        )
    )
    return card(t("segments.potential.title", lang, month=view.end), body, Ids.POTENTIAL)


def list_section(pc: PageContext, view: SegmentsView) -> dbc.Card:
    lang = pc.lang
    segment = list_segment(pc, view)
    body: list = []
    ignored = ignored_filters(pc.metric_filters())
    if ignored:
        names = join_words([pc.model.dimension_label(d, lang) for d in ignored], lang)
        body.append(html.P(t("segments.list.ignored", lang, filters=names), className="small text-muted"))
    body.append(customer_list(pc, segment, LIST_NAME, back="segments", title=list_title(pc, view)))
    if view.move or view.potential or view.tag:
        body.append(
            dbc.Button(t("segments.list.clear", lang), id=button_id("clear"), color="link", size="sm", className="px-0")
        )
    body.append(html.P(t("segments.list.hint", lang), className="small text-muted mb-0"))
    return card(t("segments.list.card", lang), body, Ids.LIST)
