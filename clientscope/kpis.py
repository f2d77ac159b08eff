"""KPI values for the cards and KPI sheets: the KPI month's value, its prior (MoM / QoQ / YoY), changes, a
monthly trend, and the value over the whole period.

Numbers come from the semantic compiler; labels, descriptions and formats from metrics.yaml.
A KPI is the selected period's last month (balances are stocks; a month is the unit of comparison), and every
card and sheet names that month and the one it is compared with (`kpi_months`).  The sparkline shows the
months of the period; for metrics whose period value says more than the last month (`has_period_value`: flows,
rates of flows, the churn rate of the opening book) the card adds the value over the whole period, and for a
ratio its numerator and denominator, so the denominator is stated wherever the rate is.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from clientscope.i18n import month_name, t
from clientscope.semantic import (
    MetricRequest,
    SemanticModel,
    format_change,
    format_pct_change,
    format_value,
    missing_tables,
    run_metric_query,
)
from clientscope.semantic.model import ConversionMetric, RatioMetric
from clientscope.semantic.periods import (
    COMPARISON_MONTHS,
    add_months,
    month_label,
    month_start,
    period_change,
    relative_change,
)
from clientscope.semantic.periods import DEFAULT_PERIOD_MONTHS as TREND_MONTHS
from clientscope.view_context import PageContext


@dataclass(frozen=True)
class KpiView:
    """A KPI already formatted for display (formatting belongs to the semantic layer)."""

    metric: str
    label: str
    description: str
    value: str
    prior: str | None
    change: str | None  # e.g. "+1.2万" or "+1.3 pp"
    pct_change: str | None  # e.g. "+4.5%"; None for rates (the change is already in pp)
    direction: int  # +1 up, -1 down, 0 flat / unknown
    good_when_up: bool = True
    spark_x: Sequence[str] = ()
    spark_y: Sequence[float | None] = ()
    months: str = ""  # the month shown and the month compared with, e.g. "2026-10 vs 2026-09"
    period: str | None = None  # the value over the whole period, e.g. "2025-11 – 2026-10: 12.89% (458 ÷ 3,553)"
    period_title: str = ""  # what the period value's numerator and denominator are
    note: str | None = None  # why there is no value, e.g. a conversion window that has not ended yet


@dataclass(frozen=True)
class KpiMonths:
    """The month a KPI shows and the month it is compared with (YYYY-MM), and the period of its trend."""

    month: str
    prior: str
    start: str


@dataclass(frozen=True)
class PeriodValue:
    """A metric over the whole period; for a ratio also its numerator and denominator (None when a part has a
    filter of its own, so is no metric that can be asked for by name)."""

    value: float | None
    numerator: str | None = None
    denominator: str | None = None
    numerator_value: float | None = None
    denominator_value: float | None = None


@dataclass(frozen=True)
class KpiNumbers:
    """The raw numbers behind one card (tests compare these with independent computations)."""

    metric: str
    value: float | None
    prior: float | None
    change: float | None
    pct_change: float | None
    trend: pl.DataFrame  # period, value
    months: KpiMonths | None = None
    period: PeriodValue | None = None  # None: one month, or a stock whose period value is its last month


def period_bounds(pc: PageContext) -> tuple[str, str]:
    """The selected period (YYYY-MM); by default the last 12 months of data."""
    months = pc.choices.months
    end = pc.state.end or (months[-1] if months else "")
    if pc.state.start:
        return pc.state.start, end
    earlier = [m for m in months if m <= end]
    return (earlier[-TREND_MONTHS:][0] if earlier else end), end


def available(pc: PageContext, metrics: Sequence[str]) -> tuple[str, ...]:
    """The metrics whose extracts are present (e.g. no campaign KPIs without campaign data)."""
    return tuple(m for m in metrics if not missing_tables(pc.model, m, pc.db.tables))


def kpi_months(pc: PageContext) -> KpiMonths:
    """The KPI month (the period's last), the month it is compared with (by the view's comparison) and the
    period's first month."""
    start, end = period_bounds(pc)
    shift = COMPARISON_MONTHS.get(pc.state.compare, 1)
    prior = month_label(add_months(month_start(end), -shift)) if end else ""
    return KpiMonths(month=end, prior=prior, start=start)


def ratio_parts(model: SemanticModel, metric: str) -> tuple[str, str] | None:
    """A ratio's numerator and denominator metrics, when both are plain metrics (no filter of their own)."""
    found = model.metric(metric)
    if not isinstance(found, RatioMetric) or found.numerator.filter or found.denominator.filter:
        return None
    return found.numerator.metric, found.denominator.metric


def period_values(pc: PageContext, metrics: Sequence[str]) -> dict[str, PeriodValue]:
    """Each metric over the whole selected period, for those whose period value differs from the last month's;
    none for a one-month period (the card already shows it)."""
    start, end = period_bounds(pc)
    wanted = [m for m in metrics if pc.model.has_period_value(m)]
    if not wanted or not start or start >= end:
        return {}
    parts = {m: ratio_parts(pc.model, m) for m in wanted}
    asked = tuple(dict.fromkeys([*wanted, *(name for pair in parts.values() if pair for name in pair)]))
    request = MetricRequest(metrics=asked, filters=pc.metric_filters(), grain="all", start=start, end=end)
    frame = run_metric_query(pc.db, pc.model, request, pc.scope).frame
    row = frame.row(0, named=True) if frame.height else {}
    values = {}
    for m in wanted:
        pair = parts[m]
        values[m] = PeriodValue(
            value=row.get(m),
            numerator=pair[0] if pair else None,
            denominator=pair[1] if pair else None,
            numerator_value=row.get(pair[0]) if pair else None,
            denominator_value=row.get(pair[1]) if pair else None,
        )
    return values


