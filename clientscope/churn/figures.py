"""Churn-risk figures: risk distribution, at-risk drill bars, signals over time, reasons, gains, calibration.

Frames in, plotly figures out. Clickable points carry their code in `customdata` (first element): the risk
level, tier, drill member or signal code, so a click cross-filters, drills or picks a signal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import Any

import polars as pl

from clientscope.figures import theme as theme_module
from clientscope.i18n import t
from clientscope.semantic.formats import currency_symbol, currency_word

# One colour per risk level, the same in every chart (and close to Bootstrap's danger / warning / success).
LEVEL_COLORS: dict[str, str] = {"high": "#dc3545", "medium": "#fd7e14", "low": "#20c997"}
MODEL_COLOR = "#0d6efd"
RULE_COLOR = "#6c757d"
BEST_COLOR = "#fd7e14"
MUTED_OPACITY = 0.3
PANEL_GAP = 0.04  # between the drill chart's two panels, a share of the width


def percent_text(value: float) -> str:
    """A probability as a short percentage: 0.001 → 0.1%, 0.02153 → 2.15%, 1 → 100%."""
    text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def bin_label(low: float, high: float) -> str:
    return f"{percent_text(low)}–{percent_text(high)}"


def _clickable_layout(title: str, height: int, **rest: Any) -> dict[str, Any]:
    """A plain figure's layout: its title, height, and clicks reported to the page (its points cross-filter)."""
    return {"title": {"text": title, "font": {"size": 14}}, "height": height, "clickmode": "event", **rest}


def risk_histogram(
    dist: pl.DataFrame,
    edges: Sequence[float],
    *,
    level_labels: Mapping[str, str],
    selected: str | None,
    cutoffs: Mapping[str, float],
    format_money: Callable[[float], str],
    lang: str,
    theme: str,
) -> theme_module.PlainFigure:
    """Customers per churn-probability bin, coloured by risk level (bins never straddle a level's cut-off)."""
    labels = [bin_label(low, high) for low, high in pairwise(edges)]
    data = []
    for level in ("low", "medium", "high"):
        rows = dist.filter(pl.col("risk_level") == level).sort("bin")
        if rows.is_empty():
            continue
        data.append(
            {
                "type": "bar",
                "x": [labels[b - 1] for b in rows["bin"].to_list()],
                "y": rows["customers"].to_list(),
                "name": level_labels.get(level, level),
                "marker": {"color": LEVEL_COLORS[level]},
                "opacity": 1.0 if selected in (None, level) else MUTED_OPACITY,
                "customdata": [[level, format_money(a)] for a in rows["aum_total"].to_list()],
                "hovertemplate": (
                    f"{t('churn.dist.probability', lang)}: %{{x}}<br>"
                    f"{t('churn.customers', lang)}: %{{y:,}}<br>"
                    f"{t('churn.aum', lang)}: %{{customdata[1]}}<extra>%{{fullData.name}}</extra>"
                ),
            }
        )
    cutoffs_text = " · ".join(
        f"{level_labels.get(level, level)} ≥ {percent_text(value)}" for level, value in cutoffs.items()
    )
    subtitle = t("churn.dist.cutoffs", lang, cutoffs=cutoffs_text)
    layout = _clickable_layout(
        f"{t('churn.dist.title', lang)}<br><sup>{subtitle}</sup>",
        320,
        barmode="overlay",
        bargap=0.08,
        xaxis=theme_module.axis(
            t("churn.dist.probability", lang), type="category", categoryorder="array", categoryarray=labels
        ),
        yaxis=theme_module.axis(t("churn.customers", lang)),
        legend={"orientation": "h", "y": -0.35},
    )
    return theme_module.plain_figure(data, layout, theme)


