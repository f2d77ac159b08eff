"""What the cohort charts count: pure functions of a cohort frame.

A cohort frame is either the cohort's customers (one row each: `lifecycle/cohort_members`, the detail) or the
serving layer's cells (`lifecycle/cohort_served`: one row per combination of the facts counted, with `customers`
customers).  Every function weighs a row by its `customers` column when it has one, else by 1, so that the detail
and the served answers go through the same arithmetic (tests/test_lifecycle_serving.py compares them).

**The funnel** (nested: each step is a subset of the previous one; windows from metrics.yaml
`rules.lifecycle.funnel`), over **complete windows only**: a step counts only the customers *measurable* for it
(its window and those of the steps before it have elapsed by the as-of month); its rate divides them by the step's
measurable customers; `pending` customers are not yet measurable.  The definitions of each step are in
`queries/lifecycle/cohort_steps.sql` and docs/lifecycle.md.

**Cohort retention.**  For each opening month and each month offset k up to the as-of month: *customers
retained* = share of the cohort active in month k; *AUM retained* = AUM at month k of the cohort's customers not
churned in month k ÷ the cohort's AUM in its opening month (net AUM retention, may exceed 100%).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from clientscope.lifecycle.codes import NOT_ACTIVATED, OUTFLOW, STEPS
from clientscope.lifecycle.view import COMPARE_COLUMNS, MEASURABLE_COLUMNS, RETENTION_MAX_OFFSET, STEP_COLUMNS

WEIGHT = "customers"  # the customers a served cell stands for
COMPARE_VALUE = "compare_value"  # the served cells' value of the comparison dimension (lifecycle/cohort_served)


def weighted(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with its `customers` weight (1 per row of a customer frame)."""
    return frame if WEIGHT in frame.columns else frame.with_columns(pl.lit(1, pl.Int64).alias(WEIGHT))


def customer_count(frame: pl.DataFrame, mask: pl.Expr | None = None) -> int:
    """The customers of a cohort frame (or of its rows that `mask` keeps)."""
    kept = frame.filter(mask) if mask is not None and frame.height else frame
    return int(kept[WEIGHT].sum()) if WEIGHT in kept.columns else kept.height


def _measurable_mask(step: str) -> pl.Expr:
    return pl.lit(True) if step == "acquired" else pl.col(MEASURABLE_COLUMNS[step])


def step_mask(step: str) -> pl.Expr:
    """Reached the step, counted only when measurable for it: the funnel bar, its list and its cross-filter agree."""
    return pl.lit(True) if step == "acquired" else pl.col(STEP_COLUMNS[step]) & _measurable_mask(step)


FUNNEL_SCHEMA: dict[str, pl.DataType] = {
    "step": pl.Utf8(),
    "kind": pl.Utf8(),
    "customers": pl.Int64(),
    "pct_start": pl.Float64(),
    "pct_previous": pl.Float64(),
    "measurable": pl.Int64(),
    "pending": pl.Int64(),
}


def funnel(members: pl.DataFrame) -> pl.DataFrame:
    """step, kind (step | outflow), customers, pct_start, pct_previous, measurable, pending: the funnel and the
    churned outflow over complete windows only.

    customers = measurable for the step and reached it; pct_start = customers ÷ measurable; pct_previous =
    customers ÷ those measurable for this step who reached the previous one; pending = cohort − measurable.
    """
    rows = []
    previous: str | None = None
    total = customer_count(members)
    for step in (*STEPS, OUTFLOW):
        is_step = step != OUTFLOW
        measurable = members.filter(_measurable_mask(step)) if members.height else members
        size = customer_count(measurable)
        count = customer_count(measurable, step_mask(step))
        # the outflow has no previous step; the acquired step is its own previous step (100 %)
        before = (customer_count(measurable, step_mask(previous)) if previous else size) if is_step else None
        rows.append(
            {
                "step": step,
                "kind": "step" if is_step else "outflow",
                "customers": count,
                "pct_start": count / size if size else None,
                "pct_previous": count / before if before else None,
                "measurable": size,
                "pending": total - size,
            }
        )
        if is_step:
            previous = step
    return pl.DataFrame(rows, schema=FUNNEL_SCHEMA)


