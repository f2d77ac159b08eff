"""What every analysis page shares around its sections: its frame (title, notices about dropped URL values, filter
bar, cross-filter chips) and the rule for writing the URL. The request's view context is
`clientscope.components.request_context.page_context`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html, no_update

from clientscope.components.filter_bar import BAR_KEYS, chips, filter_bar
from clientscope.i18n import t
from clientscope.state import Notice
from clientscope.view_context import PageContext
from clientscope.views.control import save_view_control


def changed_search(query: str | None, search: str | None) -> Any:
    """What a callback writes to the URL's query string: `query`, or no_update when there is none or it is the
    current one (writing the same URL again would re-render the page for nothing)."""
    return query if query is not None and query != (search or "") else no_update


def notices_alert(notices: Sequence[Notice], lang: str) -> dbc.Alert | None:
    if not notices:
        return None
    items = [html.Li(t(f"notice.{n.reason}", lang, key=n.key, value=n.value)) for n in notices]
    return dbc.Alert(
        [html.Div(t("notice.title", lang)), html.Ul(items, className="mb-0")],
        color="warning",
        id="url-notices",
        dismissable=True,
        className="py-2",
    )


def page_frame(
    pc: PageContext,
    title: str,
    content: Sequence,
    *,
    filter_keys: Sequence[str] = BAR_KEYS,
    value_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> html.Div:
    value_labels = value_labels if value_labels is not None else pc.value_labels()
    return html.Div(
        [
            html.Div([html.H2(title, className="h4 d-inline-block"), save_view_control(pc.lang)]),
            notices_alert(pc.notices, pc.lang),
            filter_bar(pc.state, pc.choices, pc.lang, keys=filter_keys, value_labels=value_labels),
            chips(pc.state, pc.lang, value_labels),
            *content,
        ]
    )
