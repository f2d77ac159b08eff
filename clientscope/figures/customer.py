"""Customer 360 figures: tier history, AUM composition, products, transactions, marketing timeline."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time

import plotly.graph_objects as go
import polars as pl

from clientscope.figures.theme import template

Money = Callable[[float | None], str]
AUM_PARTS: tuple[str, ...] = ("deposits", "wealth", "insurance")


def _months(frame: pl.DataFrame) -> list[str]:
    return [m.strftime("%Y-%m") for m in frame["month"]]


def tier_history(
    history: pl.DataFrame,
    *,
    tier_order: Sequence[str],
    tier_labels: Mapping[str, str],
    theme: str,
    title: str,
) -> go.Figure:
    """The customer's tier at each month-end as a step line, the top tier at the top."""
    labels = [tier_labels.get(t, t) for t in history["tier"].to_list()]
    fig = go.Figure(
        go.Scatter(
            x=_months(history),
            y=labels,
            mode="lines+markers",
            line={"shape": "hv"},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    order = [tier_labels.get(t, t) for t in reversed(tier_order)]
    fig.update_layout(
        template=template(theme),
        title=title,
        height=240,
        showlegend=False,
        xaxis={"type": "category"},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": order, "range": [-0.5, len(order) - 0.5]},
    )
    return fig


def aum_composition(
    history: pl.DataFrame,
    *,
    part_labels: Mapping[str, str],
    money: Money,
    theme: str,
    title: str,
) -> go.Figure:
    """Stacked areas of deposits, wealth and insurance at each month-end (they add up to the AUM)."""
    fig = go.Figure()
    months = _months(history)
    for part in AUM_PARTS:
        values = history[part].to_list()
        fig.add_scatter(
            x=months,
            y=values,
            name=part_labels.get(part, part),
            stackgroup="aum",
            mode="lines",
            customdata=[money(v) for v in values],
            hovertemplate="%{x} · %{fullData.name}: %{customdata}<extra></extra>",
        )
    fig.update_layout(
        template=template(theme),
        title=title,
        height=300,
        xaxis={"type": "category"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def holdings_timeline(
    holdings: pl.DataFrame,
    *,
    product_labels: Mapping[str, str],
    until: date,
    theme: str,
    title: str,
    status_labels: Mapping[str, str],
) -> go.Figure:
    """One bar per holding from its open date to its close date (or `until` while held)."""
    fig = go.Figure()
    for held in (True, False):
        rows = holdings.filter(pl.col("is_held") == held)
        if not rows.height:
            continue
        starts = rows["open_date"].to_list()
        ends = [c or until for c in rows["close_date"].to_list()]
        durations = [
            (datetime.combine(max(e, s), time()) - datetime.combine(s, time())).total_seconds() * 1000
            for s, e in zip(starts, ends, strict=True)
        ]
        fig.add_bar(
            y=[product_labels.get(p, p) for p in rows["product_type"].to_list()],
            x=durations,
            base=[s.isoformat() for s in starts],
            orientation="h",
            name=status_labels["held" if held else "closed"],
            customdata=[
                [s.isoformat(), c.isoformat() if c else "—"]
                for s, c in zip(starts, rows["close_date"].to_list(), strict=True)
            ],
            hovertemplate="%{y}: %{customdata[0]} → %{customdata[1]}<extra></extra>",
        )
    fig.update_layout(
        template=template(theme),
        title=title,
        barmode="overlay",
        height=max(220, 100 + 30 * holdings.height),
        xaxis={"type": "date", "tickformat": "%Y-%m"},
        yaxis={"type": "category", "automargin": True},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def transactions_chart(
    history: pl.DataFrame,
    *,
    count_label: str,
    amount_label: str,
    money: Money,
    theme: str,
    title: str,
) -> go.Figure:
    """Transactions per month (bars) and their value (line, right axis)."""
    months = _months(history)
    amounts = history["txn_amount"].to_list()
    fig = go.Figure()
    fig.add_bar(
        x=months, y=history["txn_count"].to_list(), name=count_label, hovertemplate="%{x}: %{y:,}<extra></extra>"
    )
    fig.add_scatter(
        x=months,
        y=amounts,
        name=amount_label,
        yaxis="y2",
        mode="lines+markers",
        customdata=[money(a) for a in amounts],
        hovertemplate="%{x}: %{customdata}<extra></extra>",
    )
    fig.update_layout(
        template=template(theme),
        title=title,
        height=300,
        xaxis={"type": "category"},
        yaxis={"title": count_label},
        yaxis2={"title": amount_label, "overlaying": "y", "side": "right", "showgrid": False},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def campaign_timeline(
    events: pl.DataFrame,
    *,
    kind_labels: Mapping[str, str],
    lane_labels: Mapping[str, str],
    money: Money,
    theme: str,
    title: str,
) -> go.Figure:
    """Touches, control-group assignments and conversions on one time axis, one row per kind.

    `events`: ts, kind (touch | control | conversion), lane (channel or product), campaign, value.
    """
    fig = go.Figure()
    symbols = {"touch": "circle", "control": "circle-open", "conversion": "star"}
    for kind in ("touch", "control", "conversion"):
        rows = events.filter(pl.col("kind") == kind)
        if not rows.height:
            continue
        details = [
            " · ".join(
                part
                for part in (lane_labels.get(lane or "", lane or ""), campaign or "", money(v) if v is not None else "")
                if part
            )
            for lane, campaign, v in zip(rows["lane"], rows["campaign"], rows["value"], strict=True)
        ]
        fig.add_scatter(
            x=rows["ts"].to_list(),
            y=[kind_labels[kind]] * rows.height,
            mode="markers",
            name=kind_labels[kind],
            marker={"symbol": symbols[kind], "size": 12 if kind == "conversion" else 9},
            customdata=details,
            hovertemplate="%{x|%Y-%m-%d %H:%M} · %{customdata}<extra></extra>",
        )
    fig.update_layout(
        template=template(theme),
        title=title,
        height=240,
        xaxis={"type": "date", "tickformat": "%Y-%m-%d"},
        yaxis={"type": "category", "automargin": True},
        showlegend=False,
    )
    return fig
