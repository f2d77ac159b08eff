"""Data problems of a mapped import: collected per row with a fix, and worded per column type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from clientscope.importers.mapped.values import DEFAULT_FORMATS

ROWS_LISTED = 20  # bad rows listed one by one per column and problem; the rest are counted


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


def quoted(value: Any) -> str:
    return f"'{value}'"


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


def note_bad(
    before: pl.Series, after: pl.Series, raw: pl.Series, ctx: ColumnContext, kind: str, whole: bool, findings: Findings
) -> pl.Series:
    """Report the rows whose value was there before a step and is gone after it; returns their mask."""
    bad = before.is_not_null() & after.is_null()
    problem = _problem_word(kind, ctx, whole)
    findings.rows(ctx.prefix, bad.arg_true().to_list(), lambda i: f": '{raw[i]}' {problem}", _fix_word(kind, ctx))
    return bad
