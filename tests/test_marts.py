"""Marts: tier, lifecycle stage, churn events and the warning score on hand-made histories; the cached build."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clientscope import marts
from clientscope.db import Database, ViewerScope, run_query
from clientscope.semantic import load_semantic_model
from clientscope.semantic.model import SemanticModel
from clientscope.settings import PROJECT_ROOT
from tests.semantic_fixture import fixture_database, month_end, write_fixture


@pytest.fixture(scope="module")
def model() -> SemanticModel:
    return load_semantic_model(PROJECT_ROOT / "metrics.yaml")


@pytest.fixture(scope="module")
def db(model: SemanticModel) -> Database:
    database = fixture_database()
    marts.build_marts_in_memory(database, model.rules)
    return database


@pytest.fixture(scope="module")
def facts(db: Database) -> pl.DataFrame:
    return db.con.sql("select * from customer_month_facts order by customer_id, month").pl()


def column(facts: pl.DataFrame, customer: str, name: str) -> dict[date, object]:
    rows = facts.filter(pl.col("customer_id") == customer)
    return dict(zip(rows["month"].to_list(), rows[name].to_list(), strict=True))


def by_index(facts: pl.DataFrame, customer: str, name: str) -> list[object]:
    """The column's values for months 0..14 (None where the customer has no row)."""
    values = column(facts, customer, name)
    return [values.get(month_end(i)) for i in range(15)]


def test_one_row_per_customer_month_and_the_declared_columns(db: Database, facts: pl.DataFrame) -> None:
    source = db.con.sql("select count(*) from customer_months").fetchall()[0][0]
    assert facts.height == source == 93
    assert facts.select("customer_id", "month").is_duplicated().sum() == 0
    for mart in marts.MARTS:
        assert tuple(db.con.sql(f"select * from {mart.name} limit 0").columns) == mart.columns, mart.name


def test_tiers_follow_the_aum_thresholds(facts: pl.DataFrame) -> None:
    assert set(column(facts, "C3", "tier").values()) == {"private"}  # 8,000,000 ≥ 6,000,000
    assert set(column(facts, "C1", "tier").values()) == {"affluent"}  # 600,000 .. 740,000
    assert set(column(facts, "C5", "tier").values()) == {"mass"}  # 500
    # C4 moves from mass (400,000) to affluent (550,000) in July 2025; prev_tier records the move
    assert by_index(facts, "C4", "tier")[5:7] == ["mass", "affluent"]
    assert by_index(facts, "C4", "prev_tier")[6] == "mass"
    # the second scheme: diamond ≥ 1,000,000 > gold ≥ 200,000 > silver
    assert by_index(facts, "C7", "tier_alt")[6:8] == ["diamond", "gold"]
    assert set(column(facts, "C6", "tier_alt").values()) == {"silver"}


def test_a_negative_or_missing_aum_gets_the_lowest_tier(model: SemanticModel) -> None:
    # An overdrawn month-end (Berka has 14) is below every floor: the lowest tier takes it, so every row has a tier
    # and the tier shares of a month sum to exactly 100 %.  C5 holds 500 (mass) in every month; here its June
    # month-end is -1,200.50 and its July one is missing.
    database = fixture_database()
    months = database.con.sql(
        "select * replace (case when customer_id = 'C5' and month = $june then -1200.5 "
        "when customer_id = 'C5' and month = $july then null else aum_total end as aum_total) from customer_months",
        params={"june": month_end(5), "july": month_end(6)},
    )
    database.register("customer_months", database.con.from_arrow(months.to_arrow_table()))
    marts.build_marts_in_memory(database, model.rules)
    rows = database.con.sql(
        "select month, aum_total, tier, tier_rank, tier_alt, tier_alt_rank from customer_month_facts "
        "where customer_id = 'C5' and month in ($june, $july) order by month",
        params={"june": month_end(5), "july": month_end(6)},
    ).fetchall()
    assert rows == [(month_end(5), -1200.5, "mass", 3, "silver", 3), (month_end(6), None, "mass", 3, "silver", 3)]
    untiered = database.con.sql("select count(*) from customer_month_facts where tier is null or tier_alt is null")
    assert untiered.fetchall() == [(0,)]
    shares = database.con.sql(
        "select sum(share) from (select count(*) / sum(count(*)) over () as share "
        "from customer_month_facts where month = $june group by tier)",
        params={"june": month_end(5)},
    )
    assert shares.fetchall() == [(1.0,)]


