"""The campaigns page's pieces as Dash components, and the sections that draw them from the URL.

Each section (`SECTIONS`) renders on its own request from the view (`clientscope.components.sections`): the frame
(title, notices, filter bar), the settings and notes, the KPI tiles, the campaign table, the uplift and channel
charts, the trend and paths, and the converted customers.  A section names the page options it reads, so a model
switch redraws only what the model changes.
"""

from __future__ import annotations

from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.campaigns import attribution, display
from clientscope.campaigns import table as tb
from clientscope.campaigns import view as vw
from clientscope.campaigns.cards import (
    Ids,
    campaign_card,
    channel_figure,
    customers_card,
    paths_card,
    trend_figure,
    uplift_figure,
)
from clientscope.campaigns.models import MODELS
from clientscope.components.export_button import export_button
from clientscope.components.page import page_frame
from clientscope.i18n import join_words, t
from clientscope.semantic import format_value
from clientscope.view_context import PageContext

FILTER_KEYS = ("region", "branch", "rm", "tier", "channel", "campaign", "touch_channel")
SETTINGS = (vw.MODEL_OPTION, vw.LOOKBACK_OPTION, vw.HALF_LIFE_OPTION)
BUILT = (vw.LOOKBACK_OPTION, vw.HALF_LIFE_OPTION)  # what the credits (every model at once) depend on


# --------------------------------------------------------------------------------------------------
# Sections (each `render(pc)`; see pages/campaigns.py for their registration)
# --------------------------------------------------------------------------------------------------


def frame_section(pc: PageContext) -> html.Div:
    """Title with the export button, notices (a bad setting in the URL among them), filter bar and chips."""
    _, notices = vw.settings_of(pc.state, vw.default_lookback(pc))
    pc = replace(pc, notices=pc.notices + notices)
    title = [t("campaigns.title", pc.lang), export_button("campaigns", pc.lang)]
    return page_frame(pc, title, [], filter_keys=FILTER_KEYS)  # type: ignore[arg-type]


def settings_section(pc: PageContext):
    if not vw.has_campaign_data(pc.db):
        return no_data(pc)
    settings = vw.page_settings(pc)
    return html.Div(
        [
            html.P(t("campaigns.intro", pc.lang), className="text-muted small"),
            settings_bar(pc, settings),
            notes(pc, settings),
        ]
    )


def kpi_section(pc: PageContext):
    if not vw.has_campaign_data(pc.db):
        return html.Div()
    settings = vw.page_settings(pc)
    return kpi_tiles(pc, settings, tb.campaign_table(pc, settings))


def table_section(pc: PageContext):
    if not vw.has_campaign_data(pc.db):
        return html.Div()
    settings = vw.page_settings(pc)
    return campaign_card(pc, settings, tb.campaign_table(pc, settings))


def charts_section(pc: PageContext):
    if not vw.has_campaign_data(pc.db):
        return html.Div()
    settings = vw.page_settings(pc)
    return dbc.Row(
        [
            dbc.Col(
                dbc.Card(dbc.CardBody(uplift_figure(pc, tb.campaign_table(pc, settings))), className="h-100"), lg=5
            ),
            dbc.Col(dbc.Card(dbc.CardBody(channel_figure(pc, settings)), className="h-100"), lg=7),
        ],
        className="g-3 mb-3",
    )


def trend_section(pc: PageContext):
    if not vw.has_campaign_data(pc.db):
        return html.Div()
    settings = vw.page_settings(pc)
    return dbc.Row(
        [
            dbc.Col(dbc.Card(dbc.CardBody(trend_figure(pc, settings)), className="h-100"), lg=7),
            dbc.Col(dbc.Card(dbc.CardBody(paths_card(pc, settings)), className="h-100"), lg=5),
        ],
        className="g-3 mb-3",
    )


def customers_section(pc: PageContext):
    if not vw.has_campaign_data(pc.db):
        return html.Div()
    return customers_card(pc, vw.page_settings(pc))


def no_data(pc: PageContext) -> dbc.Alert:
    missing = vw.missing_tables(pc.db) or vw.REQUIRED_MARTS
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


def settings_bar(pc: PageContext, settings: vw.Settings) -> dbc.Card:
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
                                for d in vw.lookback_choices(vw.default_lookback(pc))
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
                                for h in vw.HALF_LIFE_CHOICES
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


def notes(pc: PageContext, settings: vw.Settings) -> html.Ul:
    lang = pc.lang
    items = []
    result = attribution.totals(pc, settings)
    if result.recomputed:
        items.append(
            t("campaigns.note.recomputed", lang, days=settings.lookback_days, half_life=settings.half_life_days)
        )
    pending = display.pending_note(pc, tb.campaign_table(pc, settings))
    if pending:
        items.append(pending)
    ignored = display.ignored_filters(pc)
    if ignored:
        names = join_words(
            [pc.model.dimension_label(d, lang) if d in pc.model.dimensions else d for d in ignored], lang
        )
        items.append(t("campaigns.note.ignored", lang, dimensions=names))
    if vw.view_of(pc).selects:
        items.append(t("campaigns.note.selection", lang))
    if attribution.paths_ignore_selection(pc, settings):
        items.append(t("campaigns.note.paths_selection", lang))
    if result.truncated:
        items.append(t("campaigns.note.truncated", lang, rows=f"{attribution.ATTRIBUTION_ROW_CAP:,}"))
    if result.unattributed:
        revenue = format_value(result.unattributed_revenue, display.column_format(pc, "attributed_revenue"), lang)
        items.append(
            t(
                "campaigns.note.unattributed",
                lang,
                count=format_value(result.unattributed, display.column_format(pc, "conversions"), lang),
                revenue=revenue,
                days=settings.lookback_days,
            )
        )
    items.append(t("campaigns.note.cost", lang))
    return html.Ul([html.Li(i) for i in items], className="small text-muted mb-2", id="campaigns-notes")


def kpi_tiles(pc: PageContext, settings: vw.Settings, table: tb.CampaignTable) -> dbc.Row:
    lang = pc.lang
    head = tb.headline(pc, settings, table)
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
        return format_value(value, display.column_format(pc, column), lang)

    tiles = [
        tile(
            "reached",
            display.column_label(pc, "reached"),
            shown("reached", head.reached),
            help_text=display.column_help(pc, "reached"),
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
        tile(
            "cost",
            display.column_label(pc, "cost"),
            shown("cost", head.cost),
            help_text=display.column_help(pc, "cost"),
        ),
        tile(
            "revenue",
            display.column_label(pc, "attributed_revenue"),
            shown("attributed_revenue", head.attributed_revenue),
            help_text=t("campaigns.col.attributed_revenue_help", lang),
        ),
        tile(
            "cpa",
            display.column_label(pc, "cost_per_acquisition"),
            shown("cost_per_acquisition", head.cost_per_acquisition),
            help_text=display.column_help(pc, "cost_per_acquisition"),
        ),
        tile("roi", display.column_label(pc, "roi"), shown("roi", head.roi), help_text=display.column_help(pc, "roi")),
    ]
    return dbc.Row(tiles, className="g-2 mb-3", id=Ids.KPIS)
