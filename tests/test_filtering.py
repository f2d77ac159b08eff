"""The view's filters compiled once: `filtered_<table>` relations on the query's cursor (semantic/filtering.py)."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

from clientscope.cache import QueryCache
from clientscope.db import Database, ViewerScope, run_query
from clientscope.semantic import load_semantic_model
from clientscope.semantic.filtering import NO_FILTERS, ViewFilters, filtered_tables
from clientscope.settings import PROJECT_ROOT

MODEL = load_semantic_model(PROJECT_ROOT / "metrics.yaml")
MONTH = date(2026, 9, 30)


@pytest.fixture
def db() -> Database:
    con = duckdb.connect()
    database = Database.from_connection(con)
    facts = pl.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4", "C5"],
            "month_start": [MONTH] * 5,
            "region": ["East", "East", "West", "West", None],
            "branch_id": ["B1", "B2", "B3", "B3", "B4"],
            "tier": ["mass", "private", "mass", "affluent", "mass"],
            "aum_total": [100.0, 200.0, 400.0, 800.0, 1600.0],
        }
    )
    regions = pl.DataFrame({"region": ["East", "West"], "label": ["东", "西"]})
    customers = pl.DataFrame({"customer_id": ["C1", "C3"], "branch_id": ["B1", "B3"], "rm_id": ["R1", "R3"]})
    branches = pl.DataFrame({"branch_id": ["B1", "B3"], "region": ["East", "West"]})
    tables = {"facts": facts, "regions": regions, "customers": customers, "branches": branches}
    for name, frame in tables.items():
        database.register(name, con.from_arrow(frame.to_arrow()))
    return database


def total(db: Database, filters: ViewFilters, **kwargs) -> float | None:
    sql = "select sum(aum_total) as aum from filtered_facts"
    return run_query(db, sql, filters=filters, **kwargs).frame["aum"][0]


def test_compiles_dimensions_to_their_metrics_yaml_columns() -> None:
    compiled = ViewFilters.compile(MODEL, {"branch": ["B2", "B1", None], "region": [], "x_page_only": ["a"]})
    assert [(i.dimension, i.column, i.values) for i in compiled.items] == [("branch", "branch_id", ("B1", "B2"))]
    assert compiled.dimensions == ("branch",)
    assert not ViewFilters.compile(MODEL, {"region": [None]})


def test_each_filter_narrows_the_table_that_has_its_column(db: Database) -> None:
    assert total(db, NO_FILTERS) == 3100.0
    assert total(db, ViewFilters.compile(MODEL, {"region": ["East"]})) == 300.0
    assert total(db, ViewFilters.compile(MODEL, {"region": ["East", "West"], "tier": ["mass"]})) == 500.0
    assert total(db, ViewFilters.compile(MODEL, {"branch": ["B3"], "tier": ["private"]})) is None


def test_a_table_without_the_column_ignores_the_filter_and_says_so(db: Database) -> None:
    filters = ViewFilters.compile(MODEL, {"tier": ["mass"], "region": ["West"]})
    frame = run_query(db, "select region from filtered_regions order by region", filters=filters).frame
    assert frame["region"].to_list() == ["West"]  # filtered on region; the tier filter does not apply here
    assert filters.ignored_by(["region", "label"]) == ("tier",)
    assert filters.ignored_by(["region", "tier"]) == ()


def test_filters_narrow_the_viewer_scope_never_widen_it(db: Database) -> None:
    # The scope's view of `customers` keeps C1 (branch B1); the filter on B1 and B3 cannot bring C3 back.
    scope = ViewerScope(branches=frozenset({"B1"}))
    sql = "select count(*) as n from filtered_customers"
    assert run_query(db, sql, filters=ViewFilters.compile(MODEL, {"branch": ["B1", "B3"]}), scope=scope).frame[
        "n"
    ].to_list() == [1]


def test_unknown_filtered_table_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="the statement reads filtered_nope, but there is no table 'nope'"):
        filtered_tables("select * from filtered_nope", {"facts"})
    # a comment naming a filtered relation does not count
    assert filtered_tables("-- filtered_nope\nselect * from filtered_facts f", {"facts"}) == ("facts",)


def test_values_are_bound_not_written_into_sql(db: Database) -> None:
    hostile = ViewFilters.compile(MODEL, {"region": ["East'; drop table facts; --"]})
    assert total(db, hostile) is None
    assert total(db, NO_FILTERS) == 3100.0


def test_cache_keys_differ_by_filters(tmp_path) -> None:
    con = duckdb.connect()
    db = Database(con, tmp_path, "v1", frozenset())
    cache = QueryCache()
    east = ViewFilters.compile(MODEL, {"region": ["East"]})
    west = ViewFilters.compile(MODEL, {"region": ["West"]})
    calls: list[str] = []

    def run(name: str):
        def inner():
            calls.append(name)
            return run_query(db, "select 1 as one")

        return inner

    cache.fetch(db, "q", {}, ViewerScope(), run("east"), east)
    cache.fetch(db, "q", {}, ViewerScope(), run("west"), west)
    cache.fetch(db, "q", {}, ViewerScope(), run("east again"), ViewFilters.compile(MODEL, {"region": ["East"]}))
    assert calls == ["east", "west"]
