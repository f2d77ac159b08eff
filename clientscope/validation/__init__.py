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
"""

from __future__ import annotations

import difflib
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from duckdb import col, count_all

from clientscope import catalog
from clientscope.contract import TABLES, TABLES_BY_NAME, Column, ForeignKey, LogicalType, Table
from clientscope.db import Database, QueryError, run_named

log = logging.getLogger(__name__)

PARQUET_MAGIC = b"PAR1"
READ_BATCH_ROWS = 65_536  # rows per batch when reading a file through: bounded memory for big part folders
QUERY_TIMEOUT_S = 600.0  # a full scan of a large extract may take a while; the app's 30 s default is for pages
AUM_TOLERANCE_CNY = 1.0
CONTRACT_DOC = "docs/data-contract.md"

MONTH_TABLE = "customer_months"
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
AMOUNT_LIMIT = 1e16

# Fixed names of the helper views the constant validation queries read.
NULL_COUNTS_VIEW = "validation_null_counts"
KEY_COUNTS_VIEW = "validation_key_counts"
FK_CHILD_VIEW = "validation_fk_child"
FK_PARENT_VIEW = "validation_fk_parent"
DATES_VIEW = "validation_dates"
DATE_PAIRS_VIEW = "validation_date_pairs"
AMOUNTS_VIEW = "validation_amounts"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding, written for a bank's data engineer: where, what is wrong, how to fix it."""

    severity: Severity
    table: str
    column: str | None
    file: str | None  # relative to the data folder; a folder of parts ends with "/"
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.file or self.table
        head = f"{self.severity.name} {where}" if where else self.severity.name
        return f"{head}: {self.message}. Fix: {self.fix}"


@dataclass(frozen=True)
class ValidationReport:
    data_dir: Path
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors


def format_report(report: ValidationReport) -> str:
    """Plain text for the CLI and the app's error page: errors, then warnings, then a summary line."""
    lines = [str(p) for p in (*report.errors, *report.warnings)]
    counts = f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')}"
    summary = f"{counts} in {report.data_dir}"
    return "\n".join([*lines, "", summary]) if lines else summary


def validate(data_dir: Path) -> ValidationReport:
    """Check every table, file, column and row of `data_dir` against the contract; collect all problems."""
    data_dir = Path(data_dir)
    folder_problem = _folder_problem(data_dir)
    if folder_problem is not None:
        return ValidationReport(data_dir, (folder_problem,))
    found = catalog.locate(data_dir)
    problems = _presence_problems(data_dir, found)
    checked = [_check_table(data_dir, files) for files in found.values() if files.present]
    for table_check in checked:
        problems.extend(table_check.problems)
    usable = {c.table.name: c for c in checked if c.usable}
    problems.extend(_row_problems(usable))
    return ValidationReport(data_dir, tuple(problems))


# --- Layer 1: folder and tables ---------------------------------------------------------------------------------


def _folder_problem(data_dir: Path) -> Problem | None:
    if not data_dir.exists():
        return Problem(
            Severity.ERROR,
            "",
            None,
            None,
            f"the data folder {data_dir} does not exist",
            "check the path, or pass the folder that holds the .parquet extracts",
        )
    if not data_dir.is_dir():
        return Problem(
            Severity.ERROR,
            "",
            None,
            None,
            f"the data path {data_dir} is a file, not a folder",
            "pass the folder that holds the extracts (the folder containing customers.parquet)",
        )
    return None


def _presence_problems(data_dir: Path, found: dict[str, catalog.TableFiles]) -> list[Problem]:
    problems: list[Problem] = []
    for table in TABLES:
        if found[table.name].present:
            problems.extend(_requires_problems(data_dir, table, found))
        elif not table.optional:
            problems.append(_missing_table(data_dir, table))
        elif (data_dir / table.name).is_dir():
            problems.append(
                Problem(
                    Severity.WARNING,
                    table.name,
                    None,
                    f"{table.name}/",
                    "the folder holds no .parquet files, so this optional table is treated as absent",
                    f"put the {table.name} part files (*.parquet) in it, or remove the empty folder",
                )
            )
    return problems


