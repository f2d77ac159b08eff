"""What every analysis page shares: its context (state from the URL, filter choices, viewer scope)
and its frame (title, notices about dropped URL values, filter bar, cross-filter chips)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import dash_bootstrap_components as dbc
from dash import html

from clientscope import runtime
from clientscope.components.filter_bar import BAR_KEYS, chips, filter_bar
from clientscope.db import FULL_SCOPE, Database, ViewerScope
from clientscope.filters import FilterChoices, load_choices
from clientscope.i18n import t
from clientscope.state import Notice, ViewState, parse_state

BREAKDOWN_DIMENSIONS: tuple[str, ...] = (
    "region",
    "branch",
    "rm",
    "tier",
    "channel",
    "age_band",
    "gender",
    "tag",
    "risk_profile",
    "stage",
)


def viewer_scope() -> ViewerScope:
    """The scope of the current viewer. Authentication is not part of this release: everyone sees all."""
    return FULL_SCOPE


@dataclass(frozen=True)
class PageContext:
    db: Database
    data_dir: Path
    state: ViewState
    notices: tuple[Notice, ...]
    choices: FilterChoices
    scope: ViewerScope

    @property
    def lang(self) -> str:
        return self.state.lang


def tier_labels() -> dict[str, str]:
    from clientscope.semantic import get_model

    model = get_model()
    return {code: code for code in model.tier_codes()}


@lru_cache(maxsize=32)
def _choices(data_dir: Path | None, version: str, scope: ViewerScope) -> FilterChoices:
    # Keyed by the data version: a refreshed extract gets fresh options, a worker never serves stale ones.
    return load_choices(runtime.current().db, scope, tier_labels())


def page_context(query: Mapping[str, str | Sequence[str]]) -> PageContext:
    app = runtime.current()
    db = app.db
    scope = viewer_scope()
    choices = _choices(db.data_dir, db.version, scope)
    state, notices = parse_state(query, choices.options(BREAKDOWN_DIMENSIONS))
    return PageContext(db, app.data_dir, state, tuple(notices), choices, scope)


def current_state(query: Mapping[str, str | Sequence[str]]) -> ViewState:
    return page_context(query).state


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
    return html.Div(
        [
            html.H2(title, className="h4"),
            notices_alert(pc.notices, pc.lang),
            filter_bar(pc.state, pc.choices, pc.lang, keys=filter_keys, value_labels=value_labels),
            chips(pc.state, pc.lang, value_labels),
            *content,
        ]
    )
