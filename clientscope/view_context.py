"""The view context: what one request (a page, a section, a workbook, a command) is computed from — the database,
the semantic model, the state parsed from the URL with its notices, the filter choices and the viewer's scope.

Dash-free: pages, their data functions, the workbooks, the CLI, the scheduler and the ask box all take it.

Page-only cross-filters (`x.<name>` that are not metrics.yaml dimensions: the lifecycle page's cohort subsets,
the churn page's model risk level) are declared by the analysis that applies them, in a module listed in
`CROSS_FILTER_MODULES` that defines `CROSS_FILTERS: Mapping[str, CrossFilter]`. They are accepted in every URL
(so another control's change keeps them), but only their page applies them; metric queries never see them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from clientscope.db import Database, ViewerScope
from clientscope.filters import FilterChoices, kept_choices
from clientscope.semantic import SemanticModel
from clientscope.semantic.filtering import ViewFilters
from clientscope.state import Notice, ViewState, parse_state

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
# metrics.yaml dimensions whose every code is made by the rules (and labelled, as `metrics validate` checks):
# a cross-filter on them takes only those codes.
RULE_CODED_DIMENSIONS: tuple[str, ...] = ("stage",)
# The analyses that declare page-only cross-filters (each module defines CROSS_FILTERS).
CROSS_FILTER_MODULES: tuple[str, ...] = ("clientscope.lifecycle.codes", "clientscope.churn.view")


@dataclass(frozen=True)
class CrossFilter:
    """A page-only cross-filter: the values it accepts for the data's filter choices, and their labels."""

    values: Callable[[FilterChoices], frozenset[str]]
    labels: Callable[[str], dict[str, str]] | None = None  # language → code → label (for the chips)


@cache
def page_cross_filters() -> dict[str, CrossFilter]:
    """Every declared page-only cross-filter, by its `x.<name>`."""
    found: dict[str, CrossFilter] = {}
    for name in CROSS_FILTER_MODULES:
        found.update(importlib.import_module(name).CROSS_FILTERS)
    return found


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
        page_only = page_cross_filters()
        for dimension, value in self.state.cross.items():  # cross-filters are keyed by dimension already
            if dimension not in page_only:  # a page's own subsets are not metrics.yaml dimensions
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
        for name, cross in page_cross_filters().items():
            if cross.labels is not None:
                labels[name] = cross.labels(self.lang)
        return labels


@lru_cache(maxsize=32)
def _choices(db: Database, version: str, scope: ViewerScope, tiers: tuple[str, ...]) -> FilterChoices:
    # Keyed by the data version: a refreshed extract gets fresh options, a worker never serves stale ones.
    del version
    return kept_choices(db, scope, {code: code for code in tiers})


def build_page_context(
    db: Database,
    model: SemanticModel,
    data_dir: Path,
    query: Mapping[str, str | Sequence[str]],
    scope: ViewerScope,
) -> PageContext:
    """The context for one request (the pages, the command line and the scheduler alike)."""
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
    for name, cross in page_cross_filters().items():
        allowed[name] = cross.values(choices)
    return allowed
