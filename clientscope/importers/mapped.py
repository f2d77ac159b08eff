"""Import a bank's own CSV, Parquet or Excel files into the contract, driven by a YAML mapping.

The mapping names, per contract table, the source file and how each target column is filled: from a source
column (`rename`, target: source) with optional `casts`, `dates` (strptime formats), `values` (value maps) and
`split` (delimited text → list), from a constant (`constants`), as a generated row-number id (`ids`), or derived
from a source column and a date (`derive`: a birth year from an age, an open date from a tenure, a close date from
an exited flag).  A snapshot file (one row per customer as of one date) gives customer_months rows for the
month-ends up to the snapshot (`snapshot_months`), reference tables de-duplicated from the customer file
(`distinct`), and tables the contract allows to be empty (`empty`).
Mapping problems name the line of the mapping file; data problems are all collected and reported together, each
naming the mapping key (`table.column`), the source column, file, row and value, with a fix.  docs/importing.md
has worked examples.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clientscope.contract import REQUIRED_TABLES, TABLES_BY_NAME, Column, LogicalType, Table
from clientscope.importers.common import (
    POLARS_TYPES,
    ImportFailed,
    ImportSummary,
    check_target,
    write_extract,
)
from clientscope.semantic.loader import LineLoader, YamlSyntaxError, duplicate_keys, line_at

SOURCE = "mapped"
CastType = Literal["string", "integer", "float", "boolean", "date", "timestamp"]
Constant = str | int | float | bool | date | datetime | list[str] | None
MapValue = str | int | float | bool | None
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx",)
DEFAULT_FORMATS = {"date": "%Y-%m-%d", "timestamp": "%Y-%m-%d %H:%M:%S"}
TRUE_TEXTS = ("true", "t", "yes", "y", "1")
FALSE_TEXTS = ("false", "f", "no", "n", "0")
SNAPSHOT = "snapshot"  # the word a derivation uses for the mapping's snapshot date
MINUS_UNITS = {"minus_years": "y", "minus_months": "mo", "minus_days": "d"}
ROWS_LISTED = 20  # bad rows listed one by one per column and problem; the rest are counted
# Which intermediate types can become which contract types (anything can become text).
CONVERTIBLE: dict[str, tuple[str, ...]] = {
    "integer": ("integer", "float"),
    "float": ("integer", "float"),
    "boolean": ("boolean", "integer"),
    "date": ("date", "timestamp"),
    "timestamp": ("timestamp", "date"),
    "list<string>": ("string",),
}


# --- the mapping file ------------------------------------------------------------------------------------


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
        return self.year_of if self.year_of is not None else self.on_date

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
        return MappingProblem(path, f"{where}: unknown key{_did_you_mean(str(keys[-1]), known)}")
    if error["type"] == "string_pattern_mismatch" and keys == ["currency"]:
        return MappingProblem(path, "currency: must be a three-letter currency code in capitals, e.g. CNY")
    if keys == ["snapshot"]:
        return MappingProblem(path, "snapshot: must be a date written YYYY-MM-DD, e.g. 2019-12-31")
    if error["type"] == "missing":
        return MappingProblem(path, f"{where}: required key is missing")
    return MappingProblem(path, f"{where}: {error['msg']}")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_mapping(spec: MappingFile) -> list[MappingProblem]:
    """Problems a schema cannot see: contract tables and columns, and sections that must agree."""
    problems: list[MappingProblem] = []
    for name, mapping in spec.tables.items():
        table = TABLES_BY_NAME.get(name)
        if table is None:
            problems.append(
                MappingProblem(
                    ("tables", name), f"tables.{name}: not a contract table{_did_you_mean(name, TABLES_BY_NAME)}"
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
                        f"{_did_you_mean(str(target), table.column_names)} (under {section})",
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
    if column.name in mapping.casts and not _convertible(via, kind):
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


def _convertible(from_kind: str, to_kind: str) -> bool:
    return from_kind == to_kind or to_kind == "string" or from_kind in CONVERTIBLE.get(to_kind, ())


def _check_constant(key: str, column: Column, value: Constant) -> list[str]:
    if value is None:
        return [] if column.nullable else [f"{key}: the constant may not be empty (the column may not be empty)"]
    if column.type is LogicalType.STRING_LIST:
        return [] if isinstance(value, list) else [f"{key}: the constant must be a list of tags, e.g. [retiree]"]
    parsed = _parse_text(pl.Series([_text(value)]), str(column.type), None)
    if parsed.null_count():
        return [f"{key}: the constant '{_text(value)}' is not a valid {column.type}"]
    return []


# --- reading sources -----------------------------------------------------------------------------------------


def _read_source(src_dir: Path, name: str, mapping: TableMapping) -> pl.DataFrame:
    path = src_dir / str(mapping.source)
    if not path.is_file():
        present = [p.name for p in src_dir.iterdir() if p.is_file()] if src_dir.is_dir() else []
        raise ImportFailed(
            f"{name}.source: file '{mapping.source}' not found in {src_dir}"
            f"{_did_you_mean(str(mapping.source), present)}"
        )
    suffix = path.suffix.lower()
    try:
        if suffix in PARQUET_SUFFIXES:
            frame = pl.read_parquet(path)
        elif suffix in EXCEL_SUFFIXES:
            frame = _read_excel(path, mapping.sheet)
        else:
            frame = _read_csv(path, mapping)
    except (pl.exceptions.PolarsError, OSError, ValueError, KeyError) as exc:
        raise ImportFailed(f"{name}.source: cannot read {mapping.source}: {exc}") from exc
    texts = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    nulls = ["", *mapping.null_values]
    return frame.with_columns(
        pl.when(pl.col(c).str.strip_chars().is_in(nulls)).then(None).otherwise(pl.col(c).str.strip_chars()).alias(c)
        for c in texts
    )


def _read_csv(path: Path, mapping: TableMapping) -> pl.DataFrame:
    """Every column as text; other encodings (e.g. GBK) are decoded first; a UTF-8 byte-order mark is dropped."""
    encoding = mapping.encoding.lower().replace("_", "-")
    if encoding in ("utf-8", "utf8"):
        source: Path | bytes = path
    else:
        try:
            source = path.read_bytes().decode(encoding).encode("utf-8")
        except (LookupError, UnicodeDecodeError) as exc:
            raise ImportFailed(f"{path.name}: cannot be decoded as {mapping.encoding}: {exc}") from exc
    frame = pl.read_csv(source, separator=mapping.separator, infer_schema=False)
    return frame.rename({c: c.lstrip("\ufeff") for c in frame.columns[:1]})


def _read_excel(path: Path, sheet: str | None) -> pl.DataFrame:
    """Cells as text (native dates become ISO text, which the date parser also accepts)."""
    if sheet is None:
        return pl.read_excel(path, engine="openpyxl", sheet_id=1, infer_schema_length=0)
    return pl.read_excel(path, engine="openpyxl", sheet_name=sheet, infer_schema_length=0)


# --- data problems --------------------------------------------------------------------------------------------


@dataclass
class Findings:
    """Every data problem of one import, in the order found; the import fails at the end if there are any."""

    lines: list[str] = field(default_factory=list)

    def rows(self, prefix: str, indices: Sequence[int], describe: Callable[[int], str], fix: str) -> None:
        """One line per bad row (the first ROWS_LISTED), a count of the rest, and the fix once."""
        if not indices:
            return
        self.lines.extend(f"{prefix}, data row {i + 1:,}{describe(i)}" for i in indices[:ROWS_LISTED])
        if len(indices) > ROWS_LISTED:
            self.lines.append(f"{prefix}: {len(indices) - ROWS_LISTED:,} more data rows with the same problem")
        self.lines.append(f"{prefix.split(':')[0]}: fix: {fix}")


@dataclass(frozen=True)
class ColumnContext:
    """Everything a message about one target column needs to name."""

    key: str  # table.column
    source: str  # source column
    file: str  # source file name
    fmt: str | None  # the date / timestamp format in use
    decimal_comma: bool = False

    @property
    def prefix(self) -> str:
        return f"{self.key}: source column '{self.source}'"

    @property
    def column(self) -> str:
        return self.key.split(".", 1)[1]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _quoted(value: Any) -> str:
    return f"'{value}'"


# --- building a table ---------------------------------------------------------------------------------------


def _family(dtype: pl.DataType) -> str:
    """The contract type a native (Parquet) column already has; text for anything else."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "float"
    if dtype == pl.Boolean:
        return "boolean"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "timestamp"
    return "string"


