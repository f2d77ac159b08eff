"""Primary keys of a mapped table: duplicates reported, or (distinct: true) one row per key from a repeating file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from clientscope.contract import Table
from clientscope.importers.mapped.findings import ROWS_LISTED, Findings, quoted
from clientscope.importers.mapped.mapping_schema import TableMapping
from clientscope.importers.mapped.values import text_of


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


def require_unique_key(table: Table, mapping: TableMapping, frame: pl.DataFrame, findings: Findings) -> None:
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


def distinct_rows(
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
            f"{c}: {', '.join(quoted(text_of(v)) for v in firsts.get_column(c).to_list())}" for c in differing
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
