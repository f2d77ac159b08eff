"""The /churn page's explanation sections: the model card (against its simple baselines) and why customers churn."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.churn import explain as churn_explain
from clientscope.churn import figures
from clientscope.churn import files as churn_files
from clientscope.churn.explain import decile_frame
from clientscope.churn.ids import Ids
from clientscope.churn.sections import panel
from clientscope.churn.words import (
    baseline_name,
    baseline_rows,
    card_facts,
    card_rows,
    feature_labels,
    rule_rows,
)
from clientscope.components.empty import empty_state
from clientscope.i18n import join_words, t
from clientscope.view_context import PageContext


def card_section(pc: PageContext, data: churn_files.ChurnData) -> dbc.Card:
    lang, theme = pc.lang, pc.state.theme
    card = data.card
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
    return panel(
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
    view = churn_explain.churn_rules_view(pc.db, pc.scope)
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
    return panel(t("churn.rules.title", lang), body, id=Ids.RULES)


def card(pc: PageContext) -> dbc.Card | None:
    data = churn_files.churn_status(pc.db, date.today(), churn_files.page_rules(pc)).data
    return card_section(pc, data) if data else None


def rules(pc: PageContext) -> dbc.Card:
    return rules_section(pc)
