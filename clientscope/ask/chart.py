"""The answer's chart: a bar per group, a line per month, current against prior, or the months around a value."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from clientscope.ask.explain import group_name, period_words, prior_period
from clientscope.ask.lexicon import Lexicon
from clientscope.ask.request import MONTH_GROUP, AskRequest, metric_request
from clientscope.figures.theme import template
from clientscope.i18n import month_name
from clientscope.semantic import run_metric_query
from clientscope.semantic.periods import add_months, month_label, month_start
from clientscope.view_context import PageContext

CONTEXT_MONTHS = 6  # a one-month value is drawn with the months before it


def figure(pc: PageContext, request: AskRequest, frame: pl.DataFrame, lexicon: Lexicon) -> go.Figure:
    metric, lang = request.metric, pc.lang
    label = pc.model.label(metric, lang)
    if request.group_by == MONTH_GROUP:
        fig = _months(frame, metric, label, lang)
        if request.compare:
            fig.add_scatter(
                x=_month_names(frame, lang), y=frame[f"{metric}__prior"].to_list(), mode="lines", line={"dash": "dot"},
                name=period_words(*prior_period(request), lang),
            )  # fmt: skip
    elif request.group_by:
        names = [group_name(request, code, lexicon, lang) for code in frame[request.group_by].to_list()]
        fig = go.Figure(go.Bar(x=frame[metric].to_list()[::-1], y=names[::-1], orientation="h", name=label))
    elif request.compare:
        row = frame.row(0, named=True) if frame.height else {}
        x = [period_words(*prior_period(request), lang), period_words(request.start, request.end, lang)]
        fig = go.Figure(go.Bar(x=x, y=[row.get(f"{metric}__prior"), row.get(metric)], name=label))
    else:
        fig = _months(_context(pc, request), metric, label, lang)
    return _styled(fig, pc, request, label)


def _context(pc: PageContext, request: AskRequest) -> pl.DataFrame:
    """The value's months (at least the CONTEXT_MONTHS up to its last) under the same filters."""
    end = month_start(request.end)
    start = min(month_start(request.start), add_months(end, 1 - CONTEXT_MONTHS))
    if pc.choices.months:  # not before the data
        start = max(start, month_start(pc.choices.months[0]))
    series = request.model_copy(
        update={"group_by": MONTH_GROUP, "start": month_label(start), "compare": None, "top": None, "order": None}
    )
    return run_metric_query(pc.db, pc.model, metric_request(series), pc.scope).frame


def _month_names(frame: pl.DataFrame, lang: str) -> list[str]:
    return [month_name(str(p)[:7], lang) for p in frame["period"].to_list()] if frame.height else []


def _months(frame: pl.DataFrame, metric: str, label: str, lang: str) -> go.Figure:
    values = frame[metric].to_list() if frame.height else []
    return go.Figure(go.Scatter(x=_month_names(frame, lang), y=values, mode="lines+markers", name=label))


def _styled(fig: go.Figure, pc: PageContext, request: AskRequest, label: str) -> go.Figure:
    fmt = pc.model.format_of(request.metric)
    axis = {"tickformat": f".{fmt.decimals}%"} if fmt.type == "percent" else {}
    value_axis = "xaxis" if request.group_by not in (None, MONTH_GROUP) else "yaxis"
    fig.update_layout(
        template=template(pc.state.theme),
        title=label,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=360,
        showlegend=bool(request.compare and request.group_by == MONTH_GROUP),
        **{value_axis: axis},
    )
    return fig
