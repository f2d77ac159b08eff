"""`/segments`: who the customers are — tier mix and trend, breakdowns, product penetration, tier migration,
potential customers, and the drill-through customer list behind every segment."""

from __future__ import annotations

from enum import StrEnum

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from clientscope import runtime
from clientscope import segments as seg
from clientscope.components.crossfilter import graph_id, grid_id
from clientscope.components.empty import empty_state
from clientscope.components.export_button import export_button
from clientscope.components.filter_bar import dropdown_labels
from clientscope.components.grid import grid_options
from clientscope.components.kpi import kpi_card
from clientscope.components.page import PageContext, changed_search, current_state, page_context, page_frame
from clientscope.customer_list import customer_list, ignored_filters
from clientscope.figures import segments as figures
from clientscope.figures.segments import tier_mix_bars
from clientscope.i18n import join_words, t
from clientscope.kpis import kpi_views
from clientscope.semantic import format_value
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query, to_query

dash.register_page(__name__, path="/segments", order=10, title="Clientscope · segments")

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
    POTENTIAL = "segments-potential"
    LIST = "segments-list"


def setting_id(name: str) -> dict[str, str]:
    return {"type": SETTING, "name": name}


def click_id(name: str) -> dict[str, str]:
    return {"type": CLICK, "name": name}


def button_id(name: str) -> dict[str, str]:
    return {"type": BUTTON, "name": name}


def _card(title: str, body: list, card_id: str, note: str | None = None) -> dbc.Card:
    header = [html.Span(title, className="fw-semibold")]
    if note:
        header.append(html.Span(" · " + note, className="text-muted small"))
    return dbc.Card([dbc.CardHeader(header), dbc.CardBody(body)], className="mb-3", id=card_id)


def _radio(name: str, options: dict[str, str], value: str) -> dbc.RadioItems:
    return dbc.RadioItems(
        id=setting_id(name),
        options=[{"value": v, "label": label} for v, label in options.items()],
        value=value,
        inline=True,
        className="small mb-1",
    )


def _graph(graph_id_value: dict[str, str], figure) -> dcc.Graph:
    return dcc.Graph(id=graph_id_value, figure=figure, config=GRAPH_CONFIG)


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    pc = page_context(query)
    lang = pc.lang
    title = [t("segments.title", lang), export_button("segments", lang)]
    if not pc.choices.months:
        return page_frame(pc, title, [empty_state(lang, "empty.no_data")])
    tags = seg.known_tags(pc)
    view = seg.segments_view(pc, tags)
    content = [
        html.P(t("segments.intro", lang, start=view.start, end=view.end), className="text-muted small"),
        dbc.Row(
            [dbc.Col(kpi_card(v, lang, pc.state.compare), md=3, xs=6) for v in kpi_views(pc, seg.HEADLINE_METRICS)],
            className="g-2 mb-3",
            id=Ids.KPIS,
        ),
        mix_section(pc, view),
        dbc.Row([dbc.Col(trend_section(pc, view), lg=6), dbc.Col(breakdown_section(pc, view), lg=6)]),
        products_section(pc, view),
        migration_section(pc, view),
        potential_section(pc, view),
        list_section(pc, view),
    ]
    return page_frame(pc, title, content)


# --- sections ---------------------------------------------------------------------------------------------------


