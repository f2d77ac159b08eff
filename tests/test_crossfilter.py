"""Reading a click: what each kind of plotly point carries when dcc.Graph reports it."""

from __future__ import annotations

import pytest

from clientscope.components.points import clicked_value, point_values


@pytest.mark.parametrize(
    ("click", "values"),
    [
        # bars, lines, pies: customdata, one value or a list (the dimension code first)
        ({"points": [{"x": "2025-06", "y": 3, "customdata": ["private", "3 户"]}]}, ["private", "3 户"]),
        ({"points": [{"label": "Mass", "customdata": "mass", "pointNumber": 2}]}, ["mass"]),
        ({"points": [{"customdata": [7, None]}]}, ["7", "None"]),
        # a heatmap cell: dcc.Graph drops its customdata (the point is numbered [row, column]): its row and column
        ({"points": [{"x": "3", "y": "2025-02", "z": 0.25, "curveNumber": 0}]}, ["2025-02", "3"]),
        # a Sankey link labelled "from|to"; a node's label has no "|"
        ({"points": [{"label": "dormant|reactivated", "value": 4, "pointNumber": 1}]}, ["dormant", "reactivated"]),
        ({"points": [{"label": "Dormant (2025-06)", "value": 9, "pointNumber": 4}]}, []),
        # nothing to read
        ({"points": [{"x": "B01", "y": 4}]}, []),
        ({"points": [{"customdata": []}]}, []),
        ({"points": []}, []),
        ({"points": ["junk"]}, []),
        ({}, []),
        (None, []),
    ],
)
def test_point_values(click, values) -> None:
    assert point_values(click) == values
    assert clicked_value(click) == (values[0] if values else None)
