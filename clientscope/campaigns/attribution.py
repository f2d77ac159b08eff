"""The view's attribution: sums of the credit rows by the view's filters.

With metrics.yaml's default look-back and the default half-life the credit rows are the build step's
(`campaign_credits`, `campaign_journeys`; see serving.py) and every answer is one aggregate query through the
bounded query cache.  Another look-back or half-life recomputes the view's credit rows with the engine (the touches
and conversions the view reads, its own Markov chain), keeps them in the same bounded cache, and answers with the
same SQL run over them, so both ways share one definition of every number; the page says when it recomputed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import polars as pl

from clientscope.cache import QUERY_CACHE, run_named_cached
from clientscope.campaigns import credits
from clientscope.campaigns.view import Settings, View, is_built, view_of
from clientscope.db import QueryResult, decimals_as_float, query_sql, run_named
from clientscope.marts import params_for
from clientscope.semantic.filtering import ViewFilters
from clientscope.semantic.periods import add_months, month_start
from clientscope.view_context import PageContext

log = logging.getLogger(__name__)

PATH_LIMIT = 50
ATTRIBUTION_ROW_CAP = 50_000_000  # a recompute needs every touch of the view; the default cap is for lists
CREDITS_TABLE = "filtered_campaign_credits"
JOURNEYS_TABLE = "filtered_campaign_journeys"
# Keys of the recomputed frames in the query cache (not SQL: the cache keys on any text plus the bound values).
_RECOMPUTED = {CREDITS_TABLE: "recompute:campaigns/credits", JOURNEYS_TABLE: "recompute:campaigns/journeys"}


def month_end(month: str) -> date:
    """The last day of a YYYY-MM month."""
    return add_months(month_start(month), 1) - timedelta(days=1)


def period_params(view: View, lookback_days: int = 0) -> dict[str, Any]:
    """The period as the campaign SQL binds it: month-ends, and the touch window widened by the look-back."""
    after = datetime.combine(add_months(month_start(view.end), 1), datetime.min.time())
    return {
        "start_month": month_end(view.start),
        "end_month": month_end(view.end),
        "touch_from": datetime.combine(month_start(view.start), datetime.min.time()) - timedelta(days=lookback_days),
        "touch_to": after,
        "window_days": view.window_days,
    }


def is_recomputed(pc: PageContext, settings: Settings) -> bool:
    """True when the view's credits are computed for it (no built credits answer its settings)."""
    return not (is_built(pc, settings) and pc.db.has("campaign_credits", "campaign_journeys"))


def credit_query(pc: PageContext, settings: Settings, name: str, extra: Mapping[str, Any] | None = None) -> QueryResult:
    """`queries/campaigns/<name>.sql` over the view's credit rows (built, or recomputed for its settings)."""
    return _query(pc, settings, name, CREDITS_TABLE, extra)


def _query(pc: PageContext, settings: Settings, name: str, table: str, extra: Mapping[str, Any] | None) -> QueryResult:
    view = view_of(pc)
    query = f"campaigns/{name}"
    params = params_for(query_sql(query), {**period_params(view), **(extra or {})})
    if not is_recomputed(pc, settings):
        return run_named_cached(pc.db, query, params, scope=pc.scope, filters=view.filters)
    rows = _recomputed(pc, settings, table)
    return QueryResult(_on_frame(query, table, rows.frame, params), rows.truncated, rows.elapsed_ms)


def _on_frame(query: str, table: str, frame: pl.DataFrame, params: Mapping[str, Any]) -> pl.DataFrame:
    """Run a campaign statement over a recomputed frame, which it reads as `table` (already the view's rows)."""
    con = duckdb.connect()
    try:
        con.register(table, frame.to_arrow())
        return decimals_as_float(con.sql(query_sql(query), params=dict(params)).pl())
    finally:
        con.close()


# --------------------------------------------------------------------------------------------------
# Recomputing a view (a look-back or half-life other than the built one)
# --------------------------------------------------------------------------------------------------


def _recomputed(pc: PageContext, settings: Settings, table: str) -> QueryResult:
    view = view_of(pc)
    key: dict[str, object] = {"lookback": settings.lookback_days, "half_life": settings.half_life_days}
    key.update(start=view.start, end=view.end)  # with the filters and scope: the view's recomputed frames

    def run() -> QueryResult:
        rows, journeys, truncated = recompute(pc, view, settings)
        return QueryResult(rows if table == CREDITS_TABLE else journeys, truncated, 0.0)

    return QUERY_CACHE.fetch(pc.db, _RECOMPUTED[table], key, pc.scope, run, view.filters)


