"""A target column from its source column (value map, parse or cast, split), a constant, or generated ids."""

from __future__ import annotations

import polars as pl

from clientscope.contract import Column, LogicalType
from clientscope.importers.common import POLARS_TYPES
from clientscope.importers.mapped.findings import ColumnContext, Findings, note_bad
from clientscope.importers.mapped.mapping_schema import EXCEL_SUFFIXES, Constant, IdSpec, TableMapping
from clientscope.importers.mapped.values import convert, convertible, family, parse_text, text_of


def from_source(
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
        bad = note_bad(text, parsed, raw, ctx, via, False, findings)
    else:
        if not convertible(native, via):
            findings.lines.append(
                f"{ctx.key}: source column '{ctx.source}' in {ctx.file} holds {native} values, not {via}"
            )
            return pl.Series([None] * frame.height, dtype=POLARS_TYPES[column.type]), ~none
        parsed = convert(raw, native, via)
        bad = note_bad(raw, parsed, raw, ctx, via, True, findings)
    result = convert(parsed, via, kind)
    bad = bad | note_bad(parsed, result, raw, ctx, kind, True, findings)
    return result, bad


def constant_series(column: Column, value: Constant, height: int) -> pl.Series:
    dtype = POLARS_TYPES[column.type]
    if value is None:
        return pl.Series(column.name, [None] * height, dtype=dtype)
    if column.type is LogicalType.STRING_LIST:
        return pl.Series(column.name, [list(value)] * height, dtype=dtype)  # type: ignore[arg-type]
    parsed = parse_text(pl.Series(column.name, [text_of(value)]), str(column.type), None)
    return pl.Series(column.name, [parsed[0]] * height, dtype=dtype)


def generated_ids(spec: IdSpec, height: int) -> pl.Series:
    numbers = pl.int_range(spec.start, spec.start + height, eager=True).cast(pl.String).str.zfill(spec.width)
    return (spec.prefix + numbers) if spec.prefix else numbers
