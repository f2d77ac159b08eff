"""What a clicked chart point carries, read from dcc.Graph's clickData (no Dash import: data modules use it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def point_values(click: Mapping[str, Any] | None) -> list[str]:
    """What the clicked point carries, as text: its customdata (one value or a list).

    dcc.Graph passes a point's customdata only when the point is numbered by one index, so two kinds of point
    are read from what they do pass: a heatmap cell (it has `z`) gives its row and column, [y, x]; a Sankey
    link gives its label split at "|" (figures label links "from|to"; node labels have no "|", so a click on a
    node gives nothing).
    """
    if not click or not click.get("points"):
        return []
    point = click["points"][0]
    if not isinstance(point, Mapping):
        return []
    custom = point.get("customdata")
    if isinstance(custom, list | tuple):
        return [str(v) for v in custom]
    if custom is not None:
        return [str(custom)]
    if "z" in point and point.get("y") is not None:
        return [str(point["y"]), str(point.get("x", ""))]
    label = point.get("label")
    if isinstance(label, str) and "|" in label:
        return label.split("|")
    return []


def clicked_value(click: Mapping[str, Any] | None) -> str | None:
    """The dimension code carried by the clicked point (the first of `point_values`), if any."""
    values = point_values(click)
    return values[0] if values else None
