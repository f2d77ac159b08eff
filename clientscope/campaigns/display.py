"""Labels, screen formats and grid rows of the campaigns page, shared by the page and the workbook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from clientscope.campaigns.credits import CELL_COLUMNS, CREDIT_COLUMNS
from clientscope.campaigns.journeys import PATH_SEPARATOR
from clientscope.campaigns.models import MODELS
from clientscope.campaigns.table import CampaignTable
from clientscope.campaigns.view import TOUCH_DIMENSIONS, view_of
from clientscope.i18n import join_words, t
from clientscope.semantic import FormatSpec, format_change, format_pct_change, format_value
from clientscope.view_context import PageContext

EMPTY = "—"  # what format_value shows for a missing number


def ignored_filters(pc: PageContext) -> tuple[str, ...]:
    """Dimensions filtered in the view that campaign data cannot be cut by (e.g. city): shown as a note."""
    return pc.filters.ignored_by((*CREDIT_COLUMNS, *CELL_COLUMNS))


_FALLBACK_FORMATS: dict[str, FormatSpec] = {
    "count": FormatSpec(type="number", decimals=0),
    "percent": FormatSpec(type="percent", decimals=2),
    "money": FormatSpec(type="currency", unit="auto", decimals=2),  # in the model's currency (column_format)
}
# Screen column → the metrics.yaml metric whose format (and label) it uses, with a fallback kind.
COLUMN_METRICS: dict[str, tuple[str, str]] = {
    "reached": ("customers_reached", "count"),
    "touches": ("touches", "count"),
    "reached_measurable": ("customers_reached", "count"),
    "reached_converted": ("customers_reached", "count"),
    "control_customers": ("customers_reached", "count"),
    "control_measurable": ("customers_reached", "count"),
    "control_converted": ("customers_reached", "count"),
    "conversion_rate": ("campaign_conversion_rate", "percent"),
    "control_rate": ("control_conversion_rate", "percent"),
    "uplift": ("uplift", "percent"),
    "cost": ("campaign_cost", "money"),
    "attributed_conversions": ("attributed_conversions", "count"),
    "attributed_revenue": ("attributed_revenue", "money"),
    "cost_per_acquisition": ("cost_per_acquisition", "money"),
    "roi": ("roi", "percent"),
    "conversions": ("conversions", "count"),
    "conversion_value": ("attributed_revenue", "money"),
}


def column_format(pc: PageContext, column: str) -> FormatSpec:
    """The metrics.yaml format of a screen column; credit sums get at least two decimals (they are
    fractional under every model but first and last touch)."""
    metric, kind = COLUMN_METRICS[column]
    fmt = pc.model.format_of(metric) if metric in pc.model.metrics else _FALLBACK_FORMATS[kind]
    if fmt.type == "currency":
        fmt = fmt.model_copy(update={"currency": pc.model.currency})
    if column == "attributed_conversions":
        fmt = fmt.model_copy(update={"decimals": max(fmt.decimals, 2)})
    return fmt


def column_label(pc: PageContext, column: str, fallback_key: str | None = None) -> str:
    """A column's header: the metrics.yaml label of its metric, else a UI string."""
    metric = COLUMN_METRICS.get(column, (None, ""))[0]
    if fallback_key is None and metric in pc.model.metrics:
        return pc.model.label(metric, pc.lang)
    return t(fallback_key or f"campaigns.col.{column}", pc.lang)


def column_help(pc: PageContext, column: str) -> str:
    metric = COLUMN_METRICS.get(column, (None, ""))[0]
    return pc.model.description(metric, pc.lang) if metric in pc.model.metrics else ""


@dataclass(frozen=True)
class Labels:
    campaigns: Mapping[str, str]
    channels: Mapping[str, str]
    campaign_types: Mapping[str, str]
    tiers: Mapping[str, str]
    models: Mapping[str, str]


def labels_of(pc: PageContext) -> Labels:
    def dimension(name: str) -> dict[str, str]:
        return pc.model.value_labels(name, pc.lang) if name in pc.model.dimensions else {}

    return Labels(
        campaigns=dict(pc.choices.labels.get("campaign", {})),
        channels=dimension("channel"),
        campaign_types=dimension("campaign_type"),
        tiers=pc.model.tier_labels(pc.lang),
        models={m: t(f"campaigns.model.{m}", pc.lang) for m in MODELS},
    )


def path_label(path: str, channels: Mapping[str, str]) -> str:
    return " → ".join(channels.get(step, step) for step in path.split(PATH_SEPARATOR))


def interval_text(low: float | None, high: float | None, fmt: FormatSpec, lang: str, *, relative: bool) -> str:
    if low is None or high is None:
        return EMPTY
    if relative:
        return f"{format_pct_change(low, lang)} ~ {format_pct_change(high, lang)}"
    return f"{format_change(low, fmt, lang)} ~ {format_change(high, fmt, lang)}"


