"""Lifecycle figures: the cohort funnel, the funnel by group, cohort retention, stage flow, time to activate, stage mix.

Every builder takes a frame from `clientscope.lifecycle` and translated texts, and returns a plotly figure.
Each point's `customdata` starts with what a click means: a funnel step, a group code, a (cohort, month offset)
cell, a (from, to) flow, a month bucket, a (month, stage) pair.  `selected` is the page's cross-filter from that
chart: the chart highlights it (the other points fade) rather than filtering itself down to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import plotly.graph_objects as go
import polars as pl

from clientscope.figures.theme import COLORWAY, template

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


def _opacity(codes: Sequence[str], selected: str | None) -> list[float] | float:
    """Full opacity for the selected code, faded for the others; all full when nothing (shown) is selected."""
    if selected not in codes:
        return 1.0
    return [1.0 if code == selected else FADED for code in codes]


def _pct(value: float | None) -> str:
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
) -> go.Figure:
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
        bar_text.append(f"{count(row['customers'])} · {_pct(row['pct_start'])}")
        custom.append(
            [
                row["step"],
                count(row["customers"]),
                _pct(row["pct_start"]),
                _pct(row["pct_previous"]) if row["kind"] == "step" else "—",
                count(row["measurable"]),
                count(row["pending"]),
            ]
        )
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=frame["customers"].to_list(),
            orientation="h",
            text=bar_text,
            textposition="auto",
            cliponaxis=False,
            marker={
                "color": [STEP_COLOUR if s else OUTFLOW_COLOUR for s in is_step],
                "opacity": _opacity(frame["step"].to_list(), selected),
            },
            customdata=custom,
            hovertemplate=(
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
        )
    )
    fig.update_layout(
        template=template(theme),
        title=title,
        height=320,
        yaxis={"autorange": "reversed", "title": None},
        xaxis={"title": texts["hover_customers"], "rangemode": "tozero"},
        showlegend=False,
        margin={"l": 140},
    )
    return fig


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
) -> go.Figure:
    """Grouped bars: x = funnel step, one bar per group, y = the step's rate over the group's measurable customers
    (complete windows only); `selected` a group code.

    customdata = [group code, step, count text, % of previous, measurable text, not-yet-measurable text]; the group
    code first, so that `graph_id(dimension, name)` makes a click cross-filter by the group.
    """
    fig = go.Figure()
    groups = list(dict.fromkeys(frame["group"].to_list()))
    selected = selected if selected in groups else None
    for index, group in enumerate(groups):
        rows = frame.filter(pl.col("group") == group)
        name = group_labels.get(group, group) or texts["unknown"]
        fig.add_bar(
            name=name,
            x=[step_labels.get(s, s) for s in rows["step"]],
            y=rows["pct_start"].to_list(),
            marker={"color": COLORWAY[index % len(COLORWAY)]},
            opacity=1.0 if selected is None or group == selected else FADED,
            customdata=[
                [group, step, count(n), _pct(prev), count(measurable), count(pending)]
                for step, n, prev, measurable, pending in rows.select(
                    "step", "customers", "pct_previous", "measurable", "pending"
                ).iter_rows()
            ],
            hovertemplate=(
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
        )
    fig.update_layout(
        template=template(theme),
        title=title,
        barmode="group",
        height=360,
        yaxis={"tickformat": ".0%", "title": texts["share_axis"], "rangemode": "tozero"},
        xaxis={"title": None},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


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
) -> go.Figure:
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
            text_row.append(_pct(value) if value is not None else "")
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
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(k) for k in offsets],
            y=[c.strftime("%Y-%m") for c in cohorts],
            text=text,
            texttemplate="%{text}",
            customdata=custom,
            colorscale="Blues",
            zmin=0,
            zmax=1 if measure == "customers" else None,
            colorbar={"tickformat": ".0%", "title": {"text": texts["share"]}},
            hoverongaps=False,
            xgap=1,
            ygap=1,
            hovertemplate=(
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
        )
    )
    rows = [c.strftime("%Y-%m") for c in cohorts]
    if selected in rows:  # an outline around the selected cohort's row (category i spans i - 0.5 .. i + 0.5)
        row = rows.index(selected)
        fig.add_shape(
            type="rect",
            xref="x",
            yref="y",
            x0=-0.5,
            x1=len(offsets) - 0.5,
            y0=row - 0.5,
            y1=row + 0.5,
            line={"color": OUTFLOW_COLOUR, "width": 2},
            fillcolor="rgba(0,0,0,0)",
        )
    fig.update_layout(
        template=template(theme),
        title=title,
        height=max(260, 60 + 26 * len(cohorts)),
        xaxis={"title": texts["offset"], "type": "category", "side": "top"},
        yaxis={"title": texts["cohort"], "type": "category", "autorange": "reversed"},
        margin={"t": 80},
    )
    return fig


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
) -> go.Figure:
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
        [row["from_state"], row["to_state"], count(row["customers"]), _pct(row["share"])]
        for row in frame.iter_rows(named=True)
    ]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": node_labels,
                "color": [STAGE_COLOURS.get(s, "#6c757d") for s in (*sources, *targets)],
                "pad": 12,
                "thickness": 14,
                "customdata": node_custom,
                "hovertemplate": "%{label}<br>" + texts["customers"] + ": %{customdata}<extra></extra>",
            },
            link={
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
        )
    )
    fig.update_layout(template=template(theme), title=title, height=440)
    return fig


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
) -> go.Figure:
    """Customers by months from opening to their first transacting month: inside / after the activation window,
    and those with none yet.  customdata = [bucket] (a month offset or `none`); `selected` a bucket."""
    x = [texts["never"] if b == "none" else b for b in frame["bucket"]]
    custom = [[b] for b in frame["bucket"]]
    fig = go.Figure()
    for column, name, colour in (
        ("within", texts["within"], "#198754"),
        ("after", texts["after"], "#fd7e14"),
    ):
        colours = [colour if b != "none" else "#adb5bd" for b in frame["bucket"]]
        fig.add_bar(
            name=name,
            x=x,
            y=frame[column].to_list(),
            marker={"color": colours, "opacity": _opacity(frame["bucket"].to_list(), selected)},
            customdata=custom,
            hovertemplate="%{x}<br>" + name + ": %{y:,}<extra></extra>",
        )
    fig.update_layout(
        template=template(theme),
        title=title,
        barmode="stack",
        height=320,
        xaxis={"title": texts["offset"], "type": "category"},
        yaxis={"title": texts["customers"], "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
    )
    return fig


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
) -> go.Figure:
    """100% stacked bars: each month's customers by lifecycle stage.  customdata = [YYYY-MM, stage, count text];
    `selected` a stage."""
    fig = go.Figure()
    months = sorted(set(frame["period"].to_list()))
    selected = selected if selected in set(frame["stage"]) else None
    for stage in stage_order:
        rows = frame.filter(pl.col("stage") == stage)
        if not rows.height:
            continue
        by_month = {p: (n, s) for p, n, s in zip(rows["period"], rows["customers"], rows["share"], strict=True)}
        fig.add_bar(
            name=stage_labels.get(stage, stage),
            x=[m.strftime("%Y-%m") for m in months],
            y=[by_month.get(m, (0, 0.0))[1] for m in months],
            marker={"color": STAGE_COLOURS.get(stage)},
            opacity=1.0 if selected is None or stage == selected else FADED,
            customdata=[[m.strftime("%Y-%m"), stage, count(by_month.get(m, (0, 0.0))[0])] for m in months],
            hovertemplate=(
                "%{x} · %{fullData.name}<br>"
                + texts["customers"]
                + ": %{customdata[2]}<br>"
                + texts["share"]
                + ": %{y:.1%}<extra></extra>"
            ),
        )
    fig.update_layout(
        template=template(theme),
        title=title,
        barmode="stack",
        height=320,
        xaxis={"title": None, "type": "category"},
        yaxis={"tickformat": ".0%", "title": texts["share"], "range": [0, 1]},
        legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
    )
    return fig
