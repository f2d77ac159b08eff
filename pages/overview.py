"""`/`: headline figures of the bank."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal
from dash import html

from clientscope import runtime
from clientscope.db import FULL_SCOPE
from clientscope.i18n import normalise_language, t
from clientscope.overview import data_summary

dash.register_page(__name__, path="/", order=0, title="Clientscope")


def _card(label: str, value: str, card_id: str) -> dbc.Col:
    return dbc.Col(
        dbc.Card(dbc.CardBody([html.Div(label, className="text-muted small"), html.H3(value, id=card_id)])),
        md=3,
    )


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = normalise_language(lang)
    ctx = runtime.current()
    if not ctx.ok:
        return html.Div()
    summary = data_summary(ctx.db, FULL_SCOPE)
    locale = "zh_CN" if lang == "zh_CN" else "en"
    latest = format_date(summary.latest_month, format="yyyy-MM", locale=locale) if summary.latest_month else "—"
    source = t("overview.source", lang, folder=ctx.data_dir) + (t("overview.demo", lang) if ctx.is_demo else "")
    return html.Div(
        [
            html.H2(t("overview.title", lang)),
            html.P(source, className="text-muted"),
            dbc.Row(
                [
                    _card(
                        t("overview.customers", lang), format_decimal(summary.customers, locale=locale), "kpi-customers"
                    ),
                    _card(
                        t("overview.aum", lang),
                        "¥" + format_compact_decimal(summary.aum_total, locale=locale, fraction_digits=2),
                        "kpi-aum",
                    ),
                    _card(t("overview.months", lang), str(summary.months), "kpi-months"),
                    _card(t("overview.latest", lang), latest, "kpi-latest"),
                ],
                className="g-3",
            ),
            html.P(t("overview.warnings", lang, count=len(ctx.warnings)), className="mt-3 small")
            if ctx.warnings
            else None,
        ]
    )
