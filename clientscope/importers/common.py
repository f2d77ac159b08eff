"""What every importer shares: the error type, the summary, conforming frames to the contract, atomic writes.

An import is all or nothing: tables are written into a temporary sibling of the output folder and renamed
into place only when every table has been written, so a failed import never leaves a half-written folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from clientscope.catalog import IMPORT_MANIFEST  # its presence marks a folder an import may replace
from clientscope.contract import REQUIRED_TABLES, TABLES, LogicalType, Table

POLARS_TYPES: dict[LogicalType, pl.DataType] = {
    LogicalType.STRING: pl.String(),
    LogicalType.INTEGER: pl.Int64(),
    LogicalType.FLOAT: pl.Float64(),
    LogicalType.BOOLEAN: pl.Boolean(),
    LogicalType.DATE: pl.Date(),
    LogicalType.TIMESTAMP: pl.Datetime("us"),
    LogicalType.STRING_LIST: pl.List(pl.String()),
}


class ImportFailed(Exception):
    """An import could not be completed; the message names the source file and column."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportSummary:
    source: str
    out_dir: Path
    rows: Mapping[str, int]
    notes: tuple[str, ...] = field(default=())
    currency: str = "CNY"


def conform(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Select the contract's columns in contract order with their exact types.

    Optional columns are kept only when the frame has them.  A missing required column, a null in a
    non-nullable column or a duplicate primary key is a bug in the importer (or an unchecked source
    problem), so it fails loudly rather than writing a folder that does not meet the contract.
    """
    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    if missing:
        raise ImportFailed(f"{table.name}: the import produced no column {', '.join(missing)}")
    exprs = [pl.col(c.name).cast(POLARS_TYPES[c.type]) for c in table.columns if c.required or c.name in frame.columns]
    out = frame.select(exprs)
    for col in table.columns:
        if not col.nullable and col.name in out.columns:
            nulls = out.get_column(col.name).null_count()
            if nulls:
                raise ImportFailed(f"{table.name}.{col.name}: {nulls:,} empty values in a column that may not be empty")
    dupes = out.select(table.primary_key).filter(pl.struct(table.primary_key).is_duplicated())
    if dupes.height:
        first = ", ".join(str(v) for v in dupes.row(0))
        raise ImportFailed(f"{table.name}: duplicate primary key ({', '.join(table.primary_key)}) = ({first})")
    # Joins and group-bys do not promise an order: sorting by the key makes every import byte-for-byte repeatable.
    return out.sort(table.primary_key)


def check_target(out_dir: Path, protect: Iterable[Path] = ()) -> None:
    """Refuse output folders that would overwrite data we did not write, or the source itself."""
    target = out_dir.resolve()
    for src in protect:
        source = src.resolve()
        if target == source or target in source.parents or source in target.parents:
            raise ImportFailed(f"{out_dir}: the output folder may not contain or be inside the source {src}")
    if target.exists() and not target.is_dir():
        raise ImportFailed(f"{out_dir}: exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / IMPORT_MANIFEST).is_file():
        raise ImportFailed(
            f"{out_dir}: the folder is not empty and was not written by an import; choose a new or empty folder"
        )


def write_extract(
    out_dir: Path,
    tables: Mapping[str, pl.DataFrame],
    *,
    source: str,
    notes: Sequence[str],
    currency: str,
    protect: Iterable[Path] = (),
) -> ImportSummary:
    """Conform every table and write the folder atomically (temporary sibling, then rename)."""
    protect = tuple(protect)
    check_target(out_dir, protect)
    absent = [name for name in REQUIRED_TABLES if name not in tables]
    if absent:
        raise ImportFailed(f"{source}: the import produced no {', '.join(absent)} table")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.importing-", dir=out_dir.parent))
    try:
        rows: dict[str, int] = {}
        for table in TABLES:
            if table.name in tables:
                frame = conform(table, tables[table.name])
                frame.write_parquet(staging / f"{table.name}.parquet")
                rows[table.name] = frame.height
        manifest = {"source": source, "currency": currency, "rows": rows, "notes": list(notes)}
        (staging / IMPORT_MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ImportSummary(source=source, out_dir=out_dir, rows=rows, notes=tuple(notes), currency=currency)


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Rename the finished folder into place; an earlier import there is replaced only after success."""
    if out_dir.is_dir() and not any(out_dir.iterdir()):
        out_dir.rmdir()
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    previous = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.replaced-", dir=out_dir.parent))
    previous.rmdir()  # only the unique name is wanted; rename needs it free
    os.replace(out_dir, previous)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(previous, out_dir)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def source_label(path: Path) -> str:
    """How messages name a source file: its folder and name (e.g. berka/client.asc)."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def require_columns(frame_columns: Sequence[str], needed: Iterable[str], label: str) -> None:
    missing = [c for c in needed if c not in frame_columns]
    if missing:
        cols = ", ".join(f"'{c}'" for c in missing)
        raise ImportFailed(f"{label}: column {cols} not found (columns present: {', '.join(frame_columns)})")


def require_file(path: Path) -> None:
    if not path.is_file():
        raise ImportFailed(f"{path}: file not found")


def first_bad_value(raw: pl.Series, parsed: pl.Series) -> tuple[int, str] | None:
    """The first row (1-based, header not counted) whose non-empty raw value did not parse, and that value."""
    bad = (raw.is_not_null() & parsed.is_null()).arg_true()
    if bad.len() == 0:
        return None
    index = int(bad[0])
    return index + 1, str(raw[index])


def parse_strict(frame: pl.DataFrame, casts: Mapping[str, pl.DataType], label: str) -> pl.DataFrame:
    """Cast text columns to types; a value that does not parse fails with file, column, row and value."""
    out = frame.with_columns(pl.col(name).str.strip_chars().cast(dtype, strict=False) for name, dtype in casts.items())
    for name, dtype in casts.items():
        raw = frame.get_column(name).str.strip_chars()
        problem = first_bad_value(raw, out.get_column(name))
        if problem:
            row, value = problem
            raise ImportFailed(f"{label}: column '{name}', row {row:,}: '{value}' is not {_type_word(dtype)}")
    return out


def _type_word(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "an integer"
    if dtype.is_float():
        return "a number"
    return f"a valid {dtype}"


def blank_to_null(columns: Iterable[str]) -> list[pl.Expr]:
    """Missing values come as "", " " or an empty field: strip, and make the empty string null."""
    exprs = []
    for name in columns:
        stripped = pl.col(name).str.strip_chars()
        exprs.append(pl.when(stripped == "").then(None).otherwise(stripped).alias(name))
    return exprs
