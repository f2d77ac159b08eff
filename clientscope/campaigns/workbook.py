"""The campaigns page's workbook: the campaign table, attribution under every model, channels by model,
conversion paths, monthly attribution and the converted customers — the view's filters and settings applied.

The attribution sheet has exactly the columns of `attribution.ALL_MODELS_COLUMNS` (model, channel, campaign,
attributed_conversions, attributed_revenue) with codes, for pivoting; the other sheets show labels.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from clientscope.campaigns import attribution, display
from clientscope.campaigns import customers as cu
from clientscope.campaigns import table as tb
from clientscope.campaigns import view as vw
from clientscope.campaigns.models import ALL_MODELS_COLUMNS, MODELS
from clientscope.export import EXCEL_MAX_ROWS, ChartSpec, ColumnSpec, SheetSpec, TotalRow, WorkbookSpec
from clientscope.i18n import t
from clientscope.reports import ReportRequest
from clientscope.reports.common import workbook_spec
from clientscope.semantic import FormatSpec, excel_header_unit, excel_number_format
from clientscope.view_context import PageContext

METRICS: tuple[str, ...] = (
    "customers_reached",
    "touches",
    "campaign_conversion_rate",
    "control_conversion_rate",
    "uplift",
    "campaign_cost",
    "attributed_conversions",
    "attributed_revenue",
    "cost_per_acquisition",
    "roi",
)


def _kind(fmt: FormatSpec) -> str:
    return {"currency": "currency", "percent": "percent"}.get(fmt.type, "integer" if fmt.decimals == 0 else "number")


def number_column(pc: PageContext, key: str, column: str, label: str) -> ColumnSpec:
    """A numeric column in the format of the screen column `column` (metrics.yaml)."""
    fmt = display.column_format(pc, column)
    return ColumnSpec(
        key=key,
        label=label + excel_header_unit(fmt, pc.lang),
        kind=_kind(fmt),  # type: ignore[arg-type]
        excel_format=excel_number_format(fmt, pc.lang),
    )


def _text(key: str, label: str, width: float | None = None) -> ColumnSpec:
    return ColumnSpec(key, label, "text", width=width)


def _note(pc: PageContext, settings: vw.Settings) -> str:
    model = t(f"campaigns.model.{settings.model}", pc.lang)
    return t(
        "campaigns.sheet.settings_note",
        pc.lang,
        model=model,
        days=settings.lookback_days,
        half_life=settings.half_life_days,
    )


def campaign_sheet(pc: PageContext, settings: vw.Settings) -> SheetSpec:
    lang = pc.lang
    table = tb.campaign_table(pc, settings)
    labels = display.labels_of(pc)
    rows = table.rows.with_columns(
        campaign_label=pl.col("campaign_id").replace_strict(labels.campaigns, default=pl.col("campaign_name")),
        campaign_type=pl.col("campaign_type").replace(dict(labels.campaign_types)),
        channel=pl.col("channel").replace(dict(labels.channels)),
    )
    model_label = t(f"campaigns.model.{settings.model}", lang)
    columns = (
        _text("campaign_label", pc.model.dimension_label("campaign", lang), 24),
        _text("campaign_id", t("campaigns.col.campaign_id", lang)),
        _text("campaign_type", pc.model.dimension_label("campaign_type", lang)),
        _text("channel", pc.model.dimension_label("channel", lang)),
        ColumnSpec("start_date", t("campaigns.col.start_date", lang), "date"),
        ColumnSpec("end_date", t("campaigns.col.end_date", lang), "date"),
        number_column(pc, "reached", "reached", display.column_label(pc, "reached")),
        number_column(pc, "touches", "touches", display.column_label(pc, "touches")),
        number_column(pc, "reached_measurable", "reached_measurable", t("campaigns.col.measurable", lang)),
        number_column(pc, "reached_converted", "reached_converted", t("campaigns.col.converted", lang)),
        number_column(pc, "conversion_rate", "conversion_rate", display.column_label(pc, "conversion_rate")),
        number_column(pc, "control_customers", "control_customers", t("campaigns.col.control_customers", lang)),
        number_column(
            pc,
            "control_measurable",
            "control_measurable",
            t("campaigns.col.measurable", lang) + " · " + t("campaigns.col.control_customers", lang),
        ),
        number_column(
            pc,
            "control_converted",
            "control_converted",
            t("campaigns.col.converted", lang) + " · " + t("campaigns.col.control_customers", lang),
        ),
        number_column(pc, "control_rate", "control_rate", display.column_label(pc, "control_rate")),
        number_column(pc, "uplift", "uplift", display.column_label(pc, "uplift")),
        number_column(pc, "uplift_low", "uplift", t("campaigns.col.uplift_ci", lang) + " ↓"),
        number_column(pc, "uplift_high", "uplift", t("campaigns.col.uplift_ci", lang) + " ↑"),
        number_column(pc, "relative_uplift", "uplift", t("campaigns.col.relative_uplift", lang)),
        number_column(pc, "relative_low", "uplift", t("campaigns.col.relative_ci", lang) + " ↓"),
        number_column(pc, "relative_high", "uplift", t("campaigns.col.relative_ci", lang) + " ↑"),
        number_column(pc, "cost", "cost", display.column_label(pc, "cost")),
        number_column(
            pc,
            "attributed_conversions",
            "attributed_conversions",
            f"{display.column_label(pc, 'attributed_conversions')} · {model_label}",
        ),
        number_column(
            pc, "cost_per_acquisition", "cost_per_acquisition", display.column_label(pc, "cost_per_acquisition")
        ),
        number_column(pc, "attributed_revenue", "attributed_revenue", display.column_label(pc, "attributed_revenue")),
        number_column(pc, "roi", "roi", display.column_label(pc, "roi")),
    )
    keys = {c.key for c in columns[1:]}
    total = TotalRow(None, {k: v for k, v in table.total.items() if k in keys and k not in {"campaign_id"}})
    return SheetSpec(
        name=t("campaigns.sheet.campaigns", lang),
        title=t("campaigns.table.title", lang),
        columns=columns,
        rows=rows,
        total=total,
        note=" ".join(
            filter(None, (_note(pc, settings), display.pending_note(pc, table), t("campaigns.note.cost", lang)))
        ),
    )


def attribution_sheet(pc: PageContext, settings: vw.Settings) -> SheetSpec:
    """Every model's credit by channel and campaign: exactly ALL_MODELS_COLUMNS, codes as values."""
    lang = pc.lang
    frame = attribution.by_model(pc, settings).select(ALL_MODELS_COLUMNS)
    headers = {
        "model": t("campaigns.col.model", lang),
        "channel": pc.model.dimension_label("channel", lang),
        "campaign": pc.model.dimension_label("campaign", lang),
    }
    columns = (
        *(_text(key, headers[key]) for key in ("model", "channel", "campaign")),
        number_column(
            pc, "attributed_conversions", "attributed_conversions", display.column_label(pc, "attributed_conversions")
        ),
        number_column(pc, "attributed_revenue", "attributed_revenue", display.column_label(pc, "attributed_revenue")),
    )
    return SheetSpec(
        name=t("campaigns.sheet.attribution", lang),
        title=t("campaigns.sheet.attribution", lang),
        columns=columns,
        rows=frame,
        note=t(
            "campaigns.sheet.attribution_note",
            lang,
            days=settings.lookback_days,
            half_life=settings.half_life_days,
        ),
    )