def test_lifecycle_stages_on_hand_made_histories(facts: pl.DataFrame) -> None:
    # C2 opened 2025-02-15: new for the month-ends within 90 days (Feb, Mar, Apr), active while it
    # transacts, inactive after its first two silent months, dormant once three months are silent
    assert by_index(facts, "C2", "stage") == [
        None,
        "new",
        "new",
        "new",
        "active",
        "active",
        "active",
        "active",
        "active",
        "inactive",
        "inactive",
        "dormant",
        "dormant",
        "dormant",
        None,
    ]
    # C4's tier rose vs 3 months earlier in Jul, Aug and Sep: growing (ahead of active)
    assert by_index(facts, "C4", "stage")[5:10] == ["active", "growing", "growing", "growing", "active"]
    # C3 closed on 2025-08-20 and has an August row: churned in August
    assert by_index(facts, "C3", "stage")[6:9] == ["active", "churned", None]
    # C5 never transacts and holds 500 CNY (< the 1,000 floor): inactive, dormant from the third silent
    # month, churned once six silent months are seen (June) — churned outranks dormant
    assert by_index(facts, "C5", "stage")[:7] == [
        "inactive",
        "inactive",
        "dormant",
        "dormant",
        "dormant",
        "churned",
        "churned",
    ]
    # C6 closed on 2026-01-10 and its rows stop in December: on the books (and active) at the end of December,
    # churned in January, where it has no row (the event is in churn_events)
    assert by_index(facts, "C6", "stage")[10:13] == ["active", "active", None]
    # C6 opened 2024-11-01: 91 days before 2025-01-31, so not new any more
    assert by_index(facts, "C6", "stage")[0] == "active"


def test_churn_is_booked_in_the_month_the_customer_left(db: Database, facts: pl.DataFrame) -> None:
    # Definition change: a closure counts in the month of its close date.  C6 closed on 2026-01-10 and C2 on
    # 2026-03-15 (the latest month); both have rows only up to the month before, which no longer carry it.
    events = db.con.sql(
        "select customer_id, month, reason, event_date, as_of_month, in_opening_book, tier, stage, aum_total "
        "from churn_events order by month, customer_id"
    ).fetchall()
    assert events == [
        ("C5", month_end(5), "soft_churn", month_end(5), month_end(4), True, "mass", "dormant", 500.0),
        ("C3", month_end(7), "closed", date(2025, 8, 20), month_end(6), True, "private", "active", 8_000_000.0),
        ("C6", month_end(12), "closed", date(2026, 1, 10), month_end(11), True, "mass", "active", 20_000.0),
        ("C2", month_end(14), "closed", date(2026, 3, 15), month_end(13), True, "mass", "dormant", 50_000.0),
    ]
    # on the facts: the rows whose month holds the event (C3 has an August row; C6 and C2 have no row then)
    flagged = facts.filter(pl.col("is_churn_event")).select("customer_id", "month").rows()
    assert flagged == [("C3", month_end(7)), ("C5", month_end(5))]
    closed = facts.filter(pl.col("is_churned_month")).select("customer_id", "month").rows()
    assert closed == [("C3", month_end(7))]


def test_a_closure_after_a_soft_churn_is_not_counted_again(model: SemanticModel) -> None:
    database = fixture_database()
    customers = database.con.sql(
        "select * replace (case when customer_id = 'C5' then date '2025-12-05' "
        "else close_date end as close_date) from customers"
    )
    database.register("customers", database.con.from_arrow(customers.to_arrow_table()))
    marts.build_marts_in_memory(database, model.rules)
    # C5 has been in soft churn since June 2025 and closes in December with a December row: one event, in June
    rows = database.con.sql("select month, reason from churn_events where customer_id = 'C5'").fetchall()
    assert rows == [(month_end(5), "soft_churn")]
    stage = database.con.sql(
        "select stage from customer_month_facts where customer_id = 'C5' and month = $m", params={"m": month_end(11)}
    ).fetchall()
    assert stage == [("churned",)]


