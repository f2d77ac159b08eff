"""trans.asc, scanned lazily and checked, reduced to per-account-month aggregates and month-end balances."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from clientscope.importers.berka.codes import BANK_POSTINGS, CARD_OPERATION, CREDIT_TYPE, TRANS_TYPES
from clientscope.importers.berka.reading import yymmdd_expr
from clientscope.importers.common import ImportFailed, blank_to_null, require_columns, source_label

# --- transactions ----------------------------------------------------------------------------------

TRANS_NUMBERS: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "amount": pl.Float64(),
    "balance": pl.Float64(),
}
TRANS_TEXT = ("type", "operation", "k_symbol")


def _scan_trans(path: Path) -> pl.LazyFrame:
    """The needed columns of trans.asc, lazily: text stripped, blanks null, plus the 1-based file row."""
    label = source_label(path)
    try:
        header = pl.read_csv(path, separator=";", infer_schema=False, n_rows=0).columns
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ImportFailed(f"{label}: cannot be read as ';'-separated text ({exc})") from exc
    require_columns(header, ("date", *TRANS_NUMBERS, *TRANS_TEXT), label)
    raw = pl.scan_csv(path, separator=";", infer_schema=False, row_index_name="row", row_index_offset=1)
    return raw.select("row", *blank_to_null(("date", *TRANS_NUMBERS, *TRANS_TEXT)))


def _check_trans(raw: pl.LazyFrame, path: Path) -> None:
    """One streaming pass that finds the first unparseable value, so the main pass can cast leniently."""
    problems = {
        "date": yymmdd_expr("date").is_null(),
        **{name: pl.col(name).cast(dtype, strict=False).is_null() for name, dtype in TRANS_NUMBERS.items()},
        "type": ~pl.col("type").is_in(TRANS_TYPES) | pl.col("type").is_null(),
    }
    expected = {
        "date": "a YYMMDD date",
        "account_id": "an integer",
        "amount": "a number",
        "balance": "a number",
        "type": f"one of {', '.join(TRANS_TYPES)}",
    }
    flagged = raw.select(
        "row",
        *[pl.col(name) for name in problems],
        *[problem.alias(f"bad_{name}") for name, problem in problems.items()],
    ).filter(pl.any_horizontal(f"bad_{name}" for name in problems))
    first = flagged.head(1).collect(engine="streaming")
    if first.height:
        record = first.row(0, named=True)
        column = next(name for name in problems if record[f"bad_{name}"])
        raise ImportFailed(
            f"{source_label(path)}: column '{column}', row {record['row']:,}: "
            f"'{record[column] if record[column] is not None else ''}' is not {expected[column]}"
        )


def trans_aggregates(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per account and month-end: activity (count, amounts, first/last date) and the month-end balance."""
    raw = _scan_trans(path)
    _check_trans(raw, path)
    trans = raw.with_columns(
        yymmdd_expr("date").alias("date"),
        *[pl.col(name).cast(dtype) for name, dtype in TRANS_NUMBERS.items()],
    ).with_columns(
        month=pl.col("date").dt.month_end(),
        signed=pl.when(pl.col("type") == CREDIT_TYPE).then(pl.col("amount")).otherwise(-pl.col("amount")),
    )
    customer_initiated = pl.col("k_symbol").is_null() | ~pl.col("k_symbol").is_in(BANK_POSTINGS)
    monthly = trans.group_by("account_id", "month").agg(
        txn_count=customer_initiated.sum().cast(pl.Int64),
        txn_amount=pl.col("amount").filter(customer_initiated).sum(),
        card_spend=pl.col("amount").filter(pl.col("operation") == CARD_OPERATION).sum(),
        first_date=pl.col("date").min(),
        last_date=pl.col("date").max(),
    )
    balances = _month_end_balances(trans, monthly)
    try:
        monthly_df, balances_df = pl.collect_all([monthly, balances], engine="streaming")
    except pl.exceptions.PolarsError as exc:
        raise ImportFailed(f"{source_label(path)}: cannot be processed ({exc})") from exc
    if monthly_df.height == 0:
        raise ImportFailed(f"{source_label(path)}: no transactions")
    return monthly_df.sort("account_id", "month"), balances_df


def _month_end_balances(trans: pl.LazyFrame, monthly: pl.LazyFrame) -> pl.LazyFrame:
    """The balance after the last transaction of each account-month.

    Rows within a day are not in time order in the file (nor by trans_id), so the day's order is rebuilt
    from the running balance: the last transaction is the one whose balance is not the balance-before of
    another transaction that day.  Where that is ambiguous (inconsistent source rows), the one listed last.
    """
    last_day = monthly.select("account_id", "month", pl.col("last_date").alias("date"))
    rows = trans.join(last_day, on=["account_id", "month", "date"], how="inner").with_columns(
        balance_c=(pl.col("balance") * 100).round().cast(pl.Int64),
        before_c=((pl.col("balance") - pl.col("signed")) * 100).round().cast(pl.Int64),
    )
    followed = (
        rows.select("account_id", "date", pl.col("balance_c").alias("link"), pl.col("row").alias("row_prev"))
        .join(
            rows.select("account_id", "date", pl.col("before_c").alias("link"), pl.col("row").alias("row_next")),
            on=["account_id", "date", "link"],
            how="inner",
        )
        .filter(pl.col("row_prev") != pl.col("row_next"))
        .select(pl.col("row_prev").alias("row"))
        .unique()
        .with_columns(has_next=pl.lit(True))
    )
    ranked = rows.join(followed, on="row", how="left").with_columns(pl.col("has_next").fill_null(False))
    return ranked.group_by("account_id", "month").agg(
        balance=pl.col("balance").sort_by(["has_next", "row"], descending=[False, True]).first()
    )
