"""A PNG of a report's charts for the mail body, drawn server-side from the workbook's own chart data.

The workbook spec already says which tables a page charts (`SheetSpec.chart`), with the recipient's scope
applied: drawing those with plotly and exporting the image with kaleido (headless Chromium) shows what the
attached workbook holds, in the recipient's language. CJK text needs a CJK font on the server (fonts-wqy-microhei
on Debian; scripts/test.sh installs it).
"""

from __future__ import annotations

import logging

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from clientscope.export.spec import ChartSpec, SheetSpec, WorkbookSpec

log = logging.getLogger(__name__)
MAX_CHARTS = 4
# Chromium picks the first family installed; the CJK ones before the generic fallback, so Chinese is never tofu.
FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
WIDTH, ROW_HEIGHT = 900, 340


class SnapshotError(RuntimeError):
    """The image could not be drawn (no Chromium for kaleido, ...); the mail goes without it."""


def charted_sheets(spec: WorkbookSpec) -> list[SheetSpec]:
    """Sheets with a chart over a frame (streamed drill lists carry no chart and are never drawn)."""
    sheets = [s for s in spec.sheets if s.chart is not None and isinstance(s.rows, pl.DataFrame)]
    return sheets[:MAX_CHARTS]


def snapshot_figure(spec: WorkbookSpec) -> go.Figure | None:
    sheets = charted_sheets(spec)
    if not sheets:
        return None
    kinds = [{"type": "domain"} if s.chart and s.chart.kind == "pie" else {"type": "xy"} for s in sheets]
    figure = make_subplots(
        rows=len(sheets), cols=1, specs=[[k] for k in kinds], subplot_titles=[s.chart.title for s in sheets]
    )
    for row, sheet in enumerate(sheets, start=1):
        assert sheet.chart is not None and isinstance(sheet.rows, pl.DataFrame)
        for trace in _traces(sheet, sheet.chart, sheet.rows):
            figure.add_trace(trace, row=row, col=1)
        if sheet.chart.kind == "stacked_column":
            figure.update_layout(barmode="stack")
    figure.update_layout(
        title=spec.title,
        font={"family": FONT_FAMILY, "size": 12},
        width=WIDTH,
        height=ROW_HEIGHT * len(sheets) + 80,
        template="plotly_white",
        margin={"l": 60, "r": 30, "t": 80, "b": 40},
    )
    return figure


def _traces(sheet: SheetSpec, chart: ChartSpec, frame: pl.DataFrame) -> list:
    labels = {c.key: c.label for c in sheet.columns}
    categories = [str(v) for v in frame[chart.category_column].to_list()]
    traces = []
    legend = len(chart.value_columns) > 1  # one series needs no legend: the subplot's title names it
    for key in chart.value_columns:
        values = frame[key].to_list()
        name = labels.get(key, key)
        if chart.kind == "pie":
            traces.append(go.Pie(labels=categories, values=values, name=name, sort=False, showlegend=True))
        elif chart.kind in ("line", "area"):
            fill = "tozeroy" if chart.kind == "area" else None
            traces.append(
                go.Scatter(x=categories, y=values, name=name, mode="lines+markers", fill=fill, showlegend=legend)
            )
        elif chart.kind == "bar":
            traces.append(go.Bar(y=categories, x=values, name=name, orientation="h", showlegend=legend))
        else:
            traces.append(go.Bar(x=categories, y=values, name=name, showlegend=legend))
    return traces


def snapshot_png(spec: WorkbookSpec) -> bytes | None:
    """The charts as one PNG, or None when the page charts nothing. Raises SnapshotError."""
    figure = snapshot_figure(spec)
    if figure is None:
        return None
    for name in ("kaleido", "choreographer"):  # a dozen INFO lines per image otherwise
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        return figure.to_image(format="png", width=WIDTH, height=figure.layout.height)
    except Exception as exc:  # kaleido raises several types (no browser, a crashed one, a timeout)
        raise SnapshotError(f"cannot draw the charts: {exc}") from exc