def channel_sheet(pc: PageContext, settings: vw.Settings) -> SheetSpec:
    """Channels × models (attributed conversions), with a native column chart like the page's."""
    lang = pc.lang
    labels = display.labels_of(pc)
    frame = tb.channel_comparison(pc, settings)
    wide = (
        frame.pivot(on="model", index="channel", values="attributed_conversions")
        if frame.height
        else pl.DataFrame(schema={"channel": pl.String})
    )
    for model in MODELS:
        if model not in wide.columns:
            wide = wide.with_columns(pl.lit(0.0).alias(model))
    wide = wide.with_columns(
        *(pl.col(m).fill_null(0.0) for m in MODELS), channel=pl.col("channel").replace(dict(labels.channels))
    )
    columns = (
        _text("channel", pc.model.dimension_label("channel", lang)),
        *(number_column(pc, m, "attributed_conversions", labels.models[m]) for m in MODELS),
    )
    return SheetSpec(
        name=t("campaigns.sheet.channels", lang),
        title=t("campaigns.channels.title", lang),
        columns=columns,
        rows=wide,
        chart=ChartSpec("column", t("campaigns.channels.title", lang), "channel", MODELS) if wide.height else None,
        note=t("campaigns.channels.hint", lang),
    )


def paths_sheet(pc: PageContext, settings: vw.Settings) -> SheetSpec:
    lang = pc.lang
    labels = display.labels_of(pc)
    paths = attribution.top_paths(pc, settings)
    rows = paths.with_columns(
        path_label=pl.Series([display.path_label(p, labels.channels) for p in paths["path"].to_list()], dtype=pl.String)
    )
    columns = (
        _text("path_label", t("campaigns.col.path", lang), 48),
        number_column(pc, "journeys", "touches", t("campaigns.col.journeys", lang)),
        number_column(pc, "conversions", "touches", t("campaigns.col.path_conversions", lang)),
        number_column(pc, "conversion_rate", "conversion_rate", t("campaigns.col.path_rate", lang)),
    )
    return SheetSpec(
        name=t("campaigns.sheet.paths", lang),
        title=t("campaigns.paths.title", lang),
        columns=columns,
        rows=rows,
        note=t("campaigns.paths.hint", lang),
    )