def _requires_problems(data_dir: Path, table: Table, found: dict[str, catalog.TableFiles]) -> list[Problem]:
    return [
        Problem(
            Severity.ERROR,
            table.name,
            None,
            _location(found[table.name].files, data_dir),
            f"{table.name} is present but {needed} is missing; {table.name} refers to {needed}",
            f"add {needed}.parquet (or a folder {needed}/ of part files), or remove {table.name}",
        )
        for needed in table.requires
        if not found[needed].present
    ]


def _missing_table(data_dir: Path, table: Table) -> Problem:
    name = table.name
    if (data_dir / name).is_dir():
        message = f"required table is missing: the folder {name}/ holds no .parquet files"
    else:
        message = f"required table is missing: expected {name}.parquet or a folder {name}/ of .parquet part files"
    return Problem(Severity.ERROR, name, None, None, message, _missing_table_fix(data_dir, name))


def _missing_table_fix(data_dir: Path, name: str) -> str:
    """Suggest a rename when a file or folder in the data folder looks like the missing table."""
    lookalike = _lookalike_entry(data_dir, name)
    if lookalike is None:
        return f"export the {name} table as {name}.parquet (or as part files in {name}/); see {CONTRACT_DOC}"
    if lookalike.is_dir():
        return f"rename the folder {lookalike.name}/ to {name}/"
    if lookalike.suffix.lower() == ".parquet":
        return f"rename {lookalike.name} to {name}.parquet"
    return f"convert {lookalike.name} to Parquet and save it as {name}.parquet"


def _lookalike_entry(data_dir: Path, name: str) -> Path | None:
    contract_names = {t.name for t in TABLES} | {f"{t.name}.parquet" for t in TABLES}
    candidates = {
        entry.stem.lower() if entry.is_file() else entry.name.lower(): entry
        for entry in sorted(data_dir.iterdir())
        if entry.name not in contract_names and not entry.name.startswith(".")
    }
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.8)
    return candidates[match[0]] if match else None


# --- Layer 2: files, schemas and columns ------------------------------------------------------------------------


@dataclass(frozen=True)
class _FileInfo:
    path: Path
    rel: str
    schema: pa.Schema
    rows: int


@dataclass(frozen=True)
class _TableCheck:
    table: Table
    files: tuple[Path, ...]
    location: str
    problems: tuple[Problem, ...]

    @property
    def usable(self) -> bool:
        """Whether row-level checks may run on (and refer to) this table."""
        return not any(p.severity is Severity.ERROR for p in self.problems)


def _check_table(data_dir: Path, found: catalog.TableFiles) -> _TableCheck:
    table = found.table
    location = _location(found.files, data_dir)
    problems: list[Problem] = []
    infos: list[_FileInfo] = []
    for path in found.files:
        info = _read_file(data_dir, table, path)
        if isinstance(info, Problem):
            problems.append(info)
        else:
            infos.append(info)
    if infos:
        reference, odd = _split_by_schema(infos)
        problems.extend(_schema_mismatch(table, info, reference[0]) for info in odd)
        problems.extend(_column_problems(table, reference[0].schema, _location([i.path for i in reference], data_dir)))
    failed = any(p.severity is Severity.ERROR for p in problems)
    may_be_empty = table.optional or bool(table.may_be_empty)
    if not failed and not may_be_empty and sum(info.rows for info in infos) == 0:
        problems.append(
            Problem(
                Severity.ERROR,
                table.name,
                None,
                location,
                "required table has no rows",
                "export the table with its data; an empty extract usually means the export query selected nothing",
            )
        )
    return _TableCheck(table, found.files, location, tuple(problems))


def _location(files: Iterable[Path], data_dir: Path) -> str:
    """How a message names a table's files: the one file, the folder of parts, or both layouts."""
    rels = [path.relative_to(data_dir).as_posix() for path in files]
    if len(rels) == 1:
        return rels[0]
    tops = sorted({rel.split("/", 1)[0] + ("/" if "/" in rel else "") for rel in rels})
    return ", ".join(tops)


