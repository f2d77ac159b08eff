"""Lifecycle flow figures: stage flow between two month-ends (sankey), time to activate, stage mix by month.

Same conventions as figures.py (translated texts in, a plain dict figure out; `customdata` starts with what a click
means: a (from, to) flow, a month bucket, a (month, stage) pair; `selected` fades the other points).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from clientscope.figures.theme import PlainFigure, axis, plain_figure, title_of
from clientscope.lifecycle.figures import FADED, STAGE_COLOURS, Formatter, opacity, pct


def stage_sankey(
    frame: pl.DataFrame,
    *,
    from_order: Sequence[str],
    to_order: Sequence[str],
    state_labels: Mapping[str, str],
    month_a: str,
    month_b: str,
    theme: str,
    title: str,
    count: Formatter,
    texts: Mapping[str, str],
    selected: str | None = None,
) -> PlainFigure:
    """States at month A (left) → states at month B (right); `selected` a link, "from:to".

    Each link's `label` is "from|to" (what a click reads: dcc.Graph does not pass a Sankey link's customdata);
    link customdata = [from, to, count, share of from] feeds the hover.
    """
    sources = [s for s in from_order if s in set(frame["from_state"])]
    targets = [s for s in to_order if s in set(frame["to_state"])]
    node_index = {("a", s): i for i, s in enumerate(sources)}
    node_index.update({("b", s): len(sources) + i for i, s in enumerate(targets)})
    totals_a = frame.group_by("from_state").agg(pl.col("customers").sum())
    totals_b = frame.group_by("to_state").agg(pl.col("customers").sum())
    sum_a = dict(zip(totals_a["from_state"], totals_a["customers"], strict=True))
    sum_b = dict(zip(totals_b["to_state"], totals_b["customers"], strict=True))
    node_labels = [f"{state_labels.get(s, s)} ({month_a})" for s in sources] + [
        f"{state_labels.get(s, s)} ({month_b})" for s in targets
    ]
    node_custom = [count(sum_a.get(s, 0)) for s in sources] + [count(sum_b.get(s, 0)) for s in targets]
    if selected not in {f"{a}:{b}" for a, b in zip(frame["from_state"], frame["to_state"], strict=True)}:
        selected = None  # e.g. the flow's months changed since the click: no link to highlight
    link_custom = [
        [row["from_state"], row["to_state"], count(row["customers"]), pct(row["share"])]
        for row in frame.iter_rows(named=True)
    ]
    sankey = {
        "type": "sankey",
        "arrangement": "snap",
        "node": {
            "label": node_labels,
            "color": [STAGE_COLOURS.get(s, "#6c757d") for s in (*sources, *targets)],
            "pad": 12,
            "thickness": 14,
            "customdata": node_custom,
            "hovertemplate": "%{label}<br>" + texts["customers"] + ": %{customdata}<extra></extra>",
        },
        "link": {
            "source": [node_index[("a", s)] for s in frame["from_state"]],
            "target": [node_index[("b", s)] for s in frame["to_state"]],
            "value": frame["customers"].to_list(),
            "label": [f"{row['from_state']}|{row['to_state']}" for row in frame.iter_rows(named=True)],
            "customdata": link_custom,
            "color": [
                _rgba(STAGE_COLOURS.get(row["to_state"], "#6c757d"), _link_alpha(row, selected))
                for row in frame.iter_rows(named=True)
            ],
            "hovertemplate": (
                "%{source.label} → %{target.label}<br>"
                + texts["customers"]
                + ": %{customdata[2]}<br>"
                + texts["share_of_from"]
                + ": %{customdata[3]}<extra></extra>"
            ),
        },
    }
    return plain_figure([sankey], {"title": title_of(title), "height": 440}, theme)


def _link_alpha(row: Mapping[str, object], selected: str | None) -> float:
    if selected is None:
        return 0.35
    return 0.8 if f"{row['from_state']}:{row['to_state']}" == selected else 0.12


def _rgba(hex_colour: str, alpha: float) -> str:
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def activation_histogram(
    frame: pl.DataFrame,
    *,
    theme: str,
    title: str,
    texts: Mapping[str, str],
    selected: str | None = None,
) -> PlainFigure:
    """Customers by months from opening to their first transacting month: inside / after the activation window,
    and those with none yet.  customdata = [bucket] (a month offset or `none`); `selected` a bucket."""
    x = [texts["never"] if b == "none" else b for b in frame["bucket"]]
    custom = [[b] for b in frame["bucket"]]
    data = []
    for column, name, colour in (
        ("within", texts["within"], "#198754"),
        ("after", texts["after"], "#fd7e14"),
    ):
        colours = [colour if b != "none" else "#adb5bd" for b in frame["bucket"]]
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": x,
                "y": frame[column].to_list(),
                "marker": {"color": colours, "opacity": opacity(frame["bucket"].to_list(), selected)},
                "customdata": custom,
                "hovertemplate": "%{x}<br>" + name + ": %{y:,}<extra></extra>",
            }
        )
    layout = {
        "title": title_of(title),
        "barmode": "stack",
        "height": 320,
        "xaxis": axis(texts["offset"], type="category"),
        "yaxis": axis(texts["customers"], rangemode="tozero"),
        "legend": {"orientation": "h", "y": -0.25, "traceorder": "normal"},
    }
    return plain_figure(data, layout, theme)


def stage_mix_bars(
    frame: pl.DataFrame,
    *,
    stage_order: Sequence[str],
    stage_labels: Mapping[str, str],
    theme: str,
    title: str,
    count: Formatter,
    texts: Mapping[str, str],
    selected: str | None = None,
) -> PlainFigure:
    """100% stacked bars: each month's customers by lifecycle stage.  customdata = [YYYY-MM, stage, count text];
    `selected` a stage."""
    data = []
    months = sorted(set(frame["period"].to_list()))
    selected = selected if selected in set(frame["stage"]) else None
    for stage in stage_order:
        rows = frame.filter(pl.col("stage") == stage)
        if not rows.height:
            continue
        by_month = {p: (n, s) for p, n, s in zip(rows["period"], rows["customers"], rows["share"], strict=True)}
        colour = STAGE_COLOURS.get(stage)
        data.append(
            {
                "type": "bar",
                "name": stage_labels.get(stage, stage),
                "x": [m.strftime("%Y-%m") for m in months],
                "y": [by_month.get(m, (0, 0.0))[1] for m in months],
                **({"marker": {"color": colour}} if colour is not None else {}),
                "opacity": 1.0 if selected is None or stage == selected else FADED,
                "customdata": [[m.strftime("%Y-%m"), stage, count(by_month.get(m, (0, 0.0))[0])] for m in months],
                "hovertemplate": (
                    "%{x} · %{fullData.name}<br>"
                    + texts["customers"]
                    + ": %{customdata[2]}<br>"
                    + texts["share"]
                    + ": %{y:.1%}<extra></extra>"
                ),
            }
        )
    layout = {
        "title": title_of(title),
        "barmode": "stack",
        "height": 320,
        "xaxis": {"title": {}, "type": "category"},
        "yaxis": axis(texts["share"], tickformat=".0%", range=[0, 1]),
        "legend": {"orientation": "h", "y": -0.25, "traceorder": "normal"},
    }
    return plain_figure(data, layout, theme)
