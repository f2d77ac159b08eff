"""Segment-mix figures, as the plain dicts dcc.Graph sends (`clientscope.figures.theme.plain_figure`): a filter
change redraws them without building and validating plotly Figure objects. Written in the form plotly's objects
would send (titles as {"text": ...}, named colour scales written out), checked by tests/test_segments.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import polars as pl

from clientscope.figures.theme import COLORWAY, PlainFigure, axis, blues, plain_figure, title_of


def tier_mix_bars(
    frame: pl.DataFrame,
    *,
    tier_order: tuple[str, ...],
    tier_labels: Mapping[str, str],
    measures: Mapping[str, str],
    theme: str,
    title: str,
    share_label: str,
) -> PlainFigure:
    """One horizontal 100% bar per measure (e.g. customers, AUM), one segment per tier.

    `frame` has a `tier` column and one column per measure (the detail rows, no totals).  Each
    segment's customdata is the tier code, so a click cross-filters by tier.
    """
    data = []
    totals = {col: float(frame[col].sum() or 0) for col in measures}
    for tier in tier_order:
        row = frame.filter(pl.col("tier") == tier)
        values = [float(row[col][0]) if row.height else 0.0 for col in measures]
        shares = [v / totals[c] if totals[c] else 0.0 for v, c in zip(values, measures, strict=True)]
        data.append(
            {
                "type": "bar",
                "y": list(measures.values()),
                "x": shares,
                "name": tier_labels.get(tier, tier),
                "orientation": "h",
                "customdata": [tier] * len(measures),
                "hovertemplate": "%{fullData.name}: %{x:.1%}<extra></extra>",
            }
        )
    layout = {
        "barmode": "stack",
        "title": title_of(title),
        "height": 240,
        "xaxis": axis(share_label, tickformat=".0%"),
        "legend": {"orientation": "h", "y": -0.35},
    }
    return plain_figure(data, layout, theme)


Money = Callable[[float | None], str]


FADED = 0.35  # opacity of the tiers not picked when a tier is cross-filtered


def _opacity(code: str, picked: Sequence[str]) -> float:
    return 1.0 if not picked or code in picked else FADED


def tier_trend_chart(
    frame: pl.DataFrame,
    *,
    measure: str,
    tier_order: Sequence[str],
    tier_labels: Mapping[str, str],
    picked: Sequence[str],
    money: Money,
    theme: str,
    title: str,
    y_title: str,
) -> PlainFigure:
    """Stacked monthly bars per tier: customers (`count`), AUM (`aum`) or AUM share (`share`).

    `frame`: period, tier, customers, aum_total, customers_share, aum_share.  customdata[0] is the tier code.
    """
    column = {"count": "customers", "aum": "aum_total", "share": "aum_share"}[measure]
    data = []
    for tier in tier_order:
        rows = frame.filter(pl.col("tier") == tier).sort("period")
        if not rows.height:
            continue
        hover = [
            f"{c:,}" if measure == "count" else (money(a) if measure == "aum" else f"{s:.1%}")
            for c, a, s in zip(rows["customers"], rows["aum_total"], rows["aum_share"], strict=True)
        ]
        data.append(
            {
                "type": "bar",
                "x": [p.strftime("%Y-%m") for p in rows["period"]],
                "y": rows[column].to_list(),
                "name": tier_labels.get(tier, tier),
                "customdata": [[tier, h] for h in hover],
                "marker": {"opacity": _opacity(tier, picked)},
                "hovertemplate": "%{x} · %{fullData.name}: %{customdata[1]}<extra></extra>",
            }
        )
    layout = {
        "barmode": "stack",
        "title": title_of(title),
        "height": 340,
        "xaxis": {"type": "category"},
        "yaxis": axis(y_title, **({"tickformat": ".0%"} if measure == "share" else {})),
        "legend": {"orientation": "h", "y": -0.2},
    }
    return plain_figure(data, layout, theme)


def breakdown_bars(
    frame: pl.DataFrame,
    *,
    measure: str,
    value_labels: Mapping[str, str],
    tier_order: Sequence[str],
    tier_labels: Mapping[str, str],
    picked: Sequence[str],
    money: Money,
    theme: str,
    title: str,
    x_title: str,
) -> PlainFigure:
    """Horizontal bars per value of the breakdown dimension, stacked by tier.

    `frame`: value, tier, customers, aum_total.  `measure`: count | aum | share (each value's tier mix by
    customers, as 100 %).  customdata[0] is the dimension value, so a click cross-filters by it.
    """
    column = "aum_total" if measure == "aum" else "customers"
    order = (
        frame.group_by("value").agg(pl.col(column).sum()).sort([column, "value"], descending=[False, True])["value"]
    ).to_list()
    totals = dict(frame.group_by("value").agg(pl.col("customers").sum()).iter_rows())
    data = []
    for tier in tier_order:
        rows = {r["value"]: r for r in frame.filter(pl.col("tier") == tier).iter_rows(named=True)}
        values, hover = [], []
        for value in order:
            row = rows.get(value, {"customers": 0, "aum_total": 0.0})
            count, aum = row["customers"] or 0, row["aum_total"] or 0.0
            share = count / totals[value] if totals.get(value) else 0.0
            values.append(share if measure == "share" else (aum if measure == "aum" else count))
            hover.append(f"{count:,} · {money(aum)} · {share:.1%}")
        data.append(
            {
                "type": "bar",
                "y": [value_labels.get(v, v) for v in order],
                "x": values,
                "orientation": "h",
                "name": tier_labels.get(tier, tier),
                "customdata": [[v, h] for v, h in zip(order, hover, strict=True)],
                "marker": {"opacity": _opacity(tier, picked)},
                "hovertemplate": "%{y} · %{fullData.name}: %{customdata[1]}<extra></extra>",
            }
        )
    layout = {
        "barmode": "stack",
        "title": title_of(title),
        "height": max(260, 60 + 26 * len(order)),
        "xaxis": axis(x_title, **({"tickformat": ".0%"} if measure == "share" else {})),
        "yaxis": {"type": "category", "automargin": True},
        "legend": {"orientation": "h", "y": -0.15},
    }
    return plain_figure(data, layout, theme)


def penetration_heatmap(
    frame: pl.DataFrame,
    *,
    tier_order: Sequence[str],
    tier_labels: Mapping[str, str],
    product_labels: Mapping[str, str],
    theme: str,
    title: str,
    hover_label: str,
) -> PlainFigure:
    """Share of each tier (rows) holding each product type (columns). customdata[0] is the tier code
    (plotly does not report it on click: `clicked_code` looks the cell up).

    `frame`: tier, product_type, holders, customers, share.
    """
    products = list(dict.fromkeys(frame["product_type"].to_list()))
    tiers = [tier for tier in tier_order if tier in set(frame["tier"].to_list())]
    cells = {(r["tier"], r["product_type"]): r for r in frame.iter_rows(named=True)}
    z, text, custom = [], [], []
    for tier in tiers:
        row_z, row_text, row_custom = [], [], []
        for product in products:
            cell = cells.get((tier, product), {"share": None, "holders": 0, "customers": 0})
            row_z.append(cell["share"])
            row_text.append(f"{cell['share']:.0%}" if cell["share"] is not None else "")
            row_custom.append([tier, f"{cell['holders']:,} / {cell['customers']:,}"])
        z.append(row_z)
        text.append(row_text)
        custom.append(row_custom)
    trace = {
        "type": "heatmap",
        "z": z,
        "x": [product_labels.get(p, p) for p in products],
        "y": [tier_labels.get(t, t) for t in tiers],
        "text": text,
        "texttemplate": "%{text}",
        "customdata": custom,
        "colorscale": blues(),
        "zmin": 0,
        "zmax": 1,
        "colorbar": {"tickformat": ".0%"},
        "hovertemplate": "%{y} · %{x}: %{z:.1%} (" + hover_label + " %{customdata[1]})<extra></extra>",
    }
    layout = {"title": title_of(title), "height": 120 + 60 * len(tiers), "yaxis": {"autorange": "reversed"}}
    return plain_figure([trace], layout, theme)


def tier_value_bars(
    frame: pl.DataFrame,
    *,
    column: str,
    tier_order: Sequence[str],
    tier_labels: Mapping[str, str],
    picked: Sequence[str],
    text: Callable[[float | None], str],
    theme: str,
    title: str,
) -> PlainFigure:
    """One bar per tier for a value column (e.g. products per customer). customdata[0] is the tier code."""
    rows = {r["tier"]: r for r in frame.iter_rows(named=True)}
    tiers = [tier for tier in tier_order if tier in rows]
    values = [rows[tier][column] for tier in tiers]
    trace = {
        "type": "bar",
        "x": [tier_labels.get(tier, tier) for tier in tiers],
        "y": values,
        "text": [text(v) for v in values],
        "textposition": "auto",
        "customdata": [[tier] for tier in tiers],
        "marker": {"opacity": [_opacity(tier, picked) for tier in tiers]},
        "hovertemplate": "%{x}: %{text}<extra></extra>",
    }
    return plain_figure([trace], {"title": title_of(title), "height": 300, "showlegend": False}, theme)


def migration_heatmap(
    matrix: pl.DataFrame,
    *,
    value: str,
    from_order: Sequence[str],
    to_order: Sequence[str],
    labels: Mapping[str, str],
    money: Money,
    theme: str,
    title: str,
    x_title: str,
    y_title: str,
    move: Callable[[str, str], str],
) -> PlainFigure:
    """The migration matrix: rows = from tier (and new), columns = to tier (and closed).

    `value`: customers | aum (AUM at the later month-end; at the earlier one for closed customers).
    customdata[0] is the move code (`move(from, to)`), which the page turns into the customer list.
    """
    cells = {(r["from_tier"], r["to_tier"]): r for r in matrix.iter_rows(named=True)}
    z, text, custom = [], [], []
    for origin in from_order:
        row_z, row_text, row_custom = [], [], []
        for target in to_order:
            cell = cells.get((origin, target))
            if cell is None:
                row_z.append(None)
                row_text.append("")
                row_custom.append(["", ""])
                continue
            aum = cell["aum_from"] if target == "closed" else cell["aum_to"]
            number = cell["customers"] if value == "customers" else aum
            row_z.append(number)
            row_text.append(f"{cell['customers']:,}" if value == "customers" else money(aum))
            row_custom.append([move(origin, target), f"{cell['customers']:,} · {money(aum)}"])
        z.append(row_z)
        text.append(row_text)
        custom.append(row_custom)
    trace = {
        "type": "heatmap",
        "z": z,
        "x": [labels.get(t, t) for t in to_order],
        "y": [labels.get(t, t) for t in from_order],
        "text": text,
        "texttemplate": "%{text}",
        "customdata": custom,
        "colorscale": blues(),
        "showscale": False,
        "hovertemplate": "%{y} → %{x}: %{customdata[1]}<extra></extra>",
    }
    layout = {
        "title": title_of(title),
        "height": 320,
        "xaxis": axis(x_title, side="top"),
        "yaxis": axis(y_title, autorange="reversed"),
        "margin": {"t": 90},
    }
    return plain_figure([trace], layout, theme)


def _translucent(hex_colour: str, alpha: float = 0.35) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def migration_sankey(
    matrix: pl.DataFrame,
    *,
    from_order: Sequence[str],
    to_order: Sequence[str],
    labels: Mapping[str, str],
    money: Money,
    theme: str,
    title: str,
    move: Callable[[str, str], str],
) -> PlainFigure:
    """Customers flowing from the earlier month-end's tiers (left) to the later one's (right)."""
    left = list(from_order)
    right = list(to_order)
    colours = {code: COLORWAY[i % len(COLORWAY)] for i, code in enumerate(dict.fromkeys([*left, *right]))}
    index_left = {code: i for i, code in enumerate(left)}
    index_right = {code: len(left) + i for i, code in enumerate(right)}
    source, target, value, custom, link_colours = [], [], [], [], []
    for row in matrix.filter(pl.col("customers") > 0).iter_rows(named=True):
        if row["from_tier"] not in index_left or row["to_tier"] not in index_right:
            continue
        aum = row["aum_from"] if row["to_tier"] == "closed" else row["aum_to"]
        source.append(index_left[row["from_tier"]])
        target.append(index_right[row["to_tier"]])
        value.append(row["customers"])
        custom.append([move(row["from_tier"], row["to_tier"]), money(aum)])
        link_colours.append(_translucent(colours[row["from_tier"]]))
    trace = {
        "type": "sankey",
        "arrangement": "snap",
        "node": {
            "label": [labels.get(c, c) for c in left] + [labels.get(c, c) for c in right],
            "color": [colours[c] for c in left] + [colours[c] for c in right],
            "pad": 14,
            "thickness": 14,
            "hovertemplate": "%{label}: %{value:,}<extra></extra>",
        },
        "link": {
            "source": source,
            "target": target,
            "value": value,
            "color": link_colours,
            "customdata": custom,
            "hovertemplate": "%{source.label} → %{target.label}: %{value:,} · %{customdata[1]}<extra></extra>",
        },
    }
    return plain_figure([trace], {"title": title_of(title), "height": 360}, theme)


def clicked_code(click: Mapping | None, figure: Mapping | None) -> str | None:
    """The code behind a click on one of these figures (customdata[0] of the clicked point, link or cell).

    Bars report their customdata; plotly reports neither for heatmap cells nor for sankey links, so those are
    looked up in the figure: a heatmap cell by its x and y labels, a sankey link by its index.
    """
    if not click or not click.get("points"):
        return None
    point = click["points"][0]
    custom = point.get("customdata")
    if custom is None and figure:
        trace = (figure.get("data") or [{}])[point.get("curveNumber") or 0]
        if trace.get("type") == "sankey" and "pointNumber" in point:
            links = (trace.get("link") or {}).get("customdata") or []
            index = point["pointNumber"]
            custom = links[index] if isinstance(index, int) and 0 <= index < len(links) else None
        elif trace.get("type") == "heatmap":
            xs, ys = list(trace.get("x") or []), list(trace.get("y") or [])
            if point.get("x") in xs and point.get("y") in ys:
                custom = (trace.get("customdata") or [])[ys.index(point["y"])][xs.index(point["x"])]
    if isinstance(custom, list | tuple):
        custom = custom[0] if custom else None
    return str(custom) if custom not in (None, "") else None