def _texts(pc: PageContext, row: Mapping[str, Any]) -> dict[str, str]:
    lang = pc.lang
    texts = {
        f"{c}_text": format_value(row.get(c), column_format(pc, c), lang)
        for c in (
            "reached",
            "touches",
            "reached_measurable",
            "reached_converted",
            "control_customers",
            "control_measurable",
            "conversion_rate",
            "control_rate",
            "cost",
            "attributed_conversions",
            "attributed_revenue",
            "cost_per_acquisition",
            "roi",
        )
    }
    uplift_format = column_format(pc, "uplift")
    texts["uplift_text"] = format_change(row.get("uplift"), uplift_format, lang)
    texts["uplift_ci_text"] = interval_text(
        row.get("uplift_low"), row.get("uplift_high"), uplift_format, lang, relative=False
    )
    texts["relative_uplift_text"] = format_pct_change(row.get("relative_uplift"), lang)
    texts["relative_ci_text"] = interval_text(
        row.get("relative_low"), row.get("relative_high"), uplift_format, lang, relative=True
    )
    return texts


def pending_note(pc: PageContext, table: CampaignTable) -> str | None:
    """How many reached and control customers the conversion rates leave out because every one of their touches'
    windows runs past the data's last month-end (complete windows only); None when there are none."""
    total = table.total
    reached = int(total["reached"]) - int(total["reached_measurable"])
    control = int(total["control_customers"]) - int(total["control_measurable"])
    if not reached and not control:
        return None
    months = pc.choices.months
    count = column_format(pc, "reached")
    return t(
        "campaigns.note.pending",
        pc.lang,
        reached=format_value(reached, count, pc.lang),
        control=format_value(control, count, pc.lang),
        days=view_of(pc).window_days,
        month=months[-1] if months else view_of(pc).end,
    )


def campaign_grid_rows(pc: PageContext, table: CampaignTable) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The campaign table as grid rows (numbers for sorting, `<column>_text` as shown) and the total row."""
    labels = labels_of(pc)
    rows = []
    for row in table.rows.iter_rows(named=True):
        shown = {
            **row,
            **_texts(pc, row),
            "campaign_label": labels.campaigns.get(row["campaign_id"]) or row["campaign_name"] or row["campaign_id"],
            "campaign_type_label": labels.campaign_types.get(row["campaign_type"], row["campaign_type"] or EMPTY),
            "channel_label": labels.channels.get(row["channel"], row["channel"] or EMPTY),
            "start_date": row["start_date"].isoformat() if row["start_date"] else EMPTY,
            "end_date": row["end_date"].isoformat() if row["end_date"] else EMPTY,
        }
        rows.append(shown)
    total = {**table.total, **_texts(pc, table.total), "campaign_label": t("campaigns.table.total", pc.lang)}
    return rows, total


def path_grid_rows(pc: PageContext, paths: pl.DataFrame) -> list[dict[str, Any]]:
    channels = labels_of(pc).channels
    count, rate = column_format(pc, "touches"), column_format(pc, "conversion_rate")
    return [
        {
            **row,
            "path_label": path_label(row["path"], channels),
            "journeys_text": format_value(row["journeys"], count, pc.lang),
            "conversions_text": format_value(row["conversions"], count, pc.lang),
            "conversion_rate_text": format_value(row["conversion_rate"], rate, pc.lang),
        }
        for row in paths.iter_rows(named=True)
    ]


def selection_label(pc: PageContext) -> str | None:
    """The selected campaigns and channels, in words (None when nothing is selected)."""
    view = view_of(pc)
    if not view.selects:
        return None
    labels = labels_of(pc)
    mapping = {
        "campaign": labels.campaigns,
        "channel": labels.channels,
        "campaign_type": labels.campaign_types,
        "product_type": pc.model.value_labels("product_type", pc.lang) if "product_type" in pc.model.dimensions else {},
    }
    parts = [
        join_words([mapping[item.dimension].get(v, v) for v in item.values], pc.lang)
        for item in view.filters.items
        if item.dimension in TOUCH_DIMENSIONS
    ]
    return " · ".join(parts)


def uplift_chart_rows(pc: PageContext, rows: pl.DataFrame) -> pl.DataFrame:
    """Campaign rows with a measurable uplift, plus the texts the uplift chart's hover shows."""
    rows = rows.filter(pl.col("uplift").is_not_null())
    fmt = column_format(pc, "uplift")
    lows, highs = rows["uplift_low"].to_list(), rows["uplift_high"].to_list()
    return rows.with_columns(
        uplift_text=pl.Series([format_change(v, fmt, pc.lang) for v in rows["uplift"].to_list()], dtype=pl.String),
        interval_text=pl.Series(
            [interval_text(lo, hi, fmt, pc.lang, relative=False) for lo, hi in zip(lows, highs, strict=True)],
            dtype=pl.String,
        ),
    )


def with_revenue_text(pc: PageContext, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with `revenue_text`: its attributed_revenue as the screen shows it."""
    fmt = column_format(pc, "attributed_revenue")
    texts = [format_value(v, fmt, pc.lang) for v in frame["attributed_revenue"].to_list()]
    return frame.with_columns(revenue_text=pl.Series(texts, dtype=pl.String))
