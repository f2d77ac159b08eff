"""The explore page's controls, showing the options of the URL (they hold no state of their own)."""

from __future__ import annotations

from enum import StrEnum

import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.components.filter_bar import dropdown_labels
from clientscope.explore.options import (
    MAX_TOP,
    SHOW_CHOICES,
    VIEWS,
    ExploreOptions,
    dimension_choices,
    metric_choices,
    time_choices,
)
from clientscope.i18n import t
from clientscope.semantic import SemanticModel


class Ids(StrEnum):
    METRICS = "explore-metrics"
    ROWS = "explore-rows"
    COLUMN = "explore-column"
    SHOW = "explore-show"
    SORT = "explore-sort"
    TOP = "explore-top"
    VIEW = "explore-view"
    GRID = "explore-grid"
    CHART = "explore-chart"
    COLUMN_KEYS = "explore-column-keys"
    CLOSE_DRILL = "explore-close-drill"


LIST_CONTROLS = (Ids.METRICS, Ids.ROWS, Ids.SHOW)  # multi-selects: their `value` is a list (callback guard)


def _labelled(label: str, control, width: int | bool) -> dbc.Col:
    return dbc.Col(html.Div([html.Label(label, className="form-label small text-muted mb-0"), control]), md=width)


def controls(options: ExploreOptions, model: SemanticModel, lang: str, compare: str) -> html.Div:
    """`compare`: the filter bar's comparison, which the comparison columns show."""
    dims = dimension_choices(model, options.metrics)
    dim_options = [{"value": d, "label": model.dimension_label(d, lang)} for d in dims]
    columns = [{"value": "", "label": t("explore.column.none", lang)}]
    columns += [{"value": g, "label": t(f"explore.column.{g}", lang)} for g in time_choices(model, options.metrics)]
    columns += [o for o in dim_options if o["value"] not in options.rows]
    sort = [{"value": "label", "label": t("explore.sort.label", lang)}]
    for m in options.metrics:
        name = model.label(m, lang)
        sort += [
            {"value": "-" + m, "label": t("explore.sort.desc", lang, metric=name)},
            {"value": m, "label": t("explore.sort.asc", lang, metric=name)},
        ]
    labels = dropdown_labels(lang)
    first = dbc.Row(
        [
            _labelled(
                t("explore.metrics", lang),
                dcc.Dropdown(
                    id=Ids.METRICS,
                    options=[{"value": m, "label": model.label(m, lang)} for m in metric_choices(model)],
                    value=list(options.metrics),
                    multi=True,
                    clearable=False,
                    labels=labels,
                ),
                5,
            ),
            _labelled(
                t("explore.rows", lang),
                dcc.Dropdown(id=Ids.ROWS, options=dim_options, value=list(options.rows), multi=True, labels=labels),
                4,
            ),
            _labelled(
                t("explore.column", lang),
                dcc.Dropdown(
                    id=Ids.COLUMN, options=columns, value=options.column or "", clearable=False, labels=labels
                ),
                3,
            ),
        ],
        className="g-2",
    )
    second = dbc.Row(
        [
            _labelled(
                t("explore.show", lang) + " · " + t(f"compare.{compare}", lang),
                dcc.Checklist(
                    id=Ids.SHOW,
                    options=[{"value": p, "label": " " + t(f"explore.show.{p}", lang)} for p in SHOW_CHOICES],
                    value=list(options.show),
                    inline=True,
                    inputClassName="me-1",
                    labelClassName="me-3",
                ),
                4,
            ),
            _labelled(
                t("explore.sort", lang),
                dcc.Dropdown(id=Ids.SORT, options=sort, value=options.sort, clearable=False, labels=labels),
                3,
            ),
            _labelled(
                t("explore.top", lang),
                dcc.Input(
                    id=Ids.TOP,
                    type="number",
                    min=1,
                    max=MAX_TOP,
                    step=1,
                    value=options.top,
                    debounce=True,
                    className="form-control form-control-sm",
                ),
                2,
            ),
            _labelled(
                "",
                dbc.RadioItems(
                    id=Ids.VIEW,
                    options=[{"value": v, "label": t(f"explore.view.{v}", lang)} for v in VIEWS],
                    value=options.view,
                    inline=True,
                    className="mt-1",
                ),
                3,
            ),
        ],
        className="g-2 mt-1 align-items-end",
    )
    return html.Div([first, second], className="explore-controls p-2 mb-2 rounded")
