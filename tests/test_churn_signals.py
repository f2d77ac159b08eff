"""Churn signals on hand-made histories (queries/churn/signals.sql), label edges, thresholds and sampling."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date
from typing import Any

import duckdb
import polars as pl
import pytest

from clientscope import marts
from clientscope.churn.signals import FLAG_COLUMN, Sample, SignalRules, default_rules, load_signals
from clientscope.db import Database
from clientscope.semantic import load_semantic_model
from clientscope.settings import PROJECT_ROOT
from tests.semantic_fixture import fixture_database

MONTHS = 9  # January .. September 2025; the extract ends 2025-09-30


def month_end(index: int) -> date:
    """Month-end `index` months after January 2025 (0 = 2025-01-31)."""
    year, month = divmod(2025 * 12 + index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def history(customer_id: str, months: list[int] | None = None, **columns: list[Any]) -> pl.DataFrame:
    """customer_months rows for one customer: given columns per month, quiet defaults for the rest."""
    months = list(range(MONTHS)) if months is None else months
    n = len(months)
    defaults: dict[str, list[Any]] = {
        "aum_total": [100.0] * n,
        "deposits": [100.0] * n,
        "wealth": [0.0] * n,
        "insurance": [0.0] * n,
        "loan_balance": [0.0] * n,
        "card_spend": [0.0] * n,
        "txn_count": [5] * n,
        "txn_amount": [0.0] * n,
        "digital_logins": [4] * n,
        "products_held": [2] * n,
        "complaints": [0] * n,
    }
    for name, values in columns.items():
        defaults[name] = list(values) + defaults[name][len(values) :]
    return pl.DataFrame(
        {"customer_id": [customer_id] * n, "month": [month_end(i) for i in months], **defaults},
        schema_overrides={
            "txn_count": pl.Int64,
            "digital_logins": pl.Int64,
            "products_held": pl.Int64,
            "complaints": pl.Int64,
        },
    )


def customer(customer_id: str, close_date: date | None = None) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "open_date": date(2020, 3, 15),
        "close_date": close_date,
        "birth_year": 1980,
        "branch_id": "B1",
        "rm_id": "R1",
        "risk_profile": "C2",
    }


def make_db(histories: list[pl.DataFrame], customers: list[dict[str, Any]], holdings: pl.DataFrame | None = None):
    con = duckdb.connect()
    db = Database.from_connection(con)
    db.register("customers", con.from_arrow(pl.DataFrame(customers).to_arrow()))
    db.register("customer_months", con.from_arrow(pl.concat(histories).to_arrow()))
    if holdings is not None:
        db.register("holdings", con.from_arrow(holdings.to_arrow()))
    return db


def one(customer_id: str, customers: list[dict[str, Any]] | None = None, **columns: list[Any]) -> pl.DataFrame:
    """Signals of a single customer whose history is given by `columns`."""
    db = make_db([history(customer_id, **columns)], customers or [customer(customer_id)])
    return load_signals(db)


def test_transaction_trend_is_last_three_months_vs_previous_three() -> None:
    frame = one("C1", txn_count=[10, 10, 10, 4, 3, 2, 2, 2, 2])
    trend = frame["txn_trend"].to_list()
    assert trend[:5] == [None] * 5  # fewer than six months of history
    assert trend[5] == pytest.approx(-0.70)  # 4 + 3 + 2 = 9 vs 30
    assert trend[6] == pytest.approx(7 / 24 - 1)  # 3 + 2 + 2 = 7 vs 10 + 10 + 4 = 24
    assert frame["txn_last3"].to_list()[5] == 9
    assert frame["txn_drop_flag"].to_list()[5:7] == [True, True]


def test_trend_needs_six_observed_calendar_months() -> None:
    db = make_db([history("C1", months=[0, 1, 3, 4, 5, 6, 7], txn_count=[10, 10, 4, 3, 2, 2, 2])], [customer("C1")])
    frame = load_signals(db)
    by_month = dict(zip(frame["month"].to_list(), frame["txn_trend"].to_list(), strict=True))
    assert by_month[month_end(5)] is None  # March is missing, so the previous quarter is incomplete
    assert by_month[month_end(6)] is None
    assert by_month[month_end(7)] is None  # previous quarter = March .. May, March missing


def test_no_trend_when_the_previous_quarter_had_no_transactions() -> None:
    frame = one("C1", txn_count=[0, 0, 0, 1, 2, 3])
    assert frame["txn_trend"].to_list()[5] is None


def test_aum_trend_compares_with_three_months_earlier() -> None:
    frame = one("C1", aum_total=[100.0, 200.0, 100.0, 65.0, 100.0])
    trend = frame["aum_trend"].to_list()
    assert trend[:3] == [None, None, None]
    assert trend[3] == pytest.approx(-0.35)
    assert trend[4] == pytest.approx(-0.5)
    assert frame["aum_drop_flag"].to_list()[:5] == [False, False, False, True, True]


def test_complaints_count_this_month_and_the_previous_one() -> None:
    frame = one("C1", complaints=[1, 0, 0, 2, 1, 0, 0])
    assert frame["complaints_2m"].to_list()[:7] == [1, 1, 0, 2, 3, 1, 0]
    assert frame["complaints_flag"].to_list()[:7] == [True, True, False, True, True, True, False]


def test_closures_from_falls_in_products_held_without_holdings() -> None:
    frame = one("C1", products_held=[3, 3, 2, 2, 1, 1, 3, 3, 3])
    assert frame["closures_3m"].to_list() == [0, 0, 1, 1, 2, 1, 1, 0, 0]


def test_closures_from_holdings_close_dates_when_present() -> None:
    holdings = pl.DataFrame(
        {
            "holding_id": ["H1", "H2", "H3", "H4"],
            "customer_id": ["C1"] * 4,
            "product_type": ["fund"] * 4,
            "open_date": [date(2024, 1, 1)] * 4,
            "close_date": [date(2025, 2, 15), date(2025, 5, 31), date(2025, 6, 1), None],
        }
    )
    db = make_db([history("C1", products_held=[3, 3, 2, 2, 1, 1, 3, 3, 3])], [customer("C1")], holdings)
    frame = load_signals(db)
    # window for month m: (month-end of m - 3, m]; e.g. May = (Feb 28, May 31] holds only May 31
    assert frame["closures_3m"].to_list() == [0, 1, 1, 1, 1, 2, 2, 1, 0]
    assert frame["closures_flag"].to_list() == [False, True, True, True, True, True, True, True, False]


def test_inactivity_counts_consecutive_months_without_transactions() -> None:
    frame = one("C1", txn_count=[5, 0, 0, 3, 0, 0, 0, 0, 1])
    assert frame["inactive_months"].to_list() == [0, 1, 2, 0, 1, 2, 3, 4, 0]
    assert frame["inactive_flag"].to_list() == [False] * 6 + [True, True, False]
    never = one("C2", txn_count=[0, 0, 0])
    assert never["inactive_months"].to_list()[:3] == [1, 2, 3]


def test_digital_logins_trend() -> None:
    frame = one("C1", digital_logins=[5, 5, 5, 1, 1, 1])
    assert frame["logins_trend"].to_list()[5] == pytest.approx(-0.8)
    assert frame["logins_drop_flag"].to_list()[5] is True


def test_levels_tenure_age_and_risk_rank() -> None:
    frame = one("C1")
    first = frame.row(0, named=True)
    assert (first["tenure_months"], first["age"], first["risk_rank"]) == (58, 45, 2)  # 2020-03 → 2025-01
    assert (first["branch_id"], first["rm_id"]) == ("B1", "R1")


def test_label_counts_a_close_exactly_three_months_later_but_not_a_day_more() -> None:
    customers = [
        customer("EXACT", close_date=date(2025, 4, 30)),  # month-end of January + 3 months
        customer("DAYLATE", close_date=date(2025, 5, 1)),  # one day later
        customer("STAYS"),
    ]
    histories = [history("EXACT", months=[0, 1, 2]), history("DAYLATE", months=[0, 1, 2, 3]), history("STAYS")]
    frame = load_signals(make_db(histories, customers))
    label = {(r["customer_id"], r["month"]): r["churned_3m"] for r in frame.iter_rows(named=True)}
    assert label[("EXACT", date(2025, 1, 31))] is True
    assert label[("DAYLATE", date(2025, 1, 31))] is False
    assert label[("DAYLATE", date(2025, 2, 28))] is True
    assert label[("STAYS", date(2025, 6, 30))] is False  # outcome window ends 2025-09-30, the extract's end
    assert label[("STAYS", date(2025, 7, 31))] is None  # window ends after the extract: unknown
    known = frame.filter(pl.col("customer_id") == "STAYS")["label_known"].to_list()
    assert known == [True] * 6 + [False] * 3


def test_months_at_or_after_the_close_date_are_not_scored() -> None:
    # a row on the closing month-end itself: the customer is no longer open at that month-end
    frame = load_signals(make_db([history("C1", months=[0, 1, 2])], [customer("C1", close_date=date(2025, 3, 31))]))
    assert frame["month"].to_list() == [month_end(0), month_end(1)]


def test_thresholds_are_bound_parameters() -> None:
    txn = {"txn_count": [10, 10, 10, 4, 3, 2]}
    assert one("C1", **txn)["txn_drop_flag"].to_list()[5] is True  # -70 % passes the default 50 %
    db = make_db([history("C1", **txn)], [customer("C1")])
    strict = load_signals(db, replace(default_rules(), txn_drop=0.75))
    assert strict["txn_drop_flag"].to_list()[5] is False


def test_warning_score_adds_the_points_of_firing_signals() -> None:
    frame = one("C1", txn_count=[10, 10, 10, 0, 0, 0], complaints=[0, 0, 0, 0, 0, 1], digital_logins=[4] * 9)
    row = frame.row(5, named=True)
    # metrics.yaml rules.risk: transactions down 100 % (20) + complaint (20) + 3 inactive months (30) = 70, high;
    # logins unchanged
    assert (row["txn_drop_flag"], row["complaints_flag"], row["inactive_flag"], row["logins_drop_flag"]) == (
        True,
        True,
        True,
        False,
    )
    assert (row["warning_score"], row["warning_level"]) == (70, "high")
    # points are parameters, and the score is capped at 100: 20 + 20 + 100 = 140 → 100
    heavier = load_signals(
        make_db([history("C1", txn_count=[10, 10, 10, 0, 0, 0], complaints=[0, 0, 0, 0, 0, 1])], [customer("C1")]),
        replace(default_rules(), inactive_points=100),
    )
    assert heavier["warning_score"][5] == 100


def test_windows_come_from_the_rules() -> None:
    # complaints counted over 2 months by default: a complaint in month 3 still fires in month 4, not in month 5
    frame = one("C1", complaints=[0, 0, 0, 1, 0, 0])
    assert frame["complaints_flag"].to_list()[3:6] == [True, True, False]
    db = make_db([history("C1", complaints=[0, 0, 0, 1, 0, 0])], [customer("C1")])
    wider = load_signals(db, replace(default_rules(), complaint_months=3))
    assert wider["complaints_flag"].to_list()[3:7] == [True, True, True, False]
    # 4 inactive months needed instead of 3: months 3, 4, 5 silent give 3, so no flag at month 5
    silent = {"txn_count": [5, 5, 5, 0, 0, 0, 0]}
    strict = load_signals(
        make_db([history("C1", **silent)], [customer("C1")]), replace(default_rules(), inactive_months_min=4)
    )
    assert strict["inactive_flag"].to_list()[5:7] == [False, True]


def test_rules_are_read_from_metrics_yaml() -> None:
    model = load_semantic_model(PROJECT_ROOT / "metrics.yaml")
    rules = SignalRules.from_rules(model.rules)
    signals = model.rules.risk.signals
    assert rules == default_rules()
    assert (rules.txn_drop_points, rules.aum_drop_points, rules.complaints_points) == (
        signals.txn_drop.points,
        signals.aum_drop.points,
        signals.complaints.points,
    )
    assert (rules.closures_points, rules.inactive_points, rules.logins_drop_points) == (
        signals.closures.points,
        signals.inactive.points,
        signals.logins_drop.points,
    )
    assert (rules.level_medium, rules.level_high) == (model.rules.risk.levels.medium, model.rules.risk.levels.high)


def test_the_mart_and_the_churn_signals_give_one_warning_score() -> None:
    # The same SQL (churn/warning_signals.sql) feeds both: on the hand-made semantic fixture every open
    # customer-month has the same score, level and flags in the mart and in the churn signals
    model = load_semantic_model(PROJECT_ROOT / "metrics.yaml")
    db = fixture_database()
    marts.build_marts_in_memory(db, model.rules)
    columns = ["customer_id", "month", "warning_score", "warning_level", *FLAG_COLUMN.values()]
    mart = db.con.sql("select * from customer_month_facts").pl().select(columns)
    signals = load_signals(db, SignalRules.from_rules(model.rules)).select(columns)
    joined = signals.join(mart, on=["customer_id", "month"], how="left", suffix="_mart")
    # 93 customer-months, less C3's August row (closed on 2025-08-20, so not open at that month-end)
    assert signals.height == 92 and joined["warning_score_mart"].null_count() == 0
    for name in columns[2:]:
        assert joined[name].to_list() == joined[f"{name}_mart"].to_list(), name
    assert joined["warning_score"].max() == 50  # the fixture reaches the high level (C7, C2)


def test_month_filter_keeps_full_history_for_the_windows() -> None:
    db = make_db([history("C1", txn_count=[10, 10, 10, 4, 3, 2, 2, 2, 2])], [customer("C1")])
    frame = load_signals(db, first_month=month_end(5), last_month=month_end(5))
    assert frame["month"].to_list() == [month_end(5)]
    assert frame["txn_trend"][0] == pytest.approx(-0.70)


def test_sampling_keeps_whole_customers_and_is_seeded() -> None:
    ids = [f"C{i:03d}" for i in range(200)]
    db = make_db([history(cid) for cid in ids], [customer(cid) for cid in ids])
    half = load_signals(db, sample=Sample(seed=1, per_10000=5_000))
    kept = half["customer_id"].unique()
    assert 60 < kept.len() < 140
    assert half.group_by("customer_id").len()["len"].to_list() == [MONTHS] * kept.len()
    again = load_signals(db, sample=Sample(seed=1, per_10000=5_000))
    assert again["customer_id"].unique().sort().to_list() == kept.sort().to_list()
    other = load_signals(db, sample=Sample(seed=2, per_10000=5_000))
    assert other["customer_id"].unique().sort().to_list() != kept.sort().to_list()
    assert load_signals(db, sample=Sample(seed=1, per_10000=0)).is_empty()
    assert load_signals(db).height == 200 * MONTHS
