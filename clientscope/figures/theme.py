"""Plotly templates that match the Bootstrap light and dark themes."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
from plotly.colors import make_colorscale, sequential

FONT = 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'
COLORWAY = ("#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#198754", "#ffc107", "#0dcaf0", "#6c757d")


# What the app's figures use of plotly's own light and dark templates: fonts, colours, axes, hover and the
# colour scales. Only layout keys, no per-trace defaults: a figure validates and serialises its template
# every time it is built, and plotly's full templates (every trace type's defaults) cost ~10 ms per figure
# and 7 kB of JSON in every response, against ~1 ms and 1 kB for this.
_PALETTE = {
    "light": {"text": "#2a3f5f", "grid": "#EBF0F8", "line": "#EBF0F8"},
    "dark": {"text": "#f2f5fa", "grid": "#283442", "line": "#506784"},
}


def _template_layout(theme: str) -> dict[str, Any]:
    """The template's layout as plain data, without plotly's objects (building and validating those took ~90 ms,
    paid by the first chart of every server process)."""
    palette = _PALETTE["dark" if theme == "dark" else "light"]
    axis = {
        "gridcolor": palette["grid"],
        "linecolor": palette["line"],
        "zerolinecolor": palette["grid"],
        "zerolinewidth": 2,
        "ticks": "",
        "automargin": True,
        "title": {"standoff": 15},
    }
    return {
        "font": {"family": FONT, "size": 12, "color": palette["text"]},
        "colorway": list(COLORWAY),
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 48, "r": 16, "t": 40, "b": 40},
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "autotypenumbers": "strict",
        "title": {"x": 0.05},
        "xaxis": axis,
        "yaxis": dict(axis),
        "colorscale": _plotly_colorscales(theme),
        "coloraxis": {"colorbar": {"outlinewidth": 0, "ticks": ""}},
        "annotationdefaults": {"arrowcolor": palette["text"], "arrowhead": 0, "arrowwidth": 1},
        "shapedefaults": {"line": {"color": palette["text"]}},
    }


def _plotly_colorscales(theme: str) -> dict[str, Any]:
    """The sequential and diverging scales of plotly's own light or dark template, read from its package data
    (what `plotly.io.templates[name]` loads, without building the template object)."""
    name = "plotly_dark" if theme == "dark" else "plotly_white"
    path = Path(plotly.__file__).parent / "package_data" / "templates" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))["layout"]["colorscale"]


@lru_cache(maxsize=2)
def template(theme: str) -> go.layout.Template:
    """For the figures still built as plotly objects. Built once per theme; treat it as read-only."""
    return go.layout.Template(layout=_template_layout(theme))


PlainFigure = dict[str, Any]


@lru_cache(maxsize=2)
def _template_json(theme: str) -> str:
    return json.dumps({"layout": _template_layout(theme)})


def plain_figure(data: list[dict[str, Any]], layout: dict[str, Any], theme: str) -> PlainFigure:
    """A figure as the plain dict dcc.Graph sends to the browser, with the page's template.

    For the charts a filter change redraws: a plotly Figure validates every trace and its template when it is
    built (about 10 ms per chart, a third of the churn signals section at scale M), a dict is sent as it is.
    The caller passes plotly's own attribute names (checked by the tests that render the chart in a browser)."""
    return {"data": data, "layout": {"template": json.loads(_template_json(theme)), **layout}}


def axis(title: str | None = None, **rest: Any) -> dict[str, Any]:
    """A plain figure's axis. Titles are always `{"text": ...}`: plotly.js 3 ignores a bare string (plotly's
    Python objects convert it, plain dicts are sent as they are)."""
    return {"title": {"text": title}, **rest} if title is not None else dict(rest)


def title_of(text: str | None) -> dict[str, str]:
    """A plain figure's title: `{"text": ...}`, and `{}` for none (what plotly's objects sent for title=None)."""
    return {} if text is None else {"text": text}


# Plotly's "Blues" as its objects expand a named colour scale: a plain dict is sent as it is, and plotly.js's own
# "Blues" is a different scale.
_BLUES: tuple[tuple[float, str], ...] = tuple((float(p), c) for p, c in make_colorscale(sequential.Blues))


def blues() -> list[list[float | str]]:
    """A fresh copy of the expanded "Blues" scale for one trace."""
    return [[position, colour] for position, colour in _BLUES]
