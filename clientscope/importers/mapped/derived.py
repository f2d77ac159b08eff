"""Derived columns: a year or date minus whole numbers from a source column, optionally only where a flag says yes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from clientscope.contract import Column
from clientscope.importers.common import POLARS_TYPES
from clientscope.importers.mapped.findings import ColumnContext, Findings, note_bad
from clientscope.importers.mapped.mapping_schema import MINUS_UNITS, SNAPSHOT, Derivation, MapValue
from clientscope.importers.mapped.values import text_of


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
    bad = note_bad(text, whole, raw, ctx, "integer", True, findings)
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


def derived_column(
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
