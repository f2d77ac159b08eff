"""The query cache: hits and misses, invalidation by the data version, scopes kept apart, bounds, thread safety."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest

from clientscope import marts
from clientscope.cache import QueryCache, cache_key
from clientscope.db import Database, QueryError, QueryResult, ViewerScope
from clientscope.semantic import (
    MetricRequest,
    compile_query,
    drill_query,
    load_semantic_model,
    run_compiled,
    run_metric_query,
)
from clientscope.settings import PROJECT_ROOT
from tests.semantic_fixture import fixture_database, fixture_frames, write_fixture

MODEL = load_semantic_model(PROJECT_ROOT / "metrics.yaml")
SEPTEMBER = MetricRequest(metrics=("aum_total", "customers"), start="2025-09", end="2025-09")
AUM_SEP_2025 = 680_000 + 50_000 + 550_000 + 500 + 20_000 + 800_000
WEST = ViewerScope(regions=frozenset({"West"}))
EAST = ViewerScope(regions=frozenset({"East"}))


@pytest.fixture
def bank(tmp_path: Path, cache_dir: Path) -> Path:
    return write_fixture(tmp_path / "bank")


def open_bank(folder: Path) -> Database:
    db = Database.open(folder)
    marts.build_marts(db, MODEL.rules)
    return db


def test_a_repeated_query_is_a_hit(bank: Path) -> None:
    db, cache = open_bank(bank), QueryCache()
    first = run_metric_query(db, MODEL, SEPTEMBER, cache=cache).frame
    second = run_metric_query(db, MODEL, SEPTEMBER, cache=cache).frame
    assert first["aum_total"].to_list() == second["aum_total"].to_list() == [AUM_SEP_2025]
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.entries) == (1, 1, 1)
    assert stats.bytes == first.estimated_size()
    other = MetricRequest(metrics=("aum_total",), start="2025-10", end="2025-10")
    run_metric_query(db, MODEL, other, cache=cache)
    assert (cache.stats().misses, cache.stats().entries) == (2, 2)


def test_a_hit_does_not_run_the_query_and_errors_are_not_kept(bank: Path) -> None:
    db, cache = open_bank(bank), QueryCache()
    calls: list[int] = []

    def run() -> QueryResult:
        calls.append(1)
        return QueryResult(pl.DataFrame({"x": [1]}), False, 1.0)

    for _ in range(3):
        assert cache.fetch(db, "select 1 as x", {"p0": [1, 2]}, ViewerScope(), run).frame["x"].to_list() == [1]
    assert len(calls) == 1

    def failing() -> QueryResult:
        calls.append(1)
        raise QueryError("boom failed")

    for _ in range(2):
        with pytest.raises(QueryError, match=r"^boom failed$"):
            cache.fetch(db, "select 2", {}, ViewerScope(), failing)
    assert len(calls) == 3


def test_a_new_data_version_is_a_new_key(bank: Path) -> None:
    cache = QueryCache()
    db = open_bank(bank)
    assert run_metric_query(db, MODEL, SEPTEMBER, cache=cache).frame["aum_total"].to_list() == [AUM_SEP_2025]
    # the extract is refreshed: C1's September AUM grows by 1,000,000
    months = fixture_frames()["customer_months"].with_columns(
        pl.when(pl.col("customer_id") == "C1")
        .then(pl.col("aum_total") + 1_000_000)
        .otherwise(pl.col("aum_total"))
        .alias("aum_total")
    )
    months.write_parquet(bank / "customer_months.parquet")
    refreshed = open_bank(bank)
    assert refreshed.version != db.version
    sql, params = compile_query(MODEL, SEPTEMBER).sql, compile_query(MODEL, SEPTEMBER).params
    assert cache_key(refreshed, sql, params, ViewerScope()) != cache_key(db, sql, params, ViewerScope())
    after = run_metric_query(refreshed, MODEL, SEPTEMBER, cache=cache).frame
    assert after["aum_total"].to_list() == [AUM_SEP_2025 + 1_000_000]
    assert (cache.stats().hits, cache.stats().misses) == (0, 2)


def test_scopes_never_share_an_entry(bank: Path) -> None:
    db, cache = open_bank(bank), QueryCache()
    full = run_metric_query(db, MODEL, SEPTEMBER, cache=cache).frame["aum_total"].to_list()
    west = run_metric_query(db, MODEL, SEPTEMBER, WEST, cache=cache).frame["aum_total"].to_list()
    east = run_metric_query(db, MODEL, SEPTEMBER, EAST, cache=cache).frame["aum_total"].to_list()
    assert (full, west, east) == ([AUM_SEP_2025], [800_500.0], [AUM_SEP_2025 - 800_500.0])
    assert (cache.stats().hits, cache.stats().misses) == (0, 3)
    assert run_metric_query(db, MODEL, SEPTEMBER, WEST, cache=cache).frame["aum_total"].to_list() == [800_500.0]
    assert cache.stats().hits == 1


def test_drill_lists_and_in_memory_databases_are_not_cached(bank: Path) -> None:
    db, cache = open_bank(bank), QueryCache()
    drill = drill_query(MODEL, "customers", start="2025-09", end="2025-09")
    for _ in range(2):
        assert run_compiled(db, drill, cache=cache).frame.height == 6
    assert cache.stats().entries == 0
    memory = fixture_database()
    assert cache_key(memory, "select 1", {}, ViewerScope()) is None


def test_least_recently_used_entries_go_first_and_big_frames_are_not_kept(bank: Path) -> None:
    db = open_bank(bank)
    cache = QueryCache(max_entries=2)
    small = QueryResult(pl.DataFrame({"x": [1]}), False, 1.0)
    for sql in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" arrives
        cache.fetch(db, sql, {}, ViewerScope(), lambda: small)
    hits = cache.stats().hits
    cache.fetch(db, "a", {}, ViewerScope(), lambda: small)
    cache.fetch(db, "c", {}, ViewerScope(), lambda: small)
    assert cache.stats().hits == hits + 2
    cache.fetch(db, "b", {}, ViewerScope(), lambda: small)
    assert cache.stats().hits == hits + 2 and cache.stats().entries == 2
    tight = QueryCache(max_bytes=1_000)
    big = QueryResult(pl.DataFrame({"x": list(range(10_000))}), False, 1.0)
    tight.fetch(db, "big", {}, ViewerScope(), lambda: big)
    assert tight.stats().entries == 0


def test_parameter_types_are_part_of_the_key(bank: Path) -> None:
    db = open_bank(bank)
    keys = {cache_key(db, "select $p0", {"p0": value}, ViewerScope()) for value in (1, 1.0, True, "1", [1], (1,))}
    assert len(keys) == 5  # a list and a tuple bind alike; 1, 1.0, True and "1" do not
    assert cache_key(db, "select $p0", {"p0": {1, 2}}, ViewerScope()) is not None


def test_concurrent_requests_share_one_bounded_cache(bank: Path) -> None:
    db, cache = open_bank(bank), QueryCache()
    requests = [MetricRequest(metrics=("customers",), start=f"2025-{m:02d}", end=f"2025-{m:02d}") for m in (9, 10, 11)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        frames = list(pool.map(lambda r: run_metric_query(db, MODEL, r, cache=cache).frame, requests * 4))
    assert [f["customers"].item() for f in frames[:3]] == [6, 6, 6]
    assert all(f.equals(frames[i % 3]) for i, f in enumerate(frames))
    stats = cache.stats()
    assert stats.entries == 3 and stats.hits + stats.misses == 12


def test_page_queries_are_cached_per_scope(bank: Path) -> None:
    from clientscope.cache import run_named_cached
    from clientscope.db import run_named

    db, cache = open_bank(bank), QueryCache()
    everyone = run_named_cached(db, "segments/tags", cache=cache).frame
    again = run_named_cached(db, "segments/tags", cache=cache).frame
    west = run_named_cached(db, "segments/tags", scope=WEST, cache=cache).frame
    assert everyone.equals(again)
    assert everyone.equals(run_named(db, "segments/tags").frame)
    assert west.equals(run_named(db, "segments/tags", scope=WEST).frame)
    assert (cache.stats().hits, cache.stats().misses) == (1, 2)
