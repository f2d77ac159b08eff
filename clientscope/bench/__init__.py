"""`clientscope bench`: a reproducible benchmark of the app against raw DuckDB and a pandas baseline.

Public API:

- `run_bench(scale, out, *, work_dir=None, states=30, progress=True, started_at=None) -> BenchResult`
- `add_arguments(parser)` / `run_from_args(args) -> int`: the `clientscope bench` subcommand
- `SCALES`: S, M, L (and XS, the tests' smoke scale)

Method and results: docs/benchmarks.md.  The heavy modules load on first use, so the command line
stays quick to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clientscope.bench.cli import add_arguments, run_from_args
from clientscope.bench.scales import SCALES

if TYPE_CHECKING:
    from clientscope.bench.results import BenchResult
    from clientscope.bench.runner import run_bench

__all__ = ["SCALES", "BenchResult", "add_arguments", "run_bench", "run_from_args"]


def __getattr__(name: str) -> Any:
    if name == "run_bench":
        from clientscope.bench.runner import run_bench

        return run_bench
    if name == "BenchResult":
        from clientscope.bench.results import BenchResult

        return BenchResult
    raise AttributeError(name)
