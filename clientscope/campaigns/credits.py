"""Each conversion's credits under every attribution model, and the journeys, as frames.

The build step writes these frames for the default look-back and half-life (`serving.py`); a view with another
look-back or half-life computes the same frames for its own touches and conversions (`attribution.py`).  Either
way the page's numbers are sums over one frame shape, by the same SQL (`queries/campaigns/credit_*.sql`).

Credit rows (`CREDIT_COLUMNS`): one row per (conversion, contacted touch in its look-back window), and one row
with null touch columns for a conversion with no touch in its window (`n_touches` 0).  `first_row` marks one row
per conversion (counts and revenue of conversions).  Each model's column holds that touch's credit (null when the
model gives it nothing), so the credits of every attributed conversion sum to 1 under every model.

A conversion's path holds every contacted touch of the customer in its window whatever the filters, so the rule
models' credits of a conversion do not depend on the view.  The Markov model's shares do: they come from the
removal effects of a chain fitted over journeys (`removal_effects_of`).
"""

from __future__ import annotations

import polars as pl

from clientscope.campaigns.journeys import PATH_SEPARATOR, build_journeys, build_paths
from clientscope.campaigns.markov import fit_markov, markov_credits, removal_effects
from clientscope.campaigns.models import (
    MODELS,
    first_touch_credits,
    last_touch_credits,
    linear_credits,
    position_based_credits,
    time_decay_credits,
)

MARKOV_STATES = "channel"
CONVERTING_PREFIX = "conversion:"  # attribution.build_journeys names a converting journey after its conversion
CONVERSION_KEYS: tuple[str, ...] = ("conversion_id", "customer_id", "month", "conversion_ts", "value")
TOUCH_KEYS: tuple[str, ...] = ("touch_id", "campaign_id", "channel", "campaign_type", "product_type")
# The customer's filter-bar attributes (metrics.yaml dimension columns) the built files carry, as of the conversion's
# month (or a non-converting journey's last touch): the customer filters the page honours.
CELL_COLUMNS: tuple[str, ...] = (
    "region", "branch_id", "rm_id", "acquisition_channel", "gender", "age_band", "tier", "tier_alt", "stage",
    "warning_level",
)  # fmt: skip
CREDIT_COLUMNS: tuple[str, ...] = (*CONVERSION_KEYS, "n_touches", "first_row", *TOUCH_KEYS, *MODELS)
JOURNEY_COLUMNS: tuple[str, ...] = ("journey_id", "conversion_id", "customer_id", "path", "converted", "last_touch_id")


def model_credits(model: str, paths: pl.DataFrame, effects: pl.DataFrame, *, half_life_days: float) -> pl.DataFrame:
    """Credits of one model over built paths, with the engine's public per-model functions; Markov shares its
    conversions by the removal `effects`."""
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


def removal_effects_of(journeys: pl.DataFrame) -> pl.DataFrame:
    """The Markov chain's removal effect and share per channel, fitted over these journeys."""
    return removal_effects(fit_markov(journeys, by=MARKOV_STATES))


def credit_rows(
    touches: pl.DataFrame,
    conversions: pl.DataFrame,
    effects: pl.DataFrame,
    *,
    lookback_days: int,
    half_life_days: float,
) -> pl.DataFrame:
    """Every conversion's path with each model's credit per touch (`CREDIT_COLUMNS`).

    `touches`: touch_id, customer_id, campaign_id, channel, touch_ts, campaign_type, product_type (contacted
    touches only); `conversions`: conversion_id, customer_id, conversion_ts, value, month.
    """
    paths = build_paths(touches, conversions, lookback_days=lookback_days)
    rows = paths.select(
        "conversion_id", "customer_id", "conversion_ts", "value", "touch_id", "campaign_id", "channel", "n_touches",
        first_row=pl.col("position").fill_null(0) == 0,
    )  # fmt: skip
    for model in MODELS:
        credits = model_credits(model, paths, effects, half_life_days=half_life_days)
        rows = rows.join(
            credits.select("conversion_id", "touch_id", pl.col("credit").alias(model)),
            on=["conversion_id", "touch_id"],
            how="left",
            nulls_equal=False,
        )
    kinds = touches.select("touch_id", "campaign_type", "product_type").unique("touch_id")
    months = conversions.select(pl.col("conversion_id").cast(pl.String), "month")
    return (
        rows.join(months, on="conversion_id", how="left")
        .join(kinds.with_columns(pl.col("touch_id").cast(pl.String)), on="touch_id", how="left")
        .select(CREDIT_COLUMNS)
    )


def journey_rows(journeys: pl.DataFrame, touches: pl.DataFrame) -> pl.DataFrame:
    """One row per journey (`JOURNEY_COLUMNS`): its channel path as the top-paths table shows it, whether it
    converted, and its last touch (whose month and customer attributes place the journey in a view)."""
    owners = touches.select(pl.col("touch_id").cast(pl.String), pl.col("customer_id").cast(pl.String))
    return (
        journeys.sort("journey_id", "position")
        .group_by("journey_id", maintain_order=True)
        .agg(
            path=pl.col("channel").str.join(PATH_SEPARATOR),
            converted=pl.col("converted").first(),
            last_touch_id=pl.col("touch_id").last(),
        )
        .join(owners.unique("touch_id"), left_on="last_touch_id", right_on="touch_id", how="left")
        .with_columns(
            conversion_id=pl.when(pl.col("converted")).then(pl.col("journey_id").str.strip_prefix(CONVERTING_PREFIX))
        )
        .select(JOURNEY_COLUMNS)
    )


def journeys_of(touches: pl.DataFrame, conversions: pl.DataFrame, *, lookback_days: int) -> pl.DataFrame:
    """The engine's converting and non-converting journeys (`attribution.build_journeys`)."""
    return build_journeys(touches, conversions, lookback_days=lookback_days)
