"""Import a bank's own CSV, Parquet or Excel files into the contract, driven by a YAML mapping.

The mapping names, per contract table, the source file and how each target column is filled: from a source
column (`rename`, target: source) with optional `casts`, `dates` (strptime formats), `values` (value maps) and
`split` (delimited text → list), from a constant (`constants`) or as a generated row-number id (`ids`).
Every problem names the mapping key (`table.column`) and the source column, file and row, so a bank's data
team can fix the mapping or the extract without reading code.  docs/importing.md has a worked example.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
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


class TableMapping(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str
    sheet: str | None = None
    separator: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    null_values: tuple[str, ...] = ()
    rename: dict[str, str] = {}
    casts: dict[str, CastType] = {}
    dates: dict[str, str] = {}
    values: dict[str, dict[str | int | float | bool, MapValue]] = {}
    constants: dict[str, Constant] = {}
    ids: dict[str, IdSpec] = {}
    split: dict[str, str] = {}


class MappingFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: Literal[1] = 1
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    tables: dict[str, TableMapping]


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so value-map keys like Y, N, yes, no, on, off stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_mapping(mapping_file: Path) -> MappingFile:
    """Parse and validate the mapping file; every problem is reported at once, each naming its key."""
    name = mapping_file.name
    if not mapping_file.is_file():
        raise ImportFailed(f"{mapping_file}: mapping file not found")
    try:
        raw = yaml.load(mapping_file.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ImportFailed(f"{name}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{name}: not UTF-8 text") from exc
    if not isinstance(raw, dict):
        raise ImportFailed(f"{name}: expected a mapping with a 'tables' key")
    try:
        spec = MappingFile.model_validate(raw)
    except ValidationError as exc:
        raise ImportFailed("\n".join(_pydantic_problem(err) for err in exc.errors())) from exc
    problems = check_mapping(spec)
    if problems:
        raise ImportFailed("\n".join(problems))
    return spec


def _pydantic_problem(error: Any) -> str:
    loc = [str(part) for part in error["loc"]]
    # Union types add the tried member to the location ("str", "list[str]", ...): not a mapping key.
    keys = [part for part in loc if not re.fullmatch(r"[a-z]+\[.*\]|str|int|float|bool|date|datetime|none", part)]
    where = ".".join(keys) or "(top level)"
    if error["type"] == "extra_forbidden":
        known = {*MappingFile.model_fields, *TableMapping.model_fields, *IdSpec.model_fields}
        return f"{where}: unknown key{_did_you_mean(keys[-1], known)}"
    if error["type"] == "string_pattern_mismatch" and keys == ["currency"]:
        return "currency: must be a three-letter currency code in capitals, e.g. CNY"
    if error["type"] == "missing":
        return f"{where}: required key is missing"
    return f"{where}: {error['msg']}"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_mapping(spec: MappingFile) -> list[str]:
    """Problems a schema cannot see: contract tables and columns, and sections that must agree."""
    problems: list[str] = []
    for name, mapping in spec.tables.items():
        table = TABLES_BY_NAME.get(name)
        if table is None:
            problems.append(f"tables.{name}: not a contract table{_did_you_mean(name, TABLES_BY_NAME)}")
            continue
        problems.extend(_check_table(table, mapping))
    for name in REQUIRED_TABLES:
        if name not in spec.tables:
            problems.append(f"tables.{name}: required table is not in the mapping")
    for name in spec.tables:
        table = TABLES_BY_NAME.get(name)
        for needed in table.requires if table else ():
            if needed not in spec.tables:
                problems.append(f"tables.{name}: needs the table {needed} in the mapping as well")
    return problems


def _check_table(table: Table, mapping: TableMapping) -> list[str]:
    problems: list[str] = []
    sections = {
        "rename": mapping.rename,
        "casts": mapping.casts,
        "dates": mapping.dates,
        "values": mapping.values,
        "constants": mapping.constants,
        "ids": mapping.ids,
        "split": mapping.split,
    }
    for section, entries in sections.items():
        for target in entries:
            if target not in table.column_names:
                problems.append(
                    f"{table.name}.{target}: not a column of the contract table {table.name}"
                    f"{_did_you_mean(target, table.column_names)} (under {section})"
                )
    if problems:
        return problems
    for column in table.columns:
        problems.extend(_check_column(table, column, mapping))
    suffix = Path(mapping.source).suffix.lower()
    if suffix not in (*CSV_SUFFIXES, *PARQUET_SUFFIXES, *EXCEL_SUFFIXES):
        problems.append(f"{table.name}.source: '{mapping.source}' is not a .csv, .parquet or .xlsx file")
    if mapping.sheet is not None and suffix not in EXCEL_SUFFIXES:
        problems.append(f"{table.name}.sheet: only for .xlsx sources")
    return problems


def _check_column(table: Table, column: Column, mapping: TableMapping) -> list[str]:
    key = f"{table.name}.{column.name}"
    fillers = [
        section
        for section, entries in (("rename", mapping.rename), ("constants", mapping.constants), ("ids", mapping.ids))
        if column.name in entries
    ]
    if len(fillers) > 1:
        return [f"{key}: mapped more than once (under {' and '.join(fillers)})"]
    if not fillers and column.required and not column.nullable:
        return [f"{key}: required column is not mapped (give it a source under rename, or use constants or ids)"]
    problems = [
        f"{key}: {section} needs a source column under rename"
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
        problems.extend(_check_constant(key, column, mapping.constants[column.name]))
    return problems


def _check_conversions(key: str, column: Column, mapping: TableMapping) -> list[str]:
    """casts, dates, split and ids must suit the contract type of the column."""
    problems: list[str] = []
    kind = str(column.type)
    via = mapping.casts.get(column.name, kind)
    if column.name in mapping.casts and not _convertible(via, kind):
        problems.append(f"{key}: cannot cast through {via} to the contract type {kind}")
    if column.name in mapping.dates and via not in ("date", "timestamp"):
        problems.append(f"{key}: dates only apply to date and timestamp columns (this one is {kind})")
    is_list = column.type is LogicalType.STRING_LIST
    if is_list and column.name in mapping.rename and column.name not in mapping.split:
        problems.append(f"{key}: a list<string> column needs its separator under split")
    if column.name in mapping.split and not is_list:
        problems.append(f"{key}: split only applies to list<string> columns (this one is {kind})")
    if column.name in mapping.ids and column.type is not LogicalType.STRING:
        problems.append(f"{key}: ids only apply to string columns (this one is {kind})")
    return problems


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
    path = src_dir / mapping.source
    if not path.is_file():
        present = [p.name for p in src_dir.iterdir() if p.is_file()] if src_dir.is_dir() else []
        raise ImportFailed(
            f"{name}.source: file '{mapping.source}' not found in {src_dir}{_did_you_mean(mapping.source, present)}"
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


# --- building a table ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnContext:
    """Everything a message about one target column needs to name."""

    key: str  # table.column
    source: str  # source column
    file: str  # source file name
    fmt: str | None  # the date / timestamp format in use


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


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


def _parse_text(text: pl.Series, kind: str, fmt: str | None, *, iso_fallback: bool = False) -> pl.Series:
    """Text → the named type; values that do not parse become null (the caller reports them)."""
    if kind == "string":
        return text
    if kind == "integer":
        return text.cast(pl.Int64, strict=False)
    if kind == "float":
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


def _raise_first_bad(before: pl.Series, after: pl.Series, raw: pl.Series, ctx: ColumnContext, message: str) -> None:
    bad = (before.is_not_null() & after.is_null()).arg_true()
    if bad.len():
        index = int(bad[0])
        raise ImportFailed(f"{ctx.key}: source column '{ctx.source}', data row {index + 1:,}: '{raw[index]}' {message}")


def _from_source(frame: pl.DataFrame, column: Column, mapping: TableMapping, ctx: ColumnContext) -> pl.Series:
    """One target column from its source column: value map, parse (or native cast), convert, split."""
    raw = frame.get_column(ctx.source)
    kind = str(column.type)
    if column.type is LogicalType.STRING_LIST:
        text = raw.cast(pl.String)
        parts = text.str.split(mapping.split[column.name]).list.eval(pl.element().str.strip_chars())
        return parts.list.eval(pl.element().filter(pl.element() != ""))
    via = mapping.casts.get(column.name, kind)
    native = _family(raw.dtype)
    value_map = mapping.values.get(column.name)
    if value_map is not None or native == "string":
        text = raw.cast(pl.String)
        if value_map is not None:
            text = text.replace({_text(k): (None if v is None else _text(v)) for k, v in value_map.items()})
        parsed = _parse_text(text, via, ctx.fmt, iso_fallback=mapping.source.lower().endswith(EXCEL_SUFFIXES))
        _raise_first_bad(text, parsed, raw, ctx, _problem_word(via, ctx, whole=False))
    else:
        if not _convertible(native, via):
            raise ImportFailed(
                f"{ctx.key}: source column '{ctx.source}' in {ctx.file} holds {native} values, not {via}"
            )
        parsed = _convert(raw, native, via)
        _raise_first_bad(raw, parsed, raw, ctx, _problem_word(via, ctx, whole=True))
    result = _convert(parsed, via, kind)
    _raise_first_bad(parsed, result, raw, ctx, _problem_word(kind, ctx, whole=True))
    return result


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


def build_table(table: Table, mapping: TableMapping, frame: pl.DataFrame) -> pl.DataFrame:
    """The contract table from the source frame, column by column, in contract order."""
    missing = [(t, s) for t, s in mapping.rename.items() if s not in frame.columns]
    if missing:
        target, source = missing[0]
        raise ImportFailed(
            f"{table.name}.{target}: source column '{source}' not found in {Path(mapping.source).name}"
            f"{_did_you_mean(source, frame.columns)}"
        )
    out: dict[str, pl.Series] = {}
    for column in table.columns:
        if column.name in mapping.rename:
            ctx = ColumnContext(
                key=f"{table.name}.{column.name}",
                source=mapping.rename[column.name],
                file=Path(mapping.source).name,
                fmt=mapping.dates.get(column.name),
            )
            out[column.name] = _from_source(frame, column, mapping, ctx).alias(column.name)
            _require_values(out[column.name], column, ctx)
        elif column.name in mapping.constants:
            out[column.name] = _constant(column, mapping.constants[column.name], frame.height)
        elif column.name in mapping.ids:
            out[column.name] = _generated_ids(mapping.ids[column.name], frame.height).alias(column.name)
        elif column.required:
            out[column.name] = pl.Series(column.name, [None] * frame.height, dtype=POLARS_TYPES[column.type])
    result = pl.DataFrame(out)
    _require_unique_key(table, mapping, result)
    return result


def _require_values(values: pl.Series, column: Column, ctx: ColumnContext) -> None:
    if column.nullable:
        return
    empty = values.is_null().arg_true()
    if empty.len():
        raise ImportFailed(
            f"{ctx.key}: source column '{ctx.source}', data row {int(empty[0]) + 1:,} is empty; "
            "the column may not be empty"
        )


def _require_unique_key(table: Table, mapping: TableMapping, frame: pl.DataFrame) -> None:
    key = list(table.primary_key)
    dupes = frame.with_row_index("row", offset=1).filter(pl.struct(key).is_duplicated())
    if dupes.height:
        first = dupes.row(0, named=True)
        same = dupes.filter(pl.all_horizontal(pl.col(k) == first[k] for k in key)).get_column("row")
        values = ", ".join(_text(first[k]) for k in key)
        raise ImportFailed(
            f"{table.name}: duplicate key ({', '.join(key)}) = ({values}) in data rows {same[0]:,} and {same[1]:,} "
            f"of {Path(mapping.source).name}"
        )


# --- the import ---------------------------------------------------------------------------------------------------


def import_mapped(src: Path, mapping_file: Path, out_dir: Path) -> ImportSummary:
    """Read the bank's files in the folder `src` as the mapping says and write contract extracts."""
    src = Path(src)
    mapping_file = Path(mapping_file)
    out_dir = Path(out_dir)
    check_target(out_dir, protect=[src, mapping_file])
    if not src.is_dir():
        raise ImportFailed(f"{src}: not a folder (a mapped import reads the files named in the mapping from a folder)")
    spec = load_mapping(mapping_file)
    tables: dict[str, pl.DataFrame] = {}
    for name, mapping in spec.tables.items():
        table = TABLES_BY_NAME[name]
        tables[name] = build_table(table, mapping, _read_source(src, name, mapping))
    notes = _notes(spec)
    return write_extract(out_dir, tables, source=SOURCE, notes=notes, currency=spec.currency, protect=[src])


def _notes(spec: MappingFile) -> tuple[str, ...]:
    notes = [
        f"currency: amounts are {spec.currency} as declared in the mapping"
        + ("" if spec.currency == "CNY" else "; they are not converted to CNY")
        + "."
    ]
    for name, mapping in spec.tables.items():
        table = TABLES_BY_NAME[name]
        filled = {*mapping.rename, *mapping.constants, *mapping.ids}
        empty = [c.name for c in table.columns if c.required and c.name not in filled]
        line = f"{name}: from {mapping.source}"
        if empty:
            line += f"; not mapped, left empty: {', '.join(empty)}"
        notes.append(line + ".")
    return tuple(notes)