def at_risk_bars(
    frame: pl.DataFrame,
    *,
    level: str,
    labels: Mapping[str | None, str],
    format_money: Callable[[float], str],
    lang: str,
    theme: str,
    currency: str = "CNY",
) -> theme_module.PlainFigure:
    """At-risk customers (left) and their AUM (right, in `currency`) per member of a drill level, largest first.

    customdata = [code, level, AUM text, count]; a member without a code (customers without an RM) carries
    None and does not drill.
    """
    rows = frame.sort(["at_risk_customers", "at_risk_aum"], descending=[False, False])  # plotly draws bottom-up
    names = [labels.get(code, code or "") for code in rows["code"].to_list()]
    custom = [
        [code, level, format_money(aum), count]
        for code, aum, count in zip(rows["code"], rows["at_risk_aum"], rows["at_risk_customers"], strict=True)
    ]
    hover = (
        f"%{{y}}<br>{t('churn.drill.at_risk_customers', lang)}: %{{customdata[3]:,}}<br>"
        f"{t('churn.drill.at_risk_aum', lang)}: %{{customdata[2]}}<br>"
        f"{t('churn.drill.click', lang)}<extra></extra>"
    )
    scale, money = money_axis(lang, currency)
    panels = (
        ("x", "y", t("churn.drill.at_risk_customers", lang), rows["at_risk_customers"].to_list(), LEVEL_COLORS["high"]),
        (
            "x2",
            "y2",
            t("churn.drill.at_risk_aum", lang),
            [v / scale for v in rows["at_risk_aum"].to_list()],
            MODEL_COLOR,
        ),
    )
    data = [
        {
            "type": "bar",
            "y": names,
            "x": values,
            "orientation": "h",
            "marker": {"color": colour},
            "customdata": custom,
            "hovertemplate": hover,
            "name": name,
            "xaxis": xaxis,
            "yaxis": yaxis,
        }
        for xaxis, yaxis, name, values, colour in panels
    ]
    # Two panels side by side sharing the y axis, as plotly's make_subplots lays them out (its domains and titles)
    width = (1 - PANEL_GAP) / 2
    domains = ([0.0, width], [width + PANEL_GAP, 1.0])
    y_axis = {"domain": [0.0, 1.0], "type": "category", "automargin": True}
    layout = {
        "xaxis": {"anchor": "y", "domain": domains[0], "rangemode": "tozero"},
        "yaxis": {"anchor": "x", **y_axis},
        "xaxis2": {"anchor": "y2", "domain": domains[1], "rangemode": "tozero", **money},
        "yaxis2": {"anchor": "x2", "matches": "y", "showticklabels": False, **y_axis},
        "annotations": [
            {
                "font": {"size": 16},
                "showarrow": False,
                "text": name,
                "x": (low + high) / 2,
                "xanchor": "center",
                "xref": "paper",
                "y": 1.0,
                "yanchor": "bottom",
                "yref": "paper",
            }
            for (_, _, name, _, _), (low, high) in zip(panels, domains, strict=True)
        ],
        "margin": {"l": 140, "r": 16, "t": 48, "b": 32},
        "height": max(240, 26 * len(names) + 90),
        "showlegend": False,
        "clickmode": "event",
    }
    return theme_module.plain_figure(data, layout, theme)


def money_axis(lang: str, currency: str = "CNY") -> tuple[float, dict[str, object]]:
    """(divisor, axis settings) for an axis of amounts in `currency`: 万元 / 万欧元 in Chinese, ¥ / € with
    k / M / G in English."""
    if lang == "zh_CN":
        return 1e4, theme_module.axis(t("churn.axis.wan", lang, unit=currency_word(currency, lang)), tickformat=",.0f")
    symbol = currency_symbol(currency, lang)
    prefix = symbol + " " if symbol[-1:].isalpha() else symbol
    return 1.0, theme_module.axis(t("churn.axis.cny", lang, unit=currency), tickformat="~s", tickprefix=prefix)


