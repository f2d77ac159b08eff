"""The `clientscope` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def _cmd_demo(args: argparse.Namespace) -> int:
    from clientscope.demo import generate

    summary = generate(
        Path(args.out),
        customers=args.customers,
        months=args.months,
        seed=args.seed,
        end_month=args.end_month,
        progress=not args.quiet,
    )
    rows = ", ".join(f"{name} {count:,}" for name, count in summary.rows.items())
    print(f"Demo bank written to {args.out}: {rows}")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from clientscope.validation import format_report, validate

    report = validate(Path(args.data_dir))
    print(format_report(report))
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _cmd_serve(args: argparse.Namespace) -> int:
    from clientscope.startup import StartupRefused, load_access_setup, prepare, without_notebook_support

    without_notebook_support()
    from clientscope.shell import create_app

    try:
        access = load_access_setup(args.access)
    except StartupRefused:
        return EXIT_PROBLEMS
    if access.config is None and args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"error: without an access file Clientscope runs in open mode (no sign-in) and serves this machine only; "
            f"use --host 127.0.0.1, or configure access.yaml (docs/access.md) to serve {args.host}",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    app = create_app(prepare(args.data, args.metrics), access)
    app.run(host=args.host, port=args.port, debug=False)
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from clientscope.importers import IMPORTERS, ImportFailed

    importer = IMPORTERS[args.source]
    src = Path(args.src)
    out = Path(args.out)
    try:
        if args.source == "mapped":
            if not args.mapping:
                print("error: `clientscope import mapped` needs --mapping MAPPING.yaml", file=sys.stderr)
                return EXIT_USAGE
            summary = importer(src, Path(args.mapping), out)
        else:
            summary = importer(src, out)
    except ImportFailed as exc:
        # one problem per line (the mapped import reports all of them at once), each marked as an error
        for line in exc.message.splitlines():
            print(f"error: {line}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return EXIT_PROBLEMS
    rows = ", ".join(f"{name} {count:,}" for name, count in summary.rows.items())
    print(f"Imported {args.source} into {out}: {rows}")
    for note in summary.notes:
        print(f"  note: {note}")
    return EXIT_OK


def _cmd_metrics_validate(args: argparse.Namespace) -> int:
    from clientscope import settings
    from clientscope.semantic import format_problems, validate_file

    path = settings.metrics_file(args.file)
    db = None
    if args.data:
        db = _open_with_marts(Path(args.data), path)
        if db is None:
            return EXIT_PROBLEMS
    problems = validate_file(path, db=db)
    if problems:
        print(format_problems(problems))
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {path}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{path}: OK" + (f" (checked against the data in {args.data})" if args.data else ""))
    return EXIT_OK


def _open_with_marts(data_dir: Path, metrics_path: Path):
    """Open a data folder for checks that need the marts; None (after printing why) when it cannot be."""
    from clientscope.db import Database
    from clientscope.marts import build_marts
    from clientscope.semantic import (
        ExtractCurrencyError,
        SemanticError,
        format_problems,
        load_semantic_model,
        model_for_extracts,
    )
    from clientscope.validation import format_report, validate

    report = validate(data_dir)
    if not report.ok:
        print(format_report(report), file=sys.stderr)
        return None
    try:
        model = model_for_extracts(load_semantic_model(metrics_path), data_dir)
    except SemanticError as exc:
        print(format_problems(exc.problems))
        return None
    except ExtractCurrencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    db = Database.open(data_dir)
    build_marts(db, model.rules)
    return db


def _cmd_export(args: argparse.Namespace) -> int:
    from datetime import datetime
    from urllib.parse import parse_qsl

    from clientscope import settings
    from clientscope.exporting import ExportRequestError, export_page

    try:
        path = export_page(
            page=args.page,
            data_dir=Path(args.data),
            out=Path(args.out),
            filters=[f"{k}={v}" for k, v in parse_qsl((args.query or "").lstrip("?"))] + (args.filter or []),
            lang=args.lang,
            metrics_path=settings.metrics_file(args.metrics),
            generated_at=datetime.now(),
            **({} if args.list_rows is None else {"list_rows": None if args.list_rows == "all" else args.list_rows}),
        )
    except ExportRequestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Wrote {path}")
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from clientscope import settings
    from clientscope.build import STEPS, StepTiming, run_build
    from clientscope.marts import MartOutOfMemory
    from clientscope.spark.session import SparkUnavailable
    from clientscope.startup import StartupRefused, load_model
    from clientscope.validation import format_report
    from clientscope.validation.rows import ValidationOutOfMemory

    try:
        model = load_model(args.metrics)
    except StartupRefused:
        return EXIT_PROBLEMS
    data_dir = Path(args.data)
    with tqdm(total=len(STEPS), desc="build", unit="step", disable=args.quiet, file=sys.stderr) as bar:

        def advance(step: StepTiming) -> None:
            bar.set_postfix_str(step.describe())
            bar.update(1)

        try:
            result = run_build(data_dir, model, on_step=advance, engine=args.engine, spark_master=args.spark_master)
        except (SparkUnavailable, MartOutOfMemory, ValidationOutOfMemory) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
    for step in result.steps:
        state = "cached" if step.reused else "built "
        print(f"{step.name:<9} {step.seconds:8.1f} s  {state}  peak memory so far {step.peak_mib:,.0f} MiB")
    if result.db is None:
        print(format_report(result.report) if not result.report.ok else "\n".join(result.problems), file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Built {data_dir} in {result.seconds:.1f} s; cache: {settings.cache_root()}")
    return EXIT_OK


def _cmd_users(args: argparse.Namespace) -> int:
    from clientscope.access.commands import run

    return run(args)


def _cmd_bench(args: argparse.Namespace) -> int:
    from clientscope.bench.cli import run_from_args

    return run_from_args(args)


def _list_rows(text: str) -> int | str:
    if text.strip().lower() == "all":
        return "all"
    try:
        rows = int(text)
    except ValueError:
        rows = 0
    if rows < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of rows (a whole number from 1) or 'all'")
    return rows


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clientscope", description="Retail-bank CRM analytics dashboard.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="generate the synthetic demo bank's extracts")
    demo.add_argument("--customers", type=int, default=50_000)
    demo.add_argument("--months", type=int, default=24)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--end-month", default="2026-10", help="last month of data, YYYY-MM (default 2026-10)")
    demo.add_argument("--out", default="demo-data", help="output folder (default ./demo-data)")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(func=_cmd_demo)

    validate = sub.add_parser("validate", help="check a folder of extracts against the data contract")
    validate.add_argument("data_dir")
    validate.set_defaults(func=_cmd_validate)

    serve = sub.add_parser("serve", help="serve the dashboard")
    serve.add_argument("--data", help="data folder (default: $CLIENTSCOPE_DATA, else the demo data)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--metrics", help="metrics file (default: $CLIENTSCOPE_METRICS, else ./metrics.yaml)")
    serve.add_argument(
        "--access", help="access file (default: $CLIENTSCOPE_ACCESS, else ./access.yaml; none: open mode)"
    )
    serve.set_defaults(func=_cmd_serve)

    imp = sub.add_parser("import", help="import a public data set or a mapped bank extract into the contract")
    imp.add_argument("source", choices=["berka", "bank-marketing", "bank-churners", "mapped"])
    imp.add_argument("src", help="source folder (berka) or file")
    imp.add_argument("--out", required=True, help="output folder")
    imp.add_argument("--mapping", help="mapping YAML (mapped only)")
    imp.set_defaults(func=_cmd_import)

    build = sub.add_parser("build", help="run the build step alone (validation, marts, rollups, churn model)")
    build.add_argument("--data", required=True, help="data folder")
    build.add_argument("--metrics", help="metrics file (default: $CLIENTSCOPE_METRICS, else ./metrics.yaml)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="what builds the marts and rollups: DuckDB (default) or PySpark (docs/spark.md)",
    )
    build.add_argument(
        "--spark-master",
        help="with --engine spark: the Spark master URL (default local[2], or spark-submit's master)",
    )
    build.set_defaults(func=_cmd_build)

    from clientscope.access.cli import add_arguments as add_users_arguments

    users = sub.add_parser("users", help="built-in accounts: add, disable, reset, list")
    add_users_arguments(users)
    users.set_defaults(func=_cmd_users)

    export = sub.add_parser("export", help="write a page's Excel workbook (the same file as the page's button)")
    export.add_argument("page", help="overview, segments, lifecycle, campaigns, churn, ...")
    export.add_argument("--data", required=True, help="data folder")
    export.add_argument("--out", required=True, help="output .xlsx file")
    export.add_argument(
        "--filter",
        action="append",
        metavar="KEY=VALUE",
        help="a filter as in the page URL, e.g. region=华东区, tier=private, start=2026-01 (repeatable)",
    )
    export.add_argument(
        "--query",
        metavar="QUERY",
        help="the page's URL query string (a saved view's), e.g. '?p.m=aum_total&p.rows=region,branch&compare=yoy'",
    )
    export.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"])
    export.add_argument(
        "--list-rows",
        type=_list_rows,
        metavar="N|all",
        help="rows of each customer list in the workbook (default 5,000, the first in the list's order; "
        "all: every row, up to Excel's 1,048,576)",
    )
    export.add_argument("--metrics", help="metrics file (default: $CLIENTSCOPE_METRICS, else ./metrics.yaml)")
    export.set_defaults(func=_cmd_export)

    from clientscope.bench.cli import add_arguments as add_bench_arguments  # argparse only: cheap to import

    bench = sub.add_parser("bench", help="measure callbacks, cold start, export and memory; write docs/benchmarks.md")
    add_bench_arguments(bench)
    bench.set_defaults(func=_cmd_bench)

    from clientscope.delivery.cli import add_parsers as add_delivery_parsers  # argparse only: cheap to import

    add_delivery_parsers(sub)

    metrics = sub.add_parser("metrics", help="work with metrics.yaml")
    metrics_sub = metrics.add_subparsers(dest="metrics_command", required=True)
    mvalidate = metrics_sub.add_parser("validate", help="check metrics.yaml; exit 1 with file:line messages")
    mvalidate.add_argument("file", nargs="?", help="metrics file (default: $CLIENTSCOPE_METRICS, else ./metrics.yaml)")
    mvalidate.add_argument("--data", help="also compile and run every metric against this data folder")
    mvalidate.set_defaults(func=_cmd_metrics_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    # alembic says "setup plugin ..." at INFO when it is imported (before the store can lower its level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