def test_a_gap_in_the_months_before_a_soft_churn_starts_a_new_one(model: SemanticModel) -> None:
    # C5 (no transactions, 500 CNY) is in soft churn from June 2025 (i 5): six silent months. Without its row of
    # July (i 6), no six months up to August–December are all there, so the soft churn stops; it starts again in
    # January (i 12: August–January), a new churn event: the previous row (December) was not in soft churn. Its
    # six rows before hold June and August–December, so a rewrite that counted the rows before a month instead of
    # its calendar months (tried for the build, decision 81) would call December a soft churn and miss the event.
    database = fixture_database()
    months = database.con.sql(
        "select * from customer_months where not (customer_id = 'C5' and month = $m)", params={"m": month_end(6)}
    )
    database.register("customer_months", database.con.from_arrow(months.to_arrow_table()))
    marts.build_marts_in_memory(database, model.rules)
    facts = database.con.sql("select * from customer_month_facts order by customer_id, month").pl()
    soft = [i for i, flag in enumerate(by_index(facts, "C5", "is_soft_churn")) if flag]
    events = [i for i, flag in enumerate(by_index(facts, "C5", "is_churn_event")) if flag]
    assert soft == [5, 12, 13, 14]
    assert events == [5, 12]


def test_next_month_is_the_opening_book_and_empty_in_the_latest_month(facts: pl.DataFrame) -> None:
    assert by_index(facts, "C1", "next_month")[12:15] == [month_end(13), month_end(14), None]
    assert by_index(facts, "C6", "next_month")[11] == month_end(12)


def test_flags_and_attributes(facts: pl.DataFrame) -> None:
    assert by_index(facts, "C2", "is_opened_month")[:3] == [None, True, False]
    assert by_index(facts, "C2", "is_new")[1:5] == [True, True, True, False]
    assert by_index(facts, "C2", "is_dormant")[10:12] == [False, True]
    assert set(column(facts, "C1", "age_band").values()) == {"35_44"}  # born 1990
    assert set(column(facts, "C2", "age_band").values()) == {"under_25"}  # born 2003
    assert set(column(facts, "C6", "age_band").values()) == {"unknown"}  # no birth year
    assert by_index(facts, "C1", "tenure_months")[0] == 56  # 2020-05-10 → 2025-01-31
    assert set(column(facts, "C7", "region").values()) == {"West"}
    assert set(column(facts, "C2", "rm_id").values()) == {None}


def test_warning_score_points_and_levels(facts: pl.DataFrame) -> None:
    # The one rule score (metrics.yaml rules.risk): txn_drop 20, aum_drop 20, complaints 20, closures 10,
    # inactive 30, logins_drop 10; level high at >= 50, medium at >= 25. The fixture has no holdings extract,
    # so closures are falls in products_held. (The old mart scheme, 30/25/20/15/10 on other signals, is gone:
    # these values replace its 85/50/0 for C7, 30 for C2 and 15 for C5.)
    # C7 in Oct 2025 (i 9): transactions Aug–Oct 24 vs May–Jul 30 (−20%: no); AUM 600,000 vs 1,000,000 in
    # July (−40%: 20); a complaint this month (20); one product fewer than September (10) = 50, high
    october = facts.filter((pl.col("customer_id") == "C7") & (pl.col("month") == month_end(9))).row(0, named=True)
    flags = ("txn_drop_flag", "aum_drop_flag", "complaints_flag", "closures_flag", "inactive_flag", "logins_drop_flag")
    assert tuple(october[f] for f in flags) == (False, True, True, True, False, False)
    assert (october["warning_score"], october["warning_level"]) == (50, "high")
    # Nov: 18 vs 30 (−40%: no), AUM 600,000 vs 800,000 (−25%: no), the complaint last month (20), the closure
    # (10) = 30. Dec: 12 vs 30 (−60%: 20) and the closure 2 months ago (10) = 30. Jan: 12 vs 24 (−50%: 20).
    # Feb: 12 vs 18 (−33%): 0
    assert by_index(facts, "C7", "warning_score")[9:14] == [50, 30, 30, 20, 0]
    assert by_index(facts, "C7", "warning_level")[9:14] == ["high", "medium", "medium", "low", "low"]
    # C2 stops transacting in Oct (i 9): Nov 2 vs 6 transactions (−67%: 20); from Dec also 3 months without a
    # transaction (30) = 50, high, until its last row in Feb 2026
    assert by_index(facts, "C2", "warning_score")[8:14] == [0, 0, 20, 50, 50, 50]
    assert by_index(facts, "C2", "warning_level")[10:12] == ["low", "high"]
    # C5 never transacts or logs in: inactive from its third month (30, medium); its trends have no base (0)
    assert by_index(facts, "C5", "warning_score")[:4] == [0, 0, 30, 30]
    assert by_index(facts, "C5", "warning_level")[2] == "medium"


