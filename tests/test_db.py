"""run_query: bound parameters, viewer scope (row-level security), row cap, timeout, clear errors."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clientscope.db import (
    Database,
    QueryError,
    QueryTimeout,
    ViewerScope,
    query_sql,
    run_query,
    scoped_tables,
)
from tests.tiny_extracts import tiny_frames


@pytest.fixture
def db() -> Database:
    con = duckdb.connect()
    database = Database.from_connection(con)
    frames = {
        "branches": pl.DataFrame(
            {
                "branch_id": ["B1", "B2", "B3"],
                "branch_name": ["甲", "乙", "丙"],
                "region": ["East", "East", "West"],
                "city": ["a", "b", "c"],
            }
        ),
        "customers": pl.DataFrame(
            {
                "customer_id": ["C1", "C2", "C3", "C4"],
                "branch_id": ["B1", "B2", "B3", "B3"],
                "rm_id": ["R1", None, "R3", "R3"],
            }
        ),
        "customer_months": pl.DataFrame(
            {
                "customer_id": ["C1", "C2", "C3", "C4"],
                "month": [date(2026, 9, 30)] * 4,
                "aum_total": [100.0, 200.0, 400.0, 800.0],
            }
        ),
    }
    for name, frame in frames.items():
        database.register(name, con.from_arrow(frame.to_arrow()))
    return database


SUM_AUM = "select coalesce(sum(aum_total), 0) as aum from customer_months where aum_total >= $min_aum"


def test_values_are_bound_parameters(db: Database) -> None:
    assert run_query(db, SUM_AUM, {"min_aum": 200.0}).frame["aum"].to_list() == [1400.0]


def test_region_scope_never_returns_another_regions_rows(db: Database) -> None:
    west = ViewerScope(regions=frozenset({"West"}))
    rows = run_query(db, "select customer_id from customer_months order by 1", scope=west).frame
    assert rows["customer_id"].to_list() == ["C3", "C4"]
    assert run_query(db, SUM_AUM, {"min_aum": 0.0}, scope=west).frame["aum"].to_list() == [1200.0]
    branches = run_query(db, "select branch_id from branches order by 1", scope=west).frame
    assert branches["branch_id"].to_list() == ["B3"]


def test_scope_does_not_leak_into_later_unrestricted_queries(db: Database) -> None:
    run_query(db, SUM_AUM, {"min_aum": 0.0}, scope=ViewerScope(branches=frozenset({"B1"})))
    assert run_query(db, SUM_AUM, {"min_aum": 0.0}).frame["aum"].to_list() == [1500.0]


def test_rm_scope(db: Database) -> None:
    mine = ViewerScope(rms=frozenset({"R1"}))
    assert run_query(db, "select customer_id from customers", scope=mine).frame["customer_id"].to_list() == ["C1"]


def test_row_cap_truncates_and_says_so(db: Database) -> None:
    result = run_query(db, "select * from range(10)", row_cap=3)
    assert result.frame.height == 3
    assert result.truncated
    assert not run_query(db, "select * from range(3)", row_cap=3).truncated


def test_results_come_back_as_duckdb_would_give_them(db: Database) -> None:
    """run_query reads the executed statement's Arrow table (decision 82): the frame DuckDB's own `.pl()` gives,
    column types included; a cap inside a later batch keeps exactly its rows; an empty result keeps its columns."""
    typed = (
        "select range as n, (range * 1.5)::decimal(18, 2) as money, 'c' || range as code, date '2026-01-31' as day,"
        " timestamptz '2026-01-01 10:00+08' as at, [range, 1]::integer[2] as pair, {'k': range} as kv"
        " from range(5) where range >= $low"
    )
    expected = duckdb.connect().sql(typed, params={"low": 1}).pl()
    got = run_query(db, typed, {"low": 1}).frame
    assert got.schema["money"] == pl.Float64  # the money as floats (decimals_as_float), the rest as DuckDB gives it
    assert_frame_equal(got, expected.with_columns(pl.col("money").cast(pl.Float64)))
    capped = run_query(db, "-- the cap stops the database\nselect range as n from range(300000)", row_cap=200_000)
    assert capped.truncated and capped.frame["n"].to_list() == list(range(200_000))
    empty = run_query(db, typed, {"low": 99}).frame
    assert empty.height == 0 and empty.schema == got.schema
    # the cap is applied by the database: a billion rows are never produced (holding them would take 8 GB)
    huge = run_query(db, "with r as (select range as n from range(1000000000)) select n from r", row_cap=5)
    assert huge.truncated and huge.frame["n"].to_list() == [0, 1, 2, 3, 4]


def test_timeout_interrupts(db: Database) -> None:
    with pytest.raises(QueryTimeout, match="took longer than 0 s and was stopped"):
        run_query(db, "select count(*) from range(100000000000) a", timeout_s=0.2, label="slow query")


def test_errors_are_wrapped_with_the_query_label(db: Database) -> None:
    with pytest.raises(QueryError, match=r"^segment mix failed: .*no_such_table"):
        run_query(db, "select * from no_such_table", label="segment mix")


def test_query_names_are_allow_listed() -> None:
    with pytest.raises(ValueError, match=r"invalid query name '\.\./etc/passwd'"):
        query_sql("../etc/passwd")
    with pytest.raises(ValueError, match=r"no query file queries/nope/missing.sql"):
        query_sql("nope/missing")


def test_every_customer_keyed_contract_table_shows_a_restricted_viewer_only_their_rows() -> None:
    from clientscope.contract import TABLES

    frames = tiny_frames()
    con = duckdb.connect()
    tiny = Database.from_connection(con)
    for name, frame in frames.items():
        tiny.register(name, con.from_arrow(frame.to_arrow()))
    keys = {"branches": "branch_id", "relationship_managers": "rm_id"}
    keyed = [t.name for t in TABLES if "customer_id" in t.column_names or t.name in keys]
    assert {"customers", "customer_months", "holdings", "complaints", "branches"} <= set(keyed)
    for name in keyed:
        key = keys.get(name, "customer_id")
        everyone = run_query(tiny, "select * from query_table($t)", {"t": name}).frame
        shown = []
        for region in ("华东", "华北"):
            # independent: the region's customers, and the branches and RMs they belong to, in polars
            mine = frames["customers"].join(frames["branches"], on="branch_id").filter(pl.col("region") == region)
            expected = everyone.filter(pl.col(key).is_in(mine[key].drop_nulls().implode()))
            scope = ViewerScope(regions=frozenset({region}))
            seen = run_query(tiny, "select * from query_table($t)", {"t": name}, scope=scope).frame
            assert_frame_equal(seen, expected, check_row_order=False)
            shown.append(expected.height)
        assert min(shown) < everyone.height, name  # the check can tell a scoped table from an open one


def test_tables_keyed_by_branch_and_rm_are_scoped_like_their_customers(db: Database) -> None:
    # a rollup has no customer_id: scope_units.sql lets through the rows of the visible branches and RMs
    rollup = pl.DataFrame(
        {
            "month": [date(2026, 9, 30)] * 4,
            "region": ["East", "East", "West", "West"],
            "branch_id": ["B1", "B2", "B3", "B9"],  # B9 is in no branches row: nobody's
            "rm_id": ["R1", None, "R3", "R3"],
            "customers": [1, 1, 2, 5],
        }
    )
    db.register("rollup_customer_month_core", db.con.from_arrow(rollup.to_arrow()))
    sql = "select coalesce(sum(customers), 0) as n from rollup_customer_month_core"
    cases = {
        ViewerScope(regions=frozenset({"West"})): 2,  # the same customers as the detail rows: C3, C4
        ViewerScope(branches=frozenset({"B1", "B2"})): 2,
        ViewerScope(rms=frozenset({"R3"})): 2,  # C2 has no RM: not an RM's customer
        ViewerScope(regions=frozenset({"East"}), rms=frozenset({"R1"})): 1,
        ViewerScope(): 9,
    }
    for scope, expected in cases.items():
        assert run_query(db, sql, scope=scope).frame["n"].to_list() == [expected], scope
        detail = run_query(db, "select count(*) as n from customers", scope=scope).frame["n"].to_list()
        assert scope == ViewerScope() or detail == [expected]
    assert "scope_units" not in scoped_tables() and "rollup_customer_month_core" in scoped_tables()


def test_open_limits_duckdb_memory_and_spills_under_the_cache(
    demo_data, cache_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENTSCOPE_DUCKDB_MEMORY", "512MB")
    opened = Database.open(demo_data, threads=1)
    [(limit, spill, threads)] = opened.con.sql(
        "select current_setting('memory_limit'), current_setting('temp_directory'), current_setting('threads')"
    ).fetchall()
    assert limit == "488.2 MiB"  # DuckDB reports 512 MB in MiB
    assert spill == str(cache_dir / "duckdb_spill")
    assert threads == 1


def test_included_query_text_is_written_once_and_expanded_in_place() -> None:
    distribution, mix = query_sql("churn_page/distribution"), query_sql("churn_page/reason_mix")
    rule = query_sql("churn_page/cells").rstrip("\n")
    for text in (distribution, mix):
        assert rule in text
        assert text.count("cells as (") == 1
        assert "-- include: churn_page/cells" not in text.splitlines()


def test_an_include_of_a_missing_file_or_itself_is_refused(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clientscope import db as db_module

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "self.sql").write_text("with\n-- include: a/self\nselect 1\n", encoding="utf-8")
    (tmp_path / "a" / "lost.sql").write_text("with\n-- include: a/nowhere\nselect 1\n", encoding="utf-8")
    monkeypatch.setattr(db_module, "QUERIES_DIR", tmp_path)
    db_module._sql.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"^queries/a/self\.sql includes itself$"):
            query_sql("a/self")
        with pytest.raises(ValueError, match=r"^no query file queries/a/nowhere\.sql$"):
            query_sql("a/lost")
    finally:
        db_module._sql.cache_clear()
