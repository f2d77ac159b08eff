"""Data behind the campaigns page: campaign KPIs with control-group uplift, multi-touch attribution under the
chosen model, every model's channel credit side by side, conversion paths, and the converted customers.

Flow: the page filters become `$named` parameters of the SQL in `queries/campaigns/` (so only the touches and
conversions the view needs leave DuckDB), the frames go through the attribution engine
(`clientscope.analytics.attribution`) and `clientscope.analytics.uplift`, and the results are assembled into
small tables for the figures, the grids and the workbook.

Performance: attribution over millions of touches must not run per click.  The engine's outputs are kept in
bounded `functools.lru_cache`s keyed by (database, data version, viewer scope, filters, period, look-back,
half-life), all hashable; switching the model is a cache hit (every model is computed once per key, as the
channel comparison shows them all).  Nothing else is kept between requests.

Definitions (docs/attribution.md has the engine's rules):

- reach, touches, conversion rate and control-group conversion rate follow metrics.yaml's `customers_reached`,
  `touches`, `campaign_conversion_rate` and `control_conversion_rate`: touches in the period's months narrowed
  by every filter; a customer converts when any conversion falls within `rules.conversion.window_days` after
  one of their touches.  Complete windows only: the rates count only the touches whose window has ended by
  the data's last month-end (`reached_measurable`, `control_measurable`); `reached - reached_measurable`
  reached customers are not yet measurable (every touch's window still open), the page and workbook say how
  many.  Uplift compares the measurable reached and control customers with `uplift()`.
- attribution credits the conversions of the period (customer filters as of the conversion's month) to the
  contacted touches in the look-back window before each; a campaign or channel selection (filter bar or a
  click) keeps the credit earned by the selected touches, over the customers the selection reached.
- cost is the campaign's cost when it starts in the period (metrics.yaml books `campaign_cost` in the start
  month); a campaign that started earlier shows no cost, CPA or ROI.  Customer filters do not split a cost.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import polars as pl

from clientscope.analytics.attribution import (
    ALL_MODELS_COLUMNS,
    MODELS,
    PATH_SEPARATOR,
    build_journeys,
    build_paths,
    first_touch_credits,
    fit_markov,
    last_touch_credits,
    linear_credits,
    markov_credits,
    position_based_credits,
    removal_effects,
    summarise,
    time_decay_credits,
)
from clientscope.analytics.uplift import uplift
from clientscope.components.page import PageContext
from clientscope.db import Database, QueryResult, ViewerScope, query_sql, run_named
from clientscope.export import mask_value
from clientscope.i18n import join_words, t
from clientscope.kpis import period_bounds
from clientscope.marts import params_for
from clientscope.money import cents_total
from clientscope.semantic import FormatSpec, format_change, format_pct_change, format_value
from clientscope.state import Notice, ViewState

log = logging.getLogger(__name__)

# URL page options (`p.<name>`, see clientscope.state): the attribution settings of the view.
MODEL_OPTION = "model"
LOOKBACK_OPTION = "lookback"
HALF_LIFE_OPTION = "half_life"
DEFAULT_MODEL = "last_touch"  # the same rule as metrics.yaml's attributed_* metrics, so the numbers agree
LOOKBACK_CHOICES: tuple[int, ...] = (7, 14, 30, 60, 90)
HALF_LIFE_CHOICES: tuple[int, ...] = (1, 3, 7, 14, 30)
DEFAULT_HALF_LIFE = 7
MARKOV_STATES = "channel"

REQUIRED_TABLES: tuple[str, ...] = ("campaigns", "touches", "conversions")
REQUIRED_MARTS: tuple[str, ...] = ("campaign_facts", "touch_facts", "conversion_facts")
# metrics.yaml dimensions the campaign SQL can filter on (the columns touch_facts and conversion_facts share),
# and those that describe the touch (a selection of campaigns or channels).
CUSTOMER_FILTERS: tuple[str, ...] = (
    "region",
    "branch",
    "rm",
    "tier",
    "tier_alt",
    "stage",
    "acquisition_channel",
    "gender",
    "age_band",
    "warning_level",
)
TOUCH_FILTERS: tuple[str, ...] = ("campaign", "channel", "campaign_type", "product_type")
PATH_LIMIT = 50
TREND_CAMPAIGNS = 8
OTHER = "__other__"
TOTAL_ID = "__total__"
EMPTY = "—"  # what format_value shows for a missing number
ATTRIBUTION_ROW_CAP = 50_000_000  # the engine needs every touch of the view; the default cap is for lists
CUSTOMER_SORT_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "conversions",
    "conversion_value",
    "attributed_conversions",
    "attributed_revenue",
    "last_conversion",
)


# --------------------------------------------------------------------------------------------------
# What the view asks for
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The attribution settings of the view (URL page options `p.model`, `p.lookback`, `p.half_life`)."""

    model: str
    lookback_days: int
    half_life_days: int


