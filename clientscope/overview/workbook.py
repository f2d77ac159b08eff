"""The overview page's workbook: headline KPIs and the tier mix."""

from __future__ import annotations

from clientscope.export import WorkbookSpec
from clientscope.i18n import t
from clientscope.kpis import period_bounds
from clientscope.overview.data import HEADLINE_METRICS
from clientscope.reports import ReportRequest
from clientscope.reports.common import kpi_sheet, metric_sheet, workbook_spec
from clientscope.semantic import MetricRequest, run_metric_query


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
        kpi_sheet(pc, HEADLINE_METRICS, t("overview.title", lang)),
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
        kpis=True,
    )
