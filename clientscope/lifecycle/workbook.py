"""The lifecycle page's workbook: one sheet per chart and table the page shows, with the same numbers.

Sheets: the funnel (with the churned outflow), the funnel by the comparison dimension, cohort retention (the
matrix of the measure chosen on the page, and the long detail with both measures), the stage flow, time to
activate, the stage mix, the customer list of the current drill target, and the step definitions.
"""

from __future__ import annotations

import polars as pl

from clientscope.export import ChartSpec, ColumnSpec, SheetSpec, WorkbookSpec
from clientscope.i18n import t
from clientscope.lifecycle import api as lc
from clientscope.reports import ReportRequest
from clientscope.reports.common import workbook_spec
from clientscope.semantic import excel_number_format, format_value
from clientscope.semantic.formats import currency_unit

DEFINITION_METRICS: tuple[str, ...] = (
    "new_customers",
    "active_customers",
    "dormant_customers",
    "churned_customers",
    "customers",
    "aum_total",
)
INTEGER = "#,##0"
PERCENT = "0.0%"


def _money_format(pc) -> str:
    return excel_number_format(pc.model.formats["cny"], pc.lang)


def funnel_sheet(pc, view: lc.LifecycleView, funnel: pl.DataFrame) -> SheetSpec:
    lang = pc.lang
    steps = lc.step_labels(lang, view.windows)
    rows = funnel.with_columns(pl.col("step").replace_strict(steps).alias("step_label"))
    columns = (
        ColumnSpec("step_label", t("lifecycle.col.step", lang), "text", width=24),
        ColumnSpec("customers", t("lifecycle.col.customers", lang), "integer", excel_format=INTEGER),
        ColumnSpec("pct_start", t("lifecycle.col.pct_start", lang), "percent", excel_format=PERCENT),
        ColumnSpec("pct_previous", t("lifecycle.col.pct_previous", lang), "percent", excel_format=PERCENT),
        ColumnSpec("measurable", t("lifecycle.col.measurable", lang), "integer", excel_format=INTEGER),
        ColumnSpec("pending", t("lifecycle.col.pending", lang), "integer", excel_format=INTEGER),
    )
    pending = lc.pending_note(lang, funnel, steps, lambda n: format_value(n, pc.model.formats["count"], lang))
    note = t(
        "lifecycle.export.funnel_note",
        lang,
        note=t("lifecycle.def.measurable", lang) + (f" {pending}" if pending else ""),
        start=view.start,
        end=view.end,
        as_of=view.as_of,
    )
    return SheetSpec(
        name=t("lifecycle.sheet.funnel", lang),
        title=t("lifecycle.funnel.title", lang),
        columns=columns,
        rows=rows,
        chart=ChartSpec("bar", t("lifecycle.funnel.title", lang), "step_label", ("customers",)),
        note=note,
    )


def compare_sheet(pc, view: lc.LifecycleView, members: pl.DataFrame) -> SheetSpec:
    lang = pc.lang
    steps = lc.step_labels(lang, view.windows)
    groups = lc.group_labels(pc, view.dim)
    frame = lc.funnel_by(members, view.dim, lc.group_order(pc, view.dim)).with_columns(
        pl.col("group").replace(groups).alias("group_label"),
        pl.col("step").replace_strict(steps).alias("step_label"),
    )
    columns = (
        ColumnSpec("group_label", pc.model.dimension_label(view.dim, lang), "text", width=18),
        ColumnSpec("group_size", t("lifecycle.col.group_size", lang), "integer", excel_format=INTEGER),
        ColumnSpec("step_label", t("lifecycle.col.step", lang), "text", width=20),
        ColumnSpec("customers", t("lifecycle.col.customers", lang), "integer", excel_format=INTEGER),
        ColumnSpec("pct_start", t("lifecycle.col.pct_start", lang), "percent", excel_format=PERCENT),
        ColumnSpec("pct_previous", t("lifecycle.col.pct_previous", lang), "percent", excel_format=PERCENT),
        ColumnSpec("measurable", t("lifecycle.col.measurable", lang), "integer", excel_format=INTEGER),
        ColumnSpec("pending", t("lifecycle.col.pending", lang), "integer", excel_format=INTEGER),
    )
    title = t("lifecycle.compare.title", lang, dimension=pc.model.dimension_label(view.dim, lang))
    return SheetSpec(name=t("lifecycle.sheet.compare", lang), title=title, columns=columns, rows=frame)