def funnel_by(members: pl.DataFrame, dim: str, order: Sequence[str] = ()) -> pl.DataFrame:
    """group, step, customers, pct_start, pct_previous, measurable, pending, group_size: the funnel per value of a
    dimension (each group's rates over its own measurable customers)."""
    column = COMPARE_VALUE if COMPARE_VALUE in members.columns else COMPARE_COLUMNS[dim]
    schema = {
        "group": pl.Utf8,
        "step": pl.Utf8,
        "customers": pl.Int64,
        "pct_start": pl.Float64,
        "pct_previous": pl.Float64,
        "measurable": pl.Int64,
        "pending": pl.Int64,
        "group_size": pl.Int64,
    }
    if not members.height:
        return pl.DataFrame(schema=schema)
    grouped = weighted(members).with_columns(pl.col(column).cast(pl.Utf8).fill_null("").alias("group"))
    sizes = (
        grouped.group_by("group")
        .agg(pl.col(WEIGHT).sum().cast(pl.Int64).alias("len"))
        .sort("len", "group", descending=[True, False])
    )
    groups = list(sizes["group"])
    ranked = [g for g in order if g in groups] + [g for g in groups if g not in order]
    frames = [funnel(grouped.filter(pl.col("group") == g)).with_columns(pl.lit(g).alias("group")) for g in ranked]
    out = pl.concat(frames).filter(pl.col("kind") == "step")
    sizes_by = dict(zip(sizes["group"], sizes["len"], strict=True))
    return out.with_columns(pl.col("group").replace_strict(sizes_by, return_dtype=pl.Int64).alias("group_size")).select(
        list(schema)
    )


RETENTION_INPUT_SCHEMA: dict[str, pl.DataType] = {
    "open_month": pl.Date(),
    "cohort_size": pl.Int64(),
    "observed_months": pl.Int64(),
    "month_offset": pl.Int64(),
    "active": pl.Int64(),
    "aum_cents": pl.Int64(),  # the AUM on the books in whole cents (exact sums; one division by 100 at the end)
}


def retention_inputs(members: pl.DataFrame, max_offset: int = RETENTION_MAX_OFFSET) -> pl.DataFrame:
    """The cohort's customers regrouped as lifecycle/retention_served answers from the serving marts: per opening
    month its size and months observed, per month offset <= max_offset the active customers and the AUM on the
    books (one row per opening month with null offset when nobody is on the books at any offset)."""
    if not members.height:
        return pl.DataFrame(schema=RETENTION_INPUT_SCHEMA)
    sizes = members.group_by("open_month").agg(
        pl.len().cast(pl.Int64).alias("cohort_size"), pl.col("observed_months").max().cast(pl.Int64)
    )
    book = (
        members.select("open_month", "active_offsets", pl.col("book_offsets").alias("month_offset"), "book_aum")
        .explode("month_offset", "book_aum")
        .drop_nulls("month_offset")
        .filter(pl.col("month_offset") <= max_offset)
        .with_columns(pl.col("active_offsets").list.contains(pl.col("month_offset")).alias("is_active"))
        .group_by("open_month", "month_offset")
        .agg(
            pl.col("is_active").sum().cast(pl.Int64).alias("active"),
            (pl.col("book_aum") * 100).round().cast(pl.Int64).sum().alias("aum_cents"),
        )
    )
    return (
        sizes.join(book, on="open_month", how="left")
        .select(list(RETENTION_INPUT_SCHEMA))
        .cast(RETENTION_INPUT_SCHEMA)  # type: ignore[arg-type]
        .sort("open_month", "month_offset", nulls_last=True)
    )


def retention(frame: pl.DataFrame, max_offset: int = RETENTION_MAX_OFFSET) -> pl.DataFrame:
    """One row per (cohort, month_offset) the as-of month has reached, from the cohort's customers or from the
    served inputs (`retention_inputs`' shape).

    cohort (the opening month's first day), month_offset, cohort_size, active, active_share, aum_base (the cohort's
    AUM in its opening month), aum (AUM at the offset of customers not churned in it), aum_share.
    """
    inputs = retention_inputs(frame, max_offset) if "active_offsets" in frame.columns else frame
    schema = {
        "cohort": pl.Date,
        "month_offset": pl.Int64,
        "cohort_size": pl.Int64,
        "active": pl.Int64,
        "active_share": pl.Float64,
        "aum_base": pl.Float64,
        "aum": pl.Float64,
        "aum_share": pl.Float64,
    }
    if not inputs.height:
        return pl.DataFrame(schema=schema)
    cohorts = inputs.group_by("open_month").agg(pl.col("cohort_size").first(), pl.col("observed_months").first())
    grid = (
        cohorts.with_columns(pl.int_ranges(0, pl.min_horizontal(pl.col("observed_months"), max_offset) + 1).alias("k"))
        .explode("k")
        .drop_nulls("k")
        .select(pl.col("open_month").alias("cohort"), pl.col("k").cast(pl.Int64).alias("month_offset"), "cohort_size")
    )
    cells = inputs.drop_nulls("month_offset").select(
        pl.col("open_month").alias("cohort"),
        pl.col("month_offset").cast(pl.Int64),
        "active",
        (pl.col("aum_cents").cast(pl.Float64) / 100).alias("aum"),  # as clientscope.money.cents_sum ends
    )
    base = cells.filter(pl.col("month_offset") == 0).select("cohort", pl.col("aum").alias("aum_base"))
    return (
        grid.join(cells, on=["cohort", "month_offset"], how="left")
        .join(base, on="cohort", how="left")
        .with_columns(pl.col("active").fill_null(0), pl.col("aum").fill_null(0.0), pl.col("aum_base").fill_null(0.0))
        .with_columns(
            (pl.col("active") / pl.col("cohort_size")).alias("active_share"),
            pl.when(pl.col("aum_base") > 0).then(pl.col("aum") / pl.col("aum_base")).alias("aum_share"),
        )
        .select(list(schema))
        .sort("cohort", "month_offset")
    )


