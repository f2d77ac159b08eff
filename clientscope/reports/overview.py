"""The overview page's workbook: headline KPIs and the tier mix."""

from __future__ import annotations

import polars as pl

from clientscope.export import ColumnSpec, SheetSpec, WorkbookSpec
from clientscope.i18n import t
from clientscope.kpis import kpi_numbers, period_bounds
from clientscope.overview import HEADLINE_METRICS
from clientscope.reports import ReportRequest
from clientscope.reports.common import metric_sheet, workbook_spec
from clientscope.semantic import MetricRequest, format_value, run_metric_query


def kpi_sheet(request: ReportRequest) -> SheetSpec:
    pc = request.page
    lang = pc.lang
    rows = [
        {
            "metric": pc.model.label(n.metric, lang),
            "shown": format_value(n.value, pc.model.format_of(n.metric), lang),
            "value": n.value,
            "prior": n.prior,
            "change": n.change,
            "pct_change": n.pct_change,
            "format": pc.model.format_of(n.metric).type,
        }
        for n in kpi_numbers(pc, HEADLINE_METRICS)
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "metric": pl.Utf8,
            "shown": pl.Utf8,
            "value": pl.Float64,
            "prior": pl.Float64,
            "change": pl.Float64,
            "pct_change": pl.Float64,
            "format": pl.Utf8,
        },
    )
    columns = (
        ColumnSpec("metric", t("export.metric", lang), "text"),
        ColumnSpec("shown", t("export.shown", lang), "text"),
        ColumnSpec("value", t("export.value", lang), "number", excel_format="#,##0.00"),
        ColumnSpec(
            "prior",
            t("export.prior", lang, comparison=t(f"compare.{pc.state.compare}", lang)),
            "number",
            excel_format="#,##0.00",
        ),
        ColumnSpec("change", t("export.change", lang), "number", excel_format="#,##0.00"),
        ColumnSpec("pct_change", t("export.pct_change", lang), "percent", excel_format="0.0%"),
    )
    return SheetSpec(
        name=t("export.sheet.kpis", lang),
        title=t("overview.title", lang),
        columns=columns,
        rows=frame,
        note=t("export.kpi_note", lang),
    )


def workbook(request: ReportRequest) -> WorkbookSpec:
    pc = request.page
    lang = pc.lang
    _, end = period_bounds(pc)
    mix = run_metric_query(
        pc.db,
        pc.model,
        MetricRequest(
            metrics=("customers", "aum_total"),
            dimensions=("tier",),
            filters=pc.metric_filters(),
            grain="month",
            start=end,
            end=end,
            totals="grand",
        ),
        pc.scope,
    ).frame
    sheets = [
        kpi_sheet(request),
        metric_sheet(
            pc,
            name=t("overview.tier_mix", lang),
            title=t("overview.tier_mix", lang),
            frame=mix,
            dimensions=("tier",),
            metrics=("customers", "aum_total"),
            chart="column",
        ),
    ]
    return workbook_spec(
        pc,
        page="overview",
        title=t("overview.title", lang),
        sheets=sheets,
        metrics=(*HEADLINE_METRICS, "customers", "aum_total"),
        generated_at=request.generated_at,
        user=request.user,
    )