def test_touch_and_conversion_facts(db: Database) -> None:
    touches = db.con.sql("select touch_id, region, tier, campaign_type, month from touch_facts order by 1").pl()
    assert touches.row(0) == ("T1", "East", "affluent", "cross_sell", date(2025, 9, 30))
    conversions = db.con.sql(
        "select conversion_id, campaign_id, channel, is_attributed from conversion_facts order by 1"
    ).fetchall()
    # last touch within 30 days, control touches never attributed, V2 came 45 days after its touch
    assert conversions == [
        ("V1", "K1", "sms", True),
        ("V2", None, None, False),
        ("V3", None, None, False),
        ("V4", "K1", "sms", True),
    ]


def test_conversion_facts_build_without_touches(model: SemanticModel) -> None:
    database = fixture_database()
    database.tables = database.tables - {"touches", "campaigns"}  # as if the optional tables were absent
    marts.build_marts_in_memory(database, model.rules)
    assert not database.has("touch_facts") and not database.has("campaign_facts")
    rows = database.con.sql("select count(*), count(campaign_id) from conversion_facts").fetchall()
    assert rows == [(4, 0)]


def test_every_mart_with_customers_shows_a_restricted_viewer_only_their_customers_rows(db: Database) -> None:
    # independent: the West region's customers, from the unscoped customers and branches in polars
    customers = run_query(db, "select customer_id, branch_id from customers").frame
    branches = run_query(db, "select branch_id, region from branches").frame
    west = customers.join(branches, on="branch_id").filter(pl.col("region") == "West")["customer_id"]
    assert sorted(west) == ["C3", "C5", "C7"]
    scope = ViewerScope(regions=frozenset({"West"}))
    read = "select * from query_table($mart)"
    checked = 0
    for mart in marts.MARTS:
        if "customer_id" not in mart.columns or not db.has(mart.name):
            continue
        everyone = run_query(db, read, {"mart": mart.name}).frame
        seen = run_query(db, read, {"mart": mart.name}, scope=scope).frame
        expected = everyone.filter(pl.col("customer_id").is_in(west.implode()))
        assert expected.height > 0 and expected.height < everyone.height, mart.name  # the check can tell
        assert_frame_equal(seen, expected, check_row_order=False)
        checked += 1
    assert checked == sum("customer_id" in mart.columns for mart in marts.MARTS)


def test_cached_build_is_keyed_reused_and_registered(tmp_path: Path, cache_dir: Path, model: SemanticModel) -> None:
    data = write_fixture(tmp_path / "bank")
    db = Database.open(data)
    marts.build_marts(db, model.rules)
    folder = marts.marts_dir(db, model.rules)
    assert folder.parent.name == db.version and folder.is_relative_to(cache_dir)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{m.name}.parquet" for m in marts.MARTS)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".tmp")]
    assert db.con.sql("select count(*) from customer_month_facts").fetchall() == [(93,)]
    stamp = (folder / "customer_month_facts.parquet").stat().st_mtime_ns
    again = Database.open(data)
    marts.build_marts(again, model.rules)  # reused: nothing rewritten
    assert (folder / "customer_month_facts.parquet").stat().st_mtime_ns == stamp
    assert again.con.sql("select count(*) from touch_facts").fetchall() == [(6,)]


def test_changed_rules_get_their_own_cache_folder(model: SemanticModel) -> None:
    tiers = model.rules.tiers
    scheme = tiers.schemes["standard"]
    lower = scheme.model_copy(
        update={"tiers": (scheme.tiers[0].model_copy(update={"min_aum": 5_000_000.0}), *scheme.tiers[1:])}
    )
    rules = model.rules.model_copy(
        update={"tiers": tiers.model_copy(update={"schemes": {**tiers.schemes, "standard": lower}})}
    )
    assert marts.fingerprint(rules) != marts.fingerprint(model.rules)
    assert marts.mart_params(rules)["tier_mins"] == [5_000_000.0, *model.rules.tiers.primary_floors("CNY")[1:]]


