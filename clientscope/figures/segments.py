"""Segment-mix figures."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from clientscope.figures.theme import template


def tier_mix_bars(
    frame: pl.DataFrame,
    *,
    tier_order: tuple[str, ...],
    tier_labels: Mapping[str, str],
    measures: Mapping[str, str],
    theme: str,
    title: str,
    share_label: str,
) -> go.Figure:
    """One horizontal 100% bar per measure (e.g. customers, AUM), one segment per tier.

    `frame` has a `tier` column and one column per measure (the detail rows, no totals).  Each
    segment's customdata is the tier code, so a click cross-filters by tier.
    """
    fig = go.Figure()
    totals = {col: float(frame[col].sum() or 0) for col in measures}
    for tier in tier_order:
        row = frame.filter(pl.col("tier") == tier)
        values = [float(row[col][0]) if row.height else 0.0 for col in measures]
        shares = [v / totals[c] if totals[c] else 0.0 for v, c in zip(values, measures, strict=True)]
        fig.add_bar(
            y=list(measures.values()),
            x=shares,
            name=tier_labels.get(tier, tier),
            orientation="h",
            customdata=[tier] * len(measures),
            hovertemplate="%{fullData.name}: %{x:.1%}<extra></extra>",
        )
    fig.update_layout(
        template=template(theme),
        barmode="stack",
        title=title,
        height=240,
        xaxis={"tickformat": ".0%", "title": share_label},
        legend={"orientation": "h", "y": -0.35},
    )
    return fig