def selected(filters: ViewFilters) -> pl.Expr:
    """The touches a campaign / channel selection keeps (its filters' columns are the touch's)."""
    expr = pl.lit(True)
    for item in filters.items:
        expr = expr & pl.col(item.column).is_in(list(item.values))
    return expr


def recompute(pc: PageContext, view: View, settings: Settings) -> tuple[pl.DataFrame, pl.DataFrame, bool]:
    """The view's credit rows and journey rows for its own look-back and half-life, and whether a row cap cut
    the input.  A selection keeps the customers it reached (with all their touches) and its own touches' credit."""
    params = period_params(view, settings.lookback_days)
    loaded = [
        run_named(
            pc.db,
            f"campaigns/{name}",
            params_for(query_sql(f"campaigns/{name}"), params),
            scope=pc.scope,
            filters=view.customer_filters,
            row_cap=ATTRIBUTION_ROW_CAP,
        )
        for name in ("engine_touches", "engine_conversions")
    ]
    touches, conversions = loaded[0].frame, loaded[1].frame
    truncated = any(result.truncated for result in loaded)
    if truncated:
        log.warning("attribution: more than %d rows in the view; the rest were left out", ATTRIBUTION_ROW_CAP)
    choice = selected(view.touch_filters)
    if view.selects:
        reached = touches.filter(choice).select("customer_id").unique()
        touches = touches.join(reached, on="customer_id", how="semi")
        conversions = conversions.join(reached, on="customer_id", how="semi")
    journeys = credits.journeys_of(touches, conversions, lookback_days=settings.lookback_days)
    effects = credits.removal_effects_of(journeys)
    rows = credits.credit_rows(
        touches, conversions, effects, lookback_days=settings.lookback_days, half_life_days=settings.half_life_days
    )
    if view.selects:
        rows = rows.filter(choice)
    paths = credits.journey_rows(journeys, touches).with_columns(
        journey_set=pl.lit("default"), month=pl.lit(None, pl.Date)
    )
    return rows, paths, truncated


# --------------------------------------------------------------------------------------------------
# What the page shows
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    conversions: int  # conversions of the view (under a selection: those the selection touched in their window)
    revenue: float
    attributed: int  # conversions with at least one touch in their window
    unattributed: int
    unattributed_revenue: float
    credited: int  # conversions with credit from the selection (= attributed when nothing is selected)
    truncated: bool
    recomputed: bool


def totals(pc: PageContext, settings: Settings) -> Totals:
    result = credit_query(pc, settings, "credit_totals")
    row = result.frame.row(0, named=True) if result.frame.height else {}
    conversions, unattributed = int(row.get("conversions") or 0), int(row.get("unattributed") or 0)
    return Totals(
        conversions=conversions,
        revenue=float(row.get("revenue") or 0.0),
        attributed=conversions - unattributed,
        unattributed=unattributed,
        unattributed_revenue=float(row.get("unattributed_revenue") or 0.0),
        credited=int(row.get("credited") or 0),
        truncated=result.truncated,
        recomputed=is_recomputed(pc, settings),
    )


def by_model(pc: PageContext, settings: Settings) -> pl.DataFrame:
    """Every model's credit: model, channel, campaign, attributed_conversions, attributed_revenue."""
    return credit_query(pc, settings, "credit_by_model").frame


def monthly(pc: PageContext, settings: Settings) -> pl.DataFrame:
    """model, month, campaign_id, attributed_conversions, attributed_revenue."""
    return credit_query(pc, settings, "credit_by_month").frame


def top_paths(pc: PageContext, settings: Settings) -> pl.DataFrame:
    """path (channel codes joined by PATH_SEPARATOR), journeys, conversions, conversion_rate: the most frequent."""
    journey_set = "default" if view_of(pc).default_period or is_recomputed(pc, settings) else "all"
    extra = {"journey_set": journey_set, "limit": PATH_LIMIT}
    return _query(pc, settings, "top_paths", JOURNEYS_TABLE, extra).frame


def paths_ignore_selection(pc: PageContext, settings: Settings) -> bool:
    """True when the built paths answer a campaign / channel selection: they hold every journey of the customers
    in the view, the selection does not narrow them (the page says so)."""
    return view_of(pc).selects and not is_recomputed(pc, settings)