def lookback_choices(default: int) -> tuple[int, ...]:
    return tuple(sorted({*LOOKBACK_CHOICES, default}))


def settings_of(state: ViewState, default_lookback: int) -> tuple[Settings, tuple[Notice, ...]]:
    """The settings in the URL, each constrained to its choices; a value outside them becomes a notice."""
    notices: list[Notice] = []

    def choice(name: str, allowed: Sequence[str], default: str) -> str:
        raw = state.options.get(name)
        value = state.option(name, allowed, default)
        if raw is not None and raw != value:
            notices.append(Notice(f"p.{name}", raw, "bad_choice"))
        return value

    model = choice(MODEL_OPTION, MODELS, DEFAULT_MODEL)
    lookback = choice(LOOKBACK_OPTION, [str(d) for d in lookback_choices(default_lookback)], str(default_lookback))
    half_life = choice(HALF_LIFE_OPTION, [str(h) for h in HALF_LIFE_CHOICES], str(DEFAULT_HALF_LIFE))
    return Settings(model, int(lookback), int(half_life)), tuple(notices)


def settings_state(state: ViewState, settings: Settings, default_lookback: int) -> ViewState:
    """`state` carrying `settings` as page options; defaults are left out so URLs stay short."""
    defaults = {
        MODEL_OPTION: DEFAULT_MODEL,
        LOOKBACK_OPTION: str(default_lookback),
        HALF_LIFE_OPTION: str(DEFAULT_HALF_LIFE),
    }
    values = {
        MODEL_OPTION: settings.model,
        LOOKBACK_OPTION: str(settings.lookback_days),
        HALF_LIFE_OPTION: str(settings.half_life_days),
    }
    for name, value in values.items():
        state = state.with_option(name, None if value == defaults[name] else value)
    return state


@dataclass(frozen=True)
class View:
    """The hashable description of the data a view needs: the key of every cache below."""

    version: str
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # metrics.yaml dimension → values, sorted
    start: str  # YYYY-MM
    end: str  # YYYY-MM
    window_days: int

    @property
    def selects(self) -> bool:
        """True when campaigns or channels are selected: the credit reported is the selection's."""
        return any(dim in TOUCH_FILTERS for dim, _ in self.filters)

    def values(self, dimension: str) -> tuple[str, ...]:
        return dict(self.filters).get(dimension, ())


def has_campaign_data(db: Database) -> bool:
    return db.has(*REQUIRED_TABLES, *REQUIRED_MARTS)


def missing_tables(db: Database) -> tuple[str, ...]:
    """The extract tables the page needs and the folder lacks."""
    return tuple(name for name in REQUIRED_TABLES if not db.has(name))


def view_of(pc: PageContext) -> View:
    start, end = period_bounds(pc)
    usable = {
        dim: tuple(sorted(values))
        for dim, values in pc.metric_filters().items()
        if dim in CUSTOMER_FILTERS + TOUCH_FILTERS and values
    }
    return View(
        version=pc.db.version,
        filters=tuple(sorted(usable.items())),
        start=start,
        end=end,
        window_days=pc.model.rules.conversion.window_days,
    )


