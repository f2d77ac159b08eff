"""Click-to-filter: clicking a bar, slice, cell or grid row applies that value as a cross-filter chip.

A chart takes part by using `graph_id(dimension, name)` as its id and putting the dimension's code in
each point's `customdata` (first element), or, for a heatmap, on its y axis (see `points.point_values`).
Grids use `grid_id(dimension, name)` and `getRowId` returning the dimension's code.
One callback serves every page: it writes the new state into the URL.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, no_update

from clientscope.components.points import clicked_value
from clientscope.state import parse_query, to_query

GRAPH = "xf-graph"
GRID = "xf-grid"


def graph_id(dimension: str, name: str) -> dict[str, str]:
    return {"type": GRAPH, "dim": dimension, "name": name}


def grid_id(dimension: str, name: str) -> dict[str, str]:
    return {"type": GRID, "dim": dimension, "name": name}


def cross_filtered_query(search: str | None, dimension: str, value: str | None) -> str:
    from clientscope.components.request_context import current_state

    state = current_state(parse_query(search or ""))
    current = state.cross.get(dimension)
    # clicking the active value again removes the filter (toggle), as in Superset and Power BI
    new = state.with_cross(dimension, None if value is None or value == current else value)
    return to_query(new)


@callback(
    Output("url", "search", allow_duplicate=True),
    Input({"type": GRAPH, "dim": ALL, "name": ALL}, "clickData"),
    Input({"type": GRID, "dim": ALL, "name": ALL}, "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_click(_graphs, _grids, search):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or ctx.triggered[0].get("value") is None:
        return no_update
    payload = ctx.triggered[0]["value"]
    value = clicked_value(payload) if trigger["type"] == GRAPH else _grid_value(payload, trigger["dim"])
    if value is None:
        return no_update
    from clientscope.components.page import changed_search  # page imports this module

    return changed_search(cross_filtered_query(search, trigger["dim"], value), search)


def _grid_value(cell: dict[str, Any], dimension: str) -> str | None:
    """Grids that cross-filter set `getRowId` to the dimension's code, so the row id is the value."""
    del dimension
    value = cell.get("rowId")
    return None if value is None else str(value)
