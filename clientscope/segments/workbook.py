"""The segments page's workbook: one sheet per chart and table the page shows, plus the customer lists."""

from __future__ import annotations

import polars as pl

from clientscope.customer_list import CustomerSegment, customer_filters, list_sheet
from clientscope.export import ChartSpec, ColumnSpec, SheetSpec, WorkbookSpec
from clientscope.i18n import t
from clientscope.reports import ReportRequest
from clientscope.reports.common import kpi_sheet, metric_sheet, workbook_spec
from clientscope.segments.lists import list_segment, list_title
from clientscope.segments.migration import migration, tier_flows
from clientscope.segments.mix import breakdown, breakdown_labels, tier_mix, tier_trend
from clientscope.segments.potential import SIGNALS, potential, potential_rule
from clientscope.segments.products import penetration, products_per_customer
from clientscope.segments.view import (
    HEADLINE_METRICS,
    TAG,
    SegmentsView,
    axis_filters,
    migration_labels,
    segments_view,
    tier_codes,
)
from clientscope.semantic import excel_header_unit, excel_number_format
from clientscope.view_context import PageContext

PERCENT = "0.0%"


def _money(pc: PageContext, key: str, label: str) -> ColumnSpec:
    fmt = pc.model.format_of("aum_total")
    return ColumnSpec(key, label + excel_header_unit(fmt, pc.lang), "currency", excel_number_format(fmt, pc.lang))


def _count(key: str, label: str) -> ColumnSpec:
    return ColumnSpec(key, label, "integer")


def _share(key: str, label: str) -> ColumnSpec:
    return ColumnSpec(key, label, "percent", PERCENT)


def _tier_labels(pc: PageContext) -> dict[str, str]:
    return migration_labels(pc)


def _labelled(frame: pl.DataFrame, column: str, labels: dict[str, str]) -> pl.DataFrame:
    return frame.with_columns(pl.col(column).cast(pl.Utf8).replace(labels))


def mix_sheet(pc: PageContext, view: SegmentsView) -> SheetSpec:
    lang = pc.lang
    compare = t(f"compare.{pc.state.compare}", lang)
    frame = _labelled(tier_mix(pc, view), "tier", _tier_labels(pc))
    customers, aum = pc.model.label("customers", lang), pc.model.label("aum_total", lang)
    prior = t("export.prior", lang, comparison=compare)
    columns = (
        ColumnSpec("tier", pc.model.dimension_label("tier", lang), "text"),
        _count("customers", customers),
        _count("customers_prior", f"{customers} · {prior}"),
        _share("customers_share", t("segments.mix.customer_share", lang)),
        _share("customers_share_prior", f"{t('segments.mix.customer_share', lang)} · {prior}"),
        ColumnSpec("customers_share_change", t("segments.export.share_change_pp", lang), "number", "0.0000"),
        _money(pc, "aum_total", aum),
        _money(pc, "aum_total_prior", f"{aum} · {prior}"),
        _share("aum_total_share", t("segments.mix.aum_share", lang)),
        _share("aum_total_share_prior", f"{t('segments.mix.aum_share', lang)} · {prior}"),
        ColumnSpec("aum_total_share_change", t("segments.export.share_change_pp", lang), "number", "0.0000"),
    )
    title = t("segments.mix.title", lang, month=view.end)
    return SheetSpec(
        name=t("segments.export.mix", lang),
        title=title,
        columns=columns,
        rows=frame,
        chart=ChartSpec("column", title, "tier", ("customers",)),
        note=t("segments.export.share_note", lang),
    )


def trend_sheet(pc: PageContext, view: SegmentsView) -> SheetSpec:
    lang = pc.lang
    frame = _labelled(tier_trend(pc, view), "tier", _tier_labels(pc))
    return SheetSpec(
        name=t("segments.export.trend", lang),
        title=t("segments.trend.title", lang, start=view.start, end=view.end),
        columns=(
            ColumnSpec("period", t("export.period", lang), "date"),
            ColumnSpec("tier", pc.model.dimension_label("tier", lang), "text"),
            _count("customers", pc.model.label("customers", lang)),
            _money(pc, "aum_total", pc.model.label("aum_total", lang)),
            _share("customers_share", t("segments.mix.customer_share", lang)),
            _share("aum_share", t("segments.mix.aum_share", lang)),
        ),
        rows=frame,
    )


def breakdown_sheet(pc: PageContext, view: SegmentsView) -> SheetSpec:
    lang = pc.lang
    frame = breakdown(pc, view)
    labels = breakdown_labels(pc, view, frame["value"].unique().to_list())
    frame = _labelled(_labelled(frame, "value", labels), "tier", _tier_labels(pc))
    dimension = t("segments.tag", lang) if view.breakdown == TAG else pc.model.dimension_label(view.breakdown, lang)
    return SheetSpec(
        name=t("segments.export.breakdown", lang),
        title=t("segments.breakdown.title", lang, month=view.end) + f" · {dimension}",
        columns=(
            ColumnSpec("value", dimension, "text"),
            ColumnSpec("tier", pc.model.dimension_label("tier", lang), "text"),
            _count("customers", pc.model.label("customers", lang)),
            _money(pc, "aum_total", pc.model.label("aum_total", lang)),
        ),
        rows=frame,
        note=t("segments.export.tag_note", lang) if view.breakdown == TAG else None,
    )


