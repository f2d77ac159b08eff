"""Equality of two build folders too large for memory: `python -m clientscope.spark.compare_at_scale LEFT RIGHT`.

`clientscope.spark.compare.folder_problems` (the fixture test's) holds whole tables in polars and matches rows on
keys; at scale M its `customer_month_facts` alone outgrew 24 GB. This check runs in DuckDB, out of core: per table
(its parts together) the row count, the multiset of rows both ways (`EXCEPT ALL` over every column, DOUBLE columns
as 12 significant digits, everything else exact) and each right-hand file's sort order. It prints a line per table
and exits 1 when any differs (docs/spark.md, "Run 3").
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from clientscope.db import query_sql
from clientscope.marts import MARTS

DOUBLE_TYPES = ("DOUBLE", "FLOAT")
MEMORY = "8GB"
SORTED_BY_MONTH = ("rollup_customer_month", "rollup_touch_month")  # the rollups' sort column


@dataclass(frozen=True)
class TableCheck:
    name: str
    rows: tuple[int, int]
    only: tuple[int, int]  # rows of each side the other lacks
    out_of_order: int
    columns_differ: bool = False

    @property
    def equal(self) -> bool:
        return (
            not self.columns_differ and self.rows[0] == self.rows[1] and self.only == (0, 0) and not self.out_of_order
        )


def tables_of(folder: Path) -> dict[str, list[str]]:
    """File names by table (`name.parquet`, or `name.partNNN.parquet` for each part)."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.parquet")):
        found.setdefault(path.name.removesuffix(".parquet").split(".part")[0], []).append(path.name)
    return found


def compare_folders(left: Path, right: Path, order: Mapping[str, str | None] | None = None) -> list[TableCheck]:
    """One check per table of `left`; the folders must hold the same file names."""
    order = order if order is not None else default_order()
    tables = tables_of(left)
    if sorted(f for files in tables.values() for f in files) != sorted(p.name for p in right.glob("*.parquet")):
        raise ValueError(f"{left} and {right} hold different files")
    with tempfile.TemporaryDirectory(prefix="clientscope-compare-") as spill:  # not DuckDB's default ./.tmp
        con = duckdb.connect(config={"temp_directory": spill})
        con.execute(query_sql("settings/memory_limit"), {"limit": MEMORY})  # spills past it to `spill`
        try:
            return [
                _check(con, name, [left / f for f in files], [right / f for f in files], order)
                for name, files in tables.items()
            ]
        finally:
            con.close()


def default_order() -> dict[str, str | None]:
    return {**{m.name: m.order_by for m in MARTS}, **dict.fromkeys(SORTED_BY_MONTH, "month")}


def _check(con, name: str, a: list[Path], b: list[Path], order: Mapping[str, str | None]) -> TableCheck:
    left, right = con.read_parquet([str(p) for p in a]), con.read_parquet([str(p) for p in b])
    kinds = list(zip(left.columns, map(str, left.types), strict=True))
    if kinds != list(zip(right.columns, map(str, right.types), strict=True)):
        return TableCheck(name, (0, 0), (0, 0), 0, columns_differ=True)
    # a relation's projection names columns through the relational API, not SQL text
    exprs = [
        duckdb.FunctionExpression("printf", duckdb.ConstantExpression("%.12g"), duckdb.ColumnExpression(c)).alias(c)
        if kind in DOUBLE_TYPES
        else duckdb.ColumnExpression(c)
        for c, kind in kinds
    ]
    shown_left, shown_right = left.select(*exprs), right.select(*exprs)
    rows = (_count(left), _count(right))
    only = (_count(shown_left.except_(shown_right)), _count(shown_right.except_(shown_left)))
    column = order.get(name)
    unsorted = sum(_out_of_order(con, path, column) for path in b) if column and "," not in column else 0
    return TableCheck(name, rows, only, unsorted)


def _count(relation) -> int:
    return int(relation.aggregate("count(*)").fetchall()[0][0])


def _out_of_order(con, path: Path, column: str) -> int:
    """Rows of the file that are not where a sort on `column` (NULLs last) would put them: one column in memory."""
    table = con.read_parquet(str(path)).select(duckdb.ColumnExpression(column)).to_arrow_table()
    values = pl.from_arrow(table).to_series()
    return int((~values.eq_missing(values.sort(nulls_last=True))).sum())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m clientscope.spark.compare_at_scale LEFT_FOLDER RIGHT_FOLDER", file=sys.stderr)
        return 2
    started = time.perf_counter()
    checks = compare_folders(Path(args[0]), Path(args[1]))
    for check in checks:
        print(
            f"{check.name:<32} {check.rows[0]:>11,} rows vs {check.rows[1]:>11,}  only-left {check.only[0]:,}  "
            f"only-right {check.only[1]:,}  out-of-order {check.out_of_order}  "
            f"{'EQUAL' if check.equal else 'DIFFERENT'}"
        )
    different = sum(not c.equal for c in checks)
    print(f"{len(checks)} tables, {different} different ({time.perf_counter() - started:.0f} s)")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
