"""One-line explanations attached to each target, built from the run's own numbers.

They are printed for missed targets (and kept for met ones), so a reader sees where the time went
without re-running anything: SQL versus Python, start-up phases, export phases.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clientscope.bench.results import CallbackStats, ColdStart, PageStats


def _ms(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:,.1f} ms"


def slow_callback_note(cb: CallbackStats) -> str:
    """The target is the p95, so the note weighs the p95 call's time against the SQL's p95: most calls of a
    section are answered from the cache and run no SQL (a p50 of 0 ms), the slow ones are the cache misses."""
    sql_share = cb.raw.p95 / cb.http.p95 if cb.http.p95 else math.nan
    where = (
        "most of the slow calls' time is their SQL (the filter changes that miss the cache)"
        if sql_share >= 0.5
        else "most of it is Python outside DuckDB (page context, figures, layout serialisation)"
    )
    return (
        f"Slowest: `{cb.label}` on {cb.page} (p50 {_ms(cb.http.p50)}, p95 {_ms(cb.http.p95)}); its "
        f"{cb.statements_per_call:.1f} SQL statements per call take p50 {_ms(cb.raw.p50)}, p95 {_ms(cb.raw.p95)} on "
        f"bare DuckDB, one after another; at p95 that is {sql_share:.0%} of the callback: {where}."
    )


def raw_note(page: PageStats, *, in_process: bool = False) -> str:
    app = page.inproc.p50 if in_process else page.interaction.p50
    how = "in-process (Flask test client)" if in_process else "over HTTP"
    return (
        f"On {page.name}, a filter change takes p50 {_ms(app)} {how} and its SQL p50 {_ms(page.raw.p50)} on "
        f"bare DuckDB: {_ms(app - page.raw.p50)} is spent outside the database (callback dispatch, building the "
        f"page context, figures and the layout JSON{'' if in_process else ', HTTP'})."
    )


def pandas_note(page: PageStats, *, preloaded: bool) -> str:
    if page.twin is None:
        return ""
    pandas = page.twin.preloaded if preloaded else page.twin.read
    if pandas is None:
        return f"On {page.name}, the preloaded pandas variant was not run at this scale (memory)."
    how = "filtering frames held in memory" if preloaded else "reading the Parquet marts with push-down"
    return (
        f"On {page.name}, pandas {how} takes p50 {_ms(pandas.p50)} for the page's numbers alone; the app "
        f"renders the whole page (numbers, figures, layout) in p50 {_ms(page.render.p50)}."
    )


def cold_note(cold: ColdStart) -> str:
    return (
        f"GET / answered {cold.up_s:.2f} s after the process started (Python imports, metrics.yaml, "
        f"validation of the extracts, opening the marts); the first page's callbacks took "
        f"{cold.total_s - cold.up_s:.2f} s more."
    )


def export_note(export: dict[str, float]) -> str:
    if not export:
        return ""
    rows = export.get("rows", 0)
    write_s = export.get("write_s", math.nan)
    rate = rows / write_s if write_s else math.nan
    short = f" Only {int(rows):,} rows exist at this scale." if rows < 100_000 else ""
    mode = "constant-memory" if export.get("constant_memory") else "in-memory"
    floor_s = export.get("xlsxwriter_alone_s", math.nan)
    floor = (
        f" xlsxwriter alone (no Clientscope code, the same cells and mode) took {floor_s:.2f} s: the workbook cannot "
        "take less on this machine with xlsxwriter."
        if not math.isnan(floor_s)
        else ""
    )
    return (
        f"Query {export.get('query_s', math.nan):.2f} s, workbook {write_s:.2f} s "
        f"({rate:,.0f} rows/s through xlsxwriter's {mode} writer), file "
        f"{export.get('file_mb', math.nan):.1f} MB.{floor}{short}"
    )


def memory_note(process: str, peak_mb: float) -> str:
    return f"Peak resident memory of the {process} process: {peak_mb:,.0f} MB (kernel high-water mark)."
