"""The pivot as an Excel sheet, cell for cell as on screen: merged multi-level headers (column values, then
metrics, then value / comparison columns), subtotal rows bold and grouped with Excel's outline (collapsible,
summary rows below their group), frozen row labels and headers, metrics.yaml number formats, changes coloured by
the metric's good direction."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from clientscope.explore.layout import Leaf, leaves, part_label
from clientscope.explore.table import PivotTable
from clientscope.export import ColumnSpec, HeaderSpan, Outline, SheetSpec
from clientscope.reports.common import metric_column
from clientscope.semantic import SemanticModel

LABEL_KEY = "label"
LEVEL_KEY = "_level"
INDENT = "    "  # Excel text has no padding: the row label's indent, as on screen


def leaf_column(model: SemanticModel, table: PivotTable, leaf: Leaf, lang: str) -> ColumnSpec:
    base = metric_column(model, leaf.metric, lang)
    unit = base.label.removeprefix(model.label(leaf.metric, lang))
    if len(table.options.comparison_parts()) == 1:
        return replace(base, key=leaf.field)
    label = part_label(leaf.part, table.options.compare, lang)
    if leaf.part == "pct":
        return ColumnSpec(leaf.field, label, "percent", "+0.0%;-0.0%;0.0%", good_direction=_direction(model, leaf))
    if leaf.part == "change":
        rate = base.kind == "percent"  # a change of a rate is in percentage points: 0.012 shows as +1.2%
        fmt = "+0.0%;-0.0%;0.0%" if rate else f"+{base.excel_format};-{base.excel_format};{base.excel_format}"
        return ColumnSpec(leaf.field, label + unit, base.kind, fmt, good_direction=_direction(model, leaf))
    return replace(base, key=leaf.field, label=label + unit)


def _direction(model: SemanticModel, leaf: Leaf):
    direction = model.metric(leaf.metric).good_direction
    return None if direction == "none" else direction


def pivot_sheet(
    table: PivotTable, model: SemanticModel, *, name: str, title: str, row_header: str, note: str | None, lang: str
) -> SheetSpec:
    all_leaves = list(leaves(table))
    columns = [
        ColumnSpec(LABEL_KEY, row_header, "text", width=28),
        *(leaf_column(model, table, x, lang) for x in all_leaves),
    ]
    frame = pl.DataFrame(
        [
            {
                LABEL_KEY: INDENT * min(max(0, row.depth - 1), 2) + row.label,
                LEVEL_KEY: row.depth,
                **{x.field: row.values.get(x.field) for x in all_leaves},
            }
            for row in table.rows
        ],
        schema={LABEL_KEY: pl.Utf8, LEVEL_KEY: pl.Int32, **{x.field: pl.Float64 for x in all_leaves}},
    )
    outline = Outline(LEVEL_KEY, table.levels) if table.levels else None
    return SheetSpec(
        name=name,
        title=title,
        columns=tuple(columns),
        rows=frame,
        note=note,
        bands=_bands(table, model, all_leaves, lang),
        outline=outline,
    )


def _bands(
    table: PivotTable, model: SemanticModel, all_leaves: list[Leaf], lang: str
) -> tuple[tuple[HeaderSpan, ...], ...]:
    parts = len(table.options.comparison_parts())
    bands: list[tuple[HeaderSpan, ...]] = []
    if table.banded:
        bands.append(tuple(_spans(all_leaves, lambda x: (x.column,), lambda x: table.columns[x.column].label)))
    if parts > 1:
        bands.append(tuple(_spans(all_leaves, lambda x: (x.column, x.metric), lambda x: model.label(x.metric, lang))))
    return tuple(bands)


def _spans(all_leaves: list[Leaf], group, label) -> list[HeaderSpan]:
    spans: list[HeaderSpan] = []
    start = 0
    for i, leaf in enumerate(all_leaves):
        last = i + 1 == len(all_leaves) or group(all_leaves[i + 1]) != group(leaf)
        if last:
            spans.append(HeaderSpan(label(leaf), all_leaves[start].field, leaf.field))
            start = i + 1
    return spans