def kpi_numbers(pc: PageContext, metrics: Sequence[str]) -> list[KpiNumbers]:
    metrics = available(pc, metrics)
    if not metrics:
        return []
    start, end = period_bounds(pc)
    months = kpi_months(pc)
    # The card's month and the month it is compared with come from the trend's own monthly statement, reaching
    # back to the compared month when it lies before the period: a filter change that misses the cache runs two
    # statements (at once, each on its own cursor, outside the GIL), not three (issue 15; decision 80).
    first = min(start, months.prior) if months.prior else start
    request = MetricRequest(metrics=tuple(metrics), filters=pc.metric_filters(), grain="month", start=first, end=end)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="kpis") as pool:
        monthly_f = pool.submit(run_metric_query, pc.db, pc.model, request, pc.scope)
        periods_f = pool.submit(period_values, pc, metrics)
        monthly, periods = monthly_f.result().frame, periods_f.result()
    current, prior = _month_row(monthly, months.month), _month_row(monthly, months.prior)
    trend = monthly.filter(pl.col("period") >= month_start(start)) if monthly.height and start else monthly
    return [
        KpiNumbers(
            metric=m,
            value=current.get(m),
            prior=prior.get(m),
            change=period_change(current.get(m), prior.get(m)),
            pct_change=relative_change(current.get(m), prior.get(m)),
            trend=trend.select(pl.col("period"), pl.col(m).alias("value")) if trend.height else pl.DataFrame(),
            months=months,
            period=periods.get(m),
        )
        for m in metrics
    ]


def _month_row(monthly: pl.DataFrame, month: str) -> dict[str, object]:
    """One month's row of a monthly frame (YYYY-MM), empty when the month has no row."""
    if not month or not monthly.height:
        return {}
    rows = monthly.filter(pl.col("period") == month_start(month))
    return rows.row(0, named=True) if rows.height else {}


def months_text(months: KpiMonths, lang: str) -> str:
    """ "2026-10 vs 2026-09" / "2026年10月 较 2026年9月": the month a KPI shows and the month it is compared with."""
    return t("kpi.month", lang, month=month_name(months.month, lang), prior=month_name(months.prior, lang))


def period_text(pc: PageContext, numbers: KpiNumbers) -> str | None:
    """The card's period line, e.g. "2025-11 – 2026-10: 12.89% (458 ÷ 3,553)"; None without a period value."""
    if numbers.period is None or numbers.months is None:
        return None
    lang, period = pc.lang, numbers.period
    text = t(
        "kpi.period",
        lang,
        start=month_name(numbers.months.start, lang),
        end=month_name(numbers.months.month, lang),
        value=format_value(period.value, pc.model.format_of(numbers.metric), lang),
    )
    if period.numerator and period.denominator:
        text += t(
            "kpi.period_parts",
            lang,
            numerator=format_value(period.numerator_value, pc.model.format_of(period.numerator), lang),
            denominator=format_value(period.denominator_value, pc.model.format_of(period.denominator), lang),
        )
    return text


def period_title(pc: PageContext, numbers: KpiNumbers) -> str:
    """The tooltip of the period line: what its numerator and denominator are."""
    period = numbers.period
    if period is None or not period.numerator or not period.denominator:
        return pc.model.description(numbers.metric, pc.lang)
    return t(
        "kpi.period_basis",
        pc.lang,
        numerator=pc.model.label(period.numerator, pc.lang),
        denominator=pc.model.label(period.denominator, pc.lang),
    )


def kpi_views(pc: PageContext, metrics: Sequence[str]) -> list[KpiView]:
    views = []
    for numbers in kpi_numbers(pc, metrics):
        fmt = pc.model.format_of(numbers.metric)
        metric = pc.model.metric(numbers.metric)
        is_rate = fmt.type == "percent"
        direction = 0 if not numbers.change else (1 if numbers.change > 0 else -1)
        trend = numbers.trend
        views.append(
            KpiView(
                metric=numbers.metric,
                label=pc.model.label(numbers.metric, pc.lang),
                description=pc.model.description(numbers.metric, pc.lang),
                value=format_value(numbers.value, fmt, pc.lang),
                prior=format_value(numbers.prior, fmt, pc.lang) if numbers.prior is not None else None,
                change=format_change(numbers.change, fmt, pc.lang) if numbers.change is not None else None,
                pct_change=None
                if is_rate or numbers.pct_change is None
                else format_pct_change(numbers.pct_change, pc.lang),
                direction=direction,
                good_when_up=metric.good_direction != "down",
                spark_x=[p.strftime("%Y-%m") for p in trend["period"].to_list()] if trend.height else (),
                spark_y=trend["value"].to_list() if trend.height else (),
                months=months_text(numbers.months, pc.lang) if numbers.months else "",
                period=period_text(pc, numbers),
                period_title=period_title(pc, numbers),
                note=not_measurable_note(pc, metric) if numbers.value is None else None,
            )
        )
    return views


def not_measurable_note(pc: PageContext, metric: object) -> str | None:
    """Why a conversion rate has no value for the month: no touch's window has ended yet (censored windows)."""
    if not isinstance(metric, ConversionMetric):
        return None
    days = metric.window_days or pc.model.rules.conversion.window_days
    return t("kpi.not_measurable", pc.lang, days=days)