def retention_matrix_sheet(pc, view: lc.LifecycleView, retention: pl.DataFrame) -> SheetSpec:
    lang = pc.lang
    share = "active_share" if view.retention == "customers" else "aum_share"
    offsets = sorted(set(retention["month_offset"].to_list())) if retention.height else []
    if retention.height:
        wide = (
            retention.with_columns(pl.col("cohort").dt.strftime("%Y-%m").alias("cohort_label"))
            .pivot(on="month_offset", index=["cohort_label", "cohort_size"], values=share, sort_columns=False)
            .sort("cohort_label")
        )
        wide = wide.rename({str(k): f"m{k}" for k in offsets if str(k) in wide.columns})
    else:
        wide = pl.DataFrame(schema={"cohort_label": pl.Utf8, "cohort_size": pl.Int64})
    columns = [
        ColumnSpec("cohort_label", t("lifecycle.retention.cohort", lang), "text"),
        ColumnSpec("cohort_size", t("lifecycle.retention.cohort_size", lang), "integer", excel_format=INTEGER),
    ]
    columns += [
        ColumnSpec(f"m{k}", t("lifecycle.export.offset_col", lang, k=k), "percent", excel_format=PERCENT)
        for k in offsets
    ]
    measure = t(f"lifecycle.retention.{view.retention}", lang)
    return SheetSpec(
        name=t("lifecycle.sheet.retention", lang),
        title=f"{t('lifecycle.retention.title', lang)} · {measure}",
        columns=tuple(columns),
        rows=wide,
        note=t("lifecycle.export.retention_note", lang, measure=measure),
    )


def retention_detail_sheet(pc, retention: pl.DataFrame) -> SheetSpec:
    lang = pc.lang
    money = _money_format(pc)
    columns = (
        ColumnSpec("cohort", t("lifecycle.retention.cohort", lang), "date", excel_format="yyyy-mm"),
        ColumnSpec("month_offset", t("lifecycle.col.offset", lang), "integer", excel_format=INTEGER),
        ColumnSpec("cohort_size", t("lifecycle.retention.cohort_size", lang), "integer", excel_format=INTEGER),
        ColumnSpec("active", t("lifecycle.retention.active", lang), "integer", excel_format=INTEGER),
        ColumnSpec("active_share", t("lifecycle.retention.customers", lang), "percent", excel_format=PERCENT),
        ColumnSpec("aum_base", t("lifecycle.retention.aum_base", lang), "currency", excel_format=money),
        ColumnSpec("aum", t("lifecycle.retention.aum_now", lang), "currency", excel_format=money),
        ColumnSpec("aum_share", t("lifecycle.retention.aum", lang), "percent", excel_format=PERCENT),
    )
    return SheetSpec(
        name=t("lifecycle.sheet.retention_detail", lang),
        title=t("lifecycle.retention.title", lang),
        columns=columns,
        rows=retention,
        note=t("lifecycle.retention.hint", lang),
    )


def flow_sheet(pc, view: lc.LifecycleView, flow: pl.DataFrame) -> SheetSpec:
    lang = pc.lang
    states = lc.state_labels(pc)
    money = _money_format(pc)
    rows = flow.with_columns(
        pl.col("from_state").replace(states).alias("from_label"),
        pl.col("to_state").replace(states).alias("to_label"),
    )
    react = lc.reactivation(flow)
    rate = (
        t(
            "lifecycle.flow.reactivation",
            lang,
            rate=format_value(react.rate, pc.model.formats["percent"], lang),
            dormant=react.dormant,
            reactivated=react.reactivated,
        )
        if react.dormant
        else t("lifecycle.flow.no_dormant", lang, months=pc.model.rules.lifecycle.dormant_months)
    )
    unit = currency_unit(pc.model.currency, lang)
    columns = (
        ColumnSpec("from_label", t("lifecycle.col.from_state", lang), "text", width=16),
        ColumnSpec("to_label", t("lifecycle.col.to_state", lang), "text", width=16),
        ColumnSpec("customers", t("lifecycle.col.customers", lang), "integer", excel_format=INTEGER),
        ColumnSpec("share", t("lifecycle.flow.share_of_from", lang), "percent", excel_format=PERCENT),
        ColumnSpec("aum_a", t("lifecycle.col.aum_a", lang, unit=unit), "currency", excel_format=money),
        ColumnSpec("aum_b", t("lifecycle.col.aum_b", lang, unit=unit), "currency", excel_format=money),
    )
    return SheetSpec(
        name=t("lifecycle.sheet.flow", lang),
        title=t("lifecycle.flow.title", lang),
        columns=columns,
        rows=rows,
        note=t("lifecycle.export.flow_note", lang, a=view.flow_a, b=view.flow_b, rate=rate),
    )


def activation_sheet(pc, view: lc.LifecycleView, members: pl.DataFrame) -> SheetSpec:
    lang = pc.lang
    frame = lc.activation_histogram(members).with_columns(
        pl.col("bucket").replace({lc.NOT_ACTIVATED: t("lifecycle.activation.never", lang)}).alias("bucket_label")
    )
    columns = (
        ColumnSpec("bucket_label", t("lifecycle.col.offset", lang), "text"),
        ColumnSpec(
            "within",
            t("lifecycle.activation.within", lang, days=view.windows.activation_days),
            "integer",
            excel_format=INTEGER,
        ),
        ColumnSpec("after", t("lifecycle.activation.after", lang), "integer", excel_format=INTEGER),
        ColumnSpec("customers", t("lifecycle.col.customers", lang), "integer", excel_format=INTEGER),
    )
    return SheetSpec(
        name=t("lifecycle.sheet.activation", lang),
        title=t("lifecycle.activation.title", lang),
        columns=columns,
        rows=frame,
        chart=ChartSpec("stacked_column", t("lifecycle.activation.title", lang), "bucket_label", ("within", "after")),
        note=t("lifecycle.activation.offset", lang),
    )


