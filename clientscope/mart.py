"""What a mart is: a derived table built by one `queries/marts/<name>.sql` statement and stored as Parquet.

The core marts are listed in `clientscope.marts`; each analysis lists its serving-layer aggregates (small tables at
the filter bar's grain that its sections read instead of the detail rows) in `clientscope/<analysis>/serving.py`.
This module imports nothing of Clientscope, so both can import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mart:
    name: str
    requires: tuple[str, ...]  # extract tables that must be present for the mart to exist
    stand_ins: tuple[str, ...]  # optional inputs replaced by zero-row views when absent
    after: tuple[str, ...]  # marts it reads
    columns: tuple[str, ...]
    order_by: str | None = None  # sort of the Parquet file, for row-group pruning on the time column
    # Built in parts of at most CUSTOMERS_PER_PART customers (its SQL keeps `hash(customer_id) % $parts = $part`):
    # a per-customer aggregate with lists cannot spill to disk, so one pass over 1M customers outgrows the
    # DuckDB memory limit.
    by_customer_parts: bool = False
    money: tuple[str, ...] = ()  # DECIMAL(18,2) columns (lists of it for per-customer histories)

    @property
    def sql_name(self) -> str:
        return f"marts/{self.name}"
