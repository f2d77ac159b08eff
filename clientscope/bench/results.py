"""What a benchmark run found: per-page and per-callback timings, the cold start, and the targets
(`Target`) that `clientscope.bench.targets.judge` fills in."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from clientscope.bench.driver import StepRecord
from clientscope.bench.machine import Machine
from clientscope.bench.scales import Scale
from clientscope.bench.stats import Summary, ratio, summarize

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
SECTION_OUTPUT = '"type":"section"'  # a section slot (clientscope/components/sections.py) in a callback's output


@dataclass(frozen=True)
class CallbackStats:
    page: str
    output: str
    label: str
    http: Summary
    inproc: Summary
    raw: Summary
    statements_per_call: float


@dataclass(frozen=True)
class TwinStats:
    """The pandas twin of one page: its timings and whether its numbers equal the app's."""

    read: Summary  # each callback reads the Parquet files (projection + push-down)
    preloaded: Summary | None  # frames loaded once at start-up, each callback filters in memory
    views: int
    differences: tuple[str, ...]

    @property
    def equal(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class PageStats:
    name: str
    path: str
    interactions: int
    distinct_views: int
    interaction: Summary  # all server callbacks of one filter change, summed
    render: Summary  # the page router callback (layout(**query)) plus the sections it (re)drew, per change
    raw: Summary  # the SQL of one interaction on bare DuckDB, summed
    twin: TwinStats | None
    inproc: Summary = field(default_factory=lambda: summarize([]))  # the interaction through Flask's test client
    first_open_ms: float = math.nan  # opening the page for the first time after the build (step 0)

    @property
    def app_over_raw(self) -> float:
        return ratio(self.interaction.p50, self.raw.p50)

    @property
    def inproc_over_raw(self) -> float:
        """App ÷ raw measured in one process, each request right before its SQL: immune to load drifting."""
        return ratio(self.inproc.p50, self.raw.p50)

    @property
    def pandas_over_app(self) -> float:
        return ratio(self.twin.read.p50, self.render.p50) if self.twin else math.nan

    @property
    def preloaded_over_app(self) -> float:
        return ratio(self.twin.preloaded.p50, self.render.p50) if self.twin and self.twin.preloaded else math.nan


@dataclass(frozen=True)
class ColdStart:
    up_s: float  # process start → GET / answers 200
    total_s: float  # process start → the first page's callbacks have answered


@dataclass(frozen=True)
class Target:
    metric: str
    value: float
    unit: str
    target: float
    direction: str  # "max" (value ≤ target) or "min" (value ≥ target)
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.direction == "none" or math.isnan(self.value):
            return None
        return self.value <= self.target if self.direction == "max" else self.value >= self.target

    @property
    def ratio(self) -> float:
        return ratio(self.value, self.target)


@dataclass
class BenchResult:
    scale: Scale
    started_at: datetime
    command: str
    machine: Machine
    data_rows: dict[str, int]
    data_generated: bool
    build_s: float
    cold_start: ColdStart
    server_peak_rss_mb: float
    pages: list[PageStats]
    callbacks: list[CallbackStats]
    export: dict[str, float]
    targets: list[Target] = field(default_factory=list)
    markdown: str = ""
    out: Path | None = None
    skipped_pages: list[str] = field(default_factory=list)
    load: tuple[float, float] = (math.nan, math.nan)  # 1-minute load average at the start and at the end

    @property
    def twins_equal(self) -> bool:
        return all(p.twin.equal for p in self.pages if p.twin is not None)


def page_steps(steps: Sequence[StepRecord], page: str) -> list[StepRecord]:
    """The filter changes of a page (step 0, opening the page, is not a filter change)."""
    return [s for s in steps if s.page == page and s.step > 0]


def callback_stats(page: str, steps: Sequence[StepRecord], replayed: dict[tuple[str, int, int], dict]) -> list:
    """Per callback of a page: HTTP time, in-process time, raw SQL time and statements per call."""
    by_output: dict[str, list[tuple[float, dict, str]]] = {}
    for step in page_steps(steps, page):
        for index, call in enumerate(step.calls):
            by_output.setdefault(call.output, []).append((call.ms, replayed[(page, step.step, index)], call.label))
    stats = []
    for output, rows in by_output.items():
        stats.append(
            CallbackStats(
                page=page,
                output=output,
                label=rows[0][2],
                http=summarize([ms for ms, _, _ in rows]),
                inproc=summarize([r["inproc_ms"] for _, r, _ in rows]),
                raw=summarize([sum(r["raw_ms"]) for _, r, _ in rows]),
                statements_per_call=sum(len(r["raw_ms"]) for _, r, _ in rows) / len(rows),
            )
        )
    return stats


def interaction_summaries(
    page: str, steps: Sequence[StepRecord], replayed: dict[tuple[str, int, int], dict]
) -> tuple[Summary, Summary, Summary, Summary]:
    """(all callbacks of one interaction over HTTP, the router and section callbacks, the interaction's SQL on bare
    DuckDB, the interaction in-process)."""
    chosen = page_steps(steps, page)
    totals = [s.ms for s in chosen]
    # the page's drawing work: the router and, on a sectioned page, every section it redrew (summed per change)
    render = [sum(c.ms for c in s.calls if c.output == ROUTER_OUTPUT or SECTION_OUTPUT in c.output) for s in chosen]
    raw = [sum(sum(replayed[(page, s.step, i)]["raw_ms"]) for i in range(len(s.calls))) for s in chosen]
    inproc = [sum(replayed[(page, s.step, i)]["inproc_ms"] for i in range(len(s.calls))) for s in chosen]
    return summarize(totals), summarize(render), summarize(raw), summarize(inproc)
