"""Checking a folder of extracts against the data contract (`clientscope validate DIR`, the app's error page).

Validation collects every problem instead of stopping at the first, never raises on bad input and never writes
into the data folder.  It runs in three layers, each only where the previous one passed, so that one broken
column does not produce a cascade of confusing messages:

1. folder and tables: the folder exists, required tables are present, `requires` of optional tables hold;
2. files: every Parquet file is read completely with pyarrow (footer and data pages, batch by batch), part files
   of a table share one schema, required columns are present with the right type family, required tables have rows;
3. rows (DuckDB, only for tables that passed 2): NULLs in non-nullable columns, unique primary keys, foreign keys
   that resolve, month-end months, and the warnings (future dates, negative balances, AUM parts, reversed dates).

Row-level SQL is constant (`queries/validation/*.sql`); what varies per table or column is projected by the
relation API from contract names into fixed-name helper views (`validation_*`) that those files read.

The package holds one module per layer (`presence`, `files` and `columns`, `rows` and `row_checks`), the report
types (`report`) and the wording of messages (`wording`); this module runs the layers in order.
"""

from __future__ import annotations

from pathlib import Path

from clientscope import catalog
from clientscope.validation.files import check_table
from clientscope.validation.presence import folder_problem, presence_problems
from clientscope.validation.report import Problem, Severity, ValidationReport, format_report
from clientscope.validation.rows import AMOUNT_CHECKED, DATE_PAIRS, FUTURE_CHECKED, row_problems

__all__ = [
    "AMOUNT_CHECKED",
    "DATE_PAIRS",
    "FUTURE_CHECKED",
    "Problem",
    "Severity",
    "ValidationReport",
    "format_report",
    "validate",
]


def validate(data_dir: Path) -> ValidationReport:
    """Check every table, file, column and row of `data_dir` against the contract; collect all problems."""
    data_dir = Path(data_dir)
    unusable = folder_problem(data_dir)
    if unusable is not None:
        return ValidationReport(data_dir, (unusable,))
    found = catalog.locate(data_dir)
    problems = presence_problems(data_dir, found)
    checked = [check_table(data_dir, files) for files in found.values() if files.present]
    for table_check in checked:
        problems.extend(table_check.problems)
    usable = {c.table.name: c for c in checked if c.usable}
    problems.extend(row_problems(usable))
    return ValidationReport(data_dir, tuple(problems))
