"""Independent computations from the raw extracts (polars only, no mart, no SQL), for tests to check against."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def read_extract(data: Path, table: str) -> pl.DataFrame:
    """An extract table, a single Parquet file or a folder of parts (the data contract allows both)."""
    single = data / f"{table}.parquet"
    return pl.read_parquet(single if single.exists() else data / table / "*.parquet")


def raw_churn_events(data: Path, floor: float, quiet_months: int) -> pl.DataFrame:
    """(customer_id, month) of every churn event, recomputed from the raw extracts with polars (docs/metrics.md,
    "Churn"): a closure in the month of its close date (unless the customer's last earlier row is already in soft
    churn), or the first month of a soft churn (AUM below the floor and no transactions in this and the previous
    quiet_months − 1 months, all of them present)."""
    rows = read_extract(data, "customer_months").select(
        "customer_id", pl.col("month").cast(pl.Date), "aum_total", "txn_count"
    )
    customers = read_extract(data, "customers").select("customer_id", "close_date")
    last_month = rows["month"].max()
    rows = rows.with_columns(idx=pl.col("month").dt.year() * 12 + pl.col("month").dt.month()).sort("customer_id", "idx")
    window = rows.rolling(index_column="idx", period=f"{quiet_months}i", group_by="customer_id").agg(
        months=pl.len(), txn=pl.col("txn_count").fill_null(0).sum()
    )
    rows = rows.join(window, on=["customer_id", "idx"]).join(customers, on="customer_id", how="left")
    rows = rows.with_columns(
        soft=(pl.col("months") == quiet_months) & (pl.col("txn") == 0) & (pl.col("aum_total").fill_null(0) < floor),
        closed_here=pl.col("close_date").dt.month_end() == pl.col("month"),
    ).with_columns(was_soft=pl.col("soft").shift(1).over("customer_id").fill_null(False))
    row_events = rows.filter((pl.col("closed_here") | pl.col("soft")) & ~pl.col("was_soft")).select(
        "customer_id", "month"
    )
    closures = (
        customers.filter(pl.col("close_date").is_not_null())
        .with_columns(month=pl.col("close_date").dt.month_end())
        .filter(pl.col("month") <= last_month)
        .join(rows.select("customer_id", "month"), on=["customer_id", "month"], how="anti")
    )
    before = closures.join(rows.select("customer_id", pl.col("month").alias("row_month"), "soft"), on="customer_id")
    last_before = (
        before.filter(pl.col("row_month") < pl.col("month"))
        .sort("row_month")
        .group_by("customer_id", "month")
        .agg(pl.col("soft").last())
    )
    rowless = last_before.filter(~pl.col("soft")).select("customer_id", "month")
    return pl.concat([row_events, rowless])