def _read_file(data_dir: Path, table: Table, path: Path) -> _FileInfo | Problem:
    """Open the file and read all of it, batch by batch, so that damage anywhere in the data is found."""
    rel = path.relative_to(data_dir).as_posix()

    def unreadable(message: str, fix: str) -> Problem:
        return Problem(Severity.ERROR, table.name, None, rel, message, fix)

    try:
        damaged = _magic_problem(path)
    except OSError as exc:  # e.g. no permission to read it
        return unreadable(f"the file cannot be opened ({_reason(exc)})", "make the file readable for Clientscope")
    if damaged is not None:
        return unreadable(*damaged)
    footer_fix = "export the file again"
    try:
        parquet = pq.ParquetFile(path, page_checksum_verification=True)
    except Exception as exc:  # pyarrow raises several types (OSError, ArrowInvalid, ...) for a bad footer
        return unreadable(f"the file's Parquet footer cannot be read ({_reason(exc)})", footer_fix)
    with parquet:
        try:
            schema, rows = parquet.schema_arrow, parquet.metadata.num_rows
        except Exception as exc:  # a footer that parses but describes a schema Arrow cannot represent
            return unreadable(f"the file's Parquet schema cannot be read ({_reason(exc)})", footer_fix)
        try:
            for _batch in parquet.iter_batches(batch_size=READ_BATCH_ROWS):
                pass  # decoding every page is the check; batches are dropped at once to bound memory
        except Exception as exc:  # any failure while decoding pages means the data is damaged
            return unreadable(
                f"the file is damaged: its data cannot be read ({_reason(exc)})",
                "export the file again and copy it completely",
            )
    return _FileInfo(path, rel, schema, rows)


def _magic_problem(path: Path) -> tuple[str, str] | None:
    """Cheap, exact diagnoses from the Parquet markers at both ends of the file."""
    size = path.stat().st_size
    if size == 0:
        return "the file is empty (0 bytes)", "export the table again; the export or the copy wrote nothing"
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(max(size - 4, 0))
        tail = handle.read(4)
    if head != PARQUET_MAGIC:
        return (
            "the file is not a Parquet file (it does not start with the Parquet marker 'PAR1')",
            "export the table as Parquet; CSV, Excel and other formats are not read",
        )
    if tail != PARQUET_MAGIC or size < 12:
        return (
            "the file is truncated: it does not end with the Parquet footer, so it was probably cut off while "
            "being written or copied",
            "copy or export the file again and check that its size matches the original",
        )
    return None


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _schema_key(schema: pa.Schema) -> frozenset[tuple[str, str]]:
    # DuckDB matches the columns of part files by name, so their order does not matter; nor do the physical
    # variants of one type that DuckDB reads alike (string, large_string, dictionary of strings; timestamp units).
    return frozenset((field.name, _type_name(field.type)) for field in schema)


def _split_by_schema(infos: list[_FileInfo]) -> tuple[list[_FileInfo], list[_FileInfo]]:
    """(files with the most common schema, the odd ones); a tie goes to the schema of the first file."""
    counts = Counter(_schema_key(info.schema) for info in infos)
    order = {key: index for index, key in reversed(list(enumerate(_schema_key(i.schema) for i in infos)))}
    common = max(counts, key=lambda key: (counts[key], -order[key]))
    reference = [info for info in infos if _schema_key(info.schema) == common]
    odd = [info for info in infos if _schema_key(info.schema) != common]
    return reference, odd


def _schema_mismatch(table: Table, odd: _FileInfo, reference: _FileInfo) -> Problem:
    expected = {field.name: _type_name(field.type) for field in reference.schema}
    actual = {field.name: _type_name(field.type) for field in odd.schema}
    differences = [f"column '{name}' is missing" for name in expected if name not in actual]
    differences += [
        f"column '{name}' has type {actual[name]} here but {expected[name]} there"
        for name in expected
        if name in actual and actual[name] != expected[name]
    ]
    differences += [f"it has an extra column '{name}'" for name in actual if name not in expected]
    return Problem(
        Severity.ERROR,
        table.name,
        None,
        odd.rel,
        f"this part file's schema differs from {reference.rel}: {'; '.join(differences)}",
        f"write every part of {table.name} with the same columns and types",
    )


def _column_problems(table: Table, schema: pa.Schema, location: str) -> list[Problem]:
    types = {field.name: field.type for field in schema}
    extras = [name for name in types if name not in table.column_names]
    problems: list[Problem] = []
    renamed: set[str] = set()
    for column in table.columns:
        if column.name in types:
            problems.extend(_type_problems(table, column, types[column.name], location))
        elif column.required:
            rename = _rename_candidate(column.name, extras)
            renamed.update([rename] if rename else [])
            problems.append(_missing_column(table, column, rename, location))
    problems.extend(_extra_column(table, name, location) for name in extras if name not in renamed)
    return problems


