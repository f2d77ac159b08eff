"""The dimensions metrics can be broken down and filtered by, and the sources (marts) whose columns they are."""

from __future__ import annotations

from pydantic import Field

from clientscope.semantic.model.base import Frozen, Labels, Synonyms


class Dimension(Frozen):
    name: str
    label: Labels
    description: Labels | None = None
    column: str
    value_labels: dict[str, Labels] = Field(default_factory=dict)  # code → locale → label
    synonyms: Synonyms = Field(default_factory=dict)  # words for the dimension itself (分行 for branch)
    value_synonyms: dict[str, Synonyms] = Field(default_factory=dict)  # value → locale → words (华东 for 华东区)

    def value_label(self, code: str | None, locale: str) -> str:
        """The display label of a code, falling back to the code itself (codes not listed in metrics.yaml)."""
        if code is None:
            return "—"
        return self.value_labels.get(code, {}).get(locale, code)


class Source(Frozen):
    name: str
    table: str
    label: Labels | None = None
    time_column: str  # a month-end date: every mart normalises its rows to a `month`
    event_time: str | None = None  # exact event timestamp, needed by conversion metrics
    entity: str | None = "customer_id"
    key: tuple[str, ...]  # unique row key: the tie-breaker that makes drill paging deterministic
    dimensions: tuple[str, ...]
