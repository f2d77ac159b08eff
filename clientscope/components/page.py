"""What every analysis page shares: its context (state from the URL, filter choices, viewer scope)
and its frame (title, notices about dropped URL values, filter bar, cross-filter chips)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import html, no_update

from clientscope import runtime
from clientscope.access.viewer import current_viewer
from clientscope.components.filter_bar import BAR_KEYS, chips, filter_bar
from clientscope.db import Database, ViewerScope
from clientscope.filters import FilterChoices, load_choices
from clientscope.i18n import t
from clientscope.lifecycle.codes import PAGE_CROSS
from clientscope.lifecycle.codes import cross_values as lifecycle_cross_values
from clientscope.semantic import SemanticModel
from clientscope.semantic.filtering import ViewFilters
from clientscope.state import Notice, ViewState, parse_state
from clientscope.views.control import save_view_control

# URL filter key → metrics.yaml dimension (short, stable URLs; the model's names stay explicit).
FILTER_DIMENSIONS: dict[str, str] = {
    "region": "region",
    "branch": "branch",
    "rm": "rm",
    "tier": "tier",
    "channel": "acquisition_channel",
    "campaign": "campaign",
    "touch_channel": "channel",
}
# Cross-filters that are not metrics.yaml dimensions: the lifecycle page's cohort subsets (x.cohort, x.step,
# x.activation, x.flow; see clientscope/lifecycle/codes.py).  Accepted in every URL, so that another control's
# change keeps them, but only /lifecycle applies them; metric queries never see them.
# The churn page's x.risk_level is the churn MODEL's level (high / medium / low, docs/churn-model.md §4), which
# exists for the latest month-end only: a page subset too, never the metrics.yaml `warning_level` (rule) dimension.
CHURN_RISK_CROSS = "risk_level"
CHURN_RISK_LEVELS: frozenset[str] = frozenset(("high", "medium", "low"))
PAGE_CROSS_DIMENSIONS: tuple[str, ...] = (*PAGE_CROSS, CHURN_RISK_CROSS)
# metrics.yaml dimensions whose every code is made by the rules (and labelled, as `metrics validate` checks):
# a cross-filter on them takes only those codes.
RULE_CODED_DIMENSIONS: tuple[str, ...] = ("stage",)


def viewer_scope() -> ViewerScope:
    """The scope of the current viewer (signed in, named by the gateway, or the local viewer of open mode)."""
    return current_viewer().scope()


@dataclass(frozen=True)
class PageContext:
    db: Database
    model: SemanticModel
    data_dir: Path
    state: ViewState
    notices: tuple[Notice, ...]
    choices: FilterChoices
    scope: ViewerScope

    @property
    def lang(self) -> str:
        return self.state.lang

    def metric_filters(self) -> dict[str, list[str]]:
        """The state's filters (bar, drill path and cross-filters) keyed by metrics.yaml dimension."""
        merged: dict[str, list[str]] = {FILTER_DIMENSIONS.get(k, k): list(v) for k, v in self.state.filters.items()}
        for key, value in self.state.drill:
            merged[FILTER_DIMENSIONS.get(key, key)] = [value]
        for dimension, value in self.state.cross.items():  # cross-filters are keyed by dimension already
            if dimension not in PAGE_CROSS_DIMENSIONS:  # a page's own subsets are not metrics.yaml dimensions
                merged[dimension] = [value]
        return merged

    @property
    def filters(self) -> ViewFilters:
        """The view's filters compiled once (`filtered_<table>` relations for page SQL)."""
        return ViewFilters.compile(self.model, self.metric_filters())

    def value_labels(self) -> dict[str, dict[str, str]]:
        """Display labels for coded filter values, keyed by filter key and by dimension."""
        labels: dict[str, dict[str, str]] = {}
        for key, dimension in FILTER_DIMENSIONS.items():
            if dimension in self.model.dimensions:
                labels[key] = self.model.value_labels(dimension, self.lang)
        for dimension in self.model.dimensions:
            labels.setdefault(dimension, self.model.value_labels(dimension, self.lang))
        for key in ("branch", "rm", "campaign"):
            labels[key] = {**labels.get(key, {}), **self.choices.labels.get(key, {})}
        labels[CHURN_RISK_CROSS] = {level: t(f"churn.level.{level}", self.lang) for level in CHURN_RISK_LEVELS}
        return labels


@lru_cache(maxsize=32)
def _choices(db: Database, version: str, scope: ViewerScope, tiers: tuple[str, ...]) -> FilterChoices:
    # Keyed by the data version: a refreshed extract gets fresh options, a worker never serves stale ones.
    del version
    return load_choices(db, scope, {code: code for code in tiers})


def build_page_context(
    db: Database,
    model: SemanticModel,
    data_dir: Path,
    query: Mapping[str, str | Sequence[str]],
    scope: ViewerScope,
) -> PageContext:
    """The context for one request (also used by the command line, which has no Flask app)."""
    choices = _choices(db, db.version, scope, tuple(model.tier_labels("en")))
    dimensions = tuple(model.dimensions)
    options = choices.options(dimensions)
    state, notices = parse_state(query, replace(options, cross_values=cross_allow_lists(model, choices)))
    return PageContext(db, model, data_dir, state, tuple(notices), choices, scope)


def cross_allow_lists(model: SemanticModel, choices: FilterChoices) -> dict[str, frozenset[str]]:
    """The values a cross-filter (`x.<dimension>`) may take; dimensions not listed take any value."""
    values = {key: frozenset(labels) for key, labels in choices.labels.items()}
    allowed = {FILTER_DIMENSIONS[key]: codes for key, codes in values.items() if key in FILTER_DIMENSIONS}
    for dimension in RULE_CODED_DIMENSIONS:
        if dimension in model.dimensions:
            allowed[dimension] = frozenset(model.dimension(dimension).value_labels)
    allowed.update(lifecycle_cross_values(choices.months))
    allowed[CHURN_RISK_CROSS] = CHURN_RISK_LEVELS
    return allowed


def page_context(query: Mapping[str, str | Sequence[str]]) -> PageContext:
    app = runtime.current()
    return build_page_context(app.db, app.model, app.data_dir, query, viewer_scope())


def current_state(query: Mapping[str, str | Sequence[str]]) -> ViewState:
    return page_context(query).state


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
