"""The Excel export measurement, in its own process so that its peak memory is its own.

`python -m clientscope.bench.export_probe DATA OUT.xlsx --rows 100000` runs the drill-through query of a
metric (its detail rows, as the drill list of a page shows them) and writes the rows through
`clientscope.export.write_workbook` as one frame, as every export of the app passes its rows (the writer picks
its mode as it does for the app: in memory up to a million cells). It then writes the same cells with xlsxwriter
alone (no Clientscope code, the same mode) into a scratch file: the floor of the workbook's time on this machine.
It prints one JSON line: rows written, seconds for the query, the workbook and xlsxwriter alone, the writer's mode,
the process's memory before the export and at its peak.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

DRILL_METRIC = "active_customers"  # customer-months with activity: the largest drill list of the demo bank
KINDS = {pl.Date: "date", pl.Datetime: "datetime", pl.Boolean: "text", pl.String: "text"}


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "number"
    return KINDS.get(dtype.base_type(), "text")


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_rss_mb() -> float:
    """This process's own high-water mark: VmHWM belongs to its address space. (ru_maxrss would not do: Linux
    carries it across exec, so it reported the benchmark parent's memory, 8.3 GB after the pandas baseline.)"""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def xlsxwriter_alone(frame: pl.DataFrame, out: Path, *, constant_memory: bool) -> float:
    """Seconds for xlsxwriter by itself to write the frame's cells (a header row, then the rows; dates with a date
    format, nulls left empty): what any workbook of these cells costs at least, whatever code drives the writer."""
    from xlsxwriter.workbook import Workbook

    started = time.perf_counter()
    workbook = Workbook(str(out), {"constant_memory": constant_memory})
    sheet = workbook.add_worksheet()
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    plan = [(_writer(sheet, _kind(dtype), dated), col) for col, dtype in enumerate(frame.schema.values())]
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, name)
    for row, cells in enumerate(frame.iter_rows(), start=1):
        for write, col in plan:
            if cells[col] is not None:
                write(row, col, cells[col])
    workbook.close()
    return time.perf_counter() - started


def _writer(sheet: Worksheet, kind: str, dated: Format) -> Callable[[int, int, object], object]:
    if kind in ("date", "datetime"):
        return lambda row, col, value: sheet.write_datetime(row, col, value, dated)
    if kind in ("integer", "number"):
        return sheet.write_number
    return lambda row, col, value: sheet.write_string(row, col, str(value))


def measure(data_dir: Path, out: Path, rows: int) -> dict[str, float]:
    from clientscope.db import Database
    from clientscope.export import ColumnSpec, SheetSpec, WorkbookSpec, write_workbook
    from clientscope.export.workbook import streamed
    from clientscope.marts import build_marts
    from clientscope.semantic import drill_query, load_semantic_model, run_compiled
    from clientscope.settings import metrics_file

    model = load_semantic_model(metrics_file())
    db = Database.open(data_dir)
    build_marts(db, model.rules)
    before = _rss_mb()
    started = time.perf_counter()
    compiled = drill_query(model, DRILL_METRIC, limit=rows)
    frame = run_compiled(db, compiled, label="bench drill list").frame
    queried = time.perf_counter()
    columns = tuple(ColumnSpec(name, name, _kind(dtype)) for name, dtype in frame.schema.items())
    spec = WorkbookSpec(
        title="Drill list",
        page="bench",
        language="en",
        filters=(),
        data_as_of=None,
        generated_at=datetime(2026, 1, 1),
        user=None,
        sheets=(SheetSpec(name="Detail", title=f"{DRILL_METRIC}: detail rows", columns=columns, rows=frame),),
        definitions=(),
    )
    write_workbook(spec, out)
    written = time.perf_counter()
    constant_memory = streamed(spec)
    scratch = out.with_name(out.stem + ".xlsxwriter-alone.xlsx")
    floor_s = xlsxwriter_alone(frame, scratch, constant_memory=constant_memory)
    scratch.unlink()
    return {
        "rows": frame.height,
        "columns": len(columns),
        "query_s": queried - started,
        "write_s": written - queried,
        "total_s": written - started,
        "xlsxwriter_alone_s": floor_s,
        "constant_memory": float(constant_memory),
        "rss_before_mb": before,
        "peak_rss_mb": _peak_rss_mb(),
        "file_mb": out.stat().st_size / 2**20,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clientscope.bench.export_probe")
    parser.add_argument("data", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.data, args.out, args.rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
