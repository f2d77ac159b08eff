"""The row-level checks of validation, one constant query each (`queries/validation/*.sql`) and one message:
NULLs in non-nullable columns, unique primary keys, foreign keys that resolve, month-end months, and the
warnings (future dates, negative balances, AUM parts, reversed dates) and unusable amounts.

What varies per table or column is projected by the relation API from contract names into fixed-name helper
views (`validation_*`) that those files read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
from duckdb import col, count_all

from clientscope.contract import TABLES_BY_NAME, ForeignKey, Table
from clientscope.db import Database, run_named
from clientscope.validation.files import TableCheck
from clientscope.validation.report import Problem, Severity
from clientscope.validation.wording import plural, show

QUERY_TIMEOUT_S = 600.0  # a full scan of a large extract may take a while; the app's 30 s default is for pages
AUM_TOLERANCE_CNY = 1.0

MONTH_TABLE = "customer_months"
# Money is kept as DECIMAL(18,2) in the marts (docs/metrics.md, "Money"), which holds no amount of 10^16 or more;
# the columns checked against it are `rows.AMOUNT_CHECKED`.
AMOUNT_LIMIT = 1e16

# Fixed names of the helper views the constant validation queries read.
NULL_COUNTS_VIEW = "validation_null_counts"
KEY_COUNTS_VIEW = "validation_key_counts"
FK_CHILD_VIEW = "validation_fk_child"
FK_PARENT_VIEW = "validation_fk_parent"
DATES_VIEW = "validation_dates"
DATE_PAIRS_VIEW = "validation_date_pairs"
AMOUNTS_VIEW = "validation_amounts"


@dataclass(frozen=True)
class LoadedTable:
    """A table attached to the validation connection."""

    check: TableCheck
    relation: duckdb.DuckDBPyRelation

    @property
    def table(self) -> Table:
        return self.check.table

    @property
    def location(self) -> str:
        return self.check.location

    def present(self, column: str) -> bool:
        return column in self.relation.columns


def run_query(db: Database, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return run_named(db, f"validation/{name}", params, timeout_s=QUERY_TIMEOUT_S).frame.to_dicts()


def null_problems(db: Database, entry: LoadedTable) -> list[Problem]:
    columns = [c for c in entry.table.columns if not c.nullable and entry.present(c.name)]
    if not columns:
        return []
    counts = entry.relation.aggregate([count_all().where(col(c.name).is_null()).alias(c.name) for c in columns])
    db.register(NULL_COUNTS_VIEW, counts)
    nulls = {row["column_name"]: row["null_rows"] for row in run_query(db, "null_counts")}
    return [
        Problem(
            Severity.ERROR,
            entry.table.name,
            c.name,
            entry.location,
            f"column '{c.name}' is empty (NULL) on {plural(nulls[c.name], 'row')}, but it must always have a value",
            f"fill in '{c.name}' on every row, or leave out the rows that have none",
        )
        for c in columns
        if c.name in nulls
    ]


def duplicate_key_problems(db: Database, entry: LoadedTable) -> list[Problem]:
    key = entry.table.primary_key
    if not all(entry.present(name) for name in key):
        return []
    counts = entry.relation.group_by(*(col(name) for name in key)).agg(count_all().alias("rows_per_key"))
    db.register(KEY_COUNTS_VIEW, counts)
    rows = run_query(db, "duplicate_keys")
    if not rows:
        return []
    row = rows[0]
    example = ", ".join(f"{name}={show(row[name])}" for name in key)
    key_words = key[0] if len(key) == 1 else f"({', '.join(key)})"
    n = row["duplicated_keys"]
    return [
        Problem(
            Severity.ERROR,
            entry.table.name,
            ", ".join(key),
            entry.location,
            f"primary key {key_words} is not unique: {plural(n, 'key')} {'occurs' if n == 1 else 'occur'} on more "
            f"than one row (e.g. {example} is on {row['rows_per_key']} rows)",
            f"keep one row per {key_words}: remove the duplicate rows, or fix the export's join that repeats them",
        )
    ]


def orphan_problems(db: Database, entry: LoadedTable, fk: ForeignKey, parent: LoadedTable) -> list[Problem]:
    db.register(FK_CHILD_VIEW, entry.relation.select(col(fk.column).alias("value")))
    db.register(FK_PARENT_VIEW, parent.relation.select(col(fk.ref_column).alias("value")))
    row = run_query(db, "orphan_keys")[0]
    if not row["orphan_rows"]:
        return []
    nullable = entry.table.column(fk.column).nullable
    empty_note = f" (leave {fk.column} empty where there is none)" if nullable else ""
    return [
        Problem(
            Severity.ERROR,
            entry.table.name,
            fk.column,
            entry.location,
            f"column '{fk.column}' has {plural(row['orphan_values'], 'value')} not found in "
            f"{fk.table}.{fk.ref_column} ({plural(row['orphan_rows'], 'row')}, e.g. {show(row['example'])})",
            f"add the missing rows to {fk.table}, or correct these {fk.column} values{empty_note}",
        )
    ]


def latest_month_end(db: Database) -> date | None:
    return run_query(db, "latest_month")[0]["latest_month_end"]


def month_end_problems(db: Database, months: LoadedTable) -> list[Problem]:
    row = run_query(db, "month_ends")[0]
    if not row["bad_rows"]:
        return []
    return [
        Problem(
            Severity.ERROR,
            MONTH_TABLE,
            "month",
            months.location,
            f"column 'month' is not a month-end date on {plural(row['bad_rows'], 'row')} (e.g. {show(row['example'])})",
            "store the last day of each month (e.g. polars `pl.col('month').dt.month_end()`)",
        )
    ]


def balance_problems(db: Database, months: LoadedTable) -> list[Problem]:
    order = {name: index for index, name in enumerate(TABLES_BY_NAME[MONTH_TABLE].column_names)}
    rows = sorted(run_query(db, "negative_balances"), key=lambda row: order[row["column_name"]])
    return [
        Problem(
            Severity.WARNING,
            MONTH_TABLE,
            row["column_name"],
            months.location,
            f"column '{row['column_name']}' is negative on {plural(row['negative_rows'], 'row')} (e.g. "
            f"{show(row['amount'])} for customer {show(row['customer_id'])} in {show(row['month'])})",
            f"{row['column_name']} is a balance and should not be below 0; check the sign convention of the export",
        )
        for row in rows
    ]


def aum_parts_problems(db: Database, months: LoadedTable) -> list[Problem]:
    rows = run_query(db, "aum_parts", {"tolerance": AUM_TOLERANCE_CNY})
    if not rows:
        return []
    row = rows[0]
    return [
        Problem(
            Severity.WARNING,
            MONTH_TABLE,
            "aum_total",
            months.location,
            f"column 'aum_total' differs from deposits + wealth + insurance by more than "
            f"{show(AUM_TOLERANCE_CNY)} CNY on {plural(row['mismatched_rows'], 'row')} (e.g. customer "
            f"{show(row['customer_id'])} in {show(row['month'])}: aum_total {show(row['aum_total'])}, "
            f"parts {show(row['parts_total'])})",
            "make aum_total the sum of deposits, wealth and insurance, or check whether an asset class is missing "
            "from the parts",
        )
    ]


def future_problems(db: Database, entry: LoadedTable, column: str, latest: date) -> list[Problem]:
    db.register(DATES_VIEW, entry.relation.select(col(column).alias("value")))
    row = run_query(db, "future_dates", {"latest_month_end": latest})[0]
    if not row["late_rows"]:
        return []
    return [
        Problem(
            Severity.WARNING,
            entry.table.name,
            column,
            entry.location,
            f"column '{column}' is after {show(latest)}, the latest month-end in {MONTH_TABLE}, on "
            f"{plural(row['late_rows'], 'row')} (latest: {show(row['latest_value'])})",
            f"check the extract dates: {MONTH_TABLE} should run up to the same month as {entry.table.name}",
        )
    ]


def amount_problems(db: Database, entry: LoadedTable, column: str) -> list[Problem]:
    key = entry.table.primary_key[0]
    db.register(AMOUNTS_VIEW, entry.relation.select(col(key).alias("id"), col(column).alias("value")))
    row = run_query(db, "amount_range", {"amount_limit": AMOUNT_LIMIT})[0]
    if not row["bad_rows"]:
        return []
    return [
        Problem(
            Severity.ERROR,
            entry.table.name,
            column,
            entry.location,
            f"column '{column}' is not a usable amount on {plural(row['bad_rows'], 'row')} (e.g. {key}="
            f"{show(row['example_id'])}: {show(row['example_amount'])}); amounts are kept to the cent and must be "
            f"finite numbers below 10^16",
            "export empty values instead of NaN or infinity, and check the column's unit (an amount in cents or a "
            "wrong scale factor can overflow)",
        )
    ]


def reversed_date_problems(db: Database, entry: LoadedTable, opened: str, closed: str) -> list[Problem]:
    key = entry.table.primary_key[0]
    pairs = entry.relation.select(col(key).alias("id"), col(opened).alias("opened"), col(closed).alias("closed"))
    db.register(DATE_PAIRS_VIEW, pairs)
    rows = run_query(db, "close_before_open")
    if not rows:
        return []
    row = rows[0]
    return [
        Problem(
            Severity.WARNING,
            entry.table.name,
            closed,
            entry.location,
            f"column '{closed}' is before '{opened}' on {plural(row['reversed_rows'], 'row')} (e.g. {key}="
            f"{show(row['id'])}: {opened} {show(row['opened'])}, {closed} {show(row['closed'])})",
            f"check these dates; swap them if the export wrote {opened} and {closed} the wrong way round",
        )
    ]
