"""The contract's logical types as polars types, and conforming generated frames to them."""

from __future__ import annotations

import polars as pl

from clientscope.contract import LogicalType, Table

POLARS_TYPES: dict[LogicalType, pl.DataType] = {
    LogicalType.STRING: pl.String(),
    LogicalType.INTEGER: pl.Int32(),
    LogicalType.FLOAT: pl.Float64(),
    LogicalType.BOOLEAN: pl.Boolean(),
    LogicalType.DATE: pl.Date(),
    LogicalType.TIMESTAMP: pl.Datetime("us"),
    LogicalType.STRING_LIST: pl.List(pl.String()),
}


def polars_schema(table: Table) -> pl.Schema:
    """Every column of the table, optional ones included, in contract order."""
    return pl.Schema({c.name: POLARS_TYPES[c.type] for c in table.columns})


def conform(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """Select the contract's columns in order with their exact types (dates from day numbers, timestamps from µs)."""
    schema = polars_schema(table)
    missing = [name for name in schema.names() if name not in frame.columns]
    extra = [name for name in frame.columns if name not in schema]
    if missing or extra:
        raise ValueError(f"{table.name}: generated columns differ from the contract (missing {missing}, extra {extra})")
    return frame.select(pl.col(name).cast(dtype, strict=True) for name, dtype in schema.items())
