"""`/ask`: a question in words, answered from metrics.yaml (the navbar's ask box submits here; docs/ask.md)."""

from __future__ import annotations

import dash
from dash import html

from clientscope import runtime
from clientscope.ask.view import ask_page
from clientscope.components.request_context import page_context

dash.register_page(__name__, path="/ask", order=95, title="Clientscope · ask", nav_hidden=True)


def layout(q: str | None = None, **query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    pc = page_context(query)
    if q is None:
        return ask_page(pc, q, None)
    from clientscope.ask.answer import answer_question  # the parser's tables load with the first question

    return ask_page(pc, q, answer_question(pc, q))