def ignored_filters(pc: PageContext) -> tuple[str, ...]:
    """Dimensions filtered in the view that campaign data cannot be cut by (e.g. city): shown as a note."""
    return tuple(dim for dim in pc.metric_filters() if dim not in CUSTOMER_FILTERS + TOUCH_FILTERS)


def default_lookback(pc: PageContext) -> int:
    return pc.model.rules.conversion.attribution_lookback_days


# --------------------------------------------------------------------------------------------------
# SQL parameters
# --------------------------------------------------------------------------------------------------


def _month_start(month: str) -> date:
    return date.fromisoformat(month + "-01")


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _month_end(month: str) -> date:
    return _next_month(_month_start(month)) - timedelta(days=1)


def sql_params(view: View, lookback_days: int = 0) -> dict[str, Any]:
    """Every `$named` value the campaign SQL uses (each statement takes the ones it names)."""
    params: dict[str, Any] = {f"f_{dim}": list(view.values(dim)) or None for dim in CUSTOMER_FILTERS + TOUCH_FILTERS}
    start = _month_start(view.start)
    params.update(
        start_month=_month_end(view.start),
        end_month=_month_end(view.end),
        touch_from=datetime.combine(start, datetime.min.time()) - timedelta(days=lookback_days),
        touch_to=datetime.combine(_next_month(_month_start(view.end)), datetime.min.time()),
        window_days=view.window_days,
        select_customers=view.selects,
    )
    return params


def _run(db: Database, name: str, params: Mapping[str, Any], scope: ViewerScope, **kwargs: Any) -> QueryResult:
    """Run `queries/campaigns/<name>.sql` with the parameters it names."""
    query = f"campaigns/{name}"
    return run_named(db, query, params_for(query_sql(query), params), scope=scope, **kwargs)


# --------------------------------------------------------------------------------------------------
# Attribution (cached)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Attribution:
    """The engine's outputs for one view and look-back / half-life, every model at once."""

    conversions: int  # conversions of the view
    revenue: float
    attributed: int  # conversions with at least one touch in their window
    unattributed: int
    unattributed_revenue: float
    credited: int  # conversions with credit from the selection (= attributed when nothing is selected)
    by_model: pl.DataFrame  # ALL_MODELS_COLUMNS: model, channel, campaign, attributed_conversions, attributed_revenue
    monthly: pl.DataFrame  # model, month, campaign_id, attributed_conversions, attributed_revenue
    paths: pl.DataFrame  # path (channel codes joined by PATH_SEPARATOR), journeys, conversions, conversion_rate
    truncated: bool
    # kept for the per-customer drill (model-specific, computed on demand)
    conversion_paths: pl.DataFrame
    effects: pl.DataFrame
    selection: pl.DataFrame | None  # touch_id of the selected touches, when a selection is active


def model_credits(model: str, paths: pl.DataFrame, effects: pl.DataFrame, *, half_life_days: float) -> pl.DataFrame:
    """Credits of one model over built paths, with the engine's public per-model functions (see
    `attribution.attribute`, which rebuilds the paths on every call); Markov uses removal `effects`."""
    if model == "first_touch":
        return first_touch_credits(paths)
    if model == "last_touch":
        return last_touch_credits(paths)
    if model == "linear":
        return linear_credits(paths)
    if model == "time_decay":
        return time_decay_credits(paths, half_life_days=half_life_days)
    if model == "position_based":
        return position_based_credits(paths)
    if model == "markov":
        return markov_credits(paths, effects, by=MARKOV_STATES)
    raise ValueError(f"unknown attribution model '{model}'; choose one of: {', '.join(MODELS)}")


def top_paths_of(journeys: pl.DataFrame, limit: int = PATH_LIMIT) -> pl.DataFrame:
    """The engine's `top_paths` over journeys already built (same grouping and order)."""
    return (
        journeys.sort("journey_id", "position")
        .group_by("journey_id", maintain_order=True)
        .agg(path=pl.col("channel").str.join(PATH_SEPARATOR), converted=pl.col("converted").first())
        .group_by("path")
        .agg(journeys=pl.len().cast(pl.Int64), conversions=pl.col("converted").sum().cast(pl.Int64))
        .with_columns(conversion_rate=pl.col("conversions") / pl.col("journeys"))
        .sort(["journeys", "conversions", "path"], descending=[True, True, False])
        .head(limit)
    )


