"""`clientscope bench`: the command-line options and the command (kept light: argparse only at import)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clientscope.bench.scales import CLI_SCALES
from clientscope.settings import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "docs" / "benchmarks.md"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the bench options to `parser` (the `bench` subparser of the clientscope command)."""
    parser.add_argument(
        "--scale", choices=CLI_SCALES, default="S", help="S = 50k, M = 1M, L = 10M customers × 24 months (default S)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report to write (default docs/benchmarks.md)")
    parser.add_argument("--states", type=int, default=30, help="filter changes per page (default 30)")
    parser.add_argument("--work-dir", type=Path, help="generated data and caches (default: the cache folder's bench/)")
    parser.add_argument(
        "--reuse-build",
        action="store_true",
        help="keep the run's cache folder when it holds a build (the build is then not timed: time it on its own "
        "with `clientscope build`)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    return parser


def run_from_args(args: argparse.Namespace) -> int:
    """Run the benchmark from parsed options; print the targets table; exit 0 (missed targets are results)."""
    from clientscope.bench.report import targets_table
    from clientscope.bench.runner import BenchFailed, run_bench

    if args.states < 1:
        print("error: --states must be at least 1", file=sys.stderr)
        return 2
    try:
        result = run_bench(
            args.scale,
            args.out,
            work_dir=args.work_dir,
            states=args.states,
            progress=not args.quiet,
            reuse_build=args.reuse_build,
        )
    except BenchFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(targets_table(result.targets)))
    if not result.twins_equal:
        print("error: the pandas baseline's numbers differ from the app's (see the report)", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = add_arguments(argparse.ArgumentParser(prog="clientscope bench", description="Measure Clientscope."))
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