def trend_sheet(pc: PageContext, settings: vw.Settings) -> SheetSpec:
    lang = pc.lang
    labels = {**display.labels_of(pc).campaigns, tb.OTHER: t("campaigns.trend.other", lang)}
    monthly = attribution.monthly(pc, settings).filter(pl.col("model") == settings.model)
    rows = monthly.with_columns(campaign=pl.col("campaign_id").replace(labels)).sort("month", "campaign_id")
    columns = (
        ColumnSpec("month", t("campaigns.col.month", lang), "date"),
        _text("campaign", pc.model.dimension_label("campaign", lang), 24),
        _text("campaign_id", t("campaigns.col.campaign_id", lang)),
        number_column(
            pc, "attributed_conversions", "attributed_conversions", display.column_label(pc, "attributed_conversions")
        ),
        number_column(pc, "attributed_revenue", "attributed_revenue", display.column_label(pc, "attributed_revenue")),
    )
    model = t(f"campaigns.model.{settings.model}", lang)
    return SheetSpec(
        name=t("campaigns.sheet.trend", lang),
        title=t("campaigns.trend.title", lang, model=model),
        columns=columns,
        rows=rows,
        note=_note(pc, settings),
    )


def customers_sheet(pc: PageContext, settings: vw.Settings, list_rows: int | None = None) -> SheetSpec:
    """The first `list_rows` converted customers (up to Excel's row limit) and how many there are; names are
    masked by the writer unless allowed."""
    lang = pc.lang
    labels = display.labels_of(pc)
    converted = cu.converted_customers(pc, settings)
    frame = converted.head(min(list_rows or EXCEL_MAX_ROWS, EXCEL_MAX_ROWS - 10))
    details = cu.customer_details(pc, frame["customer_id"].to_list())
    rows = frame.join(details, on="customer_id", how="left", maintain_order="left").with_columns(
        tier=pl.col("tier").replace(dict(labels.tiers)),
        top_campaign=pl.col("top_campaign").replace(dict(labels.campaigns)),
        last_conversion=pl.col("last_conversion").dt.date(),
    )
    columns = (
        _text("customer_id", t("campaigns.col.customer_id", lang)),
        ColumnSpec(
            "customer_name", t("campaigns.col.customer_name", lang), "text", personal=True, personal_kind="name"
        ),
        _text("region", pc.model.dimension_label("region", lang)),
        _text("branch_name", t("campaigns.col.branch_name", lang)),
        _text("rm_name", t("campaigns.col.rm_name", lang)),
        _text("tier", pc.model.dimension_label("tier", lang)),
        number_column(pc, "conversions", "conversions", t("campaigns.col.conversions", lang)),
        number_column(pc, "conversion_value", "conversion_value", t("campaigns.col.conversion_value", lang)),
        number_column(
            pc, "attributed_conversions", "attributed_conversions", display.column_label(pc, "attributed_conversions")
        ),
        number_column(pc, "attributed_revenue", "attributed_revenue", display.column_label(pc, "attributed_revenue")),
        _text("top_campaign", t("campaigns.col.top_campaign", lang), 24),
        ColumnSpec("last_conversion", t("campaigns.col.last_conversion", lang), "date"),
    )
    selection = display.selection_label(pc)
    title = (
        t("campaigns.customers.of", lang, selection=selection) if selection else t("campaigns.customers.title", lang)
    )
    return SheetSpec(
        name=t("campaigns.sheet.customers", lang),
        title=title,
        columns=columns,
        rows=rows,
        note=_note(pc, settings),
        of_rows=converted.height,
    )


def no_data_sheet(pc: PageContext) -> SheetSpec:
    lang = pc.lang
    missing = vw.missing_tables(pc.db) or vw.REQUIRED_MARTS
    rows = pl.DataFrame(
        {"message": [t("campaigns.no_data.body", lang, tables=", ".join(missing)), t("campaigns.no_data.fix", lang)]}
    )
    return SheetSpec(
        name=t("campaigns.no_data.title", lang),
        title=t("campaigns.no_data.title", lang),
        columns=(_text("message", t("campaigns.no_data.title", lang), 100),),
        rows=rows,
    )


def workbook(request: ReportRequest) -> WorkbookSpec:
    pc = request.page
    settings, _ = vw.settings_of(pc.state, vw.default_lookback(pc))
    if vw.has_campaign_data(pc.db):
        sheets = [
            campaign_sheet(pc, settings),
            attribution_sheet(pc, settings),
            channel_sheet(pc, settings),
            paths_sheet(pc, settings),
            trend_sheet(pc, settings),
            customers_sheet(pc, settings, request.list_rows),
        ]
    else:
        sheets = [no_data_sheet(pc)]
    spec = workbook_spec(
        pc,
        page="campaigns",
        title=t("campaigns.title", pc.lang),
        sheets=sheets,
        metrics=[m for m in METRICS if m in pc.model.metrics],
        generated_at=request.generated_at,
        user=request.user,
    )
    return replace(spec, filters=spec.filters + settings_filters(pc, settings))


def settings_filters(pc: PageContext, settings: vw.Settings) -> tuple[tuple[str, str], ...]:
    """The attribution settings, listed on the cover with the filters."""
    lang = pc.lang
    return (
        (t("campaigns.settings.model", lang), t(f"campaigns.model.{settings.model}", lang)),
        (t("campaigns.settings.lookback", lang), t("campaigns.settings.days", lang, days=settings.lookback_days)),
        (t("campaigns.settings.half_life", lang), t("campaigns.settings.days", lang, days=settings.half_life_days)),
    )