def mix_sheet(pc, view: lc.LifecycleView) -> SheetSpec:
    lang = pc.lang
    frame = lc.stage_mix(pc, view).with_columns(
        pl.col("stage").replace(pc.model.value_labels("stage", lang)).alias("stage_label")
    )
    columns = (
        ColumnSpec("period", t("lifecycle.col.month", lang), "date", excel_format="yyyy-mm"),
        ColumnSpec("stage_label", t("lifecycle.col.stage", lang), "text"),
        ColumnSpec("customers", t("lifecycle.col.customers", lang), "integer", excel_format=INTEGER),
        ColumnSpec("share", t("lifecycle.col.share", lang), "percent", excel_format=PERCENT),
    )
    return SheetSpec(
        name=t("lifecycle.sheet.mix", lang), title=t("lifecycle.mix.title", lang), columns=columns, rows=frame
    )


def list_sheet(pc, view: lc.LifecycleView, list_rows: int | None = None) -> SheetSpec:
    lang = pc.lang
    drill = lc.drill_list(pc, view)
    labels = lc.list_value_labels(pc)
    rows = drill.rows if list_rows is None else drill.rows.head(list_rows)
    for column, mapping in labels.items():
        if column in rows.columns and mapping:
            rows = rows.with_columns(pl.col(column).cast(pl.Utf8).replace(mapping))
    bools = [c for c, dtype in rows.schema.items() if dtype == pl.Boolean]
    yes, no = t("lifecycle.yes", lang), t("lifecycle.no", lang)
    rows = rows.with_columns(pl.when(pl.col(c)).then(pl.lit(yes)).otherwise(pl.lit(no)).alias(c) for c in bools)
    money = _money_format(pc)
    columns = []
    for column in drill.columns:
        label = lc.list_header(pc, view, column)
        dtype = drill.rows.schema[column]
        if dtype == pl.Date:
            columns.append(ColumnSpec(column, label, "date"))
        elif column in {"latest_aum", "aum_at", "aum_a", "aum_b", "aum_total"}:
            columns.append(ColumnSpec(column, label, "currency", excel_format=money))
        elif dtype.is_integer():
            columns.append(ColumnSpec(column, label, "integer", excel_format=INTEGER))
        else:
            columns.append(ColumnSpec(column, label, "text"))
    return SheetSpec(
        name=t("lifecycle.sheet.list", lang),
        title=f"{t('lifecycle.list.title', lang)} · {lc.list_title(pc, view, view.target)}",
        columns=tuple(columns),
        rows=rows,
        of_rows=drill.total,
    )


def definitions_sheet(pc, view: lc.LifecycleView) -> SheetSpec:
    lang = pc.lang
    steps = lc.step_labels(lang, view.windows)
    definitions = lc.step_definitions(pc, view.windows)
    frame = pl.DataFrame(
        {
            "step": [steps[s] for s in (*lc.STEPS, lc.OUTFLOW)],
            "definition": [definitions[s] for s in (*lc.STEPS, lc.OUTFLOW)],
        }
    )
    columns = (
        ColumnSpec("step", t("lifecycle.col.step", lang), "text", width=24),
        ColumnSpec("definition", t("lifecycle.col.definition", lang), "text", width=100),
    )
    return SheetSpec(
        name=t("lifecycle.sheet.definitions", lang),
        title=t("lifecycle.def.title", lang),
        columns=columns,
        rows=frame,
        note=t("lifecycle.def.measurable", lang) + " " + t("lifecycle.def.reopen", lang),
    )


def workbook(request: ReportRequest) -> WorkbookSpec:
    pc = request.page
    lang = pc.lang
    view = lc.lifecycle_view(pc)
    frames = lc.cohort_cells(pc, view)  # the same cohort behind each chart as on the page
    funnel = lc.funnel(frames.funnel)
    retention = lc.retention(frames.retention)
    flow = lc.stage_flow(pc, view)
    sheets = [
        funnel_sheet(pc, view, funnel),
        compare_sheet(pc, view, frames.groups),
        retention_matrix_sheet(pc, view, retention),
        retention_detail_sheet(pc, retention),
        flow_sheet(pc, view, flow),
        activation_sheet(pc, view, frames.activation),
        mix_sheet(pc, view),
        list_sheet(pc, view, request.list_rows),
        definitions_sheet(pc, view),
    ]
    return workbook_spec(
        pc,
        page="lifecycle",
        title=t("lifecycle.title", lang),
        sheets=sheets,
        metrics=DEFINITION_METRICS,
        generated_at=request.generated_at,
        user=request.user,
        value_labels=lc.cross_value_labels(pc, view),
    )
