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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from clientscope.contract import TABLES_BY_NAME, Column, LogicalType, Table
from clientscope.importers.common import (
    POLARS_TYPES,
    ImportFailed,
    ImportSummary,
    check_target,
    write_extract,
)
from clientscope.importers.mapped_values import DEFAULT_FORMATS, convert, convertible, family, parse_text, text_of
from clientscope.importers.mapping_file import (
    EXCEL_SUFFIXES,
    MINUS_UNITS,
    PARQUET_SUFFIXES,
    SNAPSHOT,
    Constant,
    Derivation,
    IdSpec,
    MappingFile,
    MapValue,
    TableMapping,
    did_you_mean,
    load_mapping,
)

SOURCE = "mapped"
ROWS_LISTED = 20  # bad rows listed one by one per column and problem; the rest are counted


# --- reading sources -----------------------------------------------------------------------------------------


def _read_source(src_dir: Path, name: str, mapping: TableMapping) -> pl.DataFrame:
    path = src_dir / str(mapping.source)
    if not path.is_file():
        present = [p.name for p in src_dir.iterdir() if p.is_file()] if src_dir.is_dir() else []
        raise ImportFailed(
            f"{name}.source: file '{mapping.source}' not found in {src_dir}{did_you_mean(str(mapping.source), present)}"
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


def _quoted(value: Any) -> str:
    return f"'{value}'"


# --- building a table ---------------------------------------------------------------------------------------


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
    native = family(raw.dtype)
    value_map = mapping.values.get(column.name)
    if value_map is not None or native == "string":
        text = raw.cast(pl.String)
        if value_map is not None:
            text = text.replace({text_of(k): (None if v is None else text_of(v)) for k, v in value_map.items()})
        iso = str(mapping.source).lower().endswith(EXCEL_SUFFIXES)
        parsed = parse_text(text, via, ctx.fmt, iso_fallback=iso, decimal_comma=mapping.decimal_comma)
        bad = _note_bad(text, parsed, raw, ctx, via, False, findings)
    else:
        if not convertible(native, via):
            findings.lines.append(
                f"{ctx.key}: source column '{ctx.source}' in {ctx.file} holds {native} values, not {via}"
            )
            return pl.Series([None] * frame.height, dtype=POLARS_TYPES[column.type]), ~none
        parsed = convert(raw, native, via)
        bad = _note_bad(raw, parsed, raw, ctx, via, True, findings)
    result = convert(parsed, via, kind)
    bad = bad | _note_bad(parsed, result, raw, ctx, kind, True, findings)
    return result, bad


def _constant(column: Column, value: Constant, height: int) -> pl.Series:
    dtype = POLARS_TYPES[column.type]
    if value is None:
        return pl.Series(column.name, [None] * height, dtype=dtype)
    if column.type is LogicalType.STRING_LIST:
        return pl.Series(column.name, [list(value)] * height, dtype=dtype)  # type: ignore[arg-type]
    parsed = parse_text(pl.Series(column.name, [text_of(value)]), str(column.type), None)
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
    texts = [text_of(v).lower() for v in wanted]
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
    yes, no = ", ".join(map(text_of, spec.yes or ())), ", ".join(map(text_of, spec.no))
    choices = f"a yes value ({yes}) nor a no value ({no})"
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
            f"{did_you_mean(source, frame.columns)}"
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
        if column.name in mapping.defaults:
            out[column.name] = _with_default(out[column.name], bad, column, mapping.defaults[column.name])
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


def _with_default(values: pl.Series, bad: pl.Series, column: Column, default: Constant) -> pl.Series:
    """Empty values (not the ones reported as bad) become the mapping's default."""
    fill = _constant(column, default, values.len())
    return pl.select(pl.when(values.is_null() & ~bad).then(fill).otherwise(values)).to_series().alias(column.name)


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
    return f"({', '.join(table.primary_key)}) = ({', '.join(text_of(row[k]) for k in table.primary_key)})"


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
            f"{c}: {', '.join(_quoted(text_of(v)) for v in firsts.get_column(c).to_list())}" for c in differing
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
