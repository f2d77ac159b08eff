"""Second pass, in a fresh process: replay the recorded callback requests in-process, capture their SQL,
time that SQL on the bare DuckDB connection, and compute the pages' numbers for the pandas comparison.

Run as `python -m clientscope.bench.replay PLAN.json RESULT.json [--profile OUT.txt]` by the benchmark.
A separate process because Dash registers `@callback`s process-wide and hands them to the first app
created; the benchmark's own process must stay free of a running app.  The requests are the exact
bodies the HTTP pass sent, in the same order, so the app runs the same statements (and hits or misses
its caches) as the server did.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from clientscope.bench.driver import UPDATE_PATH, FlaskTransport
from clientscope.bench.sqlcapture import RecordingConnection, Statement, time_raw


def _replay_calls(transport: FlaskTransport, calls: list[dict], sink: list[Statement], raw_con: Any) -> list[dict]:
    results = []
    for call in calls:
        sink.clear()
        started = time.perf_counter()
        status, _ = transport.post(UPDATE_PATH, call["body"])
        elapsed = (time.perf_counter() - started) * 1000
        statements = list(sink)
        results.append(
            {
                "status": status,
                "inproc_ms": elapsed,
                "raw_ms": time_raw(raw_con, statements),
                "sql_chars": [len(s.sql) for s in statements],
            }
        )
    return results


def _twin_views(ctx: Any, views: list[dict]) -> list[dict]:
    from clientscope.bench import twins
    from clientscope.components.request_context import viewer_scope
    from clientscope.state import parse_query
    from clientscope.view_context import build_page_context

    results = []
    for view in views:
        query_fn, numbers_fn = twins.TWINS[view["page"]]
        pc = build_page_context(ctx.db, ctx.model, ctx.data_dir, parse_query(view["search"]), viewer_scope())
        results.append({**view, "query": query_fn(pc), "app": numbers_fn(pc)})
    return results


def replay(plan: dict, profile_out: Path | None = None) -> dict:
    from clientscope.marts import marts_dir
    from clientscope.shell import create_app
    from clientscope.startup import prepare

    ctx = prepare(plan["data"])
    if not ctx.ok:
        raise SystemExit(f"the data in {plan['data']} has problems: {ctx.problems}")
    raw_con = ctx.db.con
    sink: list[Statement] = []
    ctx.db.con = RecordingConnection(raw_con, sink)  # the app's statements go through the recorder
    app = create_app(ctx)
    transport = FlaskTransport(app.server)
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        transport.get(path)
    profiler = _profiler() if profile_out else None
    with profiler if profiler is not None else nullcontext():
        calls = _replay_calls(transport, plan["calls"], sink, raw_con)
    if profiler is not None and profile_out is not None:
        profile_out.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    ctx.db.con = raw_con
    return {
        "calls": calls,
        "twins": _twin_views(ctx, plan.get("twin_views", [])),
        "marts_dir": str(marts_dir(ctx.db, ctx.model.rules)),
    }


def _profiler() -> Any:
    from pyinstrument import Profiler

    return Profiler(interval=0.001)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clientscope.bench.replay")
    parser.add_argument("plan", type=Path)
    parser.add_argument("result", type=Path)
    parser.add_argument("--profile", type=Path, help="profile the replayed callbacks with pyinstrument into this file")
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text(encoding="utf-8"))
    result = replay(plan, args.profile)
    args.result.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
