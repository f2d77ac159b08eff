"""Did the retention actions work: the retention of acted-on customers against comparable ones not acted on.

Pure functions over a frame with one row per warned customer (an action of the store): `warning_month`,
`churn_probability`, `tier`, `holdout`, `acted` (the RM reached the customer), `offer`, and from the extract
`close_date`. The outcome is the data's, never the RM's status: a customer is **retained** when the relationship
did not close within the churn window after the warning, i.e. `close_date` is not in (warning month-end, last day
of the month `window` months later] — the window of the churn model's label (docs/churn-model.md §2). It is known
once that window ends at or before the last month-end of the extract.

Two comparisons (docs/retention-actions.md gives the formulas):

- **Randomised** (a batch with a hold-out): every warned customer of the batch who was not held out, acted on or
  not (intention to treat), against the held-out ones — `uplift()`'s Newcombe interval. The hold-out was drawn at
  random, so the difference is the effect of putting customers in the queue.
- **Observational** (no hold-out): acted-on customers against customers of the same warning batches not (yet)
  acted on, matched exactly on risk band, tier and warning month. Each stratum with both groups is weighted by its
  acted-on customers; the difference of the weighted rates gets a normal (Wald) interval from the strata's
  binomial variances. The RMs chose whom to call, so this is an association, not a controlled trial.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import polars as pl

from clientscope.campaigns.uplift import Uplift, uplift, wilson_interval, z_value

STRATA = ("risk_band", "tier", "warning_month")


@dataclass(frozen=True)
class Comparison:
    """Retention of a treated group against its comparison group, as a rate difference with an interval."""

    kind: str  # "randomised" | "observational"
    treated_n: int
    treated_retained: int
    control_n: int
    control_retained: int
    treated_rate: float | None
    control_rate: float | None  # observational: the comparison group's rate reweighted to the treated mix
    difference: float | None
    low: float | None
    high: float | None
    confidence: float
    unmatched: int = 0  # treated customers with no comparable one (left out of the observational estimate)


def window_end(month_end: date, months: int) -> date:
    """The last day of the month `months` after `month_end`'s month."""
    index = month_end.year * 12 + month_end.month - 1 + months + 1
    first_after = date(index // 12, index % 12 + 1, 1)
    return date.fromordinal(first_after.toordinal() - 1)


def band_labels(edges: Sequence[float]) -> list[str]:
    points = [f"{edge * 100:g}%" for edge in edges]
    return [f"<{points[0]}", *(f"{a}–{b}" for a, b in pairwise(points)), f"≥{points[-1]}"]


def with_outcomes(rows: pl.DataFrame, data_end: date, *, window: int, edges: Sequence[float]) -> pl.DataFrame:
    """`rows` with `risk_band`, `window_end`, `outcome_known` and `retained` (null while unknown)."""
    # as `window_end` and `band_labels` per row, in polars: a batch holds tens of thousands of warned customers
    ends = pl.col("warning_month").dt.month_start().dt.offset_by(f"{window}mo").dt.month_end()
    probability = pl.col("churn_probability")
    index = pl.sum_horizontal([(probability >= edge).cast(pl.Int32) for edge in edges])  # edges at or below it
    labels = dict(enumerate(band_labels(edges)))
    bands = pl.when(probability.is_null()).then(None).otherwise(index.replace_strict(labels, return_dtype=pl.String))
    frame = rows.with_columns(ends.alias("window_end"), bands.alias("risk_band"))
    known = pl.col("window_end") <= data_end
    closed = pl.col("close_date").is_not_null() & (pl.col("close_date") > pl.col("warning_month"))
    closed_in_window = closed & (pl.col("close_date") <= pl.col("window_end"))
    return frame.with_columns(
        known.alias("outcome_known"),
        pl.when(known).then(~closed_in_window).otherwise(None).alias("retained"),
    )


def randomised(rows: pl.DataFrame, confidence: float) -> Comparison | None:
    """Queued (not held out) against held out, over rows with a known outcome; None without a hold-out."""
    known = rows.filter(pl.col("outcome_known"))
    treated, control = known.filter(~pl.col("holdout")), known.filter(pl.col("holdout"))
    if not control.height or not treated.height:
        return None
    result: Uplift = uplift(
        treated.height,
        int(treated["retained"].sum()),
        control.height,
        int(control["retained"].sum()),
        confidence=confidence,
    )
    return Comparison(
        "randomised",
        result.treated_n,
        result.treated_conv,
        result.control_n,
        result.control_conv,
        result.treated_rate,
        result.control_rate,
        result.absolute,
        result.absolute_low,
        result.absolute_high,
        confidence,
    )


def matched(rows: pl.DataFrame, treated: pl.Expr, control: pl.Expr, confidence: float) -> Comparison | None:
    """Treated against control rows matched exactly on risk band, tier and warning month (known outcomes only)."""
    known = rows.filter(pl.col("outcome_known"))
    groups = (
        known.with_columns(treated.alias("_t"), control.alias("_c"))
        .filter(pl.col("_t") | pl.col("_c"))
        .group_by(STRATA)
        .agg(
            pl.col("_t").sum().alias("n1"),
            (pl.col("_t") & pl.col("retained")).sum().alias("r1"),
            pl.col("_c").sum().alias("n0"),
            (pl.col("_c") & pl.col("retained")).sum().alias("r0"),
        )
    )
    if not groups.height or not groups["n1"].sum():
        return None
    both = groups.filter((pl.col("n1") > 0) & (pl.col("n0") > 0))
    unmatched = int(groups["n1"].sum()) - int(both["n1"].sum())
    n1 = int(both["n1"].sum())
    if not n1:
        return Comparison("observational", 0, 0, 0, 0, None, None, None, None, None, confidence, unmatched)
    weight = pl.col("n1") / n1
    p1, p0 = pl.col("r1") / pl.col("n1"), pl.col("r0") / pl.col("n0")
    sums = both.select(
        (weight * p1).sum().alias("p1"),
        (weight * p0).sum().alias("p0"),
        (weight**2 * (p1 * (1 - p1) / pl.col("n1") + p0 * (1 - p0) / pl.col("n0"))).sum().alias("var"),
    ).row(0, named=True)
    difference = sums["p1"] - sums["p0"]
    half = z_value(confidence) * math.sqrt(sums["var"])
    return Comparison(
        "observational",
        n1,
        int(both["r1"].sum()),
        int(both["n0"].sum()),
        int(both["r0"].sum()),
        sums["p1"],
        sums["p0"],
        difference,
        difference - half,
        difference + half,
        confidence,
        unmatched,
    )


def acted_against_not_acted(rows: pl.DataFrame, confidence: float) -> Comparison | None:
    """The observational comparison: acted on vs not (yet) acted on, hold-out customers left out."""
    queued = rows.filter(~pl.col("holdout"))
    return matched(queued, pl.col("acted"), ~pl.col("acted"), confidence)


def offer_table(rows: pl.DataFrame, offers: Sequence[str], confidence: float) -> pl.DataFrame:
    """Per offer made to acted-on customers with a known outcome: customers, retained, rate and its Wilson
    interval, and the matched difference against customers not acted on (same method as above)."""
    z = z_value(confidence)
    queued = rows.filter(~pl.col("holdout"))
    records = []
    for code in offers:
        mine = queued.filter(pl.col("outcome_known") & pl.col("acted") & (pl.col("offer") == code))
        n, kept = mine.height, int(mine["retained"].sum()) if mine.height else 0
        low, high = wilson_interval(kept, n, z) if n else (None, None)
        comparison = matched(queued, pl.col("acted") & (pl.col("offer") == code), ~pl.col("acted"), confidence)
        records.append(
            {
                "offer": code,
                "customers": n,
                "retained": kept,
                "rate": kept / n if n else None,
                "rate_low": low,
                "rate_high": high,
                "difference": comparison.difference if comparison else None,
                "difference_low": comparison.low if comparison else None,
                "difference_high": comparison.high if comparison else None,
            }
        )
    schema = {
        "offer": pl.String,
        "customers": pl.Int64,
        "retained": pl.Int64,
        **{k: pl.Float64 for k in ("rate", "rate_low", "rate_high", "difference", "difference_low", "difference_high")},
    }
    table = pl.DataFrame(records, schema=schema, orient="row")
    return table.sort(["rate", "customers"], descending=True, nulls_last=True)
