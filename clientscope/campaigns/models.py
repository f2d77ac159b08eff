"""Multi-touch attribution models: which campaigns and channels earn the credit for each conversion.

Pure functions: polars frames in (the `touches` and `conversions` tables of the extract contract),
polars frames out.  The rule-based models live here, with the entry points that run any of the
six models (`attribute`, `all_models_table`); the paths and journeys are in journeys.py, the Markov chain in
markov.py.  The rules (window edges, journeys, the Markov construction and how Markov credit
is shared out) are written down in docs/attribution.md; a test pins each of them.

Shapes used throughout:

* paths (from `build_paths`): one row per (conversion, touch in its window), ordered by `position`;
  a conversion with no touch in its window keeps one row whose touch columns are null and whose
  `n_touches` is 0 ("unattributed").
* journeys (from `build_journeys`): converting journeys (the paths) plus non-converting journeys,
  one row per touch, for the Markov chain and the top-paths table.
* credits (from `attribute`): one row per (conversion_id, touch_id, campaign_id, channel) with `credit`;
  the credits of every attributed conversion sum to 1, unattributed conversions get no rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from clientscope.campaigns.journeys import build_journeys, build_paths, touch_credits
from clientscope.campaigns.markov import check_state_column, fit_markov, markov_credits, removal_effects

MODELS: tuple[str, ...] = ("first_touch", "last_touch", "linear", "time_decay", "position_based", "markov")
ALL_MODELS_COLUMNS: tuple[str, ...] = ("model", "channel", "campaign", "attributed_conversions", "attributed_revenue")

_SECONDS_PER_DAY = 86_400.0


def _check_model(model: str) -> None:
    if model not in MODELS:
        raise ValueError(f"unknown attribution model '{model}'; choose one of: {', '.join(MODELS)}")


# --------------------------------------------------------------------------------------------------
# Heuristic models: each maps attributed paths to a per-touch credit
# --------------------------------------------------------------------------------------------------


def first_touch_credits(paths: pl.DataFrame) -> pl.DataFrame:
    """All credit to the earliest touch in the window."""
    return touch_credits(paths, pl.when(pl.col("position") == 0).then(1.0).otherwise(0.0))


def last_touch_credits(paths: pl.DataFrame) -> pl.DataFrame:
    """All credit to the latest touch in the window (ties: the larger touch_id is last)."""
    return touch_credits(paths, pl.when(pl.col("position") == pl.col("n_touches") - 1).then(1.0).otherwise(0.0))


def linear_credits(paths: pl.DataFrame) -> pl.DataFrame:
    """Each of the n touches gets 1/n."""
    return touch_credits(paths, 1.0 / pl.col("n_touches"))


def time_decay_credits(paths: pl.DataFrame, *, half_life_days: float = 7.0) -> pl.DataFrame:
    """Weight 2^(-age_days / half_life_days), age = conversion_ts - touch_ts, normalised per conversion."""
    if not half_life_days > 0:
        raise ValueError(f"half_life_days must be positive, got {half_life_days}")
    age_days = (pl.col("conversion_ts") - pl.col("touch_ts")).dt.total_seconds(fractional=True) / _SECONDS_PER_DAY
    # Measured from the youngest touch of the conversion: the ratio is unchanged by normalisation, but
    # the largest weight is then 1, so a tiny half-life cannot underflow every weight to 0 (0 / 0).
    relative_age = age_days - age_days.min().over("conversion_id")
    weight = pl.lit(2.0).pow(-relative_age / half_life_days)
    return touch_credits(paths, weight / weight.sum().over("conversion_id"))


def position_based_credits(paths: pl.DataFrame) -> pl.DataFrame:
    """40% first, 40% last, 20% shared by the middle touches; one touch gets 100%, two get 50% each."""
    n = pl.col("n_touches")
    is_end = (pl.col("position") == 0) | (pl.col("position") == n - 1)
    credit = (
        pl.when(n == 1)
        .then(1.0)
        .when(n == 2)
        .then(0.5)
        .when(is_end)
        .then(0.4)
        .otherwise(0.2 / (n - 2).cast(pl.Float64))
    )
    return touch_credits(paths, credit)


# --------------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------------


def _model_credits(
    model: str,
    paths: pl.DataFrame,
    journeys: Callable[[], pl.DataFrame],
    *,
    half_life_days: float,
    by: str,
) -> pl.DataFrame:
    """Credits of one model over already built paths; journeys are only built when Markov needs them."""
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
    effects = removal_effects(fit_markov(journeys(), by=by))
    return markov_credits(paths, effects, by=by)


def attribute(
    touches: pl.DataFrame,
    conversions: pl.DataFrame,
    *,
    model: str,
    lookback_days: int = 30,
    half_life_days: float = 7.0,
    by: str = "channel",
) -> pl.DataFrame:
    """Per-conversion credits of one model: conversion_id, touch_id, campaign_id, channel, credit.

    `by` chooses the Markov states (channel or campaign_id); the heuristic models ignore it.
    """
    _check_model(model)
    check_state_column(by)
    paths = build_paths(touches, conversions, lookback_days=lookback_days)
    return _model_credits(
        model,
        paths,
        lambda: build_journeys(touches, conversions, lookback_days=lookback_days),
        half_life_days=half_life_days,
        by=by,
    ).sort("conversion_id", "touch_id")


def summarise(
    credits: pl.DataFrame, conversions: pl.DataFrame, by: Sequence[str] = ("campaign_id", "channel")
) -> pl.DataFrame:
    """attributed_conversions (Σ credit) and attributed_revenue (Σ credit × value) per group."""
    keys = list(by)
    values = conversions.select(pl.col("conversion_id").cast(pl.String), pl.col("value").cast(pl.Float64))
    return (
        credits.join(values, on="conversion_id", how="left")
        .group_by(keys)
        .agg(
            attributed_conversions=pl.col("credit").sum(),
            attributed_revenue=(pl.col("credit") * pl.col("value").fill_null(0.0)).sum(),
        )
        .sort(keys)
    )


def all_models_table(
    touches: pl.DataFrame,
    conversions: pl.DataFrame,
    *,
    lookback_days: int = 30,
    half_life_days: float = 7.0,
    by: str = "channel",
) -> pl.DataFrame:
    """Every model side by side: model, channel, campaign, attributed_conversions, attributed_revenue."""
    check_state_column(by)
    paths = build_paths(touches, conversions, lookback_days=lookback_days)
    tables = [
        summarise(
            _model_credits(
                model,
                paths,
                lambda: build_journeys(touches, conversions, lookback_days=lookback_days),
                half_life_days=half_life_days,
                by=by,
            ),
            conversions,
            by=("channel", "campaign_id"),
        ).select(
            model=pl.lit(model),
            channel="channel",
            campaign="campaign_id",
            attributed_conversions="attributed_conversions",
            attributed_revenue="attributed_revenue",
        )
        for model in MODELS
    ]
    return pl.concat(tables).select(ALL_MODELS_COLUMNS)