def _parse_text(
    text: pl.Series, kind: str, fmt: str | None, *, iso_fallback: bool = False, decimal_comma: bool = False
) -> pl.Series:
    """Text → the named type; values that do not parse become null (the caller reports them)."""
    if kind == "string":
        return text
    if kind == "integer":
        return text.cast(pl.Int64, strict=False)
    if kind == "float":
        if decimal_comma:  # 1234,56 as European files write it
            text = text.str.replace(",", ".", literal=True)
        return text.cast(pl.Float64, strict=False)
    if kind == "boolean":
        lower = text.str.to_lowercase()
        return (
            pl.select(
                pl.when(lower.is_in(TRUE_TEXTS)).then(True).when(lower.is_in(FALSE_TEXTS)).then(False).otherwise(None)
            )
            .to_series()
            .alias(text.name)
        )
    if kind == "date":
        parsed = text.str.to_date(fmt or DEFAULT_FORMATS["date"], strict=False)
        if iso_fallback:  # Excel date cells arrive as "YYYY-MM-DD HH:MM:SS"
            parsed = parsed.fill_null(text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        return parsed
    if kind == "timestamp":
        parsed = text.str.to_datetime(fmt or DEFAULT_FORMATS["timestamp"], strict=False, time_unit="us")
        if fmt is None or iso_fallback:
            parsed = parsed.fill_null(text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")))
        return parsed
    raise AssertionError(kind)


def _convert(values: pl.Series, from_kind: str, to_kind: str) -> pl.Series:
    """Between contract types, per CONVERTIBLE; impossible values (e.g. 2.5 as integer) become null."""
    if from_kind == to_kind:
        return values
    if to_kind == "string":
        return values.cast(pl.String)
    if to_kind == "integer" and from_kind == "float":
        whole = pl.when(values == values.round()).then(values.cast(pl.Int64, strict=False))
        return pl.select(whole).to_series().alias(values.name)
    if to_kind == "boolean" and from_kind == "integer":
        return pl.select(pl.when(values == 1).then(True).when(values == 0).then(False)).to_series().alias(values.name)
    if to_kind == "date" and from_kind == "timestamp":
        return values.dt.date()
    return values.cast(POLARS_TYPES[LogicalType(to_kind)], strict=False)


def _problem_word(kind: str, ctx: ColumnContext, whole: bool) -> str:
    if kind == "date":
        return f"does not match the date format '{ctx.fmt or DEFAULT_FORMATS['date']}'"
    if kind == "timestamp":
        return f"does not match the timestamp format '{ctx.fmt or DEFAULT_FORMATS['timestamp']}'"
    if kind == "boolean":
        return "is not a boolean (true/false, yes/no, 1/0)"
    if kind == "integer":
        return "is not a whole number" if whole else "is not an integer"
    if kind == "float":
        return "is not a number"
    return f"is not a valid {kind}"


def _fix_word(kind: str, ctx: ColumnContext) -> str:
    if kind in ("date", "timestamp"):
        fmt = ctx.fmt or DEFAULT_FORMATS[kind]
        return f"write these values as '{fmt}' in {ctx.file}, or set dates.{ctx.column} to the format the file uses"
    if kind == "boolean":
        return f"correct these values in {ctx.file}, or map them to true or false under values.{ctx.column}"
    if kind == "float" and not ctx.decimal_comma:
        return (
            f"correct these values in {ctx.file} (add decimal_comma: true if it writes decimals as 1234,56), or "
            "list the text under null_values if it means empty"
        )
    return f"correct these values in {ctx.file}, or list the text under null_values if it means empty"


def _note_bad(
    before: pl.Series, after: pl.Series, raw: pl.Series, ctx: ColumnContext, kind: str, whole: bool, findings: Findings
) -> pl.Series:
    """Report the rows whose value was there before a step and is gone after it; returns their mask."""
    bad = before.is_not_null() & after.is_null()
    problem = _problem_word(kind, ctx, whole)
    findings.rows(ctx.prefix, bad.arg_true().to_list(), lambda i: f": '{raw[i]}' {problem}", _fix_word(kind, ctx))
    return bad


def _from_source(
    frame: pl.DataFrame, column: Column, mapping: TableMapping, ctx: ColumnContext, findings: Findings
) -> tuple[pl.Series, pl.Series]:
    """One target column from its source column (value map, parse or native cast, convert, split), and the mask
    of the rows already reported as bad."""
    raw = frame.get_column(ctx.source)
    none = pl.Series([False] * frame.height)
    kind = str(column.type)
    if column.type is LogicalType.STRING_LIST:
        text = raw.cast(pl.String)
        parts = text.str.split(mapping.split[column.name]).list.eval(pl.element().str.strip_chars())
        return parts.list.eval(pl.element().filter(pl.element() != "")), none
    via = mapping.casts.get(column.name, kind)
    native = _family(raw.dtype)
    value_map = mapping.values.get(column.name)
    if value_map is not None or native == "string":
        text = raw.cast(pl.String)
        if value_map is not None:
            text = text.replace({_text(k): (None if v is None else _text(v)) for k, v in value_map.items()})
        iso = str(mapping.source).lower().endswith(EXCEL_SUFFIXES)
        parsed = _parse_text(text, via, ctx.fmt, iso_fallback=iso, decimal_comma=mapping.decimal_comma)
        bad = _note_bad(text, parsed, raw, ctx, via, False, findings)
    else:
        if not _convertible(native, via):
            findings.lines.append(
                f"{ctx.key}: source column '{ctx.source}' in {ctx.file} holds {native} values, not {via}"
            )
            return pl.Series([None] * frame.height, dtype=POLARS_TYPES[column.type]), ~none
        parsed = _convert(raw, native, via)
        bad = _note_bad(raw, parsed, raw, ctx, via, True, findings)
    result = _convert(parsed, via, kind)
    bad = bad | _note_bad(parsed, result, raw, ctx, kind, True, findings)
    return result, bad


def _constant(column: Column, value: Constant, height: int) -> pl.Series:
    dtype = POLARS_TYPES[column.type]
    if value is None:
        return pl.Series(column.name, [None] * height, dtype=dtype)
    if column.type is LogicalType.STRING_LIST:
        return pl.Series(column.name, [list(value)] * height, dtype=dtype)  # type: ignore[arg-type]
    parsed = _parse_text(pl.Series(column.name, [_text(value)]), str(column.type), None)
    return pl.Series(column.name, [parsed[0]] * height, dtype=dtype)


def _generated_ids(spec: IdSpec, height: int) -> pl.Series:
    numbers = pl.int_range(spec.start, spec.start + height, eager=True).cast(pl.String).str.zfill(spec.width)
    return (spec.prefix + numbers) if spec.prefix else numbers


# --- derived columns ----------------------------------------------------------------------------------------------


def _base_date(spec: Derivation, snapshot: date | None) -> date:
    base = spec.base
    if base == SNAPSHOT:
        assert snapshot is not None  # check_mapping requires it
        return snapshot
    assert isinstance(base, date)
    return base


def _whole_numbers(frame: pl.DataFrame, ctx: ColumnContext, findings: Findings) -> tuple[pl.Series, pl.Series]:
    """A source column of whole numbers (12, 12.0), not negative; bad values reported, and their mask."""
    raw = frame.get_column(ctx.source)
    text = raw.cast(pl.String)
    if ctx.decimal_comma:
        text = text.str.replace(",", ".", literal=True)
    numbers = text.cast(pl.Float64, strict=False)
    whole = pl.select(pl.when(numbers == numbers.round()).then(numbers)).to_series()
    bad = _note_bad(text, whole, raw, ctx, "integer", True, findings)
    negative = (whole < 0).fill_null(False)
    findings.rows(
        ctx.prefix,
        negative.arg_true().to_list(),
        lambda i: f": '{raw[i]}' is negative",
        f"correct these values in {ctx.file}",
    )
    values = pl.select(pl.when(~negative).then(whole.cast(pl.Int64))).to_series()
    return values, bad | negative


def _matches(text: pl.Series, wanted: Sequence[MapValue]) -> pl.Series:
    """Rows whose flag equals one of `wanted`: as text ignoring case, or as numbers (1 matches 1.0)."""
    lower = text.str.to_lowercase()
    texts = [_text(v).lower() for v in wanted]
    numbers = pl.Series(texts).cast(pl.Float64, strict=False).drop_nulls().to_list()
    as_number = text.cast(pl.Float64, strict=False)
    return (lower.is_in(texts) | as_number.is_in(numbers)).fill_null(False)


def _flag_mask(
    frame: pl.DataFrame, spec: Derivation, ctx: ColumnContext, findings: Findings
) -> tuple[pl.Series, pl.Series]:
    """(rows whose flag is a yes value, rows reported because it is neither yes nor no)."""
    raw = frame.get_column(str(spec.flag))
    text = raw.cast(pl.String)
    is_yes = _matches(text, spec.yes or ())
    if spec.no is None:  # without a list of no values, everything else means no
        return is_yes, pl.Series([False] * frame.height)
    bad = ~is_yes & ~_matches(text, spec.no)
    choices = f"a yes value ({', '.join(map(_text, spec.yes or ()))}) nor a no value ({', '.join(map(_text, spec.no))})"
    flag_ctx = ColumnContext(ctx.key, str(spec.flag), ctx.file, None)

    def describe(i: int) -> str:
        return f" is empty, neither {choices}" if raw[i] is None else f": '{raw[i]}' is neither {choices}"

    findings.rows(
        flag_ctx.prefix,
        bad.arg_true().to_list(),
        describe,
        f"correct these values in {ctx.file}, or add them to derive.{ctx.column}.yes or derive.{ctx.column}.no",
    )
    return is_yes, bad


def _derived(
    frame: pl.DataFrame, column: Column, spec: Derivation, snapshot: date | None, ctx: ColumnContext, findings: Findings
) -> tuple[pl.Series, pl.Series]:
    """The derived column and the mask of rows already reported."""
    base = _base_date(spec, snapshot)
    bad = pl.Series([False] * frame.height)
    if spec.year_of is not None:
        number_ctx = ColumnContext(ctx.key, str(spec.minus), ctx.file, None, ctx.decimal_comma)
        numbers, bad = _whole_numbers(frame, number_ctx, findings)
        values = (base.year - numbers).cast(pl.Int64)
    elif spec.offset is not None:
        unit_key, source = spec.offset
        number_ctx = ColumnContext(ctx.key, source, ctx.file, None, ctx.decimal_comma)
        numbers, bad = _whole_numbers(frame, number_ctx, findings)
        by = pl.format(f"-{{}}{MINUS_UNITS[unit_key]}", pl.lit(numbers))
        values = pl.select(pl.lit(base).dt.offset_by(by)).to_series()
    else:
        values = pl.Series([base] * frame.height, dtype=pl.Date)
    if spec.flag is not None:
        is_yes, flag_bad = _flag_mask(frame, spec, ctx, findings)
        values = pl.select(pl.when(is_yes).then(values)).to_series()
        bad = (bad & is_yes) | flag_bad
    return values.cast(POLARS_TYPES[column.type]).alias(column.name), bad


def build_table(
    table: Table, mapping: TableMapping, frame: pl.DataFrame, findings: Findings, snapshot: date | None = None
) -> pl.DataFrame | None:
    """The contract table from the source frame, column by column, in contract order; None when a source
    column is missing (reported in `findings`)."""
    sources = [(t, s) for t, s in mapping.rename.items()]
    sources += [(t, s) for t, d in mapping.derive.items() for s in d.sources]
    missing = [(t, s) for t, s in sources if s not in frame.columns]
    for target, source in missing:
        findings.lines.append(
            f"{table.name}.{target}: source column '{source}' not found in {mapping.file}"
            f"{_did_you_mean(source, frame.columns)}"
        )
    if missing:
        return None
    out: dict[str, pl.Series] = {}
    reported = pl.Series([False] * frame.height)
    for column in table.columns:
        ctx = ColumnContext(
            key=f"{table.name}.{column.name}",
            source=mapping.rename.get(column.name, ""),
            file=mapping.file,
            fmt=mapping.dates.get(column.name),
            decimal_comma=mapping.decimal_comma,
        )
        bad = pl.Series([False] * frame.height)
        if column.name in mapping.rename:
            out[column.name], bad = _from_source(frame, column, mapping, ctx, findings)
            out[column.name] = out[column.name].alias(column.name)
        elif column.name in mapping.derive:
            out[column.name], bad = _derived(frame, column, mapping.derive[column.name], snapshot, ctx, findings)
        elif column.name in mapping.constants:
            out[column.name] = _constant(column, mapping.constants[column.name], frame.height)
        elif column.name in mapping.ids:
            out[column.name] = _generated_ids(mapping.ids[column.name], frame.height).alias(column.name)
        elif column.name == "month" and mapping.snapshot_months is not None and snapshot is not None:
            out[column.name] = pl.Series(column.name, [_month_end(snapshot, 0)] * frame.height, dtype=pl.Date)
        elif column.required:
            out[column.name] = pl.Series(column.name, [None] * frame.height, dtype=POLARS_TYPES[column.type])
        if column.name in mapping.rename or column.name in mapping.derive:
            _require_values(out[column.name], bad, column, mapping, ctx, findings)
        reported = reported | bad
    result = pl.DataFrame(out)
    if mapping.distinct:
        result = _distinct_rows(table, mapping, result, reported, findings)
    else:
        _require_unique_key(table, mapping, result, findings)
    if mapping.snapshot_months is not None and snapshot is not None:
        result = pl.concat(
            result.with_columns(pl.lit(_month_end(snapshot, back)).alias("month"))
            for back in range(mapping.snapshot_months)
        )
    return result


def _month_end(day: date, months_back: int) -> date:
    """The last day of the month `months_back` months before the month of `day`."""
    index = day.year * 12 + day.month - 1 - months_back
    year, month = divmod(index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _require_values(
    values: pl.Series, bad: pl.Series, column: Column, mapping: TableMapping, ctx: ColumnContext, findings: Findings
) -> None:
    """Empty values in a column that may not be empty (rows already reported for a bad value are not repeated)."""
    if column.nullable:
        return
    empty = (values.is_null() & ~bad).arg_true().to_list()
    if column.name in mapping.derive:
        derivation = mapping.derive[column.name]
        source = derivation.minus or (derivation.offset or ("", ""))[1] or str(derivation.flag)
    else:
        source = ctx.source
    prefix = f"{ctx.key}: source column '{source}'"
    findings.rows(
        prefix,
        empty,
        lambda _i: " is empty; the column may not be empty",
        f"fill in {source} on these rows of {ctx.file}, or give {ctx.column} a constant",
    )


def _key_text(table: Table, row: dict[str, Any]) -> str:
    return f"({', '.join(table.primary_key)}) = ({', '.join(_text(row[k]) for k in table.primary_key)})"


def _row_list(rows: Sequence[int]) -> str:
    shown = [f"{r:,}" for r in rows[:ROWS_LISTED]]
    more = f" and {len(rows) - ROWS_LISTED:,} more" if len(rows) > ROWS_LISTED else ""
    if len(shown) == 1:
        return shown[0] + more
    return ", ".join(shown[:-1]) + f" and {shown[-1]}" if not more else ", ".join(shown) + more


def _key_groups(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows (1-based) per primary key, for keys on more than one row, in the order of their first row."""
    key = list(table.primary_key)
    numbered = frame.with_row_index("row", offset=1).filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
    return numbered.group_by(key, maintain_order=True).agg(pl.col("row")).filter(pl.col("row").list.len() > 1)


def _require_unique_key(table: Table, mapping: TableMapping, frame: pl.DataFrame, findings: Findings) -> None:
    groups = _key_groups(table, frame)
    if groups.height == 0:
        return
    for group in groups.head(ROWS_LISTED).iter_rows(named=True):
        findings.lines.append(
            f"{table.name}: duplicate key {_key_text(table, group)} in data rows {_row_list(group['row'])} of "
            f"{mapping.file}"
        )
    if groups.height > ROWS_LISTED:
        findings.lines.append(f"{table.name}: {groups.height - ROWS_LISTED:,} more duplicate keys")
    findings.lines.append(
        f"{table.name}: fix: keep one row per {', '.join(table.primary_key)} in {mapping.file}"
        + (", or add distinct: true if the file repeats each one on many rows" if table.name != "customers" else "")
    )


def _distinct_rows(
    table: Table, mapping: TableMapping, frame: pl.DataFrame, reported: pl.Series, findings: Findings
) -> pl.DataFrame:
    """One row per key from a file that repeats it (a branch on every customer row); a key whose other columns
    differ between rows is reported."""
    kept = frame.filter(~reported)
    unique = kept.unique(maintain_order=True)
    groups = _key_groups(table, unique)
    if groups.height == 0:
        return unique
    numbered = frame.with_row_index("row", offset=1)
    others = [c for c in frame.columns if c not in table.primary_key]
    for group in groups.head(ROWS_LISTED).iter_rows(named=True):
        key_rows = numbered.filter(pl.all_horizontal(pl.col(k) == group[k] for k in table.primary_key))
        firsts = key_rows.unique(subset=others, keep="first", maintain_order=True)
        differing = [c for c in others if firsts.get_column(c).n_unique() > 1]
        values = "; ".join(
            f"{c}: {', '.join(_quoted(_text(v)) for v in firsts.get_column(c).to_list())}" for c in differing
        )
        findings.lines.append(
            f"{table.name}: key {_key_text(table, group)} has different values in data rows "
            f"{_row_list(firsts.get_column('row').to_list())} of {mapping.file} ({values})"
        )
    if groups.height > ROWS_LISTED:
        findings.lines.append(f"{table.name}: {groups.height - ROWS_LISTED:,} more keys with different values")
    findings.lines.append(
        f"{table.name}: fix: map the other columns of {table.name} from source columns with one value per "
        f"{', '.join(table.primary_key)}, or correct these rows of {mapping.file}"
    )
    return unique


# --- the import ---------------------------------------------------------------------------------------------------


def import_mapped(src: Path, mapping_file: Path, out_dir: Path) -> ImportSummary:
    """Read the bank's files in the folder `src` as the mapping says and write contract extracts.

    Every data problem of every table is collected first and reported together; nothing is written then.
    """
    src = Path(src)
    mapping_file = Path(mapping_file)
    out_dir = Path(out_dir)
    check_target(out_dir, protect=[src, mapping_file])
    if not src.is_dir():
        raise ImportFailed(f"{src}: not a folder (a mapped import reads the files named in the mapping from a folder)")
    spec = load_mapping(mapping_file)
    findings = Findings()
    read: dict[tuple[Any, ...], pl.DataFrame] = {}
    tables: dict[str, pl.DataFrame] = {}
    for name, mapping in spec.tables.items():
        table = TABLES_BY_NAME[name]
        if mapping.empty:
            tables[name] = pl.DataFrame(schema={c.name: POLARS_TYPES[c.type] for c in table.columns if c.required})
            continue
        reading = _reading_options(mapping)
        if reading not in read:
            try:
                read[reading] = _read_source(src, name, mapping)
            except ImportFailed as exc:  # a missing or unreadable file: report it with the other problems
                findings.lines.append(exc.message)
                continue
        built = build_table(table, mapping, read[reading], findings, spec.snapshot)
        if built is not None:
            tables[name] = built
    if findings.lines:
        raise ImportFailed("\n".join(findings.lines))
    notes = _notes(spec, tables)
    return write_extract(out_dir, tables, source=SOURCE, notes=notes, currency=spec.currency, protect=[src])


def _reading_options(mapping: TableMapping) -> tuple[Any, ...]:
    """The part of a table's mapping that decides how its file is read (tables sharing a file read it once)."""
    return (mapping.source, mapping.sheet, mapping.separator, mapping.encoding, mapping.null_values)


def _notes(spec: MappingFile, tables: dict[str, pl.DataFrame]) -> tuple[str, ...]:
    notes = [
        f"currency: amounts are {spec.currency} as declared in the mapping"
        + ("" if spec.currency == "CNY" else "; they are not converted to CNY")
        + "."
    ]
    if spec.snapshot is not None:
        notes.append(f"snapshot: the source describes the customers as of {spec.snapshot.isoformat()}.")
    for name, mapping in spec.tables.items():
        table = TABLES_BY_NAME[name]
        if mapping.empty:
            notes.append(f"{name}: empty (empty: true in the mapping).")
            continue
        filled = {*mapping.rename, *mapping.constants, *mapping.ids, *mapping.derive}
        if mapping.snapshot_months is not None:
            filled.add("month")
        empty = [c.name for c in table.columns if c.required and c.name not in filled]
        line = f"{name}: from {mapping.source}"
        if mapping.distinct:
            line += f", one row per distinct {', '.join(table.primary_key)} ({tables[name].height:,})"
        if mapping.snapshot_months is not None and spec.snapshot is not None:
            months = [_month_end(spec.snapshot, back).isoformat() for back in range(mapping.snapshot_months)]
            line += f", each source row on the month-ends {', '.join(reversed(months))}"
        if empty:
            line += f"; not mapped, left empty: {', '.join(empty)}"
        notes.append(line + ".")
    return tuple(notes)
