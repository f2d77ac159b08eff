"""Pieces every page's workbook shares: applied filters, metric columns, definitions, metric sheets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl

from clientscope.export import ChartSpec, ColumnSpec, MetricDefinition, SheetSpec, TotalRow, WorkbookSpec
from clientscope.i18n import MESSAGES, join_words, month_name, t
from clientscope.kpis import KpiNumbers, kpi_months, kpi_numbers, months_text, period_bounds
from clientscope.semantic import SemanticModel, excel_header_unit, excel_number_format, format_value
from clientscope.semantic.model import ConversionMetric, DerivedMetric, RatioMetric, SimpleMetric
from clientscope.view_context import FILTER_DIMENSIONS, PageContext


def month_end(month: str) -> date:
    """The last day of a YYYY-MM month (data is as of month-end)."""
    first = date.fromisoformat(month + "-01")
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def applied_filters(
    pc: PageContext, value_labels: Mapping[str, Mapping[str, str]] | None = None, *, kpis: bool = False
) -> tuple[tuple[str, str], ...]:
    """Every filter of the view (period, comparison, bar filters, drill path, cross-filters), translated
    (`value_labels`: the page's own, as on its chips; default the dimensions' labels).  With `kpis` (a workbook
    with a KPI sheet) also the month the KPIs show and the month they are compared with."""
    lang = pc.lang
    start, end = period_bounds(pc)
    rows = [
        (t("filter.period", lang), f"{start} – {end}"),
        (t("filter.compare", lang), t(f"compare.{pc.state.compare}", lang)),
    ]
    if kpis and end:
        months = months_text(kpi_months(pc), lang)
        rows.append((t("export.kpi_month", lang), t("export.kpi_month_value", lang, months=months)))
    labels = value_labels if value_labels is not None else pc.value_labels()
    for key, values in pc.state.filters.items():
        rows.append((dimension_title(pc, key), join_words([labels.get(key, {}).get(v, v) for v in values], lang)))
    for key, value in pc.state.drill:
        rows.append((t("filter.drill", lang) + " · " + dimension_title(pc, key), labels.get(key, {}).get(value, value)))
    for key, value in sorted(pc.state.cross.items()):
        rows.append((t("filter.cross", lang) + " · " + dimension_title(pc, key), labels.get(key, {}).get(value, value)))
    return tuple(rows)


def dimension_title(pc: PageContext, key: str) -> str:
    dimension = FILTER_DIMENSIONS.get(key, key)
    if dimension in pc.model.dimensions:
        return pc.model.dimension_label(dimension, pc.lang)
    if f"filter.{key}" in MESSAGES:  # a page's own cross-filter (e.g. the lifecycle page's x.cohort)
        return t(f"filter.{key}", pc.lang)
    return key


def metric_column(model: SemanticModel, metric: str, lang: str) -> ColumnSpec:
    fmt = model.format_of(metric)
    kind = {"currency": "currency", "percent": "percent"}.get(fmt.type, "integer" if fmt.decimals == 0 else "number")
    return ColumnSpec(
        key=metric,
        label=model.label(metric, lang) + excel_header_unit(fmt, lang),
        kind=kind,
        excel_format=excel_number_format(fmt, lang),
    )


def formula_text(model: SemanticModel, name: str) -> str:
    """A metric's definition in one line (the SQL-ish formula from metrics.yaml)."""
    metric = model.metric(name)
    if isinstance(metric, SimpleMetric):
        body = f"{metric.agg}({metric.expr or '*'}) from {metric.source}"
        body += f" where {metric.filter}" if metric.filter else ""
        body += f" and {metric.event_in_period} <= the period's last month" if metric.event_in_period else ""
        suffix = {"semi": " (last month of the period)", "semi_first": " (first month of the period)"}
        return body + suffix.get(metric.additivity, "")
    if isinstance(metric, RatioMetric):
        return f"sum({_ref(metric.numerator)}) / sum({_ref(metric.denominator)})"
    if isinstance(metric, DerivedMetric):
        return metric.expr
    if isinstance(metric, ConversionMetric):
        window = metric.window_days or model.rules.conversion.window_days
        return (
            f"share of {metric.entity} in {metric.base.source}"
            f"{' where ' + metric.base.filter if metric.base.filter else ''} converting in {metric.conversion.source}"
            f"{' where ' + metric.conversion.filter if metric.conversion.filter else ''} within {window} days"
        )
    return ""


def _ref(ref: object) -> str:
    metric = getattr(ref, "metric", ref)
    condition = getattr(ref, "filter", None)
    return f"{metric} where {condition}" if condition else str(metric)


def definitions(model: SemanticModel, metrics: Sequence[str], lang: str) -> tuple[MetricDefinition, ...]:
    return tuple(
        MetricDefinition(
            name=m,
            label=model.label(m, lang),
            description=model.description(m, lang),
            formula=formula_text(model, m),
            owner=model.metric(m).owner or "",
            format=model.format_name(m),
        )
        for m in dict.fromkeys(metrics)
    )


