"""The campaigns page's cards: the campaign table, the uplift, channel and trend charts, the paths table and the
converted-customer grid (Dash components from the analysis's frames)."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.campaigns import attribution, display
from clientscope.campaigns import customers as cu
from clientscope.campaigns import table as tb
from clientscope.campaigns import view as vw
from clientscope.campaigns.figures import campaign_trend_lines, channel_model_bars, uplift_intervals
from clientscope.campaigns.models import MODELS
from clientscope.components.crossfilter import graph_id
from clientscope.components.empty import empty_state
from clientscope.components.grid import grid_options
from clientscope.customer_list import SCROLL, CustomerSegment, customer_list
from clientscope.i18n import t
from clientscope.semantic import format_value
from clientscope.view_context import PageContext

CUSTOMER_BLOCK = SCROLL.block  # rows fetched per request by the converted-customer grid


class Ids(StrEnum):
    MODEL = "campaigns-model"
    LOOKBACK = "campaigns-lookback"
    HALF_LIFE = "campaigns-half-life"
    TABLE = "campaigns-table"
    PATHS = "campaigns-paths"
    CUSTOMERS = "campaigns-customers"
    KPIS = "campaigns-kpis"
    NO_DATA = "campaigns-no-data"


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


def campaign_columns(pc: PageContext, settings: vw.Settings) -> list[dict]:
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
        _number("reached", display.column_label(pc, "reached"), display.column_help(pc, "reached")),
        _number("touches", display.column_label(pc, "touches"), display.column_help(pc, "touches"), width=100),
        _number(
            "reached_measurable",
            t("campaigns.col.measurable", lang),
            t("campaigns.col.measurable_help", lang, days=vw.view_of(pc).window_days),
        ),
        _number(
            "reached_converted",
            t("campaigns.col.converted", lang),
            t("campaigns.col.converted_help", lang, days=vw.view_of(pc).window_days),
        ),
        _number(
            "conversion_rate", display.column_label(pc, "conversion_rate"), display.column_help(pc, "conversion_rate")
        ),
        _number("control_customers", t("campaigns.col.control_customers", lang), t("campaigns.col.control_help", lang)),
        _number("control_rate", display.column_label(pc, "control_rate"), display.column_help(pc, "control_rate")),
        _number(
            "uplift",
            display.column_label(pc, "uplift"),
            display.column_help(pc, "uplift"),
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
        _number("cost", display.column_label(pc, "cost"), display.column_help(pc, "cost")),
        _number(
            "attributed_conversions",
            f"{display.column_label(pc, 'attributed_conversions')}（{model_label}）"
            if lang == "zh_CN"
            else f"{display.column_label(pc, 'attributed_conversions')} ({model_label})",
            t("campaigns.col.attributed_help", lang, model=model_label, days=settings.lookback_days),
            width=150,
        ),
        _number(
            "cost_per_acquisition",
            display.column_label(pc, "cost_per_acquisition"),
            display.column_help(pc, "cost_per_acquisition"),
        ),
        _number(
            "attributed_revenue",
            display.column_label(pc, "attributed_revenue"),
            t("campaigns.col.attributed_revenue_help", lang),
        ),
        _number("roi", display.column_label(pc, "roi"), display.column_help(pc, "roi"), width=110),
    ]


def campaign_card(pc: PageContext, settings: vw.Settings, table: tb.CampaignTable) -> dbc.Card:
    lang = pc.lang
    rows, total = display.campaign_grid_rows(pc, table)
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


def uplift_figure(pc: PageContext, table: tb.CampaignTable):
    lang = pc.lang
    rows = table.rows.filter(table.rows["uplift"].is_not_null())
    if not rows.height:
        return empty_state(lang, "campaigns.uplift.none")
    rows = display.uplift_chart_rows(pc, rows)
    labels = display.labels_of(pc).campaigns
    figure = uplift_intervals(
        rows,
        campaign_labels=labels,
        theme=pc.state.theme,
        title=t("campaigns.uplift.title", lang),
        x_title=display.column_label(pc, "uplift"),
        interval_label=t("campaigns.uplift.interval", lang),
    )
    return dcc.Graph(id=graph_id("campaign", "campaigns-uplift"), figure=figure, config={"displaylogo": False})


def channel_figure(pc: PageContext, settings: vw.Settings):
    lang = pc.lang
    frame = tb.channel_comparison(pc, settings)
    if not frame.height:
        return empty_state(lang, "empty.no_data")
    frame = display.with_revenue_text(pc, frame)
    labels = display.labels_of(pc)
    figure = channel_model_bars(
        frame,
        models=MODELS,
        model_labels=labels.models,
        channel_labels=labels.channels,
        selected_model=settings.model,
        theme=pc.state.theme,
        title=t("campaigns.channels.title", lang),
        y_title=t("campaigns.trend.y", lang),
        revenue_label=display.column_label(pc, "attributed_revenue"),
    )
    return html.Div(
        [
            # cross-filters are keyed by dimension: `channel` here is the marketing channel (x.channel=sms)
            dcc.Graph(id=graph_id("channel", "campaigns-channels"), figure=figure, config={"displaylogo": False}),
            html.P(t("campaigns.channels.hint", lang), className="small text-muted mb-0"),
        ]
    )


def trend_figure(pc: PageContext, settings: vw.Settings):
    lang = pc.lang
    frame = tb.campaign_trend(pc, settings)
    if not frame.height:
        return empty_state(lang, "empty.no_data")
    labels = {**display.labels_of(pc).campaigns, tb.OTHER: t("campaigns.trend.other", lang)}
    figure = campaign_trend_lines(
        frame,
        campaign_labels=labels,
        other_code=tb.OTHER,
        theme=pc.state.theme,
        title=t("campaigns.trend.title", lang, model=t(f"campaigns.model.{settings.model}", lang)),
        y_title=t("campaigns.trend.y", lang),
    )
    return dcc.Graph(id=graph_id("campaign", "campaigns-trend"), figure=figure, config={"displaylogo": False})


def paths_card(pc: PageContext, settings: vw.Settings):
    lang = pc.lang
    rows = display.path_grid_rows(pc, attribution.top_paths(pc, settings))
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


def customers_card(pc: PageContext, settings: vw.Settings) -> dbc.Card:
    """The converted customers of the selection, paged on the server by the customer-list engine (source
    "campaign_customers", clientscope/campaigns/customers.py)."""
    lang = pc.lang
    selection = display.selection_label(pc)
    count = cu.converted_customers(pc, settings).height
    title = (
        t("campaigns.customers.of", lang, selection=selection) if selection else t("campaigns.customers.title", lang)
    )
    look = replace(
        SCROLL,
        max_blocks=10,
        initial_rows=min(count, CUSTOMER_BLOCK),
        default_col={"sortable": True, "resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
    )
    listing = customer_list(
        pc, CustomerSegment(source=cu.SOURCE), "customers", back="campaigns", height="420px", look=look
    )
    body = html.Div(listing, id=Ids.CUSTOMERS) if count else empty_state(lang, "empty.no_data")
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
                                count=format_value(count, display.column_format(pc, "conversions"), lang),
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
