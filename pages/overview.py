"""`/`: headline KPIs with trends, the tier mix at a glance, and links into each analysis.

The page is a list of sections (`clientscope.overview.sections`) that render on their own from the URL."""

from __future__ import annotations

import dash
from dash import html

from clientscope import runtime
from clientscope.components.sections import FRAME, register_section, sectioned_layout
from clientscope.overview import sections
from clientscope.overview.sections import PATH

dash.register_page(__name__, path=PATH, order=0, title="Clientscope")

SECTIONS = {"kpis": sections.kpis_section, "mix": sections.mix_section, "links": sections.links_section}

register_section(PATH, FRAME, sections.frame_section)
for _name, _render in SECTIONS.items():
    register_section(PATH, _name, _render)


def layout(**query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    return sectioned_layout(PATH, tuple(SECTIONS))
