"""Lifecycle figures: the cohort funnel, the funnel by group and cohort retention, and the colours and fading
every lifecycle chart shares (the flow charts are in figures_flow.py).

Every builder takes a frame from `clientscope.lifecycle` and translated texts, and returns a plain dict figure
(`clientscope.figures.theme.plain_figure`: sent as it is, without building and validating a plotly Figure).
Each point's `customdata` starts with what a click means: a funnel step, a group code, a (cohort, month offset)
cell, a (from, to) flow, a month bucket, a (month, stage) pair.  `selected` is the page's cross-filter from that
chart: the chart highlights it (the other points fade) rather than filtering itself down to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import polars as pl

from clientscope.figures.theme import COLORWAY, PlainFigure, axis, blues, plain_figure, title_of

Formatter = Callable[[float | int | None], str]

STAGE_COLOURS: dict[str, str] = {
    "not_yet": "#adb5bd",
    "new": "#0dcaf0",
    "active": "#198754",
    "growing": "#0d6efd",
    "reactivated": "#20c997",
    "inactive": "#ffc107",
    "dormant": "#fd7e14",
    "gap": "#ced4da",
    "churned": "#dc3545",
}
STEP_COLOUR = "#0d6efd"
OUTFLOW_COLOUR = "#dc3545"
FADED = 0.3  # opacity of the points that are not the selected one


def opacity(codes: Sequence[str], selected: str | None) -> list[float] | float:
    """Full opacity for the selected code, faded for the others; all full when nothing (shown) is selected."""
    if selected not in codes:
        return 1.0
    return [1.0 if code == selected else FADED for code in codes]


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def funnel_bars(
    frame: pl.DataFrame,
    *,
    step_labels: Mapping[str, str],
    theme: str,
    title: str,
    count: Formatter,
    texts: Mapping[str, str],
    selected: str | None = None,
) -> PlainFigure:
    """Horizontal bars, one per step (top to bottom) and the churned outflow last, in red; `selected` a step.

    Each step counts only its measurable customers (complete windows, `clientscope.lifecycle.funnel`): the bar is
    the measurable customers who reached it, its rate is over the measurable ones, and the hover says how many of
    the cohort are not yet measurable.  `texts` holds `of_start`, `of_previous`, `measurable`, `pending`
    templates with `{value}` and `hover_customers`.
    customdata = [step code, count text, % of measurable, % of previous, measurable text, not-yet-measurable text].
    """
    labels = [step_labels.get(s, s) for s in frame["step"]]
    is_step = [k == "step" for k in frame["kind"]]
    bar_text = []
    custom = []
    for row in frame.iter_rows(named=True):
        bar_text.append(f"{count(row['customers'])} · {pct(row['pct_start'])}")
        custom.append(
            [
                row["step"],
                count(row["customers"]),
                pct(row["pct_start"]),
                pct(row["pct_previous"]) if row["kind"] == "step" else "—",
                count(row["measurable"]),
                count(row["pending"]),
            ]
        )
    bar = {
        "type": "bar",
        "y": labels,
        "x": frame["customers"].to_list(),
        "orientation": "h",
        "text": bar_text,
        "textposition": "auto",
        "cliponaxis": False,
        "marker": {
            "color": [STEP_COLOUR if s else OUTFLOW_COLOUR for s in is_step],
            "opacity": opacity(frame["step"].to_list(), selected),
        },
        "customdata": custom,
        "hovertemplate": (
            "<b>%{y}</b><br>"
            + texts["hover_customers"]
            + ": %{customdata[1]}<br>"
            + texts["of_start"].format(value="%{customdata[2]}")
            + "<br>"
            + texts["of_previous"].format(value="%{customdata[3]}")
            + "<br>"
            + texts["measurable"].format(value="%{customdata[4]}")
            + "<br>"
            + texts["pending"].format(value="%{customdata[5]}")
            + "<extra></extra>"
        ),
    }
    layout = {
        "title": title_of(title),
        "height": 320,
        "yaxis": {"autorange": "reversed", "title": {}},
        "xaxis": axis(texts["hover_customers"], rangemode="tozero"),
        "showlegend": False,
        "margin": {"l": 140},
    }
    return plain_figure([bar], layout, theme)


def funnel_groups(
    frame: pl.DataFrame,
    *,
    step_labels: Mapping[str, str],
    group_labels: Mapping[str, str],
    theme: str,
    title: str,
    count: Formatter,
    texts: Mapping[str, str],
    selected: str | None = None,
) -> PlainFigure:
    """Grouped bars: x = funnel step, one bar per group, y = the step's rate over the group's measurable customers
    (complete windows only); `selected` a group code.

    customdata = [group code, step, count text, % of previous, measurable text, not-yet-measurable text]; the group
    code first, so that `graph_id(dimension, name)` makes a click cross-filter by the group.
    """
    data = []
    groups = list(dict.fromkeys(frame["group"].to_list()))
    selected = selected if selected in groups else None
    for index, group in enumerate(groups):
        rows = frame.filter(pl.col("group") == group)
        data.append(
            {
                "type": "bar",
                "name": group_labels.get(group, group) or texts["unknown"],
                "x": [step_labels.get(s, s) for s in rows["step"]],
                "y": rows["pct_start"].to_list(),
                "marker": {"color": COLORWAY[index % len(COLORWAY)]},
                "opacity": 1.0 if selected is None or group == selected else FADED,
                "customdata": [
                    [group, step, count(n), pct(prev), count(measurable), count(pending)]
                    for step, n, prev, measurable, pending in rows.select(
                        "step", "customers", "pct_previous", "measurable", "pending"
                    ).iter_rows()
                ],
                "hovertemplate": (
                    "<b>%{fullData.name}</b> · %{x}<br>"
                    + texts["hover_customers"]
                    + ": %{customdata[2]} / %{customdata[4]}<br>"
                    + texts["of_start"].format(value="%{y:.1%}")
                    + "<br>"
                    + texts["of_previous"].format(value="%{customdata[3]}")
                    + "<br>"
                    + texts["pending"].format(value="%{customdata[5]}")
                    + "<extra></extra>"
                ),
            }
        )
    layout = {
        "title": title_of(title),
        "barmode": "group",
        "height": 360,
        "yaxis": axis(texts["share_axis"], tickformat=".0%", rangemode="tozero"),
        "xaxis": {"title": {}},
        "legend": {"orientation": "h", "y": -0.2},
    }
    return plain_figure(data, layout, theme)


def retention_heatmap(
    frame: pl.DataFrame,
    *,
    measure: str,
    theme: str,
    title: str,
    count: Formatter,
    money: Formatter,
    texts: Mapping[str, str],
    selected: str | None = None,
) -> PlainFigure:
    """Opening month (rows, newest at the bottom) × months since opening (columns); colour = share retained;
    `selected` a cohort (YYYY-MM), outlined.

    `measure` "customers" shows active_share, "aum" aum_share.  customdata = [cohort YYYY-MM, month offset,
    numerator text, denominator text]; cells the as-of month has not reached stay empty.
    """
    cohorts = sorted(set(frame["cohort"].to_list()))
    offsets = list(range(int(frame["month_offset"].max()) + 1)) if frame.height else []
    index = {(row["cohort"], row["month_offset"]): row for row in frame.iter_rows(named=True)}
    share_column = "active_share" if measure == "customers" else "aum_share"
    z, text, custom = [], [], []
    for cohort in cohorts:
        z_row, text_row, custom_row = [], [], []
        for k in offsets:
            row = index.get((cohort, k))
            month = cohort.strftime("%Y-%m")
            if row is None:
                z_row.append(None)
                text_row.append("")
                custom_row.append([month, k, "", ""])
                continue
            value = row[share_column]
            z_row.append(value)
            text_row.append(pct(value) if value is not None else "")
            if measure == "customers":
                custom_row.append([month, k, count(row["active"]), count(row["cohort_size"])])
            else:
                custom_row.append([month, k, money(row["aum"]), money(row["aum_base"])])
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    numerator, denominator = (
        (texts["active"], texts["cohort_size"]) if measure == "customers" else (texts["aum"], texts["aum_base"])
    )
    heatmap = {
        "type": "heatmap",
        "z": z,
        "x": [str(k) for k in offsets],
        "y": [c.strftime("%Y-%m") for c in cohorts],
        "text": text,
        "texttemplate": "%{text}",
        "customdata": custom,
        "colorscale": blues(),
        "zmin": 0,
        **({"zmax": 1} if measure == "customers" else {}),
        "colorbar": {"tickformat": ".0%", "title": {"text": texts["share"]}},
        "hoverongaps": False,
        "xgap": 1,
        "ygap": 1,
        "hovertemplate": (
            texts["cohort"]
            + ": %{y}<br>"
            + texts["offset"]
            + ": %{x}<br>"
            + texts["share"]
            + ": %{text}<br>"
            + numerator
            + ": %{customdata[2]}<br>"
            + denominator
            + ": %{customdata[3]}<extra></extra>"
        ),
    }
    layout = {
        "title": title_of(title),
        "height": max(260, 60 + 26 * len(cohorts)),
        "xaxis": axis(texts["offset"], type="category", side="top"),
        "yaxis": axis(texts["cohort"], type="category", autorange="reversed"),
        "margin": {"t": 80},
    }
    rows = [c.strftime("%Y-%m") for c in cohorts]
    if selected in rows:  # an outline around the selected cohort's row (category i spans i - 0.5 .. i + 0.5)
        row = rows.index(selected)
        layout["shapes"] = [
            {
                "type": "rect",
                "xref": "x",
                "yref": "y",
                "x0": -0.5,
                "x1": len(offsets) - 0.5,
                "y0": row - 0.5,
                "y1": row + 0.5,
                "line": {"color": OUTFLOW_COLOUR, "width": 2},
                "fillcolor": "rgba(0,0,0,0)",
            }
        ]
    return plain_figure([heatmap], layout, theme)