def tier_bars(
    frame: pl.DataFrame,
    *,
    tier_labels: Mapping[str, str],
    selected: str | None,
    format_money: Callable[[float], str],
    lang: str,
    theme: str,
) -> theme_module.PlainFigure:
    """At-risk customers per tier, in the tier order of metrics.yaml; customdata = the tier code."""
    by_code = {row["code"]: row for row in frame.iter_rows(named=True)}
    codes = [code for code in tier_labels if code in by_code]
    bar = {
        "type": "bar",
        "x": [tier_labels[c] for c in codes],
        "y": [by_code[c]["at_risk_customers"] for c in codes],
        "marker": {
            "color": LEVEL_COLORS["high"],
            "opacity": [1.0 if selected in (None, c) else MUTED_OPACITY for c in codes],
        },
        "customdata": [[c, format_money(by_code[c]["at_risk_aum"])] for c in codes],
        "hovertemplate": (
            f"%{{x}}<br>{t('churn.drill.at_risk_customers', lang)}: %{{y:,}}<br>"
            f"{t('churn.drill.at_risk_aum', lang)}: %{{customdata[1]}}<extra></extra>"
        ),
    }
    layout = _clickable_layout(
        t("churn.tier.title", lang),
        320,
        yaxis=theme_module.axis(t("churn.drill.at_risk_customers", lang)),
        xaxis={"type": "category"},
    )
    return theme_module.plain_figure([bar], layout, theme)


def signal_lines(
    long: pl.DataFrame,
    *,
    signal_labels: Mapping[str, str],
    selected: str | None,
    lang: str,
    theme: str,
) -> theme_module.PlainFigure:
    """Share of customers with each signal firing, per month-end; customdata = the signal code."""
    by_signal = long.sort("month").partition_by("signal", as_dict=True)
    data = []
    for code, label in signal_labels.items():
        rows = by_signal.get((code,))
        if rows is None:
            continue
        data.append(
            {
                "type": "scatter",
                "x": [m.strftime("%Y-%m") for m in rows["month"].to_list()],
                "y": rows["share"].to_list(),
                "mode": "lines+markers",
                "name": label,
                "line": {"width": 3 if selected == code else 1.5},
                "opacity": 1.0 if selected in (None, code) else MUTED_OPACITY,
                "customdata": [[code, f, n] for f, n in zip(rows["firing"], rows["customers"], strict=True)],
                "hovertemplate": (
                    f"%{{x}} · %{{fullData.name}}<br>{t('churn.signals.share', lang)}: %{{y:.1%}}<br>"
                    f"{t('churn.signals.firing', lang)}: %{{customdata[1]:,}} / %{{customdata[2]:,}}<extra></extra>"
                ),
            }
        )
    layout = _clickable_layout(
        t("churn.signals.title", lang),
        340,
        xaxis=theme_module.axis(t("churn.month", lang), type="category"),
        yaxis=theme_module.axis(t("churn.signals.share", lang), tickformat=".0%", rangemode="tozero"),
        legend={"orientation": "h", "y": -0.3},
        hovermode="closest",
    )
    return theme_module.plain_figure(data, layout, theme)


def reason_bars(
    mix: pl.DataFrame,
    *,
    signal_labels: Mapping[str, str],
    selected: str | None,
    title: str,
    lang: str,
    theme: str,
) -> theme_module.PlainFigure:
    """Share of the selected customers with each reason firing; customdata = the signal code."""
    rows = mix.sort("customers")
    codes = rows["signal"].to_list()
    bar = {
        "type": "bar",
        "y": [signal_labels.get(c, c) for c in codes],
        "x": rows["share"].to_list(),
        "orientation": "h",
        "marker": {
            "color": LEVEL_COLORS["medium"],
            "opacity": [1.0 if selected in (None, c) else MUTED_OPACITY for c in codes],
        },
        "customdata": [[c, n] for c, n in zip(codes, rows["customers"], strict=True)],
        "hovertemplate": (
            f"%{{y}}<br>{t('churn.signals.share', lang)}: %{{x:.1%}}<br>"
            f"{t('churn.customers', lang)}: %{{customdata[1]:,}}<extra></extra>"
        ),
    }
    layout = _clickable_layout(
        title,
        340,
        xaxis=theme_module.axis(t("churn.signals.share", lang), tickformat=".0%", rangemode="tozero"),
        yaxis={"type": "category", "automargin": True},
    )
    return theme_module.plain_figure([bar], layout, theme)