def _selected(credits: pl.DataFrame, selection: pl.DataFrame | None) -> pl.DataFrame:
    return credits if selection is None else credits.join(selection, on="touch_id", how="semi")


def load_frames(
    db: Database, scope: ViewerScope, view: View, lookback_days: int
) -> tuple[pl.DataFrame, pl.DataFrame, bool]:
    """(touches, conversions) for the engine, filtered in SQL, and whether either hit the row cap."""
    params = sql_params(view, lookback_days)
    touches = _run(db, "attribution_touches", params, scope, row_cap=ATTRIBUTION_ROW_CAP)
    conversions = _run(db, "attribution_conversions", params, scope, row_cap=ATTRIBUTION_ROW_CAP)
    truncated = touches.truncated or conversions.truncated
    if truncated:
        log.warning("attribution: more than %d rows in the view; the rest were left out", ATTRIBUTION_ROW_CAP)
    return touches.frame, conversions.frame, truncated


@lru_cache(maxsize=8)
def _attribution(db: Database, scope: ViewerScope, view: View, lookback_days: int, half_life_days: int) -> Attribution:
    touches, conversions, truncated = load_frames(db, scope, view, lookback_days)
    paths = build_paths(touches, conversions, lookback_days=lookback_days)
    journeys = build_journeys(touches, conversions, lookback_days=lookback_days)
    effects = removal_effects(fit_markov(journeys, by=MARKOV_STATES))
    selection = touches.filter(pl.col("selected")).select("touch_id") if view.selects else None
    months = conversions.select(pl.col("conversion_id").cast(pl.String), "month", pl.col("value").cast(pl.Float64))
    by_model, monthly = [], []
    credited = 0
    for model in MODELS:
        credits = _selected(model_credits(model, paths, effects, half_life_days=half_life_days), selection)
        if model == "linear":  # every touch in a window gets linear credit: these are the credited conversions
            credited = credits["conversion_id"].n_unique()
        by_model.append(
            summarise(credits, conversions, by=("channel", "campaign_id")).select(
                model=pl.lit(model),
                channel="channel",
                campaign="campaign_id",
                attributed_conversions="attributed_conversions",
                attributed_revenue="attributed_revenue",
            )
        )
        monthly.append(
            credits.join(months, on="conversion_id", how="left")
            .group_by("month", "campaign_id")
            .agg(
                attributed_conversions=pl.col("credit").sum(),
                attributed_revenue=(pl.col("credit") * pl.col("value").fill_null(0.0)).sum(),
            )
            .with_columns(model=pl.lit(model))
            .select("model", "month", "campaign_id", "attributed_conversions", "attributed_revenue")
        )
    per_conversion = paths.group_by("conversion_id").agg(
        n=pl.col("n_touches").first(), value=pl.col("value").first().cast(pl.Float64)
    )
    empty = per_conversion.filter(pl.col("n") == 0)
    return Attribution(
        conversions=per_conversion.height,
        revenue=cents_total(per_conversion["value"]),
        attributed=per_conversion.height - empty.height,
        unattributed=empty.height,
        unattributed_revenue=cents_total(empty["value"]),
        credited=credited,
        by_model=pl.concat(by_model).select(ALL_MODELS_COLUMNS).sort("model", "channel", "campaign"),
        monthly=pl.concat(monthly).sort("model", "month", "campaign_id"),
        paths=top_paths_of(journeys),
        truncated=truncated,
        conversion_paths=paths,
        effects=effects,
        selection=selection,
    )


def attribution(pc: PageContext, settings: Settings) -> Attribution:
    return _attribution(pc.db, pc.scope, view_of(pc), settings.lookback_days, settings.half_life_days)


