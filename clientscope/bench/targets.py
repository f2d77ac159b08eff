"""The design's performance targets and `judge`, which measures a benchmark run against them.

Kept apart from results.py so that the notes (notes.py, which read the result types) and the results do not import
each other: this module imports both.
"""

from __future__ import annotations

import math

from clientscope.bench.notes import cold_note, export_note, memory_note, pandas_note, raw_note, slow_callback_note
from clientscope.bench.results import BenchResult, Target

# The design's targets (DESIGN.md, "Performance"): at scale M on the 2-core machine.
CALLBACK_P95_MS = 150.0
APP_OVER_RAW = 1.5
PANDAS_OVER_APP = 10.0
COLD_START_S = 3.0
EXPORT_S = 5.0
MEMORY_MB = 2048.0
EXPORT_ROWS = 100_000


def judge(result: BenchResult) -> list[Target]:
    """The design's targets against this run (their notes say why when one is missed)."""
    targets = [Target("Build step: validation + marts (`prepare`, fresh cache)", result.build_s, "s", math.nan, "none")]
    slowest = max(result.callbacks, key=lambda c: c.http.p95, default=None)
    p95 = slowest.http.p95 if slowest else math.nan
    targets.append(
        Target("Filter-change callback p95 (slowest callback of any page)", p95, "ms", CALLBACK_P95_MS, "max",
               slow_callback_note(slowest) if slowest else "")
    )  # fmt: skip
    worst_raw = max(result.pages, key=lambda p: _finite(p.app_over_raw), default=None)
    targets.append(
        Target("App ÷ raw DuckDB, same SQL (worst page, p50 interaction)",
               worst_raw.app_over_raw if worst_raw else math.nan, "×", APP_OVER_RAW, "max",
               raw_note(worst_raw) if worst_raw else "")
    )  # fmt: skip
    worst_inproc = max(result.pages, key=lambda p: _finite(p.inproc_over_raw), default=None)
    targets.append(
        Target("App ÷ raw DuckDB, in-process and interleaved with the raw runs (worst page, p50)",
               worst_inproc.inproc_over_raw if worst_inproc else math.nan, "×", APP_OVER_RAW, "max",
               raw_note(worst_inproc, in_process=True) if worst_inproc else "")
    )  # fmt: skip
    twins = [p for p in result.pages if p.twin is not None]
    worst_pandas = min(twins, key=lambda p: _finite(p.pandas_over_app, math.inf), default=None)
    targets.append(
        Target("pandas ÷ app: pandas reading Parquet per callback vs the page render (worst page)",
               worst_pandas.pandas_over_app if worst_pandas else math.nan, "×", PANDAS_OVER_APP, "min",
               pandas_note(worst_pandas, preloaded=False) if worst_pandas else "no page has a pandas twin")
    )  # fmt: skip
    worst_pre = min(twins, key=lambda p: _finite(p.preloaded_over_app, math.inf), default=None)
    targets.append(
        Target("pandas ÷ app: pandas on frames preloaded in memory vs the page render (worst page)",
               worst_pre.preloaded_over_app if worst_pre else math.nan, "×", PANDAS_OVER_APP, "min",
               pandas_note(worst_pre, preloaded=True) if worst_pre else "no page has a pandas twin")
    )  # fmt: skip
    targets.append(
        Target("Cold start after the build: process start → first page answered", result.cold_start.total_s, "s",
               COLD_START_S, "max", cold_note(result.cold_start))
    )  # fmt: skip
    export_s = result.export.get("total_s", math.nan)
    targets.append(
        Target(f"Excel export of a {int(result.export.get('rows', 0)):,}-row drill list (query + workbook)",
               export_s, "s", EXPORT_S, "max", export_note(result.export))
    )  # fmt: skip
    targets.append(
        Target("Server peak RSS during the run", result.server_peak_rss_mb, "MB", MEMORY_MB, "max",
               memory_note("server", result.server_peak_rss_mb))
    )  # fmt: skip
    targets.append(
        Target("Export process peak RSS", result.export.get("peak_rss_mb", math.nan), "MB", MEMORY_MB, "max",
               memory_note("export", result.export.get("peak_rss_mb", math.nan)))
    )  # fmt: skip
    return targets


def _finite(value: float, default: float = -math.inf) -> float:
    return default if value is None or math.isnan(value) else value
