"""Checks of the plain dict figures the pages send (clientscope.figures.theme.plain_figure)."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go


def assert_plain_figure(figure: dict[str, Any]) -> None:
    """The dict is a valid plotly figure already in the form plotly's own objects send to the browser: plotly
    validates it (an unknown attribute raises) and writes it back unchanged (a bare string title, which plotly's
    objects convert and plotly.js 3 ignores in a dict, would come back as {"text": ...}).

    One difference is allowed: an empty title, `{}`, which is what plotly's objects sent for `title=None` (the
    builders keep it, so the page's JSON is what it was) but which plotly drops when it reads a dict; plotly.js
    draws both alike, without a title."""
    assert isinstance(figure, dict), type(figure)
    sent = _without_empty_titles(json.loads(json.dumps(figure)))
    assert json.loads(go.Figure(figure).to_json()) == sent


def _without_empty_titles(figure: dict[str, Any]) -> dict[str, Any]:
    layout = {}
    for key, value in figure.get("layout", {}).items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict) and value.get("title") == {}:
            value = {k: v for k, v in value.items() if k != "title"}
        if value != {} or not (key == "title" or key.startswith(("xaxis", "yaxis"))):
            layout[key] = value
    return {**figure, "layout": layout}
