"""`/campaigns`: which campaigns and channels produce conversions and revenue.

Campaign table (reach, conversion vs control group with uplift intervals, cost, CPA, attributed revenue, ROI)
under the chosen attribution model; uplift intervals; every model's channel credit side by side; conversions
over time by campaign; top conversion paths; and the converted customers of the selection, linked to the
customer 360 page.  The model, look-back and half-life are page options in the URL (`p.model`, `p.lookback`,
`p.half_life`), so every view can be shared.  Clicking a campaign row, a channel bar or a campaign line
cross-filters the page.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from clientscope import campaigns as cp
from clientscope import runtime
from clientscope.analytics.attribution import MODELS
from clientscope.components.crossfilter import cross_filtered_query, graph_id
from clientscope.components.empty import empty_state
from clientscope.components.export_button import export_button
from clientscope.components.grid import grid_options
from clientscope.components.page import PageContext, changed_search, page_context, page_frame
from clientscope.figures.campaigns import campaign_trend_lines, channel_model_bars, uplift_intervals
from clientscope.i18n import join_words, t
from clientscope.semantic import format_value
from clientscope.shell import carried_query
from clientscope.state import parse_query, to_query

dash.register_page(__name__, path="/campaigns", order=30, title="Clientscope · campaigns")

FILTER_KEYS = ("region", "branch", "rm", "tier", "channel", "campaign", "touch_channel")
CUSTOMER_BLOCK = 100  # rows fetched per request by the converted-customer grid


class Ids(StrEnum):
    MODEL = "campaigns-model"
    LOOKBACK = "campaigns-lookback"
    HALF_LIFE = "campaigns-half-life"
    TABLE = "campaigns-table"
    PATHS = "campaigns-paths"
    CUSTOMERS = "campaigns-customers"
    KPIS = "campaigns-kpis"
    NO_DATA = "campaigns-no-data"


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    pc = page_context(query)
    settings, notices = cp.settings_of(pc.state, cp.default_lookback(pc))
    return render(replace(pc, notices=pc.notices + notices), settings)


def render(pc: PageContext, settings: cp.Settings) -> html.Div:
    lang = pc.lang
    title = [t("campaigns.title", lang), export_button("campaigns", lang)]
    if not cp.has_campaign_data(pc.db):
        return page_frame(pc, title, [no_data(pc)])  # type: ignore[arg-type]
    table = cp.campaign_table(pc, settings)
    result = cp.attribution(pc, settings)
    content = [
        html.P(t("campaigns.intro", lang), className="text-muted small"),
        settings_bar(pc, settings),
        *notes(pc, settings, result, table),
        kpi_tiles(pc, settings, table),
        campaign_card(pc, settings, table),
        dbc.Row(
            [
                dbc.Col(dbc.Card(dbc.CardBody(uplift_figure(pc, table)), className="h-100"), lg=5),
                dbc.Col(dbc.Card(dbc.CardBody(channel_figure(pc, settings)), className="h-100"), lg=7),
            ],
            className="g-3 mb-3",
        ),
        dbc.Row(
            [
                dbc.Col(dbc.Card(dbc.CardBody(trend_figure(pc, settings)), className="h-100"), lg=7),
                dbc.Col(dbc.Card(dbc.CardBody(paths_card(pc, result)), className="h-100"), lg=5),
            ],
            className="g-3 mb-3",
        ),
        customers_card(pc, settings),
    ]
    return page_frame(pc, title, content, filter_keys=FILTER_KEYS)  # type: ignore[arg-type]


def no_data(pc: PageContext) -> dbc.Alert:
    missing = cp.missing_tables(pc.db) or cp.REQUIRED_MARTS
    return dbc.Alert(
        [
            html.H5(t("campaigns.no_data.title", pc.lang), className="alert-heading"),
            html.P(t("campaigns.no_data.body", pc.lang, tables=", ".join(missing))),
            html.P(t("campaigns.no_data.fix", pc.lang), className="mb-0"),
        ],
        color="info",
        id=Ids.NO_DATA,
    )


# --------------------------------------------------------------------------------------------------
# Pieces of the page
# --------------------------------------------------------------------------------------------------


def settings_bar(pc: PageContext, settings: cp.Settings) -> dbc.Card:
    lang = pc.lang

    def labelled(label: str, control, width: int) -> dbc.Col:
        return dbc.Col(
            html.Div([html.Label(label, className="form-label small text-muted mb-0"), control]), md=width, xs=12
        )

    models = [
        {"value": m, "label": t(f"campaigns.model.{m}", lang), "title": t(f"campaigns.model_help.{m}", lang)}
        for m in MODELS
    ]
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    labelled(
                        t("campaigns.settings.model", lang),
                        dcc.Dropdown(id=Ids.MODEL, options=models, value=settings.model, clearable=False),
                        3,
                    ),
                    labelled(
                        t("campaigns.settings.lookback", lang),
                        dcc.Dropdown(
                            id=Ids.LOOKBACK,
                            options=[
                                {"value": str(d), "label": t("campaigns.settings.days", lang, days=d)}
                                for d in cp.lookback_choices(cp.default_lookback(pc))
                            ],
                            value=str(settings.lookback_days),
                            clearable=False,
                        ),
                        2,
                    ),
                    labelled(
                        t("campaigns.settings.half_life", lang),
                        dcc.Dropdown(
                            id=Ids.HALF_LIFE,
                            options=[
                                {"value": str(h), "label": t("campaigns.settings.days", lang, days=h)}
                                for h in cp.HALF_LIFE_CHOICES
                            ],
                            value=str(settings.half_life_days),
                            clearable=False,
                        ),
                        2,
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                html.Div(t(f"campaigns.model_help.{settings.model}", lang), className="fw-semibold"),
                                html.Div(t("campaigns.settings.help", lang)),
                            ],
                            className="small text-muted",
                        ),
                        md=5,
                        xs=12,
                    ),
                ],
                className="g-2 align-items-end",
            ),
            className="py-2",
        ),
        className="mb-2",
    )


def notes(pc: PageContext, settings: cp.Settings, result: cp.Attribution, table: cp.CampaignTable) -> list:
    lang = pc.lang
    items = []
    pending = cp.pending_note(pc, table)
    if pending:
        items.append(pending)
    ignored = cp.ignored_filters(pc)
    if ignored:
        names = join_words(
            [pc.model.dimension_label(d, lang) if d in pc.model.dimensions else d for d in ignored], lang
        )
        items.append(t("campaigns.note.ignored", lang, dimensions=names))
    if cp.view_of(pc).selects:
        items.append(t("campaigns.note.selection", lang))
    if result.truncated:
        items.append(t("campaigns.note.truncated", lang, rows=f"{cp.ATTRIBUTION_ROW_CAP:,}"))
    if result.unattributed:
        revenue = format_value(result.unattributed_revenue, cp.column_format(pc, "attributed_revenue"), lang)
        items.append(
            t(
                "campaigns.note.unattributed",
                lang,
                count=format_value(result.unattributed, cp.column_format(pc, "conversions"), lang),
                revenue=revenue,
                days=settings.lookback_days,
            )
        )
    items.append(t("campaigns.note.cost", lang))
    return [html.Ul([html.Li(i) for i in items], className="small text-muted mb-2", id="campaigns-notes")]


def kpi_tiles(pc: PageContext, settings: cp.Settings, table: cp.CampaignTable) -> dbc.Row:
    lang = pc.lang
    head = cp.headline(pc, settings, table)
    model_label = t(f"campaigns.model.{settings.model}", lang)

    def tile(key: str, label: str, value: str, note: str | None = None, help_text: str = "") -> dbc.Col:
        body = [
            html.Div(label, className="small text-muted", title=help_text),
            html.Div(value, className="fs-4 fw-semibold", id=f"campaigns-kpi-{key}"),
        ]
        if note:
            body.append(html.Div(note, className="small text-muted"))
        return dbc.Col(dbc.Card(dbc.CardBody(body, className="py-2")), lg=True, md=3, xs=6)

    def shown(column: str, value) -> str:
        return format_value(value, cp.column_format(pc, column), lang)

    tiles = [
        tile(
            "reached",
            cp.column_label(pc, "reached"),
            shown("reached", head.reached),
            help_text=cp.column_help(pc, "reached"),
        ),
        tile("conversions", t("campaigns.kpi.conversions", lang), shown("conversions", head.conversions)),
        tile(
            "attributed",
            t("campaigns.kpi.attributed", lang, model=model_label),
            shown("attributed_conversions", head.credited),
            t("campaigns.kpi.attributed_note", lang, count=shown("conversions", head.attributed)),
        ),
        tile(
            "unattributed",
            t("campaigns.kpi.unattributed", lang),
            shown("conversions", head.unattributed),
            shown("attributed_revenue", head.unattributed_revenue),
        ),
        tile("cost", cp.column_label(pc, "cost"), shown("cost", head.cost), help_text=cp.column_help(pc, "cost")),
        tile(
            "revenue",
            cp.column_label(pc, "attributed_revenue"),
            shown("attributed_revenue", head.attributed_revenue),
            help_text=t("campaigns.col.attributed_revenue_help", lang),
        ),
        tile(
            "cpa",
            cp.column_label(pc, "cost_per_acquisition"),
            shown("cost_per_acquisition", head.cost_per_acquisition),
            help_text=cp.column_help(pc, "cost_per_acquisition"),
        ),
        tile("roi", cp.column_label(pc, "roi"), shown("roi", head.roi), help_text=cp.column_help(pc, "roi")),
    ]
    return dbc.Row(tiles, className="g-2 mb-3", id=Ids.KPIS)


def _number(field: str, header: str, help_text: str = "", width: int = 120, **extra) -> dict:
    return {
        "field": field,
        "headerName": header,
        "headerTooltip": help_text or header,
        "type": "rightAligned",
        "valueFormatter": {"function": f"params.data ? params.data.{field}_text : ''"},
        "width": width,
        **extra,
    }


def campaign_columns(pc: PageContext, settings: cp.Settings) -> list[dict]:
    lang = pc.lang
    model_label = t(f"campaigns.model.{settings.model}", lang)
    significance = {
        "text-success fw-semibold": "params.data && params.data.uplift_low > 0",
        "text-danger fw-semibold": "params.data && params.data.uplift_high < 0",
    }
    return [
        {
            "field": "campaign_label",
            "headerName": pc.model.dimension_label("campaign", lang),
            "tooltipField": "campaign_id",
            "pinned": "left",
            "width": 190,
        },
        {"field": "campaign_type_label", "headerName": pc.model.dimension_label("campaign_type", lang), "width": 100},
        {"field": "channel_label", "headerName": pc.model.dimension_label("channel", lang), "width": 100},
        {"field": "start_date", "headerName": t("campaigns.col.start_date", lang), "width": 110},
        _number("reached", cp.column_label(pc, "reached"), cp.column_help(pc, "reached")),
        _number("touches", cp.column_label(pc, "touches"), cp.column_help(pc, "touches"), width=100),
        _number(
            "reached_measurable",
            t("campaigns.col.measurable", lang),
            t("campaigns.col.measurable_help", lang, days=cp.view_of(pc).window_days),
        ),
        _number(
            "reached_converted",
            t("campaigns.col.converted", lang),
            t("campaigns.col.converted_help", lang, days=cp.view_of(pc).window_days),
        ),
        _number("conversion_rate", cp.column_label(pc, "conversion_rate"), cp.column_help(pc, "conversion_rate")),
        _number("control_customers", t("campaigns.col.control_customers", lang), t("campaigns.col.control_help", lang)),
        _number("control_rate", cp.column_label(pc, "control_rate"), cp.column_help(pc, "control_rate")),
        _number(
            "uplift",
            cp.column_label(pc, "uplift"),
            cp.column_help(pc, "uplift"),
            width=150,
            cellClassRules=significance,
        ),
        {
            "field": "uplift_ci_text",
            "headerName": t("campaigns.col.uplift_ci", lang),
            "headerTooltip": t("campaigns.col.uplift_ci_help", lang),
            "sortable": False,
            "width": 230,
            "cellClassRules": significance,
        },
        _number(
            "relative_uplift",
            t("campaigns.col.relative_uplift", lang),
            t("campaigns.col.relative_uplift_help", lang),
        ),
        {
            "field": "relative_ci_text",
            "headerName": t("campaigns.col.relative_ci", lang),
            "headerTooltip": t("campaigns.col.relative_ci_help", lang),
            "sortable": False,
            "width": 180,
        },
        _number("cost", cp.column_label(pc, "cost"), cp.column_help(pc, "cost")),
        _number(
            "attributed_conversions",
            f"{cp.column_label(pc, 'attributed_conversions')}（{model_label}）"
            if lang == "zh_CN"
            else f"{cp.column_label(pc, 'attributed_conversions')} ({model_label})",
            t("campaigns.col.attributed_help", lang, model=model_label, days=settings.lookback_days),
            width=150,
        ),
        _number(
            "cost_per_acquisition",
            cp.column_label(pc, "cost_per_acquisition"),
            cp.column_help(pc, "cost_per_acquisition"),
        ),
        _number(
            "attributed_revenue",
            cp.column_label(pc, "attributed_revenue"),
            t("campaigns.col.attributed_revenue_help", lang),
        ),
        _number("roi", cp.column_label(pc, "roi"), cp.column_help(pc, "roi"), width=110),
    ]


def campaign_card(pc: PageContext, settings: cp.Settings, table: cp.CampaignTable) -> dbc.Card:
    lang = pc.lang
    rows, total = cp.campaign_grid_rows(pc, table)
    body = (
        dag.AgGrid(
            id=Ids.TABLE,
            rowData=rows,
            columnDefs=campaign_columns(pc, settings),
            defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
            dashGridOptions=grid_options(lang, pinnedBottomRowData=[total], tooltipShowDelay=300),
            getRowId="params.data.campaign_id",
            style={"height": f"{min(520, 110 + 42 * max(len(rows), 1))}px"},
        )
        if rows
        else empty_state(lang, "empty.no_data")
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H5(t("campaigns.table.title", lang), className="card-title"),
                html.P(t("campaigns.table.hint", lang), className="small text-muted mb-2"),
                body,
            ]
        ),
        className="mb-3",
    )


def uplift_figure(pc: PageContext, table: cp.CampaignTable):
    lang = pc.lang
    rows = table.rows.filter(table.rows["uplift"].is_not_null())
    if not rows.height:
        return empty_state(lang, "campaigns.uplift.none")
    rows = cp.uplift_chart_rows(pc, rows)
    labels = cp.labels_of(pc).campaigns
    figure = uplift_intervals(
        rows,
        campaign_labels=labels,
        theme=pc.state.theme,
        title=t("campaigns.uplift.title", lang),
        x_title=cp.column_label(pc, "uplift"),
        interval_label=t("campaigns.uplift.interval", lang),
    )
    return dcc.Graph(id=graph_id("campaign", "campaigns-uplift"), figure=figure, config={"displaylogo": False})


def channel_figure(pc: PageContext, settings: cp.Settings):
    lang = pc.lang
    frame = cp.channel_comparison(pc, settings)
    if not frame.height:
        return empty_state(lang, "empty.no_data")
    frame = cp.with_revenue_text(pc, frame)
    labels = cp.labels_of(pc)
    figure = channel_model_bars(
        frame,
        models=MODELS,
        model_labels=labels.models,
        channel_labels=labels.channels,
        selected_model=settings.model,
        theme=pc.state.theme,
        title=t("campaigns.channels.title", lang),
        y_title=t("campaigns.trend.y", lang),
        revenue_label=cp.column_label(pc, "attributed_revenue"),
    )
    return html.Div(
        [
            # cross-filters are keyed by dimension: `channel` here is the marketing channel (x.channel=sms)
            dcc.Graph(id=graph_id("channel", "campaigns-channels"), figure=figure, config={"displaylogo": False}),
            html.P(t("campaigns.channels.hint", lang), className="small text-muted mb-0"),
        ]
    )


def trend_figure(pc: PageContext, settings: cp.Settings):
    lang = pc.lang
    frame = cp.campaign_trend(pc, settings)
    if not frame.height:
        return empty_state(lang, "empty.no_data")
    labels = {**cp.labels_of(pc).campaigns, cp.OTHER: t("campaigns.trend.other", lang)}
    figure = campaign_trend_lines(
        frame,
        campaign_labels=labels,
        other_code=cp.OTHER,
        theme=pc.state.theme,
        title=t("campaigns.trend.title", lang, model=t(f"campaigns.model.{settings.model}", lang)),
        y_title=t("campaigns.trend.y", lang),
    )
    return dcc.Graph(id=graph_id("campaign", "campaigns-trend"), figure=figure, config={"displaylogo": False})


def paths_card(pc: PageContext, result: cp.Attribution):
    lang = pc.lang
    rows = cp.path_grid_rows(pc, result.paths)
    grid = (
        dag.AgGrid(
            id=Ids.PATHS,
            rowData=rows,
            columnDefs=[
                {
                    "field": "path_label",
                    "headerName": t("campaigns.col.path", lang),
                    "tooltipField": "path_label",
                    "flex": 2,
                    "minWidth": 180,
                },
                _number("journeys", t("campaigns.col.journeys", lang), width=90),
                _number("conversions", t("campaigns.col.path_conversions", lang), width=110),
                _number("conversion_rate", t("campaigns.col.path_rate", lang), width=110),
            ],
            defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
            dashGridOptions=grid_options(lang, tooltipShowDelay=300),
            getRowId="params.data.path",
            style={"height": "300px"},
        )
        if rows
        else empty_state(lang, "empty.no_data")
    )
    return [
        html.H5(t("campaigns.paths.title", lang), className="card-title"),
        html.P(t("campaigns.paths.hint", lang), className="small text-muted mb-2"),
        grid,
    ]


def customer_columns(pc: PageContext) -> list[dict]:
    lang = pc.lang
    text = {"sortable": False}
    return [
        {
            "field": "customer_link",
            "colId": "customer_id",
            "headerName": t("campaigns.col.customer_id", lang),
            "cellRenderer": "markdown",
            "pinned": "left",
            "width": 130,
        },
        {"field": "customer_name", "headerName": t("campaigns.col.customer_name", lang), "width": 110, **text},
        {"field": "region", "headerName": pc.model.dimension_label("region", lang), "width": 100, **text},
        {"field": "branch_name", "headerName": t("campaigns.col.branch_name", lang), "width": 140, **text},
        {"field": "rm_name", "headerName": t("campaigns.col.rm_name", lang), "width": 110, **text},
        {"field": "tier", "headerName": pc.model.dimension_label("tier", lang), "width": 120, **text},
        _number("conversions", t("campaigns.col.conversions", lang), width=100),
        _number("conversion_value", t("campaigns.col.conversion_value", lang)),
        _number("attributed_conversions", cp.column_label(pc, "attributed_conversions"), width=130),
        _number("attributed_revenue", cp.column_label(pc, "attributed_revenue"), width=130),
        {"field": "top_campaign", "headerName": t("campaigns.col.top_campaign", lang), "width": 180, **text},
        {"field": "last_conversion", "headerName": t("campaigns.col.last_conversion", lang), "width": 120},
    ]


def customers_card(pc: PageContext, settings: cp.Settings) -> dbc.Card:
    """The converted customers of the selection, paged on the server (infinite row model).

    When `clientscope/customer_list.py` (the shared customer-list grid) lands, this grid is the one piece to
    swap for it, fed by `cp.converted_customers`.
    """
    lang = pc.lang
    selection = cp.selection_label(pc)
    count = cp.converted_customers(pc, settings).height
    title = (
        t("campaigns.customers.of", lang, selection=selection) if selection else t("campaigns.customers.title", lang)
    )
    body = (
        dag.AgGrid(
            id=Ids.CUSTOMERS,
            columnDefs=customer_columns(pc),
            defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
            rowModelType="infinite",
            dashGridOptions=grid_options(
                lang,
                cacheBlockSize=CUSTOMER_BLOCK,
                maxBlocksInCache=10,
                infiniteInitialRowCount=min(count, CUSTOMER_BLOCK),
                rowBuffer=0,
            ),
            getRowId="params.data.customer_id",
            style={"height": "420px"},
        )
        if count
        else empty_state(lang, "empty.no_data")
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H5(title, className="card-title"),
                html.P(
                    [
                        t("campaigns.customers.hint", lang),
                        " ",
                        html.Span(
                            t(
                                "campaigns.customers.count",
                                lang,
                                count=format_value(count, cp.column_format(pc, "conversions"), lang),
                            ),
                            id="campaigns-customer-count",
                        ),
                    ],
                    className="small text-muted mb-2",
                ),
                body,
            ]
        ),
        className="mb-3",
    )


# --------------------------------------------------------------------------------------------------
# Callbacks (thin: read inputs → library → URL or rows)
# --------------------------------------------------------------------------------------------------


@callback(
    Output("url", "search", allow_duplicate=True),
    Input(Ids.MODEL, "value"),
    Input(Ids.LOOKBACK, "value"),
    Input(Ids.HALF_LIFE, "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_settings(model: str | None, lookback: str | None, half_life: str | None, search: str | None):
    pc = page_context(parse_query(search or ""))
    default = cp.default_lookback(pc)
    if (
        model not in MODELS
        or lookback not in {str(d) for d in cp.lookback_choices(default)}
        or half_life not in {str(h) for h in cp.HALF_LIFE_CHOICES}
    ):
        return no_update
    settings = cp.Settings(model, int(lookback), int(half_life))
    query = to_query(cp.settings_state(pc.state, settings, default))
    return changed_search(query, search)


@callback(
    Output("url", "search", allow_duplicate=True),
    Input(Ids.TABLE, "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_campaign_click(cell: dict | None, search: str | None):
    """A row selects its campaign (the total row does nothing); a second click clears it."""
    value = (cell or {}).get("rowId")
    pc = page_context(parse_query(search or ""))
    if not value or str(value) not in pc.choices.labels.get("campaign", {}):
        return no_update
    query = cross_filtered_query(search, "campaign", str(value))
    return changed_search(query, search)


@callback(
    Output(Ids.CUSTOMERS, "getRowsResponse"),
    Input(Ids.CUSTOMERS, "getRowsRequest"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_customer_rows(request: dict | None, search: str | None):
    if not request:
        return no_update
    pc = page_context(parse_query(search or ""))
    settings, _ = cp.settings_of(pc.state, cp.default_lookback(pc))
    start, end = int(request.get("startRow") or 0), int(request.get("endRow") or CUSTOMER_BLOCK)
    frame, count = cp.customer_rows(pc, settings, start, end, request.get("sortModel"))
    return {"rowData": cp.customer_grid_rows(frame, pc, carried_query(search)), "rowCount": count}
