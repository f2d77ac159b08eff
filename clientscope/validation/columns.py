"""Layer 2 of validation, per column: required columns are present with the contract's type family; a
missing column with a look-alike gets a rename suggested, a wrong type the polars expression that fixes it."""

from __future__ import annotations

import difflib
from collections.abc import Callable

import pyarrow as pa

from clientscope.contract import Column, LogicalType, Table
from clientscope.validation.report import Problem, Severity
from clientscope.validation.wording import CONTRACT_DOC


def column_problems(table: Table, schema: pa.Schema, location: str) -> list[Problem]:
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


def type_name(arrow_type: pa.DataType) -> str:
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
    message = f"column '{column.name}' has type {type_name(arrow_type)}, expected {column.type.value}"
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
