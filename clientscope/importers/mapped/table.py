"""One contract table built column by column from its source frame, with defaults, required values and keys checked."""

from __future__ import annotations

import calendar
from datetime import date

import polars as pl

from clientscope.contract import Column, Table
from clientscope.importers.common import POLARS_TYPES
from clientscope.importers.mapped.columns import constant_series, from_source, generated_ids
from clientscope.importers.mapped.derived import derived_column
from clientscope.importers.mapped.findings import ColumnContext, Findings
from clientscope.importers.mapped.keys import distinct_rows, require_unique_key
from clientscope.importers.mapped.mapping_schema import Constant, TableMapping, did_you_mean


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
            out[column.name], bad = from_source(frame, column, mapping, ctx, findings)
            out[column.name] = out[column.name].alias(column.name)
        elif column.name in mapping.derive:
            out[column.name], bad = derived_column(frame, column, mapping.derive[column.name], snapshot, ctx, findings)
        elif column.name in mapping.constants:
            out[column.name] = constant_series(column, mapping.constants[column.name], frame.height)
        elif column.name in mapping.ids:
            out[column.name] = generated_ids(mapping.ids[column.name], frame.height).alias(column.name)
        elif column.name == "month" and mapping.snapshot_months is not None and snapshot is not None:
            out[column.name] = pl.Series(column.name, [month_end(snapshot, 0)] * frame.height, dtype=pl.Date)
        elif column.required:
            out[column.name] = pl.Series(column.name, [None] * frame.height, dtype=POLARS_TYPES[column.type])
        if column.name in mapping.defaults:
            out[column.name] = _with_default(out[column.name], bad, column, mapping.defaults[column.name])
        if column.name in mapping.rename or column.name in mapping.derive:
            _require_values(out[column.name], bad, column, mapping, ctx, findings)
        reported = reported | bad
    result = pl.DataFrame(out)
    if mapping.distinct:
        result = distinct_rows(table, mapping, result, reported, findings)
    else:
        require_unique_key(table, mapping, result, findings)
    if mapping.snapshot_months is not None and snapshot is not None:
        result = pl.concat(
            result.with_columns(pl.lit(month_end(snapshot, back)).alias("month"))
            for back in range(mapping.snapshot_months)
        )
    return result


def _with_default(values: pl.Series, bad: pl.Series, column: Column, default: Constant) -> pl.Series:
    """Empty values (not the ones reported as bad) become the mapping's default."""
    fill = constant_series(column, default, values.len())
    return pl.select(pl.when(values.is_null() & ~bad).then(fill).otherwise(values)).to_series().alias(column.name)


def month_end(day: date, months_back: int) -> date:
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