# --------------------------------------------------------------------------------------------------
# Campaign table
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _counts(db: Database, scope: ViewerScope, view: View) -> pl.DataFrame:
    return _run(db, "campaign_counts", sql_params(view), scope).frame


@lru_cache(maxsize=16)
def _campaign_list(db: Database, scope: ViewerScope, view: View) -> pl.DataFrame:
    return _run(db, "campaign_list", sql_params(view), scope).frame


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
    view = view_of(pc)
    counts = _counts(pc.db, pc.scope, view)
    listing = _campaign_list(pc.db, pc.scope, view)
    credit = (
        attribution(pc, settings)
        .by_model.filter(pl.col("model") == settings.model)
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
    return CampaignTable(rows, total)


# --------------------------------------------------------------------------------------------------
# Channels across models, trend by campaign
# --------------------------------------------------------------------------------------------------


def channel_comparison(pc: PageContext, settings: Settings) -> pl.DataFrame:
    """model, channel, attributed_conversions, attributed_revenue: the same channel credited by each model."""
    return (
        attribution(pc, settings)
        .by_model.group_by("model", "channel")
        .agg(pl.col("attributed_conversions").sum(), pl.col("attributed_revenue").sum())
        .sort("model", "channel")
    )


def campaign_trend(pc: PageContext, settings: Settings, top: int = TREND_CAMPAIGNS) -> pl.DataFrame:
    """month (its first day), campaign_id, attributed_conversions, attributed_revenue under the chosen model;
    the campaigns beyond the `top` largest are summed as OTHER."""
    monthly = attribution(pc, settings).monthly.filter(pl.col("model") == settings.model)
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


# --------------------------------------------------------------------------------------------------
# Converted customers (the drill list)
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _customer_credits(
    db: Database, scope: ViewerScope, view: View, lookback_days: int, half_life_days: int, model: str
) -> pl.DataFrame:
    result = _attribution(db, scope, view, lookback_days, half_life_days)
    paths = result.conversion_paths
    credits = _selected(model_credits(model, paths, result.effects, half_life_days=half_life_days), result.selection)
    conversions = paths.group_by("conversion_id").agg(
        pl.col("customer_id").first(), pl.col("conversion_ts").first(), pl.col("value").first().cast(pl.Float64)
    )
    joined = credits.join(conversions, on="conversion_id", how="inner")
    top = (
        joined.group_by("customer_id", "campaign_id")
        .agg(pl.col("credit").sum())
        .sort(["customer_id", "credit", "campaign_id"], descending=[False, True, False])
        .group_by("customer_id", maintain_order=True)
        .agg(top_campaign=pl.col("campaign_id").first())
    )
    per_conversion = joined.group_by("conversion_id").agg(
        pl.col("customer_id").first(),
        pl.col("conversion_ts").first(),
        pl.col("value").first(),
        credit=pl.col("credit").sum(),
    )
    return (
        per_conversion.group_by("customer_id")
        .agg(
            conversions=pl.len().cast(pl.Int64),
            conversion_value=pl.col("value").sum(),
            attributed_conversions=pl.col("credit").sum(),
            attributed_revenue=(pl.col("credit") * pl.col("value")).sum(),
            last_conversion=pl.col("conversion_ts").max(),
        )
        .join(top, on="customer_id", how="left")
        .sort(["attributed_revenue", "customer_id"], descending=[True, False])
    )


def converted_customers(pc: PageContext, settings: Settings) -> pl.DataFrame:
    """One row per customer whose conversions earned credit (from the selection, if any) under the model:
    customer_id, conversions, conversion_value, attributed_conversions, attributed_revenue, last_conversion,
    top_campaign; largest attributed revenue first."""
    return _customer_credits(
        pc.db, pc.scope, view_of(pc), settings.lookback_days, settings.half_life_days, settings.model
    )


def sort_customers(frame: pl.DataFrame, sort_model: Sequence[Mapping[str, str]] | None) -> pl.DataFrame:
    """Order by the grid's sort model (allow-listed columns only), customer_id breaking ties."""
    keys, descending = [], []
    for item in sort_model or ():
        column = item.get("colId")
        if column in CUSTOMER_SORT_COLUMNS and column not in keys:
            keys.append(column)
            descending.append(item.get("sort") == "desc")
    if not keys:
        return frame
    if "customer_id" not in keys:
        keys.append("customer_id")
        descending.append(False)
    return frame.sort(keys, descending=descending, nulls_last=True)


def customer_details(pc: PageContext, customer_ids: Sequence[str]) -> pl.DataFrame:
    """Name, region, branch, RM and end-of-period tier of the listed customers (one query per page of rows)."""
    schema = {
        "customer_id": pl.String,
        "customer_name": pl.String,
        "region": pl.String,
        "branch_id": pl.String,
        "branch_name": pl.String,
        "rm_id": pl.String,
        "rm_name": pl.String,
        "tier": pl.String,
    }
    if not customer_ids:
        return pl.DataFrame(schema=schema)
    _, end = period_bounds(pc)
    params = {"customer_ids": list(customer_ids), "end_month": _month_end(end)}
    frame = run_named(pc.db, "campaigns/customer_details", params, scope=pc.scope, row_cap=len(customer_ids)).frame
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


def customer_rows(
    pc: PageContext, settings: Settings, start: int, end: int, sort_model: Sequence[Mapping[str, str]] | None
) -> tuple[pl.DataFrame, int]:
    """One page of the converted-customer list (rows `start`..`end`-1 in the grid's order) with details,
    and the number of rows in the whole list."""
    frame = sort_customers(converted_customers(pc, settings), sort_model)
    start = max(start, 0)
    page = frame.slice(start, max(end - start, 0))
    details = customer_details(pc, page["customer_id"].to_list())
    return page.join(details, on="customer_id", how="left", maintain_order="left"), frame.height


# --------------------------------------------------------------------------------------------------
# Headline numbers
# --------------------------------------------------------------------------------------------------


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
    result = attribution(pc, settings)
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


def clear_caches() -> None:
    """Drop every cached result (tests; a data refresh changes the version in the keys anyway)."""
    for cached in (_attribution, _counts, _campaign_list, _customer_credits):
        cached.cache_clear()


# --------------------------------------------------------------------------------------------------
# Labels and screen formats (shared by the page and the workbook)
# --------------------------------------------------------------------------------------------------

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


def customer_grid_rows(frame: pl.DataFrame, pc: PageContext, link_query: str) -> list[dict[str, Any]]:
    """A page of converted customers as grid rows: id as a link to the customer 360 page, names masked
    unless the viewer may see personal data, codes as labels, numbers with their `_text`."""
    labels = labels_of(pc)
    formats = {c: column_format(pc, c) for c in ("conversions", "conversion_value", "attributed_conversions")}
    formats["attributed_revenue"] = column_format(pc, "attributed_revenue")
    rows = []
    for row in frame.iter_rows(named=True):
        name = row.get("customer_name")
        shown = {
            "customer_id": row["customer_id"],
            "customer_link": f"[{row['customer_id']}](/customers/{quote(row['customer_id'])}{link_query})",
            "customer_name": name if pc.scope.can_see_personal else mask_value(name, "name"),
            "region": row.get("region") or EMPTY,
            "branch_name": row.get("branch_name") or row.get("branch_id") or EMPTY,
            "rm_name": row.get("rm_name") or row.get("rm_id") or EMPTY,
            "tier": labels.tiers.get(row.get("tier") or "", row.get("tier") or EMPTY),
            "top_campaign": labels.campaigns.get(row.get("top_campaign") or "", row.get("top_campaign") or EMPTY),
            "last_conversion": row["last_conversion"].strftime("%Y-%m-%d") if row.get("last_conversion") else EMPTY,
        }
        for column, fmt in formats.items():
            shown[column] = row[column]
            shown[f"{column}_text"] = format_value(row[column], fmt, pc.lang)
        rows.append(shown)
    return rows


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
        join_words([mapping[dim].get(v, v) for v in values], pc.lang)
        for dim, values in view.filters
        if dim in TOUCH_FILTERS
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
