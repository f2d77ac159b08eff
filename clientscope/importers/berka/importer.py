"""The Berka import: read the .asc files, build the contract tables, write the extract with its notes."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from clientscope.importers.berka.codes import CARD_TYPES, FILES, INACTIVE_MONTHS, SNAPSHOT
from clientscope.importers.berka.dimensions import (
    branches_table,
    customers_table,
    holdings_table,
    relationship_managers_table,
)
from clientscope.importers.berka.months import account_months_table, account_status_table, customer_months_table
from clientscope.importers.berka.reading import check_codes, read_clients, read_districts, read_table, yymmdd
from clientscope.importers.berka.transactions import trans_aggregates
from clientscope.importers.common import ImportFailed, ImportSummary, check_target, require_file, write_extract

SOURCE = "berka"
CURRENCY = "CZK"

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

    districts = read_districts(src_dir / "district.asc")
    clients = read_clients(src_dir / "client.asc")
    accounts = read_table(src_dir / "account.asc", {"account_id": pl.Int64, "district_id": pl.Int64, "date": None})
    disp = read_table(
        src_dir / "disp.asc", {"disp_id": pl.Int64, "client_id": pl.Int64, "account_id": pl.Int64, "type": None}
    )
    loans = read_table(
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
    cards = read_table(src_dir / "card.asc", {"card_id": pl.Int64, "disp_id": pl.Int64, "type": None, "issued": None})
    accounts = accounts.with_columns(yymmdd(accounts, "date", src_dir / "account.asc"))
    loans = loans.with_columns(yymmdd(loans, "date", src_dir / "loan.asc"))
    cards = cards.with_columns(yymmdd(cards, "issued", src_dir / "card.asc"))
    check_codes(disp, "type", ("OWNER", "DISPONENT"), src_dir / "disp.asc")
    check_codes(cards, "type", CARD_TYPES, src_dir / "card.asc")
    check_codes(loans, "status", ("A", "B", "C", "D"), src_dir / "loan.asc")

    monthly, balances = trans_aggregates(src_dir / "trans.asc")
    account_status = account_status_table(monthly)
    account_months = account_months_table(account_status, monthly, balances, loans)
    owners = disp.filter(pl.col("type") == "OWNER").select("client_id", "account_id")
    customer_months = customer_months_table(account_months, owners, disp, cards)
    branches = branches_table(districts)
    customers = customers_table(clients, disp, accounts, account_status, districts, cards)
    holdings = holdings_table(owners, disp, accounts, account_status, loans, cards)

    tables = {
        "branches": branches,
        "relationship_managers": relationship_managers_table(branches),
        "customers": customers,
        "customer_months": customer_months,
        "products": PRODUCTS,
        "holdings": holdings,
    }
    data_end = monthly.get_column("last_date").max()
    notes = (*NOTES, f"trans.asc covers transactions up to {data_end}; customer_months ends in that month.")
    return write_extract(out_dir, tables, source=SOURCE, notes=notes, currency=CURRENCY, protect=[src_dir])
