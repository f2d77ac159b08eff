"""Accounts over time: their status (closed after months without transactions), account months, loan balances,
and customer_months."""

from __future__ import annotations

import polars as pl

from clientscope.importers.berka.codes import INACTIVE_MONTHS


def _month_index(expr: pl.Expr) -> pl.Expr:
    return expr.dt.year().cast(pl.Int64) * 12 + expr.dt.month().cast(pl.Int64)


def account_status_table(monthly: pl.DataFrame) -> pl.DataFrame:
    """Per account with transactions: first and last transaction, the last month shown, and the close date."""
    data_end = monthly.get_column("month").max()
    span = monthly.group_by("account_id").agg(
        first_month=pl.col("month").min(), last_month=pl.col("month").max(), last_date=pl.col("last_date").max()
    )
    idle = _month_index(pl.lit(data_end)) - _month_index(pl.col("last_month"))
    closed = idle >= INACTIVE_MONTHS
    return span.with_columns(
        close_date=pl.when(closed).then(pl.col("last_month").dt.offset_by("1d")).otherwise(None),
        end_month=pl.when(closed).then(pl.col("last_month")).otherwise(pl.lit(data_end)),
    )


def account_months_table(
    status: pl.DataFrame, monthly: pl.DataFrame, balances: pl.DataFrame, loans: pl.DataFrame
) -> pl.DataFrame:
    """One row per account and month-end from the first transaction to the end (or closure)."""
    grid = (
        status.select(
            "account_id",
            month=pl.date_ranges(pl.col("first_month").dt.month_start(), pl.col("end_month"), "1mo"),
        )
        .explode("month")
        .with_columns(pl.col("month").dt.month_end())
    )
    frame = (
        grid.join(balances, on=["account_id", "month"], how="left")
        .join(monthly.drop("first_date", "last_date"), on=["account_id", "month"], how="left")
        .sort("account_id", "month")
        .with_columns(
            pl.col("balance").forward_fill().over("account_id"),
            pl.col("txn_count").fill_null(0),
            pl.col("txn_amount").fill_null(0.0),
            pl.col("card_spend").fill_null(0.0),
        )
    )
    return frame.join(_loan_balances(grid, loans), on=["account_id", "month"], how="left").with_columns(
        pl.col("loan_balance").fill_null(0.0), pl.col("loans_open").fill_null(0)
    )


def _loan_balances(grid: pl.DataFrame, loans: pl.DataFrame) -> pl.DataFrame:
    """Outstanding = amount less the scheduled payments made since the loan month (never below zero)."""
    elapsed = _month_index(pl.col("month")) - _month_index(pl.col("date"))
    outstanding = (pl.col("amount") - pl.col("payments") * elapsed).clip(lower_bound=0.0)
    return (
        grid.join(loans.select("account_id", "date", "amount", "payments"), on="account_id", how="inner")
        .filter(elapsed >= 0)
        .with_columns(outstanding=outstanding)
        .group_by("account_id", "month")
        .agg(
            loan_balance=pl.col("outstanding").sum(),
            loans_open=(pl.col("outstanding") > 0).sum().cast(pl.Int64),
        )
    )


def customer_months_table(
    account_months: pl.DataFrame, owners: pl.DataFrame, disp: pl.DataFrame, cards: pl.DataFrame
) -> pl.DataFrame:
    summed = (
        account_months.join(owners, on="account_id", how="inner")
        .group_by("client_id", "month")
        .agg(
            deposits=pl.col("balance").sum(),
            loan_balance=pl.col("loan_balance").sum(),
            card_spend=pl.col("card_spend").sum(),
            txn_count=pl.col("txn_count").sum(),
            txn_amount=pl.col("txn_amount").sum(),
            has_loan=(pl.col("loans_open").sum() > 0).cast(pl.Int64),
        )
    )
    client_cards = cards.join(disp.select("disp_id", "client_id"), on="disp_id", how="inner")
    has_card = (
        summed.select("client_id", "month")
        .join(client_cards.select("client_id", "issued"), on="client_id", how="inner")
        .filter(pl.col("issued") <= pl.col("month"))
        .group_by("client_id", "month")
        .agg(has_card=pl.lit(1, pl.Int64))
    )
    return (
        summed.join(has_card, on=["client_id", "month"], how="left")
        .with_columns(
            customer_id=pl.col("client_id").cast(pl.String),
            aum_total=pl.col("deposits"),
            wealth=pl.lit(0.0),
            insurance=pl.lit(0.0),
            digital_logins=pl.lit(0),
            complaints=pl.lit(0),
            products_held=1 + pl.col("has_loan") + pl.col("has_card").fill_null(0),
        )
        .sort("customer_id", "month")
    )
