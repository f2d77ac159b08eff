"""Empty states: a sentence instead of empty axes."""

from __future__ import annotations

from dash import html

from clientscope.i18n import t


def empty_state(lang: str, key: str = "empty.no_customers", **values: object) -> html.Div:
    return html.Div(t(key, lang, **values), className="empty-state")
