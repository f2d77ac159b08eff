"""The pivot as dash-ag-grid column definitions (multi-level headers) and row data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clientscope.explore.layout import Leaf, leaves, part_label, shown, tone
from clientscope.explore.table import PivotRow, PivotTable
from clientscope.semantic import SemanticModel

PAGE_SIZE = 100
LABEL_FIELD = "label"


def column_defs(table: PivotTable, model: SemanticModel, row_header: str, lang: str) -> list[dict[str, Any]]:
    """The label column (pinned) and, per column group, per metric, the value and comparison columns."""
    parts = table.options.comparison_parts()
    defs: list[dict[str, Any]] = [
        {
            "field": LABEL_FIELD,
            "headerName": row_header,
            "pinned": "left",
            "width": 220,
            "cellClassRules": {f"explore-indent-{n}": f"params.data && params.data._indent === {n}" for n in (1, 2)},
        }
    ]
    by_group: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for leaf in leaves(table):
        header = (
            part_label(leaf.part, table.options.compare, lang) if len(parts) > 1 else model.label(leaf.metric, lang)
        )
        by_group.setdefault(leaf.column, {}).setdefault(leaf.metric, []).append(_leaf_def(leaf, header))
    for ci, group in enumerate(table.columns):
        metric_defs: list[dict[str, Any]] = []
        for metric, cols in by_group.get(ci, {}).items():
            if len(parts) > 1:
                metric_defs.append({"headerName": model.label(metric, lang), "children": cols})
            else:
                metric_defs.extend(cols)
        if table.banded:
            defs.append({"headerName": group.label, "children": metric_defs})
        else:
            defs.extend(metric_defs)
    return defs


def _leaf_def(leaf: Leaf, header: str) -> dict[str, Any]:
    f = leaf.field
    return {
        "field": f,
        "headerName": header,
        "type": "rightAligned",
        "width": 130,
        "sortable": False,
        "valueFormatter": {"function": f"params.data ? params.data.{f}_text : ''"},
        "cellClassRules": {
            "explore-good": f"params.data && params.data.{f}_tone === 'good'",
            "explore-bad": f"params.data && params.data.{f}_tone === 'bad'",
        },
    }


def row_data(table: PivotTable, model: SemanticModel, lang: str) -> list[dict[str, Any]]:
    """One dict per row: the raw value, its text (metrics.yaml formats) and its tone, per leaf column."""
    return format_rows(table, table.rows, model, lang)


def format_rows(table: PivotTable, rows: Sequence[PivotRow], model: SemanticModel, lang: str) -> list[dict[str, Any]]:
    """`row_data` of some of the table's rows (a block the grid asked for)."""
    all_leaves = list(leaves(table))
    data = []
    for row in rows:
        item: dict[str, Any] = {
            "_id": row.id,
            "_depth": row.depth,
            "_indent": min(max(0, row.depth - 1), 2),  # a group's rows sit one step in from its subtotal
            LABEL_FIELD: row.label,
        }
        for leaf in all_leaves:
            value = row.values.get(leaf.field)
            item[leaf.field] = value
            item[leaf.field + "_text"] = shown(model, leaf, value, lang)
            item[leaf.field + "_tone"] = tone(model, leaf, value)
        data.append(item)
    return data


def row_class_rules(levels: int) -> dict[str, str]:
    """Subtotal rows bold, the grand total bold on a shaded row."""
    return {
        "explore-subtotal": f"params.data && params.data._depth > 0 && params.data._depth < {levels}",
        "explore-total": "params.data && params.data._depth === 0",
    }