def activation_histogram(members: pl.DataFrame) -> pl.DataFrame:
    """bucket (k as text, or `none`), month_offset, within (activated inside the window), after, customers."""
    schema = {"bucket": pl.Utf8, "month_offset": pl.Int64, "within": pl.Int64, "after": pl.Int64, "customers": pl.Int64}
    if not members.height:
        return pl.DataFrame(schema=schema)
    weight = pl.col(WEIGHT)
    rows = (
        weighted(members)
        .filter(pl.col("first_active_offset").is_not_null())
        .group_by(pl.col("first_active_offset").cast(pl.Int64).alias("month_offset"))
        .agg(
            weight.filter(pl.col("activated")).sum().cast(pl.Int64).alias("within"),
            weight.filter(~pl.col("activated")).sum().cast(pl.Int64).alias("after"),
        )
    )
    top = int(rows["month_offset"].max()) if rows.height else 0
    grid = pl.DataFrame({"month_offset": list(range(top + 1))}, schema={"month_offset": pl.Int64})
    counted = grid.join(rows, on="month_offset", how="left").with_columns(
        pl.col("within").fill_null(0), pl.col("after").fill_null(0)
    )
    never = customer_count(members, pl.col("first_active_offset").is_null())
    never_row = pl.DataFrame(
        {"bucket": [NOT_ACTIVATED], "month_offset": [None], "within": [0], "after": [never]},
        schema={k: v for k, v in schema.items() if k != "customers"},
    )
    return (
        pl.concat([counted.select(pl.col("month_offset").cast(pl.Utf8).alias("bucket"), pl.all()), never_row])
        .with_columns((pl.col("within") + pl.col("after")).alias("customers"))
        .select(list(schema))
    )


@dataclass(frozen=True)
class CohortSummary:
    acquired: int
    activation_rate: float | None
    retained_early_rate: float | None
    retained_late_rate: float | None
    churn_rate: float | None
    median_days_to_activate: float | None
    pending: Mapping[str, int] = field(default_factory=dict)  # step → cohort customers not yet measurable for it


def summary(members: pl.DataFrame, funnel_frame: pl.DataFrame) -> CohortSummary:
    """The cards: the funnel's rates (complete windows only); the median days to activate of the customers counted
    as activated (measurable ones: a young cohort's fast activators alone would pull it down)."""
    share = dict(zip(funnel_frame["step"], funnel_frame["pct_start"], strict=True))
    activated = members.filter(step_mask("activated")) if members.height else members
    return CohortSummary(
        acquired=customer_count(members),
        activation_rate=share.get("activated"),
        retained_early_rate=share.get("retained_early"),
        retained_late_rate=share.get("retained_late"),
        churn_rate=share.get(OUTFLOW),
        median_days_to_activate=weighted_median(activated, "days_to_activate"),
        pending=dict(zip(funnel_frame["step"], funnel_frame["pending"], strict=True)),
    )


def weighted_median(frame: pl.DataFrame, column: str) -> float | None:
    """The median of `column` over the customers of the frame (nulls left out), as polars' median of the
    customers' values would give it: the mean of the two middle values when their number is even."""
    values = frame.filter(pl.col(column).is_not_null()) if frame.height else frame
    if not values.height:
        return None
    ranked = weighted(values).select(pl.col(column), pl.col(WEIGHT).alias("w")).sort(column)
    ranked = ranked.with_columns(pl.col("w").cum_sum().alias("upto"))
    total = int(ranked["upto"][-1])
    low = ranked.filter(pl.col("upto") >= (total + 1) // 2)[column][0]
    high = ranked.filter(pl.col("upto") >= total // 2 + 1)[column][0]
    return (float(low) + float(high)) / 2
