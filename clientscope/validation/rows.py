"""Layer 3 of validation: which row-level checks run on which tables, on one DuckDB connection, each guarded
so that a failing query becomes a problem and the other checks still run.  Only tables that passed their
file checks take part."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

import duckdb

from clientscope import settings
from clientscope.db import Database, QueryError
from clientscope.validation.files import TableCheck
from clientscope.validation.report import Problem, Severity
from clientscope.validation.row_checks import (
    MONTH_TABLE,
    LoadedTable,
    amount_problems,
    aum_parts_problems,
    balance_problems,
    duplicate_key_problems,
    future_problems,
    latest_month_end,
    month_end_problems,
    null_problems,
    orphan_problems,
    reversed_date_problems,
)
from clientscope.validation.wording import reason

log = logging.getLogger(__name__)

# Dates and timestamps that should not lie after the latest month-end of customer_months.  Campaign dates are
# left out on purpose: a campaign may be planned beyond the data's last month.
FUTURE_CHECKED: tuple[tuple[str, str], ...] = (
    ("customers", "open_date"),
    ("customers", "close_date"),
    ("holdings", "open_date"),
    ("holdings", "close_date"),
    ("touches", "touch_ts"),
    ("conversions", "conversion_ts"),
    ("complaints", "complaint_ts"),
)
# (table, opened column, closed column): the second should not be before the first.
DATE_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("customers", "open_date", "close_date"),
    ("holdings", "open_date", "close_date"),
    ("campaigns", "start_date", "end_date"),
)

# Money columns: the marts keep them as DECIMAL(18,2) (docs/metrics.md, "Money"), which holds neither NaN nor
# infinity nor an amount of 10^16 or more, so such a value would stop the build.
AMOUNT_CHECKED: tuple[tuple[str, str], ...] = (
    *((MONTH_TABLE, c) for c in ("aum_total", "deposits", "wealth", "insurance", "loan_balance", "card_spend")),
    *((MONTH_TABLE, c) for c in ("txn_amount", "payroll_inflow", "cross_border_spend")),
    ("campaigns", "cost"),
    ("conversions", "value"),
)


def row_problems(usable: dict[str, TableCheck]) -> list[Problem]:
    if not usable:
        return []
    # the build's limit, spilling beyond it: unlimited, DuckDB takes up to 80 % of the machine (8.4 GB while
    # checking 10 million customers' extracts)
    con = duckdb.connect(config=settings.duckdb_config(memory_limit=settings.duckdb_build_memory()))
    try:
        db = Database.from_connection(con)
        problems, loaded = _attach(db, usable)
        checks_in_order = (
            _table_checks, _foreign_key_checks, _month_checks, _future_checks, _date_order_checks, _amount_checks,
        )  # fmt: skip
        for checks in checks_in_order:
            problems.extend(checks(db, loaded))
        return problems
    finally:
        con.close()


def _table_checks(db: Database, loaded: dict[str, LoadedTable]) -> list[Problem]:
    problems: list[Problem] = []
    for entry in loaded.values():
        problems.extend(_guarded(entry, "empty-value", partial(null_problems, db, entry)))
        problems.extend(_guarded(entry, "primary key", partial(duplicate_key_problems, db, entry)))
    return problems


def _foreign_key_checks(db: Database, loaded: dict[str, LoadedTable]) -> list[Problem]:
    """Only between tables that both passed their file checks: a broken parent would make every row an orphan."""
    problems: list[Problem] = []
    for entry in loaded.values():
        for fk in entry.table.foreign_keys:
            if fk.table in loaded and entry.present(fk.column):
                check = partial(orphan_problems, db, entry, fk, loaded[fk.table])
                problems.extend(_guarded(entry, "foreign key", check))
    return problems


def _month_checks(db: Database, loaded: dict[str, LoadedTable]) -> list[Problem]:
    months = loaded.get(MONTH_TABLE)
    if months is None:
        return []
    problems: list[Problem] = []
    for check in (month_end_problems, balance_problems, aum_parts_problems):
        problems.extend(_guarded(months, "month-end and balance", partial(check, db, months)))
    return problems


def _future_checks(db: Database, loaded: dict[str, LoadedTable]) -> list[Problem]:
    months = loaded.get(MONTH_TABLE)
    if months is None:
        return []
    try:
        latest = latest_month_end(db)
    except (QueryError, duckdb.Error) as exc:
        return [_engine_problem(MONTH_TABLE, months.location, "the latest-month check on", exc)]
    if latest is None:
        return []
    problems: list[Problem] = []
    for table_name, column in FUTURE_CHECKED:
        entry = loaded.get(table_name)
        if entry is not None and entry.present(column):
            problems.extend(_guarded(entry, "date range", partial(future_problems, db, entry, column, latest)))
    return problems


def _date_order_checks(db: Database, loaded: dict[str, LoadedTable]) -> list[Problem]:
    problems: list[Problem] = []
    for table_name, opened, closed in DATE_PAIRS:
        entry = loaded.get(table_name)
        if entry is not None and entry.present(opened) and entry.present(closed):
            check = partial(reversed_date_problems, db, entry, opened, closed)
            problems.extend(_guarded(entry, "date order", check))
    return problems


def _amount_checks(db: Database, loaded: dict[str, LoadedTable]) -> list[Problem]:
    problems: list[Problem] = []
    for table_name, column in AMOUNT_CHECKED:
        entry = loaded.get(table_name)
        if entry is not None and entry.present(column):
            problems.extend(_guarded(entry, "amount", partial(amount_problems, db, entry, column)))
    return problems


def _attach(db: Database, usable: dict[str, TableCheck]) -> tuple[list[Problem], dict[str, LoadedTable]]:
    problems: list[Problem] = []
    loaded: dict[str, LoadedTable] = {}
    for name, check in usable.items():
        try:
            relation = db.con.read_parquet([str(path) for path in check.files])
            db.register(name, relation)
        except duckdb.Error as exc:
            problems.append(_engine_problem(check.table.name, check.location, "reading", exc))
            continue
        loaded[name] = LoadedTable(check, relation)
    return problems, loaded


class ValidationOutOfMemory(RuntimeError):
    """A row check ran out of the build's DuckDB memory: not a fault of the extracts, so nothing is recorded."""


def _guarded(entry: LoadedTable, what: str, check: Callable[[], list[Problem]]) -> list[Problem]:
    """Run one row-level check; a query that fails becomes a problem instead of an exception.

    Running out of memory is the machine's limit, not the files': it stops the validation (a report would be kept
    for these extracts as if they were broken) and names the setting."""
    try:
        return check()
    except (QueryError, duckdb.Error) as exc:
        if isinstance(exc, duckdb.OutOfMemoryException) or isinstance(exc.__cause__, duckdb.OutOfMemoryException):
            raise ValidationOutOfMemory(
                f"validating {entry.table.name}: DuckDB ran out of the build's memory "
                f"({settings.duckdb_build_memory()}). Raise {settings.BUILD_MEMORY_ENV} (for example to 6GB) on a "
                "machine with that much free memory, then run `clientscope build` again; nothing was recorded."
            ) from exc
        log.warning("validation: the %s check of %s failed: %s", what, entry.table.name, exc)
        return [_engine_problem(entry.table.name, entry.location, f"the {what} check on", exc)]


def _engine_problem(table: str, location: str, what: str, exc: Exception) -> Problem:
    return Problem(
        Severity.ERROR,
        table,
        None,
        location,
        f"DuckDB failed {what} these files ({reason(exc)})",
        "export the files again; if this persists, send this message to the Clientscope maintainers",
    )
