"""Import the UCI Bank Marketing data set (a Portuguese bank's term-deposit telemarketing) into the contract.

Both releases are accepted, told apart by the header: `bank-full.csv` (with `day` and `balance`) and
`bank-additional-full.csv` (with `day_of_week`, `pdays = 999` / `poutcome = nonexistent` for "never
contacted", five economic indicators and no `balance`).

Decisions (also in docs/real-data.md and in the summary notes):
- one contact row = one customer, ids "BM0000001".. by row order;
- the year is not in the data: rows are in date order from May 2008, so the year starts at 2008 and goes up
  whenever the month goes backwards; the result must fall within May 2008 - November 2010;
- one campaign per contact month; one call touch per row on the contact date; no control group;
- y = "yes" is a time-deposit conversion at the end of the call (contact date + call duration);
- amounts are EUR (the source's currency), not converted; cost and conversion value are assumptions.
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

SOURCE = "bank-marketing"
CURRENCY = "EUR"
START_YEAR = 2008
FIRST_DAY = date(2008, 5, 1)
LAST_DAY = date(2010, 11, 30)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Assumptions, not data: what one call costs and what one term deposit is worth to the bank.
COST_PER_CALL = 5.0
DEPOSIT_VALUE = 100.0
UNKNOWN = "unknown"

COMMON_COLUMNS = (
    "age",
    "job",
    "marital",
    "education",
    "default",
    "housing",
    "loan",
    "contact",
    "month",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
    "y",
)
FULL_ONLY = ("day", "balance")
ADDITIONAL_ONLY = ("day_of_week", "emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed")
INTEGERS = ("age", "duration", "campaign", "pdays", "previous")
TAG_COLUMNS = ("job", "marital", "education")
LOAN_PRODUCTS = {"housing": "mortgage", "loan": "consumer_loan"}

BRANCH_ID = "PT"
RM_ID = "PT-CALL"

PRODUCTS = pl.DataFrame(
    {
        "product_type": ["current_account", "mortgage", "consumer_loan", "time_deposit"],
        "product_name": ["Current account", "Housing loan", "Personal loan", "Term deposit"],
        "category": ["deposit", "lending", "lending", "deposit"],
    }
)


def import_bank_marketing(src_file: Path, out_dir: Path) -> ImportSummary:
    """Read bank-full.csv or bank-additional-full.csv and write contract extracts to `out_dir`."""
    src_file = Path(src_file)
    out_dir = Path(out_dir)
    check_target(out_dir, protect=[src_file])
    require_file(src_file)
    label = source_label(src_file)
    contacts, release = _read_contacts(src_file)
    contacts = _with_contact_dates(contacts, release, label)

    campaigns = _campaigns(contacts)
    tables = {
        "branches": pl.DataFrame(
            {"branch_id": [BRANCH_ID], "branch_name": ["Portugal"], "region": ["Portugal"], "city": ["Portugal"]}
        ),
        "relationship_managers": pl.DataFrame(
            {"rm_id": [RM_ID], "rm_name": ["Telemarketing call centre (synthetic)"], "branch_id": [BRANCH_ID]}
        ),
        "customers": _customers(contacts),
        "customer_months": _customer_months(contacts, release),
        "products": PRODUCTS,
        "holdings": _holdings(contacts),
        "campaigns": campaigns,
        "touches": _touches(contacts),
        "conversions": _conversions(contacts),
    }
    notes = _notes(contacts, release)
    return write_extract(out_dir, tables, source=SOURCE, notes=notes, currency=CURRENCY, protect=[src_file])


def _read_contacts(path: Path) -> tuple[pl.DataFrame, str]:
    """All columns as text, blanks null; the release ("full" or "additional") from the header."""
    label = source_label(path)
    try:
        frame = pl.read_csv(path, separator=";", infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ImportFailed(f"{label}: cannot be read as ';'-separated text ({exc})") from exc
    if "day" in frame.columns:
        release, extra = "full", FULL_ONLY
    elif "day_of_week" in frame.columns:
        release, extra = "additional", ("day_of_week",)
    else:
        raise ImportFailed(
            f"{label}: neither column 'day' (bank-full.csv) nor 'day_of_week' (bank-additional-full.csv) found"
        )
    require_columns(frame.columns, (*COMMON_COLUMNS, *extra), label)
    if frame.height == 0:
        raise ImportFailed(f"{label}: no contact rows")
    frame = frame.select((*COMMON_COLUMNS, *extra)).with_columns(blank_to_null((*COMMON_COLUMNS, *extra)))
    integers = INTEGERS + (FULL_ONLY if release == "full" else ())
    frame = parse_strict(frame, dict.fromkeys(integers, pl.Int64()), label)
    _check_values(frame, "month", MONTHS, label)
    _check_values(frame, "y", ("yes", "no"), label)
    if release == "additional":
        _check_values(frame, "day_of_week", WEEKDAYS, label)
    return frame.with_row_index("row", offset=1), release


def _check_values(frame: pl.DataFrame, column: str, allowed: tuple[str, ...], label: str) -> None:
    bad = frame.with_row_index("row", offset=1).filter(pl.col(column).is_null() | ~pl.col(column).is_in(allowed))
    if bad.height:
        row, value = bad.get_column("row")[0], bad.get_column(column)[0]
        raise ImportFailed(f"{label}: column '{column}', row {row:,}: '{value}' is not one of {', '.join(allowed)}")


def _with_contact_dates(contacts: pl.DataFrame, release: str, label: str) -> pl.DataFrame:
    """Infer the year from row order and build the contact date; check the range is May 2008 - Nov 2010."""
    month_no = pl.col("month").replace_strict(list(MONTHS), list(range(1, 13)), return_dtype=pl.Int64)
    frame = contacts.with_columns(month_no=month_no).with_columns(
        year=START_YEAR + (pl.col("month_no") < pl.col("month_no").shift(1)).fill_null(False).cum_sum().cast(pl.Int64)
    )
    if release == "full":
        day = pl.col("day")
    else:
        # No day of the month in this release: the first such weekday of the month (Mon = 1 .. Sun = 7).
        weekday = pl.col("day_of_week").replace_strict(list(WEEKDAYS), list(range(1, 8)), return_dtype=pl.Int64)
        first_weekday = pl.date(pl.col("year"), pl.col("month_no"), 1).dt.weekday().cast(pl.Int64)
        day = 1 + (weekday - first_weekday) % 7
    frame = frame.with_columns(day_no=day)
    month_days = pl.date(pl.col("year"), pl.col("month_no"), 1).dt.month_end().dt.day().cast(pl.Int64)
    bad_day = frame.filter(~pl.col("day_no").is_between(1, month_days))
    if bad_day.height:
        record = bad_day.row(0, named=True)
        raise ImportFailed(
            f"{label}: column 'day', row {record['row']:,}: '{record['day_no']}' is not a day of "
            f"{record['month']} {record['year']}"
        )
    frame = frame.with_columns(contact_date=pl.date(pl.col("year"), pl.col("month_no"), pl.col("day_no")))
    last = frame.row(frame.height - 1, named=True)
    first = frame.row(0, named=True)
    if first["contact_date"] < FIRST_DAY or last["contact_date"] > LAST_DAY:
        raise ImportFailed(
            f"{label}: column 'month': the contact dates inferred from row order run from {first['contact_date']} "
            f"to {last['contact_date']}, outside May 2008 - November 2010; the rows must be in date order "
            "(as in bank-full.csv, not the shuffled bank.csv sample)"
        )
    return frame.with_columns(
        customer_id=pl.format("BM{}", pl.col("row").cast(pl.String).str.zfill(7)),
        campaign_id=pl.format("BM-{}-{}", pl.col("year"), pl.col("month_no").cast(pl.String).str.zfill(2)),
        touch_ts=pl.col("contact_date").cast(pl.Datetime("us")),
    )


def _customers(contacts: pl.DataFrame) -> pl.DataFrame:
    tags = pl.concat_list(
        [
            pl.when(pl.col(c).is_not_null() & (pl.col(c) != UNKNOWN)).then(pl.format(f"{c}:{{}}", pl.col(c)))
            for c in TAG_COLUMNS
        ]
    ).list.drop_nulls()
    return contacts.select(
        "customer_id",
        open_date=pl.col("contact_date"),
        close_date=pl.lit(None, pl.Date),
        birth_year=pl.col("year") - pl.col("age"),
        gender=pl.lit(None, pl.String),
        city=pl.lit(None, pl.String),
        branch_id=pl.lit(BRANCH_ID),
        rm_id=pl.lit(RM_ID),
        acquisition_channel=pl.lit(None, pl.String),
        risk_profile=pl.lit(None, pl.String),
        tags=tags,
    )


def _products_held() -> pl.Expr:
    """The current account plus each loan flagged "yes"."""
    return 1 + sum((pl.col(flag) == "yes").cast(pl.Int64) for flag in LOAN_PRODUCTS)


def _customer_months(contacts: pl.DataFrame, release: str) -> pl.DataFrame:
    # A negative average balance is an overdraft: it is shown as a loan balance, never as negative deposits.
    balance = pl.col("balance").cast(pl.Float64) if release == "full" else pl.lit(0.0)
    return contacts.select(
        "customer_id",
        month=pl.col("contact_date").dt.month_end(),
        aum_total=balance.clip(lower_bound=0.0),
        deposits=balance.clip(lower_bound=0.0),
        wealth=pl.lit(0.0),
        insurance=pl.lit(0.0),
        loan_balance=(-balance).clip(lower_bound=0.0),
        card_spend=pl.lit(0.0),
        txn_count=pl.lit(0),
        txn_amount=pl.lit(0.0),
        digital_logins=pl.lit(0),
        products_held=_products_held(),
        complaints=pl.lit(0),
    )


def _holdings(contacts: pl.DataFrame) -> pl.DataFrame:
    """Current account for everyone, loans where flagged; open dates unknown, so the contact date."""
    parts = [
        contacts.filter(pl.lit(True) if flag is None else pl.col(flag) == "yes").select(
            holding_id=pl.format("{}-{}", pl.col("customer_id"), pl.lit(product)),
            customer_id="customer_id",
            product_type=pl.lit(product),
            open_date=pl.col("contact_date"),
            close_date=pl.lit(None, pl.Date),
        )
        for flag, product in ((None, "current_account"), *LOAN_PRODUCTS.items())
    ]
    return pl.concat(parts).sort("customer_id", "product_type")


def _campaigns(contacts: pl.DataFrame) -> pl.DataFrame:
    return (
        contacts.group_by("campaign_id")
        .agg(
            start_date=pl.col("contact_date").min(),
            end_date=pl.col("contact_date").max(),
            calls=pl.col("campaign").sum(),
        )
        .select(
            "campaign_id",
            campaign_name=pl.format("Term deposit telemarketing {}", pl.col("start_date").dt.strftime("%Y-%m")),
            campaign_type=pl.lit("cross_sell"),
            channel=pl.lit("call"),
            start_date="start_date",
            end_date="end_date",
            cost=pl.col("calls").cast(pl.Float64) * COST_PER_CALL,
            target_segment=pl.lit(None, pl.String),
            product_type=pl.lit("time_deposit"),
            control_share=pl.lit(0.0),
        )
        .sort("campaign_id")
    )


def _touches(contacts: pl.DataFrame) -> pl.DataFrame:
    return contacts.select(
        touch_id=pl.format("BMT{}", pl.col("row").cast(pl.String).str.zfill(7)),
        customer_id="customer_id",
        campaign_id="campaign_id",
        channel=pl.lit("call"),
        touch_ts="touch_ts",
        touch_type=pl.lit("call"),
        is_control=pl.lit(False),
    )


def _conversions(contacts: pl.DataFrame) -> pl.DataFrame:
    # At the end of the last call: at least one second after the touch, so "touch before conversion" holds.
    seconds = pl.max_horizontal(pl.col("duration"), pl.lit(1))
    return contacts.filter(pl.col("y") == "yes").select(
        conversion_id=pl.format("BMC{}", pl.col("row").cast(pl.String).str.zfill(7)),
        customer_id="customer_id",
        conversion_ts=pl.col("touch_ts") + pl.duration(seconds=seconds),
        product_type=pl.lit("time_deposit"),
        value=pl.lit(DEPOSIT_VALUE),
    )


def _notes(contacts: pl.DataFrame, release: str) -> tuple[str, ...]:
    first, last = contacts.get_column("contact_date").min(), contacts.get_column("contact_date").max()
    notes = [
        "currency: amounts are EUR as in the source; they are not converted to CNY.",
        f"release: {'bank-full (day, balance)' if release == 'full' else 'bank-additional-full (day_of_week)'}.",
        "customers: one per contact row (the data set has no customer id), ids BM0000001.. in row order; "
        "birth_year = contact year - age; job, marital and education as tags ('unknown' left out); "
        "open_date = the contact date (the true account opening date is not in the data).",
        f"dates: the year is inferred from row order (starting {START_YEAR}, +1 whenever the month goes "
        f"backwards); contacts run from {first} to {last}.",
        "branches and relationship_managers: one synthetic branch 'Portugal' and one synthetic call-centre RM "
        "to which every customer is assigned.",
        "campaigns: one per contact month, type cross_sell, channel call, product time_deposit, "
        f"cost = {COST_PER_CALL:g} EUR per call (an assumption) x the calls made (column 'campaign'); "
        "control_share 0: the data set has no control group.",
        "touches: one call per contact row at the contact date (00:00; the time is unknown); earlier calls of "
        "the same campaign (column 'campaign') are counted in the cost but not emitted as touches.",
        f"conversions: y = yes is a time_deposit conversion worth {DEPOSIT_VALUE:g} EUR (an assumption) at the "
        "end of the call (contact date + duration seconds).",
        "holdings: a current account for every customer, mortgage (housing = yes) and consumer_loan (loan = yes); "
        "their open date is unknown and set to the contact date.",
        "previous campaigns (pdays, previous, poutcome) have no dates and are not imported.",
    ]
    if release == "full":
        notes.append(
            "customer_months: one row in the contact month from 'balance' (average yearly balance): deposits = "
            "aum_total = max(balance, 0), a negative balance becomes loan_balance (overdraft); no activity data."
        )
    else:
        notes.append(
            "customer_months: one row in the contact month; this release has no balance, so balances are 0. "
            "Contact day: the first such weekday (day_of_week) of the month. "
            "The economic indicator columns are not imported."
        )
    return tuple(notes)