def penetration_sheet(pc: PageContext, view: SegmentsView) -> SheetSpec | None:
    lang = pc.lang
    frame = penetration(pc, view)
    if frame is None:
        return None
    frame = _labelled(frame, "tier", _tier_labels(pc))
    frame = _labelled(frame, "product_type", pc.model.value_labels("product_type", lang))
    return SheetSpec(
        name=t("segments.export.penetration", lang),
        title=t("segments.products.penetration", lang) + f" · {view.end}",
        columns=(
            ColumnSpec("tier", pc.model.dimension_label("tier", lang), "text"),
            ColumnSpec("product_type", pc.model.dimension_label("product_type", lang), "text"),
            _count("holders", t("segments.products.holders", lang)),
            _count("customers", pc.model.label("customers", lang)),
            _share("share", t("segments.share", lang)),
        ),
        rows=frame,
    )


def migration_sheets(pc: PageContext, view: SegmentsView) -> list[SheetSpec]:
    lang = pc.lang
    labels = _tier_labels(pc)
    matrix = migration(pc, view)
    flows = tier_flows(matrix, tier_codes(pc))
    title = t("segments.migration.title", lang, start=view.opening_month, end=view.to_month)
    tier = pc.model.dimension_label("tier", lang)
    matrix_sheet = SheetSpec(
        name=t("segments.export.migration", lang),
        title=title,
        columns=(
            ColumnSpec("from_tier", t("segments.col.from_tier", lang), "text"),
            ColumnSpec("to_tier", t("segments.col.to_tier", lang), "text"),
            _count("customers", pc.model.label("customers", lang)),
            _money(pc, "aum_from", t("segments.col.aum_from", lang)),
            _money(pc, "aum_to", t("segments.col.aum_to", lang)),
        ),
        rows=_labelled(_labelled(matrix, "from_tier", labels), "to_tier", labels),
        note=t("segments.migration.note", lang),
    )
    flow_sheet = SheetSpec(
        name=t("segments.export.flows", lang),
        title=title,
        columns=(
            ColumnSpec("tier", tier, "text"),
            _count("opening", t("segments.flow.opening", lang)),
            _money(pc, "opening_aum", t("segments.flow.opening_aum", lang)),
            _count("moved_in", t("segments.flow.moved_in", lang)),
            _count("new", t("segments.flow.new", lang)),
            _count("moved_out", t("segments.flow.moved_out", lang)),
            _count("closed", t("segments.flow.closed", lang)),
            _count("closing", t("segments.flow.closing", lang)),
            _money(pc, "closing_aum", t("segments.flow.closing_aum", lang)),
            _money(pc, "aum_in", t("segments.flow.aum_in", lang)),
            _money(pc, "aum_out", t("segments.flow.aum_out", lang)),
            _money(pc, "net_aum_moved", t("segments.flow.net_aum", lang)),
        ),
        rows=_labelled(flows, "tier", labels),
    )
    return [matrix_sheet, flow_sheet]


def potential_sheet(pc: PageContext, view: SegmentsView) -> SheetSpec:
    lang = pc.lang
    frame = _labelled(potential(pc, view), "tier", _tier_labels(pc))
    rule = potential_rule(pc.model)
    return SheetSpec(
        name=t("segments.export.potential", lang),
        title=t("segments.potential.title", lang, month=view.end),
        columns=(
            ColumnSpec("tier", pc.model.dimension_label("tier", lang), "text"),
            _count("candidates", t("segments.potential.candidates", lang)),
            _count("potential", t("segments.potential.count", lang)),
            _money(pc, "potential_aum", t("segments.potential.aum", lang)),
            *(_count(name, t(f"segments.signal.{name}", lang)) for name in SIGNALS),
        ),
        rows=frame,
        note=t(
            "segments.potential.rule",
            lang,
            headroom=f"{rule.headroom_share:.0%}",
            growth=f"{rule.aum_growth_min:.0%}",
            growth_months=rule.growth_months,
            lookback=rule.lookback_months,
            peer=f"{rule.peer_share:.0%}",
            signals=rule.min_signals,
        ),
    )


def workbook(request: ReportRequest) -> WorkbookSpec:
    pc = request.page
    lang = pc.lang
    view = segments_view(pc)
    per_customer = products_per_customer(pc, view)
    sheets: list[SheetSpec | None] = [
        kpi_sheet(pc, HEADLINE_METRICS, t("segments.title", lang)),
        mix_sheet(pc, view),
        trend_sheet(pc, view),
        breakdown_sheet(pc, view),
        penetration_sheet(pc, view),
        metric_sheet(
            pc,
            name=t("segments.export.products", lang),
            title=pc.model.label("products_per_customer", lang),
            frame=per_customer,
            dimensions=("tier",),
            metrics=("products_per_customer", "cross_sell_rate"),
            chart="column",
        ),
        *migration_sheets(pc, view),
        potential_sheet(pc, view),
        list_sheet(
            pc,
            CustomerSegment(view.end, customer_filters(axis_filters(pc)), view.tag, "potential"),
            name=t("segments.export.potential_list", lang),
            title=t("segments.list.potential", lang, month=view.end),
            list_rows=request.list_rows,
        ),
    ]
    if not view.potential:  # the list the page shows: the book, or a migration cell (with its tag)
        sheets.append(
            list_sheet(
                pc,
                list_segment(pc, view),
                name=t("segments.export.list", lang),
                title=list_title(pc, view),
                list_rows=request.list_rows,
            )
        )
    return workbook_spec(
        pc,
        page="segments",
        title=t("segments.title", lang),
        sheets=[s for s in sheets if s is not None],
        metrics=(*HEADLINE_METRICS, "customers", "aum_total", "products_per_customer", "cross_sell_rate"),
        generated_at=request.generated_at,
        user=request.user,
        kpis=True,
    )
