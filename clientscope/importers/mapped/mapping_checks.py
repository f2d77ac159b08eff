"""Mapping problems a schema cannot see: contract tables and columns, and sections that must agree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from clientscope.contract import REQUIRED_TABLES, TABLES_BY_NAME, Column, LogicalType, Table
from clientscope.importers.mapped.mapping_schema import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    MINUS_UNITS,
    PARQUET_SUFFIXES,
    SNAPSHOT,
    Constant,
    Derivation,
    MappingFile,
    TableMapping,
    did_you_mean,
)
from clientscope.importers.mapped.values import convertible, parse_text, text_of

KeyPath = tuple[Any, ...]  # a key path in the mapping file, for its line number


@dataclass(frozen=True)
class MappingProblem:
    path: KeyPath
    message: str


def check_mapping(spec: MappingFile) -> list[MappingProblem]:
    """Problems a schema cannot see: contract tables and columns, and sections that must agree."""
    problems: list[MappingProblem] = []
    for name, mapping in spec.tables.items():
        table = TABLES_BY_NAME.get(name)
        if table is None:
            problems.append(
                MappingProblem(
                    ("tables", name), f"tables.{name}: not a contract table{did_you_mean(name, TABLES_BY_NAME)}"
                )
            )
            continue
        problems.extend(_check_table(table, mapping, spec))
    for name in REQUIRED_TABLES:
        if name not in spec.tables:
            problems.append(MappingProblem(("tables",), f"tables.{name}: required table is not in the mapping"))
    for name in spec.tables:
        table = TABLES_BY_NAME.get(name)
        for needed in table.requires if table else ():
            if needed not in spec.tables:
                problems.append(
                    MappingProblem(("tables", name), f"tables.{name}: needs the table {needed} in the mapping as well")
                )
    return problems


def _sections(mapping: TableMapping) -> dict[str, dict[Any, Any]]:
    return {
        "rename": mapping.rename,
        "casts": mapping.casts,
        "dates": mapping.dates,
        "values": mapping.values,
        "constants": mapping.constants,
        "ids": mapping.ids,
        "split": mapping.split,
        "defaults": mapping.defaults,
        "derive": mapping.derive,
    }


def _check_table(table: Table, mapping: TableMapping, spec: MappingFile) -> list[MappingProblem]:
    at = ("tables", table.name)
    if mapping.empty:
        return _check_empty_table(table, mapping)
    if mapping.source is None:
        return [MappingProblem(at, f"tables.{table.name}.source: required key is missing (or write empty: true)")]
    problems: list[MappingProblem] = []
    for section, entries in _sections(mapping).items():
        for target in entries:
            if target not in table.column_names:
                problems.append(
                    MappingProblem(
                        (*at, section, target),
                        f"{table.name}.{target}: not a column of the contract table {table.name}"
                        f"{did_you_mean(str(target), table.column_names)} (under {section})",
                    )
                )
    if problems:
        return problems
    problems.extend(_check_snapshot_months(table, mapping, spec))
    for column in table.columns:
        problems.extend(_check_column(table, column, mapping, spec))
    if mapping.distinct and mapping.ids:
        problems.append(
            MappingProblem(
                (*at, "ids"),
                f"tables.{table.name}: ids number the source rows, so they cannot be used "
                "with distinct (map the key from a source column)",
            )
        )
    suffix = Path(mapping.source).suffix.lower()
    if suffix not in (*CSV_SUFFIXES, *PARQUET_SUFFIXES, *EXCEL_SUFFIXES):
        problems.append(
            MappingProblem(
                (*at, "source"), f"{table.name}.source: '{mapping.source}' is not a .csv, .parquet or .xlsx file"
            )
        )
    if mapping.sheet is not None and suffix not in EXCEL_SUFFIXES:
        problems.append(MappingProblem((*at, "sheet"), f"{table.name}.sheet: only for .xlsx sources"))
    return problems


def _check_empty_table(table: Table, mapping: TableMapping) -> list[MappingProblem]:
    at = ("tables", table.name)
    if table.optional:
        return [
            MappingProblem(
                (*at, "empty"), f"tables.{table.name}.empty: {table.name} is optional; leave it out of the mapping"
            )
        ]
    if not table.may_be_empty:
        return [
            MappingProblem(
                (*at, "empty"),
                f"tables.{table.name}.empty: the contract table {table.name} may not be empty; map it from a file",
            )
        ]
    given = [key for key in mapping.model_fields_set if key != "empty"]
    if given:
        return [
            MappingProblem(
                (*at, given[0]),
                f"tables.{table.name}: a table with empty: true is written without rows, so it takes no "
                f"{', '.join(sorted(given))}",
            )
        ]
    return []


def _check_snapshot_months(table: Table, mapping: TableMapping, spec: MappingFile) -> list[MappingProblem]:
    if mapping.snapshot_months is None:
        return []
    at = ("tables", table.name, "snapshot_months")
    if "month" not in table.column_names:
        return [
            MappingProblem(
                at, f"tables.{table.name}.snapshot_months: only for customer_months (a table with a month column)"
            )
        ]
    if spec.snapshot is None:
        return [
            MappingProblem(
                at,
                f"tables.{table.name}.snapshot_months: needs the snapshot date (snapshot: "
                "YYYY-MM-DD at the top of the mapping)",
            )
        ]
    return []


def _fillers(column: Column, mapping: TableMapping) -> list[str]:
    sections = (
        ("rename", mapping.rename),
        ("constants", mapping.constants),
        ("ids", mapping.ids),
        ("derive", mapping.derive),
    )
    found = [section for section, entries in sections if column.name in entries]
    if column.name == "month" and mapping.snapshot_months is not None:
        found.append("snapshot_months")
    return found


def _check_column(table: Table, column: Column, mapping: TableMapping, spec: MappingFile) -> list[MappingProblem]:
    key = f"{table.name}.{column.name}"
    at = ("tables", table.name)
    fillers = _fillers(column, mapping)
    if len(fillers) > 1:
        return [
            MappingProblem(
                (*at, fillers[-1], column.name), f"{key}: mapped more than once (under {' and '.join(fillers)})"
            )
        ]
    if not fillers and column.required and not column.nullable:
        return [
            MappingProblem(
                at,
                f"{key}: required column is not mapped (give it a source under rename, or use constants, ids or "
                "derive)",
            )
        ]
    problems = [
        MappingProblem((*at, section, column.name), f"{key}: {section} needs a source column under rename")
        for section, entries in (
            ("casts", mapping.casts),
            ("dates", mapping.dates),
            ("values", mapping.values),
            ("split", mapping.split),
        )
        if column.name in entries and column.name not in mapping.rename
    ]
    problems.extend(_check_conversions(key, column, mapping))
    if column.name in mapping.constants:
        problems.extend(
            MappingProblem((*at, "constants", column.name), message)
            for message in _check_constant(key, column, mapping.constants[column.name])
        )
    if column.name in mapping.derive:
        problems.extend(
            MappingProblem((*at, "derive", column.name), message)
            for message in _check_derivation(key, column, mapping.derive[column.name], spec)
        )
    if column.name in mapping.defaults:
        where = (*at, "defaults", column.name)
        if column.name not in mapping.rename and column.name not in mapping.derive:
            problems.append(MappingProblem(where, f"{key}: defaults needs a source column under rename or derive"))
        problems.extend(
            MappingProblem(where, message.replace("the constant", "the default"))
            for message in _check_constant(key, column, mapping.defaults[column.name])
        )
    return problems


def _check_derivation(key: str, column: Column, spec: Derivation, mapping: MappingFile) -> list[str]:
    """The derivation's keys must fit together, the column type and the snapshot date."""
    if (spec.year_of is None) == (spec.on_date is None):
        return [f"{key}: derive needs exactly one of year_of (a year) or date (a date)"]
    problems: list[str] = []
    base = spec.base
    if isinstance(base, str) and base != SNAPSHOT:
        problems.append(f"{key}: '{base}' is neither {SNAPSHOT} nor a date written YYYY-MM-DD")
    if base == SNAPSHOT and mapping.snapshot is None:
        problems.append(
            f"{key}: derive uses the snapshot date, but the mapping has none (add snapshot: YYYY-MM-DD at the top)"
        )
    if spec.year_of is not None:
        if column.type is not LogicalType.INTEGER:
            problems.append(f"{key}: year_of gives a year, an integer (this column is {column.type})")
        if spec.minus is None:
            problems.append(f"{key}: year_of needs minus: the source column of whole years to subtract")
        if spec.offset is not None:
            problems.append(f"{key}: {spec.offset[0]} goes with date; with year_of use minus")
    else:
        if column.type is not LogicalType.DATE:
            problems.append(f"{key}: date gives a date (this column is {column.type})")
        if spec.minus is not None:
            problems.append(f"{key}: with date use minus_years, minus_months or minus_days, not minus")
        offsets = [name for name in MINUS_UNITS if getattr(spec, name) is not None]
        if len(offsets) > 1:
            problems.append(f"{key}: use one of {', '.join(offsets)}, not both")
    if spec.flag is None and (spec.yes is not None or spec.no is not None):
        problems.append(f"{key}: yes and no go with flag: the source column holding the flag")
    if spec.flag is not None and not spec.yes:
        problems.append(f"{key}: flag needs yes: the flag values that mean yes, e.g. yes: [1]")
    return problems