def _missing_column(table: Table, column: Column, rename: str | None, location: str) -> Problem:
    if rename is not None:
        fix = f"rename column '{rename}' to '{column.name}'"
    else:
        article = "an" if column.type is LogicalType.INTEGER else "a"
        description = column.description.rstrip(".")
        fix = f"add {article} {column.type.value} column '{column.name}' ({description}; see {CONTRACT_DOC})"
    message = f"required column '{column.name}' (type {column.type.value}) is missing"
    return Problem(Severity.ERROR, table.name, column.name, location, message, fix)


def _extra_column(table: Table, name: str, location: str) -> Problem:
    return Problem(
        Severity.WARNING,
        table.name,
        name,
        location,
        f"column '{name}' is not in the data contract and is ignored",
        f"nothing to do if it is intended; otherwise remove it (the columns of {table.name} are listed in "
        f"{CONTRACT_DOC})",
    )


def _rename_candidate(name: str, extras: list[str]) -> str | None:
    lowered = {extra.lower(): extra for extra in extras}
    match = difflib.get_close_matches(name, list(lowered), n=1, cutoff=0.8)
    return lowered[match[0]] if match else None


def _is_string(arrow_type: pa.DataType) -> bool:
    if pa.types.is_dictionary(arrow_type):
        return _is_string(arrow_type.value_type)
    return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or pa.types.is_string_view(arrow_type)


def _is_string_list(arrow_type: pa.DataType) -> bool:
    is_list = pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type) or pa.types.is_list_view(arrow_type)
    return is_list and _is_string(arrow_type.value_type)


def _type_matches(expected: LogicalType, arrow_type: pa.DataType) -> bool:
    checks: dict[LogicalType, Callable[[pa.DataType], bool]] = {
        LogicalType.STRING: _is_string,
        LogicalType.INTEGER: pa.types.is_integer,
        LogicalType.FLOAT: lambda t: pa.types.is_floating(t) or pa.types.is_decimal(t) or pa.types.is_integer(t),
        LogicalType.BOOLEAN: pa.types.is_boolean,
        LogicalType.DATE: pa.types.is_date,
        LogicalType.TIMESTAMP: pa.types.is_timestamp,
        LogicalType.STRING_LIST: _is_string_list,
    }
    return checks[expected](arrow_type)


def _type_name(arrow_type: pa.DataType) -> str:
    """A file's column type in the contract's words where one fits, else Arrow's own name."""
    if _is_string(arrow_type):
        return "string"
    if _is_string_list(arrow_type):
        return "list<string>"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_null(arrow_type):
        return "null (every value is empty, so the file stores no type)"
    return str(arrow_type)


def _type_problems(table: Table, column: Column, arrow_type: pa.DataType, location: str) -> list[Problem]:
    if _type_matches(column.type, arrow_type):
        return []
    message = f"column '{column.name}' has type {_type_name(arrow_type)}, expected {column.type.value}"
    return [Problem(Severity.ERROR, table.name, column.name, location, message, _type_fix(column, arrow_type))]


def _type_fix(column: Column, arrow_type: pa.DataType) -> str:
    """How to write the column with the right type, with the polars expression that does it."""
    name, expected = column.name, column.type
    is_text = _is_string(arrow_type)
    if expected is LogicalType.DATE and pa.types.is_timestamp(arrow_type):
        return f"cast it to a date before writing (e.g. polars `pl.col('{name}').dt.date()`)"
    if expected is LogicalType.DATE:
        how = "str.to_date()" if is_text else "cast(pl.Date)"
        return f"write it as a Parquet DATE (e.g. polars `pl.col('{name}').{how}`)"
    if expected is LogicalType.TIMESTAMP:
        how = "str.to_datetime()" if is_text else "cast(pl.Datetime)"
        return f"write it as a Parquet TIMESTAMP (e.g. polars `pl.col('{name}').{how}`)"
    if expected is LogicalType.STRING_LIST:
        how = "str.split(',')" if is_text else "cast(pl.List(pl.String))"
        return f"write it as a list of strings (e.g. polars `pl.col('{name}').{how}`)"
    polars_types = {
        LogicalType.STRING: ("a Parquet string; ids are strings even when they look like numbers", "pl.String"),
        LogicalType.INTEGER: ("a Parquet integer", "pl.Int64"),
        LogicalType.FLOAT: ("a Parquet DOUBLE or DECIMAL", "pl.Float64"),
        LogicalType.BOOLEAN: ("a Parquet BOOLEAN", "pl.Boolean"),
    }
    words, polars_type = polars_types[expected]
    return f"write it as {words} (e.g. polars `pl.col('{name}').cast({polars_type})`)"