def test_per_customer_marts_built_in_parts_equal_one_pass(
    demo_data: Path, model: SemanticModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(tmp_path / "cache"))
    whole = Database.open(demo_data)
    marts.build_marts_in_memory(whole, model.rules)  # 2,000 customers: one part
    monkeypatch.setattr(marts, "CUSTOMERS_PER_PART", 600)  # 2,000 customers: four parts
    parted = Database.open(demo_data)
    assert marts.customer_parts(parted) == 4
    marts.build_marts(parted, model.rules)
    folder = marts.marts_dir(parted, model.rules)
    assert len(list(folder.glob("customer_lifecycle.part*.parquet"))) == 4
    assert not (folder / "customer_lifecycle.parquet").exists()
    query = "select * from customer_lifecycle order by customer_id"
    one_pass, in_parts = whole.con.sql(query).pl(), parted.con.sql(query).pl()
    assert one_pass.height == 2_000
    assert in_parts.equals(one_pass)
    reopened = Database.open(demo_data)
    marts.build_marts(reopened, model.rules)  # registered from the four files, not built again
    assert reopened.con.sql(query).pl().equals(one_pass)


def test_aggregate_marts_built_in_parts_add_up_to_one_pass(
    demo_data: Path, model: SemanticModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A serving aggregate built per part of the customers has one row per cell and part: summed over the parts,
    every cell's counts and amounts are those of the one-pass build."""
    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(tmp_path / "cache"))
    whole = Database.open(demo_data)
    marts.build_marts_in_memory(whole, model.rules)
    monkeypatch.setattr(marts, "CUSTOMERS_PER_PART", 600)
    parted = Database.open(demo_data)
    marts.build_marts(parted, model.rules)
    folder = marts.marts_dir(parted, model.rules)
    measures = {
        "segment_penetration": ("holders",),
        "segment_migration": ("customers", "aum_from", "aum_to"),
        "segment_tag_mix": ("customers", "aum_total"),
        "lifecycle_flow_pairs": ("customers", "aum_a", "aum_b"),
    }
    for name, values in measures.items():
        mart = next(m for m in marts.MARTS if m.name == name)
        assert mart.by_customer_parts
        assert len(list(folder.glob(f"{name}.part*.parquet"))) == 4
        keys = [c for c in mart.columns if c not in values]
        sums = [pl.col(v).sum() for v in values]
        one_pass = whole.con.sql(f"select * from {name}").pl().group_by(keys).agg(sums).sort(keys, nulls_last=True)
        in_parts = parted.con.sql(f"select * from {name}").pl().group_by(keys).agg(sums).sort(keys, nulls_last=True)
        assert one_pass.height > 0
        assert in_parts.height == one_pass.height, name
        for value in values:
            assert in_parts[value].cast(pl.Float64).to_list() == pytest.approx(
                one_pass[value].cast(pl.Float64).to_list(), rel=1e-12
            ), (name, value)
        assert in_parts.drop(values).equals(one_pass.drop(values)), name


def test_a_full_spill_disk_is_named_as_the_disk_not_the_memory(tmp_path: Path, monkeypatch) -> None:
    """At 10M customers customer_month_facts spilled 41 GB: when the disk under the spill folder is full, DuckDB's
    out-of-memory error is about max_temp_directory_size, and the build says what to free (a real DuckDB error)."""
    import duckdb

    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CLIENTSCOPE_DUCKDB_BUILD_MEMORY", "50MB")
    config = {"memory_limit": "50MB", "temp_directory": str(tmp_path / "spill"), "max_temp_directory_size": "20MB"}
    con = duckdb.connect(config={**config, "threads": 1})
    sql = "select * from (select i, md5(i::varchar) as m, random() as r from range(5000000) t(i)) order by m"
    with pytest.raises(marts.MartOutOfMemory) as raised, marts._naming(marts.CUSTOMER_MONTH_FACTS):
        con.execute(sql).fetchall()
    spill = tmp_path / "cache" / "duckdb_spill"
    assert str(raised.value) == (
        f"building the mart customer_month_facts: DuckDB's spill folder ({spill}) filled the free disk it is on; "
        "the build spills what does not fit in its memory (50MB). Free disk space there or point CLIENTSCOPE_CACHE "
        "at a bigger disk, or raise CLIENTSCOPE_DUCKDB_BUILD_MEMORY on a machine with that much free memory, then "
        "run `clientscope build` again; nothing was written to the cache."
    )