def _check_conversions(key: str, column: Column, mapping: TableMapping) -> list[MappingProblem]:
    """casts, dates, split and ids must suit the contract type of the column."""
    problems: list[tuple[str, str]] = []
    kind = str(column.type)
    via = mapping.casts.get(column.name, kind)
    if column.name in mapping.casts and not convertible(via, kind):
        problems.append(("casts", f"{key}: cannot cast through {via} to the contract type {kind}"))
    if column.name in mapping.dates and via not in ("date", "timestamp"):
        problems.append(("dates", f"{key}: dates only apply to date and timestamp columns (this one is {kind})"))
    is_list = column.type is LogicalType.STRING_LIST
    if is_list and column.name in mapping.rename and column.name not in mapping.split:
        problems.append(("rename", f"{key}: a list<string> column needs its separator under split"))
    if column.name in mapping.split and not is_list:
        problems.append(("split", f"{key}: split only applies to list<string> columns (this one is {kind})"))
    if column.name in mapping.ids and column.type is not LogicalType.STRING:
        problems.append(("ids", f"{key}: ids only apply to string columns (this one is {kind})"))
    table = key.split(".")[0]
    return [MappingProblem(("tables", table, section, column.name), message) for section, message in problems]


def _check_constant(key: str, column: Column, value: Constant) -> list[str]:
    if value is None:
        return [] if column.nullable else [f"{key}: the constant may not be empty (the column may not be empty)"]
    if column.type is LogicalType.STRING_LIST:
        return [] if isinstance(value, list) else [f"{key}: the constant must be a list of tags, e.g. [retiree]"]
    parsed = parse_text(pl.Series([text_of(value)]), str(column.type), None)
    if parsed.null_count():
        return [f"{key}: the constant '{text_of(value)}' is not a valid {column.type}"]
    return []
