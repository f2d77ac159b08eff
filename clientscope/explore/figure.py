"""The chart toggle: the same pivot result as bars, lines or a heatmap (the first metric's values, the
innermost rows; subtotals and totals stay in the table, a chart of them beside their parts would mislead).

Returns a plain figure dict (theme.plain_figure): a plotly Figure would validate every trace on each change."""

from __future__ import annotations

from clientscope.explore.options import TOTAL_KEY
from clientscope.explore.table import PivotTable, cell_field
from clientscope.figures.theme import PlainFigure, blues, plain_figure

MAX_SERIES = 20  # lines or bar groups beyond this are unreadable; the table has them all


def pivot_figure(table: PivotTable, kind: str, metric_label: str, theme: str) -> PlainFigure:
    metric = table.request.metrics[0]
    rows = [r for r in table.rows if r.depth == table.levels][: MAX_SERIES if kind != "heatmap" else None]
    groups = [(i, g) for i, g in enumerate(table.columns) if g.key != TOTAL_KEY or len(table.columns) == 1]
    names = [g.label or metric_label for _, g in groups]
    labels = [_row_label(table, r.codes, r.label) for r in rows]

    def values(row_values, ci: int) -> float | None:
        return row_values.get(cell_field(ci, metric, "value"))

    layout: dict = {}
    if kind == "heatmap":
        z = [[values(r.values, ci) for ci, _ in groups] for r in rows]
        data = [
            {
                "type": "heatmap",
                "z": z,
                "x": names,
                "y": labels,
                "colorscale": blues(),
                "hoverongaps": False,
            }
        ]
        layout["yaxis"] = {"autorange": "reversed"}
    elif kind == "line":
        data = [
            {
                "type": "scatter",
                "x": names,
                "y": [values(r.values, ci) for ci, _ in groups],
                "name": label,
                "mode": "lines+markers",
            }
            for r, label in zip(rows, labels, strict=True)
        ]
    else:
        data = [
            {"type": "bar", "x": labels, "y": [values(r.values, ci) for r in rows], "name": group.label or metric_label}
            for ci, group in groups
        ]
        layout["barmode"] = "group"
    layout.update(
        title={"text": metric_label},
        height=max(420, 22 * len(rows)) if kind == "heatmap" else 460,
        margin={"l": 20, "r": 20, "t": 50, "b": 20},
        legend={"orientation": "h"},
    )
    return plain_figure(data, layout, theme)


def _row_label(table: PivotTable, codes: tuple, label: str) -> str:
    """Innermost label, with its parent's code when rows are nested (two branches may share a name)."""
    del table
    return label if len(codes) < 2 else f"{label} · {codes[-2]}"
