"""Adding money in Python, where a page must (metric totals come from the database: docs/metrics.md, "Money").

The marts hold amounts as exact DECIMAL(18,2); they reach Python as the nearest doubles.  Adding those doubles
gives a total that depends on the order of the rows (0.1 + 0.2 + 0.3 ≠ 0.3 + 0.2 + 0.1), and neither a polars
group-by nor an unordered query fixes that order, so money is added in integer cents instead: exact in any order,
then divided once (the double nearest to the exact total, for totals below 2^53 cents, about 9 × 10^13).
"""

from __future__ import annotations

import polars as pl


def cents_sum(amounts: str | pl.Expr) -> pl.Expr:
    """An aggregation: the exact total of amounts that are whole cents, as Float64 (nulls count as nothing)."""
    column = pl.col(amounts) if isinstance(amounts, str) else amounts
    return (column.cast(pl.Float64) * 100).round().cast(pl.Int64).sum().cast(pl.Float64) / 100


def cents_total(amounts: pl.Series) -> float:
    """The exact total of a series of amounts that are whole cents (0.0 when empty or all null)."""
    return float(amounts.to_frame("amount").select(cents_sum("amount")).item())
