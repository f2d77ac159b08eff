"""Plotly templates that match the Bootstrap light and dark themes."""

from __future__ import annotations

from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio

FONT = 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'
COLORWAY = ("#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#198754", "#ffc107", "#0dcaf0", "#6c757d")


@lru_cache(maxsize=2)
def template(theme: str) -> go.layout.Template:
    """Built once per theme (building and validating a template costs ~70 ms); treat it as read-only."""
    base = pio.templates["plotly_dark" if theme == "dark" else "plotly_white"]
    tpl = go.layout.Template(base)
    tpl.layout.font.update(family=FONT, size=12)  # update, not replace: keep the dark template's font colour
    tpl.layout.colorway = list(COLORWAY)
    tpl.layout.paper_bgcolor = "rgba(0,0,0,0)"
    tpl.layout.plot_bgcolor = "rgba(0,0,0,0)"
    tpl.layout.margin = {"l": 48, "r": 16, "t": 40, "b": 40}
    return tpl
