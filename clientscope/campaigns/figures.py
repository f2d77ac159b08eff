"""Campaign attribution figures: channel credit by model, control-group uplift, conversions over time.

Builders take frames and already translated strings, and return plain figure dicts (theme.plain_figure: a
plotly Figure would validate every trace on each filter change).  Each point's customdata is the dimension
code (channel or campaign id), so a click cross-filters through `graph_id`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from clientscope.figures.theme import COLORWAY, PlainFigure, axis, plain_figure

# One fixed colour per model, so a model keeps its colour whichever is selected.
_MODEL_COLOURS = dict(
    zip(("first_touch", "last_touch", "linear", "time_decay", "position_based", "markov"), COLORWAY, strict=False)
)


def _title(text: str) -> dict[str, Any]:
    return {"text": text, "x": 0.01, "xanchor": "left", "font": {"size": 14}}


def channel_model_bars(
    frame: pl.DataFrame,
    *,
    models: Sequence[str],
    model_labels: Mapping[str, str],
    channel_labels: Mapping[str, str],
    selected_model: str,
    theme: str,
    title: str,
    y_title: str,
    revenue_label: str,
) -> PlainFigure:
    """Grouped bars: one group per channel, one bar per model (attributed conversions), the selected model
    drawn solid and the others lighter.  `frame`: model, channel, attributed_conversions and revenue_text (the
    attributed revenue as the screen shows it, for the hover)."""
    totals = frame.group_by("channel").agg(pl.col("attributed_conversions").sum())
    channels = totals.sort(["attributed_conversions", "channel"], descending=[True, False])["channel"].to_list()
    hover = (
        "%{fullData.name} · %{x}<br>"
        + y_title
        + ": %{y:,.2f}<br>"
        + revenue_label
        + ": %{customdata[1]}<extra></extra>"
    )
    data = []
    for model in models:
        rows = frame.filter(pl.col("model") == model)
        by_channel = {r["channel"]: r for r in rows.iter_rows(named=True)}
        conversions = [float(by_channel.get(c, {}).get("attributed_conversions") or 0.0) for c in channels]
        revenue = [by_channel.get(c, {}).get("revenue_text") or "" for c in channels]
        marker: dict[str, Any] = {"opacity": 1.0 if model == selected_model else 0.45}
        if (colour := _MODEL_COLOURS.get(model)) is not None:
            marker["color"] = colour
        data.append(
            {
                "type": "bar",
                "x": [channel_labels.get(c, c) for c in channels],
                "y": conversions,
                "name": model_labels.get(model, model),
                "marker": marker,
                "customdata": [[c, r] for c, r in zip(channels, revenue, strict=True)],
                "hovertemplate": hover,
            }
        )
    layout = {
        "barmode": "group",
        "title": _title(title),
        "height": 360,
        "yaxis": axis(y_title),
        "legend": {"orientation": "h", "y": -0.2},
    }
    return plain_figure(data, layout, theme)


def uplift_intervals(
    rows: pl.DataFrame,
    *,
    campaign_labels: Mapping[str, str],
    theme: str,
    title: str,
    x_title: str,
    interval_label: str,
) -> PlainFigure:
    """Absolute uplift of each campaign (points) with its confidence interval (error bars) around zero.

    `rows`: campaign_id, uplift, uplift_low, uplift_high (0–1 rates; campaigns without a control group are
    left out by the caller) and uplift_text, interval_text (as the screen shows them, for the hover).
    Intervals wholly above zero are green, wholly below red, else grey.
    """
    ordered = rows.reverse()  # plotly draws the first category at the bottom
    ids = ordered["campaign_id"].to_list()
    value = ordered["uplift"].to_list()
    low = ordered["uplift_low"].to_list()
    high = ordered["uplift_high"].to_list()
    colours = ["#198754" if lo > 0 else "#dc3545" if hi < 0 else "#6c757d" for lo, hi in zip(low, high, strict=True)]
    points = {
        "type": "scatter",
        "x": value,
        "y": [campaign_labels.get(i, i) for i in ids],
        "mode": "markers",
        "marker": {"color": colours, "size": 9},
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": [h - v for h, v in zip(high, value, strict=True)],
            "arrayminus": [v - lo for v, lo in zip(value, low, strict=True)],
            "color": "#6c757d",
            "thickness": 1.5,
        },
        "customdata": [
            [i, u, ci]
            for i, u, ci in zip(ids, ordered["uplift_text"].to_list(), ordered["interval_text"].to_list(), strict=True)
        ],
        "hovertemplate": (
            "%{y}<br>" + x_title + ": %{customdata[1]}<br>" + interval_label + ": %{customdata[2]}<extra></extra>"
        ),
    }
    zero = {  # what fig.add_vline(x=0, ...) adds
        "type": "line",
        "x0": 0,
        "x1": 0,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "line": {"color": "#6c757d", "dash": "dot", "width": 1},
    }
    layout = {
        "shapes": [zero],
        "title": _title(title),
        "height": max(260, 60 + 28 * len(ids)),
        "xaxis": axis(x_title, tickformat="+.0%", zeroline=False),
        "showlegend": False,
    }
    return plain_figure([points], layout, theme)


def campaign_trend_lines(
    frame: pl.DataFrame,
    *,
    campaign_labels: Mapping[str, str],
    other_code: str,
    theme: str,
    title: str,
    y_title: str,
) -> PlainFigure:
    """Attributed conversions per month, one line per campaign.  `frame`: month (date), campaign_id,
    attributed_conversions.  The `other_code` series (the smaller campaigns together) has no cross-filter."""
    order = (
        frame.group_by("campaign_id")
        .agg(pl.col("attributed_conversions").sum())
        .sort(
            [pl.col("campaign_id") == other_code, "attributed_conversions", "campaign_id"],
            descending=[False, True, False],
        )["campaign_id"]
        .to_list()
    )
    months = sorted(frame["month"].unique().to_list())
    month_text = [m.isoformat() for m in months]  # as plotly's JSON encoder writes a date
    data = []
    for campaign in order:
        rows = frame.filter(pl.col("campaign_id") == campaign)
        values = dict(zip(rows["month"].to_list(), rows["attributed_conversions"].to_list(), strict=True))
        line = {
            "type": "scatter",
            "x": month_text,
            "y": [float(values.get(m, 0.0)) for m in months],
            "mode": "lines+markers",
            "name": campaign_labels.get(campaign, campaign),
            "customdata": [None if campaign == other_code else campaign] * len(months),
            "hovertemplate": "%{fullData.name}<br>%{x|%Y-%m}: %{y:,.2f}<extra></extra>",
        }
        if campaign == other_code:
            line["line"] = {"dash": "dot"}
        data.append(line)
    layout = {
        "title": _title(title),
        "height": 360,
        "yaxis": axis(y_title, rangemode="tozero"),
        "xaxis": {"tickformat": "%Y-%m", "dtick": "M1"},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
    }
    return plain_figure(data, layout, theme)