def mix_section(pc: PageContext, view: seg.SegmentsView) -> dbc.Card:
    lang = pc.lang
    num = seg.numbers(pc)
    mix = seg.tier_mix(pc, view)
    tier_labels = pc.model.tier_labels(lang)
    title = t("segments.mix.title", lang, month=view.end)
    if not mix.height or not mix["customers"].sum():
        return _card(title, [empty_state(lang)], Ids.MIX)
    chart = _graph(
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
    return _card(
        title, [chart, table, html.P(t("segments.click_hint", lang), className="small text-muted mb-0")], Ids.MIX
    )


def trend_section(pc: PageContext, view: seg.SegmentsView) -> dbc.Card:
    lang = pc.lang
    frame = seg.tier_trend(pc, view)
    measures = {m: t(f"segments.trend.{m}", lang) for m in seg.TREND_MEASURES}
    body = [_radio("trend", measures, view.trend)]
    if not frame.height:
        body.append(empty_state(lang))
    else:
        tier_labels = pc.model.tier_labels(lang)
        body.append(
            _graph(
                graph_id("tier", "segments-trend"),
                figures.tier_trend_chart(
                    frame,
                    measure=view.trend,
                    tier_order=tuple(tier_labels),
                    tier_labels=tier_labels,
                    picked=seg.selected(pc, "tier"),
                    money=seg.numbers(pc).money,
                    theme=pc.state.theme,
                    title="",
                    y_title=measures[view.trend],
                ),
            )
        )
    return _card(t("segments.trend.title", lang, start=view.start, end=view.end), body, Ids.TREND)


def breakdown_section(pc: PageContext, view: seg.SegmentsView) -> dbc.Card:
    lang = pc.lang
    dimensions = {
        d: (t("segments.tag", lang) if d == seg.TAG else pc.model.dimension_label(d, lang)) for d in seg.BREAKDOWNS
    }
    measures = {m: t(f"segments.mix_measure.{m}", lang) for m in seg.MIX_MEASURES}
    body = [_radio("breakdown", dimensions, view.breakdown), _radio("mix", measures, view.mix)]
    frame = seg.breakdown(pc, view)
    if not frame.height:
        body.append(empty_state(lang))
    else:
        tier_labels = pc.model.tier_labels(lang)
        figure = figures.breakdown_bars(
            frame,
            measure=view.mix,
            value_labels=seg.breakdown_labels(pc, view, frame["value"].unique().to_list()),
            tier_order=tuple(tier_labels),
            tier_labels=tier_labels,
            picked=seg.selected(pc, "tier"),
            money=seg.numbers(pc).money,
            theme=pc.state.theme,
            title="",
            x_title=measures[view.mix],
        )
        is_tag = view.breakdown == seg.TAG
        body.append(_graph(click_id("tag") if is_tag else graph_id(view.breakdown, "segments-breakdown"), figure))
        hint = "segments.breakdown.tag_hint" if is_tag else "segments.click_hint"
        body.append(html.P(t(hint, lang), className="small text-muted mb-0"))
    return _card(t("segments.breakdown.title", lang, month=view.end), body, Ids.BREAKDOWN)


def products_section(pc: PageContext, view: seg.SegmentsView) -> dbc.Card:
    lang = pc.lang
    tier_labels = pc.model.tier_labels(lang)
    body: list = []
    frame = seg.penetration(pc, view)
    if frame is None:
        body.append(dbc.Alert(t("segments.products.no_holdings", lang), color="info", id="segments-no-holdings"))
    elif not frame.height:
        body.append(empty_state(lang))
    else:
        body.append(
            _graph(
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
    per_customer = seg.products_per_customer(pc, view)
    detail = per_customer.filter(~per_customer["is_total"]) if "is_total" in per_customer.columns else per_customer
    if detail.height:
        fmt = pc.model.format_of("products_per_customer")
        body.append(
            _graph(
                graph_id("tier", "segments-products-per-customer"),
                figures.tier_value_bars(
                    detail,
                    column="products_per_customer",
                    tier_order=tuple(tier_labels),
                    tier_labels=tier_labels,
                    picked=seg.selected(pc, "tier"),
                    text=lambda v: format_value(v, fmt, lang),
                    theme=pc.state.theme,
                    title=pc.model.label("products_per_customer", lang),
                ),
            )
        )
    row = dbc.Row([dbc.Col(part, lg=7 if i == 0 else 5) for i, part in enumerate(body)])
    return _card(t("segments.products.title", lang, month=view.end), [row], Ids.PRODUCTS)


def _stat(label: str, value: str, stat_id: str) -> dbc.Col:
    return dbc.Col(
        html.Div(
            [html.Div(label, className="small text-muted"), html.Div(value, className="fs-5 fw-semibold", id=stat_id)]
        ),
        md=2,
        xs=4,
    )


def migration_section(pc: PageContext, view: seg.SegmentsView) -> dbc.Card:
    lang = pc.lang
    num = seg.numbers(pc)
    months = [{"value": m, "label": m} for m in pc.choices.months]
    pickers = dbc.Row(
        [
            dbc.Col(
                [
                    html.Label(t("segments.migration.from", lang), className="small text-muted"),
                    dcc.Dropdown(
                        id=setting_id("from"),
                        options=months,
                        value=view.from_month,
                        clearable=False,
                        labels=dropdown_labels(lang),
                    ),
                ],
                md=2,
                xs=6,
            ),
            dbc.Col(
                [
                    html.Label(t("segments.migration.to", lang), className="small text-muted"),
                    dcc.Dropdown(
                        id=setting_id("to"),
                        options=months,
                        value=view.to_month,
                        clearable=False,
                        labels=dropdown_labels(lang),
                    ),
                ],
                md=2,
                xs=6,
            ),
        ],
        className="g-2 mb-2",
    )
    matrix = seg.migration(pc, view)
    tiers = seg.tier_codes(pc)
    title = t("segments.migration.title", lang, start=view.opening_month, end=view.to_month)
    if not matrix["customers"].sum():
        return _card(title, [pickers, empty_state(lang)], Ids.MIGRATION)
    summary = seg.migration_summary(matrix, tiers)
    stats = dbc.Row(
        [
            _stat(t("segments.migration.upgrades", lang), num.count(summary.upgrades), "segments-upgrades"),
            _stat(t("segments.migration.downgrades", lang), num.count(summary.downgrades), "segments-downgrades"),
            _stat(t("segments.migration.net", lang), num.count_change(summary.net_moves), "segments-net-moves"),
            _stat(t("segments.migration.new", lang), num.count(summary.new), "segments-new"),
            _stat(t("segments.migration.closed", lang), num.count(summary.closed), "segments-closed"),
            _stat(
                t("segments.migration.net_aum", lang), num.money_change(summary.net_aum_moved_up), "segments-net-aum"
            ),
        ],
        className="g-2 mb-2",
        id=Ids.MIGRATION_SUMMARY,
    )
    labels = seg.migration_labels(pc)
    from_order = (*tiers, seg.NEW)
    to_order = (*tiers, seg.CLOSED)
    common = {
        "from_order": from_order,
        "to_order": to_order,
        "labels": labels,
        "money": num.money,
        "theme": pc.state.theme,
        "move": seg.move_option,
    }
    axes = {
        "x_title": t("segments.migration.to_axis", lang, month=view.to_month),
        "y_title": t("segments.migration.from_axis", lang, month=view.opening_month),
    }
    heatmaps = dbc.Row(
        [
            dbc.Col(
                _graph(
                    click_id("move-customers"),
                    figures.migration_heatmap(
                        matrix, value="customers", title=t("segments.migration.customers", lang), **axes, **common
                    ),
                ),
                lg=6,
            ),
            dbc.Col(
                _graph(
                    click_id("move-aum"),
                    figures.migration_heatmap(
                        matrix, value="aum", title=t("segments.migration.aum", lang), **axes, **common
                    ),
                ),
                lg=6,
            ),
        ]
    )
    sankey = _graph(
        click_id("move-sankey"),
        figures.migration_sankey(
            matrix,
            from_order=from_order,
            to_order=to_order,
            labels=labels,
            money=num.money,
            theme=pc.state.theme,
            title=t("segments.migration.sankey", lang),
            move=seg.move_option,
        ),
    )
    flows = seg.tier_flows(matrix, tiers)
    flow_columns = [
        ("tier", pc.model.dimension_label("tier", lang)),
        ("opening", t("segments.flow.opening", lang)),
        ("moved_in", t("segments.flow.moved_in", lang)),
        ("new", t("segments.flow.new", lang)),
        ("moved_out", t("segments.flow.moved_out", lang)),
        ("closed", t("segments.flow.closed", lang)),
        ("closing", t("segments.flow.closing", lang)),
        ("aum_in", t("segments.flow.aum_in", lang)),
        ("aum_out", t("segments.flow.aum_out", lang)),
        ("net_aum_moved", t("segments.flow.net_aum", lang)),
    ]
    flow_rows = []
    for row in flows.iter_rows(named=True):
        shown = {k: num.count(v) if isinstance(v, int) else v for k, v in row.items()}
        shown.update(
            tier=labels.get(row["tier"], row["tier"]),
            aum_in=num.money(row["aum_in"]),
            aum_out=num.money(row["aum_out"]),
            net_aum_moved=num.money_change(row["net_aum_moved"]),
        )
        flow_rows.append(shown)
    flow_table = dag.AgGrid(
        id="segments-flows",
        rowData=flow_rows,
        columnDefs=[{"field": k, "headerName": label} for k, label in flow_columns],
        defaultColDef={"resizable": True, "sortable": False, "width": 110},
        dashGridOptions=grid_options(lang, domLayout="autoHeight"),
        columnSize="autoSize",
    )
    note = html.P(t("segments.migration.note", lang), className="small text-muted mb-0")
    return _card(title, [pickers, stats, heatmaps, sankey, flow_table, note], Ids.MIGRATION)


def potential_section(pc: PageContext, view: seg.SegmentsView) -> dbc.Card:
    lang = pc.lang
    num = seg.numbers(pc)
    rule = seg.potential_rule(pc.model)
    frame = seg.potential(pc, view)
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
        return _card(t("segments.potential.title", lang, month=view.end), body, Ids.POTENTIAL)
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
            "next": tier_labels.get(seg.tier_codes(pc)[r["tier_rank"] - 2], ""),
            "candidates": num.count(r["candidates"]),
            "potential": num.count(r["potential"]),
            "share": num.share(r["potential"] / r["candidates"] if r["candidates"] else None),
            "potential_aum": num.money(r["potential_aum"]),
            **{name: num.count(r[name]) for name in seg.SIGNALS},
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
        *({"field": name, "headerName": t(f"segments.signal.{name}", lang)} for name in seg.SIGNALS),
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
    return _card(t("segments.potential.title", lang, month=view.end), body, Ids.POTENTIAL)


def list_section(pc: PageContext, view: seg.SegmentsView) -> dbc.Card:
    lang = pc.lang
    segment = seg.list_segment(pc, view)
    body: list = []
    ignored = ignored_filters(pc.metric_filters())
    if ignored:
        names = join_words([pc.model.dimension_label(d, lang) for d in ignored], lang)
        body.append(html.P(t("segments.list.ignored", lang, filters=names), className="small text-muted"))
    body.append(customer_list(pc, segment, LIST_NAME, back="segments", title=seg.list_title(pc, view)))
    if view.move or view.potential or view.tag:
        body.append(
            dbc.Button(t("segments.list.clear", lang), id=button_id("clear"), color="link", size="sm", className="px-0")
        )
    body.append(html.P(t("segments.list.hint", lang), className="small text-muted mb-0"))
    return _card(t("segments.list.card", lang), body, Ids.LIST)


# --- callbacks: read the control, let the library compute the new state, write it into the URL ----------------


def _write(search: str | None, state) -> str:
    query = to_query(state)
    return changed_search(query, search)


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input({"type": SETTING, "name": ALL}, "value"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_setting(_values, search):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or ctx.triggered[0].get("value") is None:
        return no_update
    pc = page_context(parse_query(search or ""))
    view = seg.segments_view(pc)
    return _write(search, seg.with_setting(pc.state, view, trigger["name"], ctx.triggered[0]["value"]))


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input({"type": CLICK, "name": ALL}, "clickData"),
    State({"type": CLICK, "name": ALL}, "figure"),
    State({"type": CLICK, "name": ALL}, "id"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_chart_click(_clicks, figures_shown, ids, search):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered:
        return no_update
    figure = next((f for f, i in zip(figures_shown, ids, strict=True) if i == trigger), None)
    value = figures.clicked_code(ctx.triggered[0].get("value"), figure)
    if not value:
        return no_update
    target = trigger["name"] if trigger["name"] in ("tag", "tier-penetration") else "move"
    state = current_state(parse_query(search or ""))
    return _write(search, seg.with_click(state, target, value))


@callback(
    Output(ShellIds.URL, "search", allow_duplicate=True),
    Input({"type": BUTTON, "name": ALL}, "n_clicks"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_button(_clicks, search):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update
    state = current_state(parse_query(search or ""))
    return _write(search, seg.with_click(state, trigger["name"], None))