def metric_sheet(
    pc: PageContext,
    *,
    name: str,
    title: str,
    frame: pl.DataFrame,
    dimensions: Sequence[str],
    metrics: Sequence[str],
    chart: str | None = None,
    period: bool = False,
) -> SheetSpec:
    """A sheet from a compiled metric query: detail rows as the table, the database's total row as the total.

    Dimension codes are translated to labels; the total is never summed here (ratios need sum/sum).
    """
    lang = pc.lang
    labels = pc.value_labels()
    detail = frame.filter(~pl.col("is_total")) if "is_total" in frame.columns else frame
    total = (
        frame.filter(pl.col("is_total") & (pl.col("grouping_id") == pl.col("grouping_id").max()))
        if ("is_total" in frame.columns)
        else pl.DataFrame()
    )
    columns: list[ColumnSpec] = []
    if period:
        columns.append(ColumnSpec("period", t("export.period", lang), "date"))
    for dim in dimensions:
        mapping = labels.get(dim, {})
        if mapping:
            detail = detail.with_columns(pl.col(dim).cast(pl.Utf8).replace(mapping))
        else:
            detail = detail.with_columns(pl.col(dim).cast(pl.Utf8))
        columns.append(ColumnSpec(dim, pc.model.dimension_label(dim, lang), "text"))
    columns.extend(metric_column(pc.model, m, lang) for m in metrics)
    total_row = None
    if total.height:
        total_row = TotalRow(None, {m: total[m][0] for m in metrics})
    chart_spec = None
    if chart and columns and not period and dimensions:
        chart_spec = ChartSpec(chart, title, dimensions[0], (metrics[0],))
    return SheetSpec(name=name, title=title, columns=tuple(columns), rows=detail, total=total_row, chart=chart_spec)


def workbook_spec(
    pc: PageContext,
    *,
    page: str,
    title: str,
    sheets: Sequence[SheetSpec],
    metrics: Sequence[str],
    generated_at,
    user: str | None,
    value_labels: Mapping[str, Mapping[str, str]] | None = None,
    kpis: bool = False,
) -> WorkbookSpec:
    """`kpis`: the workbook has a KPI sheet, so the cover names the month the KPIs show."""
    _, end = period_bounds(pc)
    as_of = month_end(end) if end else None
    return WorkbookSpec(
        title=title,
        page=page,
        language=pc.lang,
        filters=applied_filters(pc, value_labels, kpis=kpis),
        data_as_of=as_of,
        generated_at=generated_at,
        user=user,
        sheets=tuple(sheets),
        definitions=definitions(pc.model, metrics, pc.lang),
        can_see_personal=pc.scope.can_see_personal,
    )


_KPI_SCHEMA: dict[str, pl.DataType] = {
    "metric": pl.Utf8(),
    "month": pl.Utf8(),
    "shown": pl.Utf8(),
    "value": pl.Float64(),
    "prior_month": pl.Utf8(),
    "prior": pl.Float64(),
    "change": pl.Float64(),
    "pct_change": pl.Float64(),
    "period_value": pl.Float64(),
    "period_numerator": pl.Float64(),
    "period_denominator": pl.Float64(),
    "period_basis": pl.Utf8(),
}


def _kpi_row(pc: PageContext, n: KpiNumbers) -> dict[str, object]:
    lang, fmt = pc.lang, pc.model.format_of(n.metric)
    period = n.period
    basis = ""
    if period is not None and period.numerator and period.denominator:
        basis = f"{pc.model.label(period.numerator, lang)} ÷ {pc.model.label(period.denominator, lang)}"
    return {
        "metric": pc.model.label(n.metric, lang),
        "month": n.months.month if n.months else None,
        "shown": format_value(n.value, fmt, lang),
        "value": n.value,
        "prior_month": n.months.prior if n.months else None,
        "prior": n.prior,
        "change": n.change,
        "pct_change": n.pct_change,
        "period_value": period.value if period else None,
        "period_numerator": period.numerator_value if period else None,
        "period_denominator": period.denominator_value if period else None,
        "period_basis": basis,
    }


def kpi_sheet(pc: PageContext, metrics: Sequence[str], title: str) -> SheetSpec:
    """The page's KPI cards as a sheet: each KPI in its month (named in the sheet), against the compared month,
    and — when the period is longer than a month — its value over the whole period, with a ratio's numerator and
    denominator (the card's second line)."""
    lang = pc.lang
    months = kpi_months(pc)
    numbers = kpi_numbers(pc, metrics)
    frame = pl.DataFrame([_kpi_row(pc, n) for n in numbers], schema=_KPI_SCHEMA)
    number = "#,##0.00"
    columns = [
        ColumnSpec("metric", t("export.metric", lang), "text"),
        ColumnSpec("month", t("export.kpi_month", lang), "text"),
        ColumnSpec("shown", t("export.shown", lang), "text"),
        ColumnSpec("value", t("export.value", lang), "number", excel_format=number),
        ColumnSpec("prior_month", t("export.prior_month", lang), "text"),
        ColumnSpec(
            "prior", t("export.prior", lang, comparison=t(f"compare.{pc.state.compare}", lang)), "number", number
        ),
        ColumnSpec("change", t("export.change", lang), "number", excel_format=number),
        ColumnSpec("pct_change", t("export.pct_change", lang), "percent", excel_format="0.0%"),
    ]
    named = {"month": month_name(months.month, lang), "prior": month_name(months.prior, lang)}
    note = t("export.kpi_note", lang) + " " + t("export.kpi_month_note", lang, **named)
    if any(n.period is not None for n in numbers):  # a period longer than a month, and a metric with a period value
        span = {"start": month_name(months.start, lang), "end": month_name(months.month, lang)}
        columns += [
            ColumnSpec("period_value", t("export.period_value", lang, **span), "number", excel_format=number),
            ColumnSpec("period_numerator", t("export.period_numerator", lang), "number", excel_format=number),
            ColumnSpec("period_denominator", t("export.period_denominator", lang), "number", excel_format=number),
            ColumnSpec("period_basis", t("export.period_basis", lang), "text"),
        ]
        note += " " + t("export.period_note", lang, **span)
    return SheetSpec(name=t("export.sheet.kpis", lang), title=title, columns=tuple(columns), rows=frame, note=note)
