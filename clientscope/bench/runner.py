"""`run_bench`: one run, one machine, one data set — build, cold start, every page's filter walk over
HTTP, the same requests replayed for their SQL, the pandas twin, the Excel export — then the report.

Processes: the benchmark itself never creates a Dash app.  The build, the server, the replay and the
export each run in a fresh `python` process with the run's private cache folder (so the build really
builds, and the server finds the marts the build made).
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from clientscope.bench.driver import Browser, HttpTransport, StepRecord
from clientscope.bench.machine import describe
from clientscope.bench.report import render as render_report
from clientscope.bench.report import write as write_report
from clientscope.bench.results import (
    BenchResult,
    ColdStart,
    PageStats,
    TwinStats,
    callback_stats,
    interaction_summaries,
)
from clientscope.bench.scales import MARKER, Scale, ScaleDirs, default_work_dir, ensure_data, scale_dirs, scale_named
from clientscope.bench.server import RssMonitor, bench_env, start_server, wait_until_up
from clientscope.bench.stats import summarize
from clientscope.bench.targets import judge
from clientscope.bench.walk import next_action
from clientscope.settings import PROJECT_ROOT

SEED = 20261123
PRELOAD_MAX_ROWS = 50_000_000  # the preloaded pandas variant holds customer_month_facts in memory


class BenchFailed(RuntimeError):
    """A step of the benchmark failed; the message names it and where its log is."""


@dataclass(frozen=True)
class Page:
    name: str
    path: str


def _say(progress: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if progress:
            print(f"[bench] {message}", file=sys.stderr, flush=True)

    return say


def _run_json(args: list[str], env: dict[str, str], log: Path, what: str) -> Any:
    """Run `python -m ...` and parse the JSON it prints last; its stderr goes to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as err:
        done = subprocess.run([sys.executable, "-m", *args], env=env, stdout=subprocess.PIPE, stderr=err, check=False)
    lines = [line for line in done.stdout.decode("utf-8", errors="replace").splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise BenchFailed(f"{what} failed (exit {done.returncode}); log {log}:\n{tail}")
    return json.loads(lines[-1])


def _build(dirs: ScaleDirs, env: dict[str, str], *, reuse: bool = False) -> dict:
    # The run's private cache folder (marts, churn scores, ...): emptied so that the build really builds and no
    # result of an earlier run is served, unless the run reuses the build (which is then timed on its own).
    if not reuse:
        shutil.rmtree(dirs.cache, ignore_errors=True)
    found = _run_json(["clientscope.bench.build_probe", str(dirs.data)], env, dirs.logs / "build.log", "the build")
    if not found["ok"]:
        raise BenchFailed("the benchmark data has problems: " + "; ".join(found["problems"]))
    return found


def _walk_page(browser: Browser, page: Page, states: int, seed: int) -> list[StepRecord]:
    rng = random.Random(f"{seed}:{page.path}")
    opened = StepRecord(page.name, 0, "open " + page.path, browser.open(page.path, ""))
    opened.search = browser.search()
    steps = [opened]
    for number in range(1, states + 1):
        action = next_action(browser.index, rng)
        if action is None:
            break
        step = StepRecord(page.name, number, action.description, browser.act(action.target, action.prop, action.value))
        step.search = browser.search()
        steps.append(step)
    return steps


def _serve_and_walk(
    dirs: ScaleDirs, env: dict[str, str], pages: list[Page], states: int, say: Callable[[str], None]
) -> tuple[ColdStart, list[StepRecord], float]:
    server = start_server(dirs.data, env, dirs.logs / "server.log")
    monitor = RssMonitor(server.process.pid).start()
    try:
        up_s = wait_until_up(server)
        browser = Browser(HttpTransport(server.url))
        browser.open(pages[0].path, "")
        cold = ColdStart(up_s, time.perf_counter() - server.started)
        say(f"cold start {cold.total_s:.2f} s; walking {len(pages)} page(s) × {states} filter changes")
        steps: list[StepRecord] = []
        for page in pages:
            steps += _walk_page(browser, page, states, SEED)
            say(f"  {page.name}: done")
        browser.transport.close()
    finally:
        peak = monitor.stop()
        server.stop()
    return cold, steps, peak / 2**20


def _replay(dirs: ScaleDirs, env: dict[str, str], steps: list[StepRecord], twin_pages: set[str]) -> dict:
    plan = {
        "data": str(dirs.data),
        "calls": [{"body": call.body} for step in steps for call in step.calls],
        "twin_views": [{"page": s.page, "step": s.step, "search": s.search} for s in steps if s.page in twin_pages],
    }
    plan_path, result_path = dirs.logs / "replay-plan.json", dirs.logs / "replay-result.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    log = dirs.logs / "replay.log"
    with log.open("wb") as err:
        done = subprocess.run(
            [sys.executable, "-m", "clientscope.bench.replay", str(plan_path), str(result_path)],
            env=env,
            stdout=err,
            stderr=err,
            check=False,
        )
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise BenchFailed(f"the replay failed (exit {done.returncode}); log {log}:\n{tail}")
    return json.loads(result_path.read_text(encoding="utf-8"))


def _index_replay(steps: list[StepRecord], calls: list[dict]) -> dict[tuple[str, int, int], dict]:
    flat = [(step.page, step.step, index) for step in steps for index in range(len(step.calls))]
    return dict(zip(flat, calls, strict=True))


def _time_twins(page: str, views: list[dict], marts: Path, customer_month_rows: int) -> TwinStats:
    from clientscope.bench.twins import baseline_module, differences

    numbers, preloaded_factory = baseline_module().PAGES[page]
    chosen = [v for v in views if v["page"] == page]
    read_ms, found = [], []
    for view in chosen:
        started = time.perf_counter()
        twin = numbers(marts, view["query"])
        read_ms.append((time.perf_counter() - started) * 1000)
        found += [f"step {view['step']}{d}" for d in differences(view["app"], twin)]
    preloaded = None
    if customer_month_rows <= PRELOAD_MAX_ROWS:
        picked = {c for v in chosen for key in ("filters", "churn_filters", "touch_filters") for c in v["query"][key]}
        columns = sorted(picked | _BAR)
        frames = preloaded_factory(marts, columns)
        pre_ms = []
        for view in chosen:
            started = time.perf_counter()
            twin = numbers(marts, view["query"], frames)
            pre_ms.append((time.perf_counter() - started) * 1000)
            found += [f"step {view['step']} (preloaded){d}" for d in differences(view["app"], twin)]
        preloaded = summarize([ms for v, ms in zip(chosen, pre_ms, strict=True) if v["step"] > 0])
        del frames
    timed = [ms for v, ms in zip(chosen, read_ms, strict=True) if v["step"] > 0]
    return TwinStats(summarize(timed), preloaded, len(chosen), tuple(found))


# The filter columns of the bar, loaded by the preloaded variant whatever the walk picked.
_BAR = {"region", "branch_id", "rm_id", "tier", "acquisition_channel"}


def _page_stats(
    pages: list[Page], steps: list[StepRecord], replayed: dict, twins: dict[str, TwinStats]
) -> tuple[list[PageStats], list]:
    stats, callbacks = [], []
    for page in pages:
        chosen = [s for s in steps if s.page == page.name and s.step > 0]
        interaction, render, raw, inproc = interaction_summaries(page.name, steps, replayed)
        stats.append(
            PageStats(
                name=page.name,
                path=page.path,
                interactions=len(chosen),
                distinct_views=len({s.search for s in chosen}),
                interaction=interaction,
                render=render,
                raw=raw,
                twin=twins.get(page.name),
                inproc=inproc,
                first_open_ms=next((s.ms for s in steps if s.page == page.name and s.step == 0), math.nan),
            )
        )
        callbacks += callback_stats(page.name, steps, replayed)
    return stats, callbacks


def _data_rows(data_dir: Path) -> dict[str, int]:
    marker = json.loads((data_dir / MARKER).read_text(encoding="utf-8"))
    return {name: int(count) for name, count in marker.get("rows", {}).items()}


def _shown(path: Path) -> str:
    # Paths inside the repository are shown relative to it, so the command reads as typed there.
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def command_line(scale: Scale, out: Path | None, work_dir: Path | None, states: int) -> str:
    parts = ["clientscope", "bench", "--scale", scale.name, "--states", str(states)]
    if out is not None:
        parts += ["--out", _shown(out)]
    if work_dir is not None:
        parts += ["--work-dir", str(work_dir)]
    return " ".join(parts)


def run_bench(
    scale: str,
    out: Path | None,
    *,
    work_dir: Path | None = None,
    states: int = 30,
    progress: bool = True,
    started_at: datetime | None = None,
    reuse_build: bool = False,
) -> BenchResult:
    """Run the benchmark at `scale` and return its result; with `out`, merge its section into that file."""
    chosen = scale_named(scale)
    started_at = started_at or datetime.now().astimezone()  # taken once: the run's date in the report
    say = _say(progress)
    load_before = os.getloadavg()[0]
    dirs = scale_dirs(work_dir or default_work_dir(), chosen)
    say(f"scale {chosen.name}: {chosen.description} in {dirs.root}")
    generated = ensure_data(dirs.data, chosen, progress=progress)
    env = bench_env(dirs.cache)
    say("build: prepare() with " + ("the run's cached build" if reuse_build else "a fresh marts cache"))
    built = _build(dirs, env, reuse=reuse_build)
    pages = [Page(p["name"], p["path"]) for p in built["pages"] if not p["template"]]
    skipped = [p["name"] for p in built["pages"] if p["template"]]
    if not pages:
        raise BenchFailed("no page is registered")
    cold, steps, peak_mb = _serve_and_walk(dirs, env, pages, states, say)
    from clientscope.bench.twins import has_twin

    twin_pages = {p.name for p in pages if has_twin(p.name)}
    say("replay: capturing each callback's SQL and timing it on bare DuckDB")
    replayed_raw = _replay(dirs, env, steps, twin_pages)
    replayed = _index_replay(steps, replayed_raw["calls"])
    rows = _data_rows(dirs.data)
    say(f"pandas baseline for: {', '.join(sorted(twin_pages)) or 'no page'}")
    twins = {
        page: _time_twins(page, replayed_raw["twins"], Path(replayed_raw["marts_dir"]), rows.get("customer_months", 0))
        for page in sorted(twin_pages)
    }
    say("Excel export of a 100k-row drill list")
    export = _run_json(
        ["clientscope.bench.export_probe", str(dirs.data), str(dirs.root / "export.xlsx"), "--rows", "100000"],
        env,
        dirs.logs / "export.log",
        "the export",
    )
    page_stats, callbacks = _page_stats(pages, steps, replayed, twins)
    result = BenchResult(
        scale=chosen,
        started_at=started_at,
        command=command_line(chosen, out, work_dir, states) + (" --reuse-build" if reuse_build else ""),
        machine=describe(),
        data_rows=rows,
        data_generated=generated,
        build_s=math.nan if reuse_build else built["build_s"],
        cold_start=cold,
        server_peak_rss_mb=peak_mb,
        pages=page_stats,
        callbacks=callbacks,
        export=export,
        skipped_pages=skipped,
        load=(load_before, os.getloadavg()[0]),
    )
    result.targets = judge(result)
    result.markdown = render_report(result)
    if out is not None:
        write_report(out, result.markdown, chosen.name)
        result.out = out
        say(f"wrote {out}")
    return result
