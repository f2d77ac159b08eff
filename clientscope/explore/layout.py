"""What the grid and the workbook share: the leaf columns under each group, their headers, formatted values and
the colour of a change (by the metric's `good_direction` in metrics.yaml)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from clientscope.explore.table import PivotTable, cell_field
from clientscope.i18n import t
from clientscope.semantic import SemanticModel, format_change, format_value
from clientscope.semantic.formats import format_pct_change


@dataclass(frozen=True)
class Leaf:
    field: str
    column: int  # column group index
    metric: str
    part: str  # value | prior | change | pct


def leaves(table: PivotTable) -> Iterator[Leaf]:
    """The value columns left to right: column group, then metric, then part."""
    for ci, _ in enumerate(table.columns):
        for metric in table.request.metrics:
            for part in table.options.comparison_parts():
                yield Leaf(cell_field(ci, metric, part), ci, metric, part)


def part_label(part: str, compare: str | None, lang: str) -> str:
    comparison = t(f"compare.{compare}", lang) if compare else ""
    return t(f"explore.part.{part}", lang, comparison=comparison)


def shown(model: SemanticModel, leaf: Leaf, value: float | None, lang: str) -> str:
    fmt = model.format_of(leaf.metric)
    if leaf.part == "change":
        return format_change(value, fmt, lang)
    if leaf.part == "pct":
        return format_pct_change(value, lang)
    return format_value(value, fmt, lang)


def tone(model: SemanticModel, leaf: Leaf, value: float | None) -> str:
    """ "good", "bad" or "" for a change cell: a rise is good news unless the metric's good direction is down."""
    if leaf.part not in ("change", "pct") or value is None or value == 0 or value != value:
        return ""
    direction = model.metric(leaf.metric).good_direction
    if direction == "none":
        return ""
    return "good" if (value > 0) == (direction == "up") else "bad"
