"""Layer 2 of validation, per table: every Parquet file is read completely with pyarrow (footer and data pages,
batch by batch), part files share one schema, columns match the contract, required tables have rows.

A `TableCheck` with no error is usable: only such tables go on to the row-level checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clientscope import catalog
from clientscope.contract import Table
from clientscope.validation.columns import column_problems, type_name
from clientscope.validation.report import Problem, Severity
from clientscope.validation.wording import location_of, reason

PARQUET_MAGIC = b"PAR1"
READ_BATCH_ROWS = 65_536  # rows per batch when reading a file through: bounded memory for big part folders


@dataclass(frozen=True)
class _FileInfo:
    path: Path
    rel: str
    schema: pa.Schema
    rows: int


@dataclass(frozen=True)
class TableCheck:
    table: Table
    files: tuple[Path, ...]
    location: str
    problems: tuple[Problem, ...]

    @property
    def usable(self) -> bool:
        """Whether row-level checks may run on (and refer to) this table."""
        return not any(p.severity is Severity.ERROR for p in self.problems)


def check_table(data_dir: Path, found: catalog.TableFiles) -> TableCheck:
    table = found.table
    location = location_of(found.files, data_dir)
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
        problems.extend(column_problems(table, reference[0].schema, location_of([i.path for i in reference], data_dir)))
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
    return TableCheck(table, found.files, location, tuple(problems))


def _read_file(data_dir: Path, table: Table, path: Path) -> _FileInfo | Problem:
    """Open the file and read all of it, batch by batch, so that damage anywhere in the data is found."""
    rel = path.relative_to(data_dir).as_posix()

    def unreadable(message: str, fix: str) -> Problem:
        return Problem(Severity.ERROR, table.name, None, rel, message, fix)

    try:
        damaged = _magic_problem(path)
    except OSError as exc:  # e.g. no permission to read it
        return unreadable(f"the file cannot be opened ({reason(exc)})", "make the file readable for Clientscope")
    if damaged is not None:
        return unreadable(*damaged)
    footer_fix = "export the file again"
    try:
        parquet = pq.ParquetFile(path, page_checksum_verification=True)
    except Exception as exc:  # pyarrow raises several types (OSError, ArrowInvalid, ...) for a bad footer
        return unreadable(f"the file's Parquet footer cannot be read ({reason(exc)})", footer_fix)
    with parquet:
        try:
            schema, rows = parquet.schema_arrow, parquet.metadata.num_rows
        except Exception as exc:  # a footer that parses but describes a schema Arrow cannot represent
            return unreadable(f"the file's Parquet schema cannot be read ({reason(exc)})", footer_fix)
        try:
            for _batch in parquet.iter_batches(batch_size=READ_BATCH_ROWS):
                pass  # decoding every page is the check; batches are dropped at once to bound memory
        except Exception as exc:  # any failure while decoding pages means the data is damaged
            return unreadable(
                f"the file is damaged: its data cannot be read ({reason(exc)})",
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


def _schema_key(schema: pa.Schema) -> frozenset[tuple[str, str]]:
    # DuckDB matches the columns of part files by name, so their order does not matter; nor do the physical
    # variants of one type that DuckDB reads alike (string, large_string, dictionary of strings; timestamp units).
    return frozenset((field.name, type_name(field.type)) for field in schema)


def _split_by_schema(infos: list[_FileInfo]) -> tuple[list[_FileInfo], list[_FileInfo]]:
    """(files with the most common schema, the odd ones); a tie goes to the schema of the first file."""
    counts = Counter(_schema_key(info.schema) for info in infos)
    order = {key: index for index, key in reversed(list(enumerate(_schema_key(i.schema) for i in infos)))}
    common = max(counts, key=lambda key: (counts[key], -order[key]))
    reference = [info for info in infos if _schema_key(info.schema) == common]
    odd = [info for info in infos if _schema_key(info.schema) != common]
    return reference, odd


def _schema_mismatch(table: Table, odd: _FileInfo, reference: _FileInfo) -> Problem:
    expected = {field.name: type_name(field.type) for field in reference.schema}
    actual = {field.name: type_name(field.type) for field in odd.schema}
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
