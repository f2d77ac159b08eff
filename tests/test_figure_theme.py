"""The charts' template: plain data that plotly reads back unchanged, with plotly's own colour scales."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from clientscope.figures import theme


@pytest.mark.parametrize(("name", "plotly_name"), [("light", "plotly_white"), ("dark", "plotly_dark")])
def test_the_plain_template_is_what_plotly_makes_of_it(name: str, plotly_name: str) -> None:
    sent = theme.plain_figure([], {}, name)["layout"]["template"]
    # plotly validates it (an unknown attribute raises) and writes it back as it was sent
    assert json.loads(json.dumps(go.layout.Template(sent).to_plotly_json())) == sent
    assert sent["layout"]["colorscale"] == pio.templates[plotly_name].layout.colorscale.to_plotly_json()
    assert sent["layout"]["font"]["color"] == ("#f2f5fa" if name == "dark" else "#2a3f5f")
    assert theme.template(name).to_plotly_json() == go.layout.Template(sent).to_plotly_json()


def test_each_figure_gets_its_own_copy_of_the_template() -> None:
    first = theme.plain_figure([], {}, "light")
    first["layout"]["template"]["layout"]["font"]["size"] = 99
    assert theme.plain_figure([], {}, "light")["layout"]["template"]["layout"]["font"]["size"] == 12