# --- Layer 3: rows ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    """A table attached to the validation connection."""

    check: _TableCheck
    relation: duckdb.DuckDBPyRelation

    @property
    def table(self) -> Table:
        return self.check.table

    @property
    def location(self) -> str:
        return self.check.location

    def present(self, column: str) -> bool:
        return column in self.relation.columns


def _row_problems(usable: dict[str, _TableCheck]) -> list[Problem]:
    if not usable:
        return []
    con = duckdb.connect()
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


def _table_checks(db: Database, loaded: dict[str, _Loaded]) -> list[Problem]:
    problems: list[Problem] = []
    for entry in loaded.values():
        problems.extend(_guarded(entry, "empty-value", partial(_null_problems, db, entry)))
        problems.extend(_guarded(entry, "primary key", partial(_duplicate_key_problems, db, entry)))
    return problems


def _foreign_key_checks(db: Database, loaded: dict[str, _Loaded]) -> list[Problem]:
    """Only between tables that both passed their file checks: a broken parent would make every row an orphan."""
    problems: list[Problem] = []
    for entry in loaded.values():
        for fk in entry.table.foreign_keys:
            if fk.table in loaded and entry.present(fk.column):
                check = partial(_orphan_problems, db, entry, fk, loaded[fk.table])
                problems.extend(_guarded(entry, "foreign key", check))
    return problems


def _month_checks(db: Database, loaded: dict[str, _Loaded]) -> list[Problem]:
    months = loaded.get(MONTH_TABLE)
    if months is None:
        return []
    problems: list[Problem] = []
    for check in (_month_end_problems, _balance_problems, _aum_parts_problems):
        problems.extend(_guarded(months, "month-end and balance", partial(check, db, months)))
    return problems


def _future_checks(db: Database, loaded: dict[str, _Loaded]) -> list[Problem]:
    months = loaded.get(MONTH_TABLE)
    if months is None:
        return []
    try:
        latest = _latest_month_end(db)
    except (QueryError, duckdb.Error) as exc:
        return [_engine_problem(MONTH_TABLE, months.location, "the latest-month check on", exc)]
    if latest is None:
        return []
    problems: list[Problem] = []
    for table_name, column in FUTURE_CHECKED:
        entry = loaded.get(table_name)
        if entry is not None and entry.present(column):
            problems.extend(_guarded(entry, "date range", partial(_future_problems, db, entry, column, latest)))
    return problems


def _date_order_checks(db: Database, loaded: dict[str, _Loaded]) -> list[Problem]:
    problems: list[Problem] = []
    for table_name, opened, closed in DATE_PAIRS:
        entry = loaded.get(table_name)
        if entry is not None and entry.present(opened) and entry.present(closed):
            check = partial(_reversed_date_problems, db, entry, opened, closed)
            problems.extend(_guarded(entry, "date order", check))
    return problems


def _amount_checks(db: Database, loaded: dict[str, _Loaded]) -> list[Problem]:
    problems: list[Problem] = []
    for table_name, column in AMOUNT_CHECKED:
        entry = loaded.get(table_name)
        if entry is not None and entry.present(column):
            problems.extend(_guarded(entry, "amount", partial(_amount_problems, db, entry, column)))
    return problems


def _attach(db: Database, usable: dict[str, _TableCheck]) -> tuple[list[Problem], dict[str, _Loaded]]:
    problems: list[Problem] = []
    loaded: dict[str, _Loaded] = {}
    for name, check in usable.items():
        try:
            relation = db.con.read_parquet([str(path) for path in check.files])
            db.register(name, relation)
        except duckdb.Error as exc:
            problems.append(_engine_problem(check.table.name, check.location, "reading", exc))
            continue
        loaded[name] = _Loaded(check, relation)
    return problems, loaded


