"""The Berka dimension tables: branches (districts), relationship managers, customers with card tags, holdings."""

from __future__ import annotations

import polars as pl

from clientscope.importers.berka.codes import FINISHED_LOAN, SNAPSHOT
from clientscope.importers.common import ImportFailed


def _branch_id(district: pl.Expr) -> pl.Expr:
    return pl.format("D{}", district.cast(pl.String).str.zfill(2))


def branches_table(districts: pl.DataFrame) -> pl.DataFrame:
    return districts.select(
        branch_id=_branch_id(pl.col("district_id")),
        branch_name=pl.col("district_name"),
        region=pl.col("region"),
        city=pl.col("district_name"),
    ).sort("branch_id")


def relationship_managers_table(branches: pl.DataFrame) -> pl.DataFrame:
    return branches.select(
        rm_id=pl.format("RM-{}", pl.col("branch_id")),
        rm_name=pl.format("{} RM (synthetic)", pl.col("branch_name")),
        branch_id=pl.col("branch_id"),
    )


def customers_table(
    clients: pl.DataFrame,
    disp: pl.DataFrame,
    accounts: pl.DataFrame,
    status: pl.DataFrame,
    districts: pl.DataFrame,
    cards: pl.DataFrame,
) -> pl.DataFrame:
    linked = (
        disp.join(accounts, on="account_id", how="inner")
        .join(status.select("account_id", "close_date"), on="account_id", how="left")
        .with_columns(closed=pl.col("close_date").is_not_null())
    )
    per_client = linked.group_by("client_id").agg(
        open_date=pl.col("date").min(),
        home_district=pl.col("district_id").sort_by(["date", "account_id"]).first(),
        close_date=pl.when(pl.col("closed").all()).then(pl.col("close_date").max()).otherwise(None),
    )
    missing = clients.join(per_client, on="client_id", how="anti")
    if missing.height:
        raise ImportFailed(
            f"berka/disp.asc: client_id {missing.get_column('client_id')[0]} has no account in disp.asc/account.asc"
        )
    names = districts.select("district_id", city=pl.col("district_name"))
    frame = (
        clients.join(per_client, on="client_id", how="inner")
        .join(names, on="district_id", how="left")
        .join(_card_tags(cards, disp), on="client_id", how="left")
    )
    return frame.select(
        customer_id=pl.col("client_id").cast(pl.String),
        open_date="open_date",
        close_date="close_date",
        birth_year="birth_year",
        gender="gender",
        city="city",
        branch_id=_branch_id(pl.col("home_district")),
        rm_id=pl.format("RM-{}", _branch_id(pl.col("home_district"))),
        acquisition_channel=pl.lit(None, pl.String),
        risk_profile=pl.lit(None, pl.String),
        tags="tags",
    ).sort(pl.col("customer_id").cast(pl.Int64))


def _card_tags(cards: pl.DataFrame, disp: pl.DataFrame) -> pl.DataFrame:
    """The card types a client holds, as tags (card:classic, card:junior, card:gold), sorted."""
    return (
        cards.join(disp.select("disp_id", "client_id"), on="disp_id", how="inner")
        .group_by("client_id")
        .agg(tags=pl.format("card:{}", pl.col("type")).unique().sort())
    )


def holdings_table(
    owners: pl.DataFrame,
    disp: pl.DataFrame,
    accounts: pl.DataFrame,
    status: pl.DataFrame,
    loans: pl.DataFrame,
    cards: pl.DataFrame,
) -> pl.DataFrame:
    account_rows = (
        owners.join(accounts, on="account_id", how="inner")
        .join(status.select("account_id", "close_date"), on="account_id", how="left")
        .select(
            holding_id=pl.format("A{}", pl.col("account_id")),
            customer_id=pl.col("client_id").cast(pl.String),
            product_type=pl.lit("current_account"),
            open_date=pl.col("date"),
            close_date=pl.col("close_date"),
        )
    )
    term_end = pl.col("date").dt.offset_by(pl.format("{}mo", pl.col("duration")))
    loan_rows = loans.join(owners, on="account_id", how="inner").select(
        holding_id=pl.format("L{}", pl.col("loan_id")),
        customer_id=pl.col("client_id").cast(pl.String),
        product_type=pl.lit("loan"),
        open_date=pl.col("date"),
        close_date=pl.when(pl.col("status").is_in(FINISHED_LOAN))
        .then(pl.min_horizontal(term_end, pl.lit(SNAPSHOT)))
        .otherwise(None),
    )
    card_rows = cards.join(disp.select("disp_id", "client_id"), on="disp_id", how="inner").select(
        holding_id=pl.format("K{}", pl.col("card_id")),
        customer_id=pl.col("client_id").cast(pl.String),
        product_type=pl.lit("credit_card"),
        open_date=pl.col("issued"),
        close_date=pl.lit(None, pl.Date),
    )
    return pl.concat([account_rows, loan_rows, card_rows], how="vertical")
