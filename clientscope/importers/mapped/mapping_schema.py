"""The mapping file of the mapped import: its schema (pydantic), its checks, and its line-numbered problems.

Every problem names the line of the mapping file and the mapping key (`mapping.yaml:12: customers.open_date:
...`), as metrics.yaml problems do, and all of them are reported at once, before any source file is read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clientscope.contract import REQUIRED_TABLES, TABLES_BY_NAME, Column, LogicalType, Table
from clientscope.importers.common import ImportFailed
from clientscope.importers.mapped_values import convertible, parse_text, text_of
from clientscope.semantic.loader import LineLoader, YamlSyntaxError, duplicate_keys, line_at

CastType = Literal["string", "integer", "float", "boolean", "date", "timestamp"]
Constant = str | int | float | bool | date | datetime | list[str] | None
MapValue = str | int | float | bool | None
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx",)
SNAPSHOT = "snapshot"  # the word a derivation uses for the mapping's snapshot date
MINUS_UNITS = {"minus_years": "y", "minus_months": "mo", "minus_days": "d"}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class IdSpec(BaseModel):
    """A generated id: prefix + the row number (from `start`), zero-padded to `width` digits."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    prefix: str = ""
    start: int = Field(default=1, ge=0)
    width: int = Field(default=0, ge=0, le=18)


class Derivation(BaseModel):
    """A column computed from a source column and a date (the snapshot or a fixed date).

    `{year_of: snapshot, minus: Age}`: the year of the date minus a whole number (a birth year from an age);
    `{date: snapshot, minus_years: Tenure}` (or minus_months / minus_days): the date minus a whole number of
    years, months or days; `{date: snapshot}`: the date itself.  With `flag: COLUMN, yes: [...], no: [...]` the
    value is written only on rows whose flag is a yes value and left empty where it is a no value.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    year_of: str | date | None = None
    minus: str | None = None
    on_date: str | date | None = Field(default=None, alias="date")
    minus_years: str | None = None
    minus_months: str | None = None
    minus_days: str | None = None
    flag: str | None = None
    yes: tuple[MapValue, ...] | None = None
    no: tuple[MapValue, ...] | None = None

    @property
    def base(self) -> str | date | None:
        """`snapshot`, a date (also when written as quoted ISO text or with a time), or other text (a mistake)."""
        value = self.year_of if self.year_of is not None else self.on_date
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str) and value != SNAPSHOT:
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
        return value

    @property
    def offset(self) -> tuple[str, str] | None:
        """(mapping key, source column) of the date offset, if any."""
        for name in MINUS_UNITS:
            if getattr(self, name) is not None:
                return name, getattr(self, name)
        return None

    @property
    def sources(self) -> tuple[str, ...]:
        names = [self.minus, self.flag, *(getattr(self, n) for n in MINUS_UNITS)]
        return tuple(n for n in names if n is not None)


DERIVE_KEYS = ("year_of", "minus", "date", "minus_years", "minus_months", "minus_days", "flag", "yes", "no")


class TableMapping(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str | None = None
    empty: bool = False
    distinct: bool = False
    snapshot_months: int | None = Field(default=None, ge=1, le=120)
    sheet: str | None = None
    separator: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    decimal_comma: bool = False
    null_values: tuple[str, ...] = ()
    rename: dict[str, str] = {}
    casts: dict[str, CastType] = {}
    dates: dict[str, str] = {}
    values: dict[str, dict[str | int | float | bool, MapValue]] = {}
    constants: dict[str, Constant] = {}
    ids: dict[str, IdSpec] = {}
    split: dict[str, str] = {}
    defaults: dict[str, Constant] = {}
    derive: dict[str, Derivation] = {}

    @property
    def file(self) -> str:
        return Path(self.source or "").name


class MappingFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: Literal[1] = 1
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    snapshot: date | None = None
    tables: dict[str, TableMapping]


class _Loader(LineLoader):
    """Line-remembering YAML with 1.2 booleans: only true/false, so keys like Y, N, yes, no, on, off stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in LineLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

KeyPath = tuple[Any, ...]  # a key path in the mapping file, for its line number


@dataclass(frozen=True)
class MappingProblem:
    path: KeyPath
    message: str


def load_mapping(mapping_file: Path) -> MappingFile:
    """Parse and validate the mapping file; every problem is reported at once as `FILE:LINE: key: message`."""
    name = mapping_file.name
    if not mapping_file.is_file():
        raise ImportFailed(f"{mapping_file}: mapping file not found")
    try:
        text = mapping_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{name}: not UTF-8 text") from exc
    try:
        raw = _load_yaml(text)
    except YamlSyntaxError as exc:
        where = f"{name}:{exc.line}" if exc.line else name
        raise ImportFailed(f"{where}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ImportFailed(f"{name}: expected a mapping with a 'tables' key")
    repeats = [
        f"{name}:{line}: '{key}' is given twice (first on line {first}); remove one"
        for key, line, first in duplicate_keys(raw)
    ]
    try:
        spec = MappingFile.model_validate(raw)
    except ValidationError as exc:
        problems = [_pydantic_problem(err) for err in exc.errors()]
        raise ImportFailed("\n".join([*repeats, *_in_file_order(name, raw, problems)])) from exc
    problems = check_mapping(spec)
    if repeats or problems:
        raise ImportFailed("\n".join([*repeats, *_in_file_order(name, raw, problems)]))
    return spec


def _load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader: plain YAML types only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(f"not valid YAML: {exc.problem or exc}", mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"not valid YAML: {exc}", None) from exc


def _in_file_order(name: str, raw: Any, problems: Sequence[MappingProblem]) -> list[str]:
    """`FILE:LINE: message` for each problem, sorted by line (problems without a line first)."""
    located = [(line_at(raw, p.path) or 0, p.message) for p in problems]
    return [
        f"{name}:{line}: {message}" if line else f"{name}: {message}"
        for line, message in sorted(located, key=lambda item: item[0])
    ]


def _pydantic_problem(error: Any) -> MappingProblem:
    loc = list(error["loc"])
    # Union types add the tried member to the location ("str", "list[str]", ...): not a mapping key.
    keys = [p for p in loc if not re.fullmatch(r"[a-z]+\[.*\]|str|int|float|bool|date|datetime|none", str(p))]
    where = ".".join(str(k) for k in keys) or "(top level)"
    path = tuple(keys)
    if error["type"] == "extra_forbidden":
        known = {*MappingFile.model_fields, *TableMapping.model_fields, *IdSpec.model_fields, *DERIVE_KEYS}
        return MappingProblem(path, f"{where}: unknown key{did_you_mean(str(keys[-1]), known)}")
    if error["type"] == "string_pattern_mismatch" and keys == ["currency"]:
        return MappingProblem(path, "currency: must be a three-letter currency code in capitals, e.g. CNY")
    if keys == ["snapshot"]:
        return MappingProblem(path, "snapshot: must be a date written YYYY-MM-DD, e.g. 2019-12-31")
    if error["type"] == "missing":
        return MappingProblem(path, f"{where}: required key is missing")
    return MappingProblem(path, f"{where}: {error['msg']}")


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
