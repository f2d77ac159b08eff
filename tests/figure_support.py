"""Checks of the plain dict figures the pages send (clientscope.figures.theme.plain_figure)."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go


def assert_plain_figure(figure: dict[str, Any]) -> None:
    """The dict is a valid plotly figure already in the form plotly's own objects send to the browser: plotly
    validates it (an unknown attribute raises) and writes it back unchanged (a bare string title, which plotly's
    objects convert and plotly.js 3 ignores in a dict, would come back as {"text": ...})."""
    assert isinstance(figure, dict), type(figure)
    sent = json.loads(json.dumps(figure))
    assert json.loads(go.Figure(figure).to_json()) == sent
