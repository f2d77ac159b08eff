"""The seeded random walk of filter changes a user makes on a page.

Each step changes one control on screen, as a person would: a filter dropdown (region, branch, RM, tier,
channel: pick one or two of the options the page offers, or clear it), the period's start or end, the
comparison (MoM / QoQ / YoY), a click on a chart point that cross-filters, or removing a cross-filter
chip.  The choices come from the rendered layout (the options the page shows), so every page that uses
the shared filter bar and cross-filter ids is exercised without page-specific code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from clientscope.bench.dashproto import ComponentId, LayoutIndex

FILTER_TYPE = "filter"
GRAPH_TYPE = "xf-graph"
CHIP_TYPE = "chip-remove"
PERIOD_IDS = ("filter-start", "filter-end")
COMPARE_ID = "filter-compare"
# How often each kind of change is picked (when the page has such a control).
WEIGHTS = {"filter": 45, "period": 15, "compare": 10, "cross": 20, "chip": 10}


@dataclass(frozen=True)
class Action:
    kind: str
    target: ComponentId
    prop: str
    value: Any
    description: str


def _option_values(component: dict[str, Any]) -> list[Any]:
    options = component["props"].get("options") or []
    return [o["value"] if isinstance(o, dict) else o for o in options]


def _filters(index: LayoutIndex, rng: random.Random) -> Action | None:
    dropdowns = [
        c
        for c in index.components()
        if isinstance(c["props"].get("id"), dict) and c["props"]["id"].get("type") == FILTER_TYPE and _option_values(c)
    ]
    if not dropdowns:
        return None
    dropdown = rng.choice(dropdowns)
    values = _option_values(dropdown)
    current = list(dropdown["props"].get("value") or [])
    if current and rng.random() < 0.3:
        chosen: list[Any] = []
    else:
        chosen = rng.sample(values, k=min(len(values), rng.choice((1, 1, 2))))
    key = dropdown["props"]["id"].get("key", "?")
    return Action(
        "filter", dropdown["props"]["id"], "value", chosen, f"{key} = {','.join(map(str, chosen)) or '(all)'}"
    )


def _period(index: LayoutIndex, rng: random.Random) -> Action | None:
    present = [index.get(i) for i in PERIOD_IDS if index.get(i) is not None]
    if not present:
        return None
    control = rng.choice(present)
    values = [v for v in _option_values(control) if v != control["props"].get("value")]
    if not values:
        return None
    value = rng.choice(values)
    return Action("period", control["props"]["id"], "value", value, f"{control['props']['id']} = {value}")


def _compare(index: LayoutIndex, rng: random.Random) -> Action | None:
    control = index.get(COMPARE_ID)
    if control is None:
        return None
    values = [v for v in _option_values(control) if v != control["props"].get("value")]
    if not values:
        return None
    value = rng.choice(values)
    return Action("compare", COMPARE_ID, "value", value, f"compare = {value}")


def _points(figure: dict[str, Any]) -> list[Any]:
    points = []
    for trace in (figure or {}).get("data") or []:
        custom = trace.get("customdata")
        if isinstance(custom, list):
            points += [c[0] if isinstance(c, list) and c else c for c in custom if c is not None]
    return points


def _cross(index: LayoutIndex, rng: random.Random) -> Action | None:
    graphs = [
        (c, _points(c["props"].get("figure")))
        for c in index.components()
        if isinstance(c["props"].get("id"), dict) and c["props"]["id"].get("type") == GRAPH_TYPE
    ]
    graphs = [(c, points) for c, points in graphs if points]
    if not graphs:
        return None
    graph, points = rng.choice(graphs)
    value = rng.choice(points)
    click = {"points": [{"curveNumber": 0, "pointNumber": points.index(value), "customdata": value}]}
    dimension = graph["props"]["id"].get("dim", "?")
    return Action("cross", graph["props"]["id"], "clickData", click, f"click {dimension} = {value}")


def _chip(index: LayoutIndex, rng: random.Random) -> Action | None:
    chips = [
        c
        for c in index.components()
        if isinstance(c["props"].get("id"), dict) and c["props"]["id"].get("type") == CHIP_TYPE
    ]
    if not chips:
        return None
    chip = rng.choice(chips)
    clicks = (chip["props"].get("n_clicks") or 0) + 1
    return Action("chip", chip["props"]["id"], "n_clicks", clicks, f"remove chip {chip['props']['id'].get('dim', '?')}")


CHOOSERS = {"filter": _filters, "period": _period, "compare": _compare, "cross": _cross, "chip": _chip}


def next_action(index: LayoutIndex, rng: random.Random) -> Action | None:
    """One change a user could make on the page as it is on screen; None when it has no controls."""
    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    for _ in range(20):
        kind = rng.choices(kinds, weights)[0]
        action = CHOOSERS[kind](index, rng)
        if action is not None:
            return action
    for kind in kinds:  # a page with only one kind of control still gets its steps
        action = CHOOSERS[kind](index, rng)
        if action is not None:
            return action
    return None