def _guarded(entry: _Loaded, what: str, check: Callable[[], list[Problem]]) -> list[Problem]:
    """Run one row-level check; a query that fails becomes a problem instead of an exception."""
    try:
        return check()
    except (QueryError, duckdb.Error) as exc:
        log.warning("validation: the %s check of %s failed: %s", what, entry.table.name, exc)
        return [_engine_problem(entry.table.name, entry.location, f"the {what} check on", exc)]


def _engine_problem(table: str, location: str, what: str, exc: Exception) -> Problem:
    return Problem(
        Severity.ERROR,
        table,
        None,
        location,
        f"DuckDB failed {what} these files ({_reason(exc)})",
        "export the files again; if this persists, send this message to the Clientscope maintainers",
    )


def _run(db: Database, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return run_named(db, f"validation/{name}", params, timeout_s=QUERY_TIMEOUT_S).frame.to_dicts()


def _null_problems(db: Database, entry: _Loaded) -> list[Problem]:
    columns = [c for c in entry.table.columns if not c.nullable and entry.present(c.name)]
    if not columns:
        return []
    counts = entry.relation.aggregate([count_all().where(col(c.name).is_null()).alias(c.name) for c in columns])
    db.register(NULL_COUNTS_VIEW, counts)
    nulls = {row["column_name"]: row["null_rows"] for row in _run(db, "null_counts")}
    return [
        Problem(
            Severity.ERROR,
            entry.table.name,
            c.name,
            entry.location,
            f"column '{c.name}' is empty (NULL) on {_plural(nulls[c.name], 'row')}, but it must always have a value",
            f"fill in '{c.name}' on every row, or leave out the rows that have none",
        )
        for c in columns
        if c.name in nulls
    ]


def _duplicate_key_problems(db: Database, entry: _Loaded) -> list[Problem]:
    key = entry.table.primary_key
    if not all(entry.present(name) for name in key):
        return []
    counts = entry.relation.group_by(*(col(name) for name in key)).agg(count_all().alias("rows_per_key"))
    db.register(KEY_COUNTS_VIEW, counts)
    rows = _run(db, "duplicate_keys")
    if not rows:
        return []
    row = rows[0]
    example = ", ".join(f"{name}={_show(row[name])}" for name in key)
    key_words = key[0] if len(key) == 1 else f"({', '.join(key)})"
    n = row["duplicated_keys"]
    return [
        Problem(
            Severity.ERROR,
            entry.table.name,
            ", ".join(key),
            entry.location,
            f"primary key {key_words} is not unique: {_plural(n, 'key')} {'occurs' if n == 1 else 'occur'} on more "
            f"than one row (e.g. {example} is on {row['rows_per_key']} rows)",
            f"keep one row per {key_words}: remove the duplicate rows, or fix the export's join that repeats them",
        )
    ]


def _orphan_problems(db: Database, entry: _Loaded, fk: ForeignKey, parent: _Loaded) -> list[Problem]:
    db.register(FK_CHILD_VIEW, entry.relation.select(col(fk.column).alias("value")))
    db.register(FK_PARENT_VIEW, parent.relation.select(col(fk.ref_column).alias("value")))
    row = _run(db, "orphan_keys")[0]
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
            f"column '{fk.column}' has {_plural(row['orphan_values'], 'value')} not found in "
            f"{fk.table}.{fk.ref_column} ({_plural(row['orphan_rows'], 'row')}, e.g. {_show(row['example'])})",
            f"add the missing rows to {fk.table}, or correct these {fk.column} values{empty_note}",
        )
    ]


def _latest_month_end(db: Database) -> date | None:
    return _run(db, "latest_month")[0]["latest_month_end"]


def _month_end_problems(db: Database, months: _Loaded) -> list[Problem]:
    row = _run(db, "month_ends")[0]
    if not row["bad_rows"]:
        return []
    return [
        Problem(
            Severity.ERROR,
            MONTH_TABLE,
            "month",
            months.location,
            f"column 'month' is not a month-end date on {_plural(row['bad_rows'], 'row')} "
            f"(e.g. {_show(row['example'])})",
            "store the last day of each month (e.g. polars `pl.col('month').dt.month_end()`)",
        )
    ]


