"""Import the PKDD'99 Financial data set ("Berka", a Czech bank, 1993-1998) into the extract contract.

Decisions (also in docs/real-data.md and in the summary notes):
- one customer per client; ids are the source ids as text; branches are the 77 districts;
- one synthetic relationship manager per branch, every customer assigned to the RM of their branch;
- month-end balances come from the transactions: per account the balance after the month's last
  transaction, carried forward through months without transactions, summed over the client's OWNER accounts;
- an account with no transactions in the last 6 months of the data is taken as closed on the first day of
  the month after its last transaction (Berka records no account closures);
- amounts stay in CZK (not converted).

`trans.asc` is read with polars' lazy CSV scanner and reduced to per-account-month aggregates before
anything is collected, so the full 1,056,320-row file and the short prefix take the same code path.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from clientscope.importers.common import (
    ImportFailed,
    ImportSummary,
    blank_to_null,
    check_target,
    parse_strict,
    require_columns,
    require_file,
    source_label,
    write_extract,
)

SOURCE = "berka"
CURRENCY = "CZK"
FILES = ("client.asc", "account.asc", "disp.asc", "trans.asc", "loan.asc", "card.asc", "district.asc")
# The data set's snapshot: loan and card statuses are as of the end of 1998 (see the PDF description).
SNAPSHOT = date(1998, 12, 31)
INACTIVE_MONTHS = 6
# Bank-initiated postings are not customer transactions: interest, fees and penalty interest.
BANK_POSTINGS = ("UROK", "SLUZBY", "SANKC. UROK")
CARD_OPERATION = "VYBER KARTOU"
CREDIT_TYPE = "PRIJEM"
TRANS_TYPES = ("PRIJEM", "VYDAJ", "VYBER")
CARD_TYPES = ("classic", "junior", "gold")
FINISHED_LOAN = ("A", "B")

PRODUCTS = pl.DataFrame(
    {
        "product_type": ["current_account", "loan", "credit_card"],
        "product_name": ["Current account", "Loan", "Credit card"],
        "category": ["deposit", "lending", "payments"],
    }
)

NOTES = (
    "currency: amounts are CZK (Czech koruna) as in the source; they are not converted to CNY.",
    "customers: one per client (ids are the source client_id); birth year and gender from birth_number "
    "(women have 50 added to the month).",
    "branches: one per district (branch_name and city = district name A2, region = A3); "
    "a customer's branch is the district of their earliest account.",
    "relationship_managers: synthetic, one per branch; every customer is assigned to their branch's RM.",
    "customers.open_date: the earliest creation date of the client's accounts (OWNER or DISPONENT).",
    "customer_months: balance after the month's last transaction per account (same-day order rebuilt from "
    "the running balance), carried forward through months without transactions, summed over OWNER accounts; "
    "only months covered by trans.asc; clients who are only DISPONENTs have no customer_months.",
    "customer_months: txn_count and txn_amount exclude bank postings (interest, fees, penalty interest); "
    "card_spend = card withdrawals (VYBER KARTOU); loan_balance = loan amount less the scheduled monthly "
    "payments made; wealth, insurance, digital_logins and complaints are 0 (no source).",
    f"churn: Berka records no closures; an account without transactions in the last {INACTIVE_MONTHS} months "
    "of trans.asc is closed on the first day of the month after its last transaction; a customer is closed "
    "when all their accounts are.",
    f"holdings: accounts (current_account), loans (closed at the end of their term, at most {SNAPSHOT}, "
    "when finished: status A or B) and cards (credit_card); standing orders (order.asc) are not imported.",
    "customers.tags: the card types the client holds (card:classic, card:junior, card:gold); empty without a card.",
)


def import_berka(src_dir: Path, out_dir: Path) -> ImportSummary:
    """Read the Berka .asc files in `src_dir` and write contract extracts to `out_dir`."""
    src_dir = Path(src_dir)
    out_dir = Path(out_dir)
    check_target(out_dir, protect=[src_dir])
    if not src_dir.is_dir():
        raise ImportFailed(f"{src_dir}: folder not found")
    for name in FILES:
        require_file(src_dir / name)

    districts = _read_districts(src_dir / "district.asc")
    clients = _read_clients(src_dir / "client.asc")
    accounts = _read_table(src_dir / "account.asc", {"account_id": pl.Int64, "district_id": pl.Int64, "date": None})
    disp = _read_table(
        src_dir / "disp.asc", {"disp_id": pl.Int64, "client_id": pl.Int64, "account_id": pl.Int64, "type": None}
    )
    loans = _read_table(
        src_dir / "loan.asc",
        {
            "loan_id": pl.Int64,
            "account_id": pl.Int64,
            "date": None,
            "amount": pl.Float64,
            "duration": pl.Int64,
            "payments": pl.Float64,
            "status": None,
        },
    )
    cards = _read_table(src_dir / "card.asc", {"card_id": pl.Int64, "disp_id": pl.Int64, "type": None, "issued": None})
    accounts = accounts.with_columns(_yymmdd(accounts, "date", src_dir / "account.asc"))
    loans = loans.with_columns(_yymmdd(loans, "date", src_dir / "loan.asc"))
    cards = cards.with_columns(_yymmdd(cards, "issued", src_dir / "card.asc"))
    _check_codes(disp, "type", ("OWNER", "DISPONENT"), src_dir / "disp.asc")
    _check_codes(cards, "type", CARD_TYPES, src_dir / "card.asc")
    _check_codes(loans, "status", ("A", "B", "C", "D"), src_dir / "loan.asc")

    monthly, balances = _trans_aggregates(src_dir / "trans.asc")
    account_status = _account_status(monthly)
    account_months = _account_months(account_status, monthly, balances, loans)
    owners = disp.filter(pl.col("type") == "OWNER").select("client_id", "account_id")
    customer_months = _customer_months(account_months, owners, disp, cards)
    branches = _branches(districts)
    customers = _customers(clients, disp, accounts, account_status, districts, cards)
    holdings = _holdings(owners, disp, accounts, account_status, loans, cards)

    tables = {
        "branches": branches,
        "relationship_managers": _relationship_managers(branches),
        "customers": customers,
        "customer_months": customer_months,
        "products": PRODUCTS,
        "holdings": holdings,
    }
    data_end = monthly.get_column("last_date").max()
    notes = (*NOTES, f"trans.asc covers transactions up to {data_end}; customer_months ends in that month.")
    return write_extract(out_dir, tables, source=SOURCE, notes=notes, currency=CURRENCY, protect=[src_dir])


# --- reading ---------------------------------------------------------------------------------------


def _read_raw(path: Path) -> pl.DataFrame:
    """Every column as text, missing values ("", " ", empty) as null."""
    try:
        frame = pl.read_csv(path, separator=";", infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ImportFailed(f"{source_label(path)}: cannot be read as ';'-separated text ({exc})") from exc
    return frame.with_columns(blank_to_null(frame.columns))


def _read_table(path: Path, columns: dict[str, pl.DataType | None]) -> pl.DataFrame:
    """Read the named columns; those with a type are parsed strictly (text columns keep None)."""
    label = source_label(path)
    frame = _read_raw(path)
    require_columns(frame.columns, columns, label)
    frame = frame.select(list(columns))
    casts = {name: dtype for name, dtype in columns.items() if dtype is not None}
    return parse_strict(frame, casts, label)


def _read_clients(path: Path) -> pl.DataFrame:
    clients = _read_table(path, {"client_id": pl.Int64, "birth_number": None, "district_id": pl.Int64})
    digits = pl.col("birth_number").str.slice(0, 6)
    raw_month = digits.str.slice(2, 2).cast(pl.Int64, strict=False)
    decoded = clients.with_columns(
        birth_year=(digits.str.slice(0, 2).cast(pl.Int64, strict=False) + 1900),
        gender=pl.when(raw_month > 50).then(pl.lit("F")).otherwise(pl.lit("M")),
        birth_month=pl.when(raw_month > 50).then(raw_month - 50).otherwise(raw_month),
    )
    bad = decoded.with_row_index("row", offset=1).filter(
        (pl.col("birth_number").str.len_chars() != 6)
        | pl.col("birth_year").is_null()
        | ~pl.col("birth_month").is_between(1, 12)
    )
    if bad.height:
        row, value = bad.get_column("row")[0], bad.get_column("birth_number")[0]
        raise ImportFailed(
            f"{source_label(path)}: column 'birth_number', row {row:,}: '{value}' is not a YYMMDD birth number "
            "(women: month + 50)"
        )
    return decoded.drop("birth_month")


def _read_districts(path: Path) -> pl.DataFrame:
    """Only A1 (id), A2 (name) and A3 (region) are used; A12 and A15 hold '?' for one district, unused."""
    return _read_table(path, {"A1": pl.Int64, "A2": None, "A3": None}).rename(
        {"A1": "district_id", "A2": "district_name", "A3": "region"}
    )


def _yymmdd_expr(column: str) -> pl.Expr:
    """YYMMDD (optionally followed by a time, as in card.issued) in the 1900s → Date; invalid → null."""
    return pl.concat_str(pl.lit("19"), pl.col(column).str.slice(0, 6)).str.to_date("%Y%m%d", strict=False).alias(column)


def _yymmdd(frame: pl.DataFrame, column: str, path: Path) -> pl.Expr:
    parsed = frame.select(_yymmdd_expr(column)).get_column(column)
    raw = frame.get_column(column)
    bad = (parsed.is_null()).arg_true()
    if bad.len():
        index = int(bad[0])
        raise ImportFailed(
            f"{source_label(path)}: column '{column}', row {index + 1:,}: '{raw[index]}' is not a YYMMDD date"
        )
    return _yymmdd_expr(column).alias(column)


def _check_codes(frame: pl.DataFrame, column: str, allowed: tuple[str, ...], path: Path) -> None:
    bad = frame.with_row_index("row", offset=1).filter(~pl.col(column).is_in(allowed) | pl.col(column).is_null())
    if bad.height:
        row, value = bad.get_column("row")[0], bad.get_column(column)[0]
        raise ImportFailed(
            f"{source_label(path)}: column '{column}', row {row:,}: '{value}' is not one of {', '.join(allowed)}"
        )


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
        "date": _yymmdd_expr("date").is_null(),
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


def _trans_aggregates(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per account and month-end: activity (count, amounts, first/last date) and the month-end balance."""
    raw = _scan_trans(path)
    _check_trans(raw, path)
    trans = raw.with_columns(
        _yymmdd_expr("date").alias("date"),
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


# --- accounts and months -----------------------------------------------------------------------------


def _month_index(expr: pl.Expr) -> pl.Expr:
    return expr.dt.year().cast(pl.Int64) * 12 + expr.dt.month().cast(pl.Int64)


def _account_status(monthly: pl.DataFrame) -> pl.DataFrame:
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


def _account_months(
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


def _customer_months(
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


# --- dimension tables ----------------------------------------------------------------------------------


def _branch_id(district: pl.Expr) -> pl.Expr:
    return pl.format("D{}", district.cast(pl.String).str.zfill(2))


def _branches(districts: pl.DataFrame) -> pl.DataFrame:
    return districts.select(
        branch_id=_branch_id(pl.col("district_id")),
        branch_name=pl.col("district_name"),
        region=pl.col("region"),
        city=pl.col("district_name"),
    ).sort("branch_id")


def _relationship_managers(branches: pl.DataFrame) -> pl.DataFrame:
    return branches.select(
        rm_id=pl.format("RM-{}", pl.col("branch_id")),
        rm_name=pl.format("{} RM (synthetic)", pl.col("branch_name")),
        branch_id=pl.col("branch_id"),
    )


def _customers(
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


def _holdings(
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
