"""The campaign table (reach, control-group uplift, cost, credit, ROI per campaign and in total), every model's
credit by channel, and the credit trend by campaign.

Reach and conversion counts follow metrics.yaml's `customers_reached`, `touches`, `campaign_conversion_rate` and
`control_conversion_rate` (complete windows only, `queries/campaigns/campaign_counts.sql`); the credit is the
attribution model's (`attribution.py`); cost is the campaign's when it starts in the period (metrics.yaml books
`campaign_cost` in the start month).  Customer filters do not split a cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from clientscope.cache import run_named_cached
from clientscope.campaigns import attribution, serving
from clientscope.campaigns.uplift import uplift
from clientscope.campaigns.view import Settings, view_of
from clientscope.db import FULL_SCOPE, query_sql
from clientscope.marts import params_for
from clientscope.money import cents_total
from clientscope.view_context import PageContext

TREND_CAMPAIGNS = 8
OTHER = "__other__"
TOTAL_ID = "__total__"
COUNT_COLUMNS: tuple[str, ...] = (
    "reached",
    "touches",
    "reached_measurable",
    "reached_converted",
    "control_customers",
    "control_measurable",
    "control_converted",
)
UPLIFT_COLUMNS: tuple[str, ...] = (
    "conversion_rate",
    "control_rate",
    "uplift",
    "uplift_low",
    "uplift_high",
    "relative_uplift",
    "relative_low",
    "relative_high",
)
TABLE_COLUMNS: tuple[str, ...] = (
    "campaign_id",
    "campaign_name",
    "campaign_type",
    "channel",
    "start_date",
    "end_date",
    *COUNT_COLUMNS,
    *UPLIFT_COLUMNS,
    "cost",
    "attributed_conversions",
    "attributed_revenue",
    "cost_per_acquisition",
    "roi",
)


def _run(pc: PageContext, name: str, *, filtered: bool, keep: bool = False) -> pl.DataFrame:
    """`queries/campaigns/<name>.sql` for the view's period (and filters), through the query cache; with `keep`, the
    whole bank's unfiltered answer is kept on disk (`serving.kept_answer`: the page's first visit reads it)."""
    query = f"campaigns/{name}"
    params = params_for(query_sql(query), attribution.period_params(view_of(pc)))
    filters = pc.filters if filtered else None

    def run() -> pl.DataFrame:
        return run_named_cached(pc.db, query, params, scope=pc.scope, filters=filters).frame

    if keep and not filters and pc.scope == FULL_SCOPE:
        return serving.kept_answer(pc.db, pc.model.rules, query, params, run)
    return run()


def _counts(pc: PageContext) -> pl.DataFrame:
    """Per campaign and in total: reach and conversions, exact distinct customers (the slowest answer to count)."""
    return _run(pc, "campaign_counts", filtered=True, keep=True)


def warm(pc: PageContext) -> None:
    """Compute what the page's default view keeps on disk (the build step calls it with the default view); extracts
    without campaigns (the page says so) have nothing to keep."""
    if pc.db.has(*serving.REQUIRED):  # the counts alone: a start with them kept reads one file's name
        _counts(pc)


def _uplift_columns(row: Mapping[str, Any]) -> dict[str, float | None]:
    result = uplift(  # complete windows only: the measurable customers and their converters
        int(row["reached_measurable"] or 0),
        int(row["reached_converted"] or 0),
        int(row["control_measurable"] or 0),
        int(row["control_converted"] or 0),
    )
    return {
        "conversion_rate": result.treated_rate,
        "control_rate": result.control_rate,
        "uplift": result.absolute,
        "uplift_low": result.absolute_low,
        "uplift_high": result.absolute_high,
        "relative_uplift": result.relative,
        "relative_low": result.relative_low,
        "relative_high": result.relative_high,
    }


def _money_columns(frame: pl.DataFrame) -> pl.DataFrame:
    cost, conversions, revenue = pl.col("cost"), pl.col("attributed_conversions"), pl.col("attributed_revenue")
    return frame.with_columns(
        cost_per_acquisition=pl.when(conversions > 0).then(cost / conversions),
        roi=pl.when(cost > 0).then((revenue - cost) / cost),
    )


@dataclass(frozen=True, eq=False)
class CampaignTable:
    rows: pl.DataFrame  # TABLE_COLUMNS, one row per campaign
    total: dict[str, Any]  # the same keys: distinct customers over all campaigns, sums of cost and credit


def campaign_table(pc: PageContext, settings: Settings) -> CampaignTable:
    counts = _counts(pc)
    listing = _run(pc, "campaign_list", filtered=False)
    credit = (
        attribution.by_model(pc, settings)
        .filter(pl.col("model") == settings.model)
        .group_by("campaign")
        .agg(pl.col("attributed_conversions").sum(), pl.col("attributed_revenue").sum())
        .rename({"campaign": "campaign_id"})
    )
    detail = counts.filter(~pl.col("is_total")).drop("is_total")
    active = pl.concat([detail.select("campaign_id"), credit.select("campaign_id")]).unique()
    rows = (
        active.join(listing, on="campaign_id", how="left")
        .join(detail, on="campaign_id", how="left")
        .join(credit, on="campaign_id", how="left")
        .with_columns(
            *(pl.col(c).fill_null(0).cast(pl.Int64) for c in COUNT_COLUMNS),
            pl.col("attributed_conversions").fill_null(0.0),
            pl.col("attributed_revenue").fill_null(0.0),
            cost=pl.col("cost_in_period"),
        )
    )
    uplifts = pl.DataFrame(
        [_uplift_columns(r) for r in rows.iter_rows(named=True)],
        schema={c: pl.Float64 for c in UPLIFT_COLUMNS},
    )
    rows = (
        _money_columns(pl.concat([rows, uplifts], how="horizontal"))
        .sort(["start_date", "campaign_id"], nulls_last=True)
        .select(TABLE_COLUMNS)
    )
    return CampaignTable(rows, _total(counts, rows))


def _total(counts: pl.DataFrame, rows: pl.DataFrame) -> dict[str, Any]:
    totals = counts.filter(pl.col("is_total"))
    total: dict[str, Any] = {c: int(totals[c][0] or 0) if totals.height else 0 for c in COUNT_COLUMNS}
    total.update(_uplift_columns(total))
    total["cost"] = cents_total(rows["cost"]) if rows["cost"].null_count() < rows.height else None
    total["attributed_conversions"] = float(rows["attributed_conversions"].sum())
    total["attributed_revenue"] = float(rows["attributed_revenue"].sum())
    money = _money_columns(pl.DataFrame([total], schema_overrides={"cost": pl.Float64}))
    total["cost_per_acquisition"] = money["cost_per_acquisition"][0]
    total["roi"] = money["roi"][0]
    total["campaign_id"] = TOTAL_ID
    return total


def channel_comparison(pc: PageContext, settings: Settings) -> pl.DataFrame:
    """model, channel, attributed_conversions, attributed_revenue: the same channel credited by each model."""
    return (
        attribution.by_model(pc, settings)
        .group_by("model", "channel")
        .agg(pl.col("attributed_conversions").sum(), pl.col("attributed_revenue").sum())
        .sort("model", "channel")
    )


def campaign_trend(pc: PageContext, settings: Settings, top: int = TREND_CAMPAIGNS) -> pl.DataFrame:
    """month (its first day), campaign_id, attributed_conversions, attributed_revenue under the chosen model;
    the campaigns beyond the `top` largest are summed as OTHER."""
    monthly = attribution.monthly(pc, settings).filter(pl.col("model") == settings.model)
    leaders = (
        monthly.group_by("campaign_id")
        .agg(pl.col("attributed_conversions").sum())
        .sort(["attributed_conversions", "campaign_id"], descending=[True, False])
        .head(top)["campaign_id"]
    )
    named = pl.when(pl.col("campaign_id").is_in(leaders.implode())).then(pl.col("campaign_id")).otherwise(pl.lit(OTHER))
    return (
        monthly.with_columns(campaign_id=named, month=pl.col("month").dt.month_start())
        .group_by("month", "campaign_id")
        .agg(pl.col("attributed_conversions").sum(), pl.col("attributed_revenue").sum())
        .sort("month", "campaign_id")
    )


@dataclass(frozen=True)
class Headline:
    reached: int
    conversions: int
    attributed: int  # conversions with a touch in their window (any model credits exactly these)
    credited: float  # Σ credit of the selection under the model (= attributed when nothing is selected)
    unattributed: int
    unattributed_revenue: float
    attributed_revenue: float
    cost: float | None
    cost_per_acquisition: float | None
    roi: float | None


def headline(pc: PageContext, settings: Settings, table: CampaignTable) -> Headline:
    result = attribution.totals(pc, settings)
    total = table.total
    return Headline(
        reached=int(total["reached"]),
        conversions=result.conversions,
        attributed=result.attributed,
        credited=float(total["attributed_conversions"]),
        unattributed=result.unattributed,
        unattributed_revenue=result.unattributed_revenue,
        attributed_revenue=float(total["attributed_revenue"]),
        cost=total["cost"],
        cost_per_acquisition=total["cost_per_acquisition"],
        roi=total["roi"],
    )