def _balance_problems(db: Database, months: _Loaded) -> list[Problem]:
    order = {name: index for index, name in enumerate(TABLES_BY_NAME[MONTH_TABLE].column_names)}
    rows = sorted(_run(db, "negative_balances"), key=lambda row: order[row["column_name"]])
    return [
        Problem(
            Severity.WARNING,
            MONTH_TABLE,
            row["column_name"],
            months.location,
            f"column '{row['column_name']}' is negative on {_plural(row['negative_rows'], 'row')} (e.g. "
            f"{_show(row['amount'])} for customer {_show(row['customer_id'])} in {_show(row['month'])})",
            f"{row['column_name']} is a balance and should not be below 0; check the sign convention of the export",
        )
        for row in rows
    ]


def _aum_parts_problems(db: Database, months: _Loaded) -> list[Problem]:
    rows = _run(db, "aum_parts", {"tolerance": AUM_TOLERANCE_CNY})
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
            f"{_show(AUM_TOLERANCE_CNY)} CNY on {_plural(row['mismatched_rows'], 'row')} (e.g. customer "
            f"{_show(row['customer_id'])} in {_show(row['month'])}: aum_total {_show(row['aum_total'])}, "
            f"parts {_show(row['parts_total'])})",
            "make aum_total the sum of deposits, wealth and insurance, or check whether an asset class is missing "
            "from the parts",
        )
    ]


def _future_problems(db: Database, entry: _Loaded, column: str, latest: date) -> list[Problem]:
    db.register(DATES_VIEW, entry.relation.select(col(column).alias("value")))
    row = _run(db, "future_dates", {"latest_month_end": latest})[0]
    if not row["late_rows"]:
        return []
    return [
        Problem(
            Severity.WARNING,
            entry.table.name,
            column,
            entry.location,
            f"column '{column}' is after {_show(latest)}, the latest month-end in {MONTH_TABLE}, on "
            f"{_plural(row['late_rows'], 'row')} (latest: {_show(row['latest_value'])})",
            f"check the extract dates: {MONTH_TABLE} should run up to the same month as {entry.table.name}",
        )
    ]


def _amount_problems(db: Database, entry: _Loaded, column: str) -> list[Problem]:
    key = entry.table.primary_key[0]
    db.register(AMOUNTS_VIEW, entry.relation.select(col(key).alias("id"), col(column).alias("value")))
    row = _run(db, "amount_range", {"amount_limit": AMOUNT_LIMIT})[0]
    if not row["bad_rows"]:
        return []
    return [
        Problem(
            Severity.ERROR,
            entry.table.name,
            column,
            entry.location,
            f"column '{column}' is not a usable amount on {_plural(row['bad_rows'], 'row')} (e.g. {key}="
            f"{_show(row['example_id'])}: {_show(row['example_amount'])}); amounts are kept to the cent and must be "
            f"finite numbers below 10^16",
            "export empty values instead of NaN or infinity, and check the column's unit (an amount in cents or a "
            "wrong scale factor can overflow)",
        )
    ]


def _reversed_date_problems(db: Database, entry: _Loaded, opened: str, closed: str) -> list[Problem]:
    key = entry.table.primary_key[0]
    pairs = entry.relation.select(col(key).alias("id"), col(opened).alias("opened"), col(closed).alias("closed"))
    db.register(DATE_PAIRS_VIEW, pairs)
    rows = _run(db, "close_before_open")
    if not rows:
        return []
    row = rows[0]
    return [
        Problem(
            Severity.WARNING,
            entry.table.name,
            closed,
            entry.location,
            f"column '{closed}' is before '{opened}' on {_plural(row['reversed_rows'], 'row')} (e.g. {key}="
            f"{_show(row['id'])}: {opened} {_show(row['opened'])}, {closed} {_show(row['closed'])})",
            f"check these dates; swap them if the export wrote {opened} and {closed} the wrong way round",
        )
    ]


# --- Wording ----------------------------------------------------------------------------------------------------


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _show(value: object) -> str:
    """A value as a message quotes it: strings in quotes, dates in ISO form, amounts with two decimals."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
