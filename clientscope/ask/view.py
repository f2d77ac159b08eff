"""The /ask page's components: the question box, the answer (value or table, interpretation, chart, link) or the
message saying what was understood and what is missing."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.ask.lexicon import lexicon_for
from clientscope.ask.request import MONTH_GROUP
from clientscope.i18n import DEFAULT_LANGUAGE, join_words, t
from clientscope.view_context import PageContext

if TYPE_CHECKING:  # the answer and the parser load with the first question (see the package's docstring)
    from clientscope.ask.answer import Answer, Table
    from clientscope.ask.intent import Understood

EXAMPLES: dict[str, tuple[str, ...]] = {
    "zh_CN": ("上个月华东区的流失率", "今年以来各分行AUM同比", "近6个月新增客户数走势", "AUM最高的5个分行"),
    "en": (
        "churn rate of private banking customers last quarter vs a year ago",
        "top 10 branches by at-risk AUM",
        "new customers by month over the last 6 months",
        "deposits in East China YTD",
    ),
}


class Ids(StrEnum):
    BOX = "ask-box"  # the navbar's box
    INPUT = "ask-input"  # the page's box
    ANSWER = "ask-answer"
    MESSAGE = "ask-message"
    UNDERSTOOD = "ask-understood"
    SUGGESTIONS = "ask-suggestions"
    INTERPRETATION = "ask-interpretation"
    VALUE = "ask-value"
    COMPARISON = "ask-comparison"
    TABLE = "ask-table"
    CHART = "ask-chart"
    LINK = "ask-link"
    NOTES = "ask-notes"


def ask_href(question: str, lang: str, theme: str = "light") -> str:
    args = {"q": question} | ({"lang": lang} if lang != DEFAULT_LANGUAGE else {})
    args |= {"theme": theme} if theme != "light" else {}
    return "/ask?" + urlencode(args)


def ask_form(lang: str, theme: str, value: str = "", *, box_id: str = Ids.BOX, navbar: bool = True) -> html.Form:
    """A plain GET form to /ask: works without a callback, and the question ends up in the URL (bookmarkable)."""
    hidden = [dcc.Input(type="hidden", name="lang", value=lang)] if lang != DEFAULT_LANGUAGE else []
    hidden += [dcc.Input(type="hidden", name="theme", value=theme)] if theme != "light" else []
    size = " form-control-sm" if navbar else ""
    return html.Form(
        [
            html.Label(t("ask.title", lang), htmlFor=box_id, className="visually-hidden"),
            dcc.Input(
                id=box_id,
                name="q",
                type="search",
                value=value,
                placeholder=t("ask.placeholder", lang),
                className="form-control" + size,
                style={"minWidth": "18rem"} if navbar else {},
            ),
            *hidden,
            html.Button(
                t("ask.button", lang),
                type="submit",
                id=f"{box_id}-submit",
                className="btn btn-sm btn-light ms-1" if navbar else "btn btn-primary ms-2",
            ),
        ],
        action="/ask",
        method="GET",
        role="search",
        className="d-flex align-items-center" + (" me-3" if navbar else " mb-3"),
    )


def ask_page(pc: PageContext, question: str | None, answer: Answer | None) -> html.Div:
    lang = pc.lang
    examples = [html.Li(dcc.Link(q, href=ask_href(q, lang, pc.state.theme))) for q in EXAMPLES[lang]]
    body = (
        _answer(pc, answer)
        if answer is not None
        else html.Div([html.P(t("ask.intro", lang), className="text-muted"), html.Ul(examples)])
    )
    return html.Div(
        [
            html.H2(t("ask.title", lang), className="h4"),
            ask_form(lang, pc.state.theme, question or "", box_id=Ids.INPUT, navbar=False),
            html.Div(body, id=Ids.ANSWER),
        ]
    )


def _answer(pc: PageContext, answer: Answer) -> list:
    lang = pc.lang
    notes = html.Ul([html.Li(n) for n in answer.notes], id=Ids.NOTES, className="small text-muted")
    if not answer.answered:
        items: list = [dbc.Alert(answer.message, color="warning", id=Ids.MESSAGE)]
        understood = understood_words(pc, answer.parse.understood)
        if understood:
            items.append(html.P(f"{t('ask.understood', lang)}: {understood}", id=Ids.UNDERSTOOD, className="small"))
        if answer.suggestions:
            links = [
                html.Li(dcc.Link(pc.model.label(m, lang), href=ask_href(pc.model.label(m, lang), lang)))
                for m in answer.suggestions
            ]
            items += [html.Div(t("ask.did_you_mean", lang)), html.Ul(links, id=Ids.SUGGESTIONS)]
        return [*items, notes]
    items = [
        html.Div([html.Span(f"{t('ask.understood', lang)}: ", className="text-muted"), answer.interpretation],
                 id=Ids.INTERPRETATION, className="mb-2"),
    ]  # fmt: skip
    if answer.value is not None:
        items.append(html.Div(answer.value, id=Ids.VALUE, className="display-6"))
    if answer.comparison:
        items.append(html.Div(answer.comparison, id=Ids.COMPARISON, className="text-muted mb-2"))
    if answer.table is not None:
        items.append(_table(answer.table))
    if answer.figure is not None:
        items.append(dcc.Graph(id=Ids.CHART, figure=answer.figure, config={"displaylogo": False}))
    if answer.link is not None:
        path, href = answer.link
        page = "overview" if path == "/" else path.strip("/")
        items.append(dcc.Link(t("ask.open_page", lang, page=t(f"nav.{page}", lang)), href=href, id=Ids.LINK))
    return [dbc.Card(dbc.CardBody(items), className="mb-2"), notes]


def _table(table: Table) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(c) for c in table.columns]))
    rows = [
        html.Tr([html.Td(cell, className="text-end" if i else "") for i, cell in enumerate(row)]) for row in table.rows
    ]
    return dbc.Table([head, html.Tbody(rows)], id=Ids.TABLE, size="sm", striped=True, className="w-auto")


def understood_words(pc: PageContext, understood: tuple[Understood, ...]) -> str:
    """What the parser took from the question, in words (shown when it cannot answer)."""
    lexicon = lexicon_for(pc.db, pc.model)
    lang, words = pc.lang, []
    for item in understood:
        if item.kind == "metric":
            words.append(pc.model.label(item.name, lang))
        elif item.kind == "filter":
            names = join_words([lexicon.name(item.name, c, lang) for c in item.codes], lang)
            words.append(f"{pc.model.dimension_label(item.name, lang)} {names}")
        elif item.kind == "group":
            label = t("ask.by_month", lang) if item.name == MONTH_GROUP else None
            words.append(label or t("ask.by", lang, dimension=pc.model.dimension_label(item.name, lang)))
        elif item.phrase:
            words.append(item.phrase)
    return join_words(words, lang)