def _scores(deciles: pl.DataFrame, best_name: str | None, lang: str) -> list[tuple[str, str, str]]:
    """(score code, legend name, colour): the warning score, the strongest baseline when it differs, the model."""
    scores = [("rule", t("churn.card.rule", lang), RULE_COLOR)]
    if best_name and deciles.filter(pl.col("score") == "best").height:
        scores.append(("best", t("churn.card.best", lang, name=best_name), BEST_COLOR))
    scores.append(("model", t("churn.card.model", lang), MODEL_COLOR))
    return scores


def gains_chart(
    deciles: pl.DataFrame, *, lang: str, theme: str, best_name: str | None = None
) -> theme_module.PlainFigure:
    """Cumulative share of churners captured by the top k deciles: model, rule baseline and random."""
    data = [_diagonal(1, t("churn.card.random", lang))]
    for score, name, color in _scores(deciles, best_name, lang):
        rows = deciles.filter(pl.col("score") == score).sort("decile")
        data.append(
            {
                "type": "scatter",
                "x": [0.0, *(d / 10 for d in rows["decile"].to_list())],
                "y": [0.0, *rows["cumulative_capture"].to_list()],
                "mode": "lines+markers",
                "name": name,
                "line": {"color": color},
                "hovertemplate": (
                    f"{t('churn.card.gains_x', lang)}: %{{x:.0%}}<br>"
                    f"{t('churn.card.gains_y', lang)}: %{{y:.1%}}<extra>%{{fullData.name}}</extra>"
                ),
            }
        )
    layout = _card_layout(
        t("churn.card.gains", lang),
        xaxis=theme_module.axis(t("churn.card.gains_x", lang), tickformat=".0%", range=[0, 1]),
        yaxis=theme_module.axis(t("churn.card.gains_y", lang), tickformat=".0%", range=[0, 1.02]),
    )
    return theme_module.plain_figure(data, layout, theme)


def calibration_chart(
    deciles: pl.DataFrame, *, lang: str, theme: str, best_name: str | None = None
) -> theme_module.PlainFigure:
    """Mean predicted probability vs observed churn rate per score decile, model and rule baseline."""
    top = max([*deciles["mean_predicted"].to_list(), *deciles["observed_rate"].to_list(), 0.01])
    data = [_diagonal(top, t("churn.card.perfect", lang))]
    for score, name, color in _scores(deciles, best_name, lang):
        rows = deciles.filter(pl.col("score") == score).sort("decile")
        data.append(
            {
                "type": "scatter",
                "x": rows["mean_predicted"].to_list(),
                "y": rows["observed_rate"].to_list(),
                "mode": "lines+markers",
                "name": name,
                "line": {"color": color},
                "customdata": [[d, n] for d, n in zip(rows["decile"], rows["rows"], strict=True)],
                "hovertemplate": (
                    f"{t('churn.card.decile', lang)} %{{customdata[0]}} (%{{customdata[1]:,}})<br>"
                    f"{t('churn.card.predicted', lang)}: %{{x:.2%}}<br>"
                    f"{t('churn.card.observed', lang)}: %{{y:.2%}}<extra>%{{fullData.name}}</extra>"
                ),
            }
        )
    layout = _card_layout(
        t("churn.card.calibration", lang),
        xaxis=theme_module.axis(t("churn.card.predicted", lang), tickformat=".0%", rangemode="tozero"),
        yaxis=theme_module.axis(t("churn.card.observed", lang), tickformat=".0%", rangemode="tozero"),
    )
    return theme_module.plain_figure(data, layout, theme)


def _diagonal(top: float, name: str) -> dict[str, Any]:
    """The reference line from (0, 0) to (top, top): random targeting, or a perfectly calibrated score."""
    return {
        "type": "scatter",
        "x": [0, top],
        "y": [0, top],
        "mode": "lines",
        "name": name,
        "line": {"dash": "dot", "color": "#adb5bd"},
        "hoverinfo": "skip",
    }


def _card_layout(title: str, **axes: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 14}},
        "height": 320,
        "legend": {"orientation": "h", "y": -0.3},
        **axes,
    }
