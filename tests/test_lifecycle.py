"""The lifecycle page's numbers on a hand-made bank, against an independent polars computation over the raw rows.

The bank: 2 branches, 15 customers, 12 month-ends 2025-01-31 .. 2025-12-31 (m = 0 .. 11).  AUM is at least 1,000
everywhere, so no soft churn; products and AUM are flat unless said otherwise.

Opened in 2025 (the cohort of the period 2025-01 .. 2025-12):
- A1 branch/B01, opened 2025-01-10, rows m0..11, transacts every month; 1 product, 2 from April → grown.
- A2 app/B02, opened 2025-01-30, rows m0..11, first transactions in April: 90 days (Apr 30 − Jan 30) → activated
  (one day inside the 90-day window).
- A3 app/B02, opened 2025-01-29, the same months as A2: 91 days → not activated (one day outside).
- A4 branch/B01, opened 2025-02-15, rows m1..5, transacts in February only, closed 2025-06-20 (with a June row)
  → churned 4 months after opening.
- A5 partner/B02, opened 2025-03-05, rows m2..11, first transactions in September → not activated; dormant from
  May, reactivated by December.
- A6 branch/B01, opened 2025-02-10, transacts every month but has NO row in May (3 months after opening): an
  extract gap → not retained at 3 months; counts again from June.
- A7 branch/B02, opened 2025-03-20, transacts every month; AUM 300,000 → 700,000 from August (mass → affluent)
  → grown.
- PN referral/B01, opened 2025-04-02: the reopened relationship of PO (same person, same id_number), AUM
  800,000 (affluent at entry).
- L1 app/B02, opened 2025-10-03: too recent to be observed at 3 or 6 months (not eligible).
Opened before 2025: PO (closed 2025-03-10, rows m0..2), B1 (always active), B2 (silent until July, then
transacts → dormant at June, reactivated by December), B3 (never transacts → dormant), B4 (closed 2025-09-15,
rows m0..8), G1 (no row in June, an extract gap).  Every closed customer has a row in the month of its close date,
so the churned month is the same whether a mart books a closure in that month or on the last row before it.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import openpyxl
import polars as pl
import pytest

from clientscope.cache import QUERY_CACHE
from clientscope.customer_list import CustomerSegment, rows_response
from clientscope.db import FULL_SCOPE, Database
from clientscope.export import workbook_bytes
from clientscope.lifecycle import api as lc
from clientscope.lifecycle.lists import SOURCE as LIFECYCLE_LIST
from clientscope.marts import build_marts_in_memory
from clientscope.reports import ReportRequest, builder
from clientscope.semantic import load_semantic_model
from clientscope.state import parse_query, to_query
from clientscope.view_context import build_page_context
from tests.conftest import REPO_ROOT
from tests.tiny_extracts import write_frames

MONTH_ENDS: tuple[date, ...] = tuple(
    date(2025 + (m == 11), (m + 1) % 12 + 1, 1) - date.resolution for m in range(12)
)  # 2025-01-31 .. 2025-12-31
ALL = range(12)


def _customer(cid, opened, channel, branch, *, closed=None, name=None, id_number=None):
    return {
        "customer_id": cid,
        "name": name,
        "phone": None,
        "id_number": id_number,
        "open_date": opened,
        "close_date": closed,
        "birth_year": 1985,
        "gender": "F",
        "city": "上海" if branch == "B01" else "北京",
        "branch_id": branch,
        "rm_id": "R01" if branch == "B01" else "R02",
        "acquisition_channel": channel,
        "risk_profile": "C3",
        "tags": [],
    }


CUSTOMERS = [
    _customer("A1", date(2025, 1, 10), "branch", "B01"),
    _customer("A2", date(2025, 1, 30), "app", "B02"),
    _customer("A3", date(2025, 1, 29), "app", "B02"),
    _customer("A4", date(2025, 2, 15), "branch", "B01", closed=date(2025, 6, 20)),
    _customer("A5", date(2025, 3, 5), "partner", "B02"),
    _customer("A6", date(2025, 2, 10), "branch", "B01"),
    _customer("A7", date(2025, 3, 20), "branch", "B02"),
    _customer("PN", date(2025, 4, 2), "referral", "B01", name="周敏", id_number="310101198501010022"),
    _customer("L1", date(2025, 10, 3), "app", "B02"),
    _customer("PO", date(2023, 5, 1), "referral", "B01", closed=date(2025, 3, 10), name="周敏",
              id_number="310101198501010022"),
    _customer("B1", date(2022, 6, 1), "branch", "B01"),
    _customer("B2", date(2021, 3, 1), "branch", "B02"),
    _customer("B3", date(2020, 1, 1), "app", "B01"),
    _customer("B4", date(2019, 1, 1), "branch", "B02", closed=date(2025, 9, 15)),
    _customer("G1", date(2018, 1, 1), "branch", "B01"),
]  # fmt: skip


def _history(cid, months, txn, aum=50_000.0, products=1):
    """Rows for the given month indices; txn/aum/products are a value or a function of the month index."""

    def value(v, m):
        return v(m) if callable(v) else v

    return [
        {"customer_id": cid, "m": m, "txn_count": value(txn, m), "aum_total": float(value(aum, m)),
         "products_held": value(products, m)}
        for m in months
    ]  # fmt: skip


HISTORY = [
    *_history("A1", ALL, 5, products=lambda m: 1 if m < 3 else 2),
    *_history("A2", ALL, lambda m: 0 if m < 3 else 4, aum=100_000),
    *_history("A3", ALL, lambda m: 0 if m < 3 else 4, aum=100_000),
    *_history("A4", range(1, 6), lambda m: 3 if m == 1 else 0, aum=20_000),
    *_history("A5", range(2, 12), lambda m: 0 if m < 8 else 2, aum=20_000),
    *_history("A6", [m for m in range(1, 12) if m != 4], 6, aum=40_000),
    *_history("A7", range(2, 12), 8, aum=lambda m: 300_000 if m < 7 else 700_000),
    *_history("PN", range(3, 12), 5, aum=800_000, products=2),
    *_history("L1", range(9, 12), 2, aum=10_000),
    *_history("PO", range(0, 3), 3, aum=60_000),
    *_history("B1", ALL, 9, aum=200_000, products=2),
    *_history("B2", ALL, lambda m: 0 if m < 7 else 3, aum=30_000),
    *_history("B3", ALL, 0, aum=50_000),
    *_history("B4", range(0, 9), 4, aum=90_000),
    *_history("G1", [m for m in ALL if m != 5], 7, aum=120_000),
]


def lifecycle_frames() -> dict[str, pl.DataFrame]:
    customers = pl.DataFrame(
        CUSTOMERS,
        schema_overrides={
            "close_date": pl.Date,
            "name": pl.Utf8,
            "phone": pl.Utf8,
            "id_number": pl.Utf8,
            "tags": pl.List(pl.String),
            "birth_year": pl.Int64,
        },
    )
    months = (
        pl.DataFrame(HISTORY)
        .with_columns(pl.col("m").replace_strict(dict(enumerate(MONTH_ENDS)), return_dtype=pl.Date).alias("month"))
        .with_columns(
            pl.col("aum_total").alias("deposits"),
            pl.lit(0.0).alias("wealth"),
            pl.lit(0.0).alias("insurance"),
            pl.lit(0.0).alias("loan_balance"),
            pl.lit(0.0).alias("card_spend"),
            (pl.col("txn_count") * 100.0).alias("txn_amount"),
            pl.lit(3).alias("digital_logins"),
            pl.lit(0).alias("complaints"),
        )
        .drop("m")
        .select(
            "customer_id", "month", "aum_total", "deposits", "wealth", "insurance", "loan_balance", "card_spend",
            "txn_count", "txn_amount", "digital_logins", "products_held", "complaints",
        )
    )  # fmt: skip
    return {
        "branches": pl.DataFrame(
            {
                "branch_id": ["B01", "B02"],
                "branch_name": ["静安支行", "朝阳支行"],
                "region": ["华东", "华北"],
                "city": ["上海", "北京"],
            }
        ),
        "relationship_managers": pl.DataFrame(
            {"rm_id": ["R01", "R02"], "rm_name": ["王芳", "李强"], "branch_id": ["B01", "B02"]}
        ),
        "customers": customers,
        "customer_months": months,
    }


@pytest.fixture(scope="module")
def model():
    return load_semantic_model(REPO_ROOT / "metrics.yaml")


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory, model):
    folder = tmp_path_factory.mktemp("lifecycle") / "bank"
    write_frames(folder, lifecycle_frames())
    db = Database.open(folder)
    build_marts_in_memory(db, model.rules)
    return db, folder


def context(bank, model, **query: str):
    db, folder = bank
    return build_page_context(db, model, folder, {"start": "2025-01", "end": "2025-12", **query}, FULL_SCOPE)


# --- the independent computation: polars over the raw rows, from the documented definitions --------------------


def raw_rows(rules) -> pl.DataFrame:
    """Every customer-month with offset, active, churned and growing decided from the raw extract rows."""
    frames = lifecycle_frames()
    customers = frames["customers"].select("customer_id", "open_date", "close_date", "acquisition_channel")
    # the floors in the currency of the data (a tier's min_aum may be one amount per currency)
    floors = sorted(rules.tiers.primary_floors(rules.currency), reverse=True)
    tier_rank = pl.lit(len(floors))
    for rank, floor in reversed(list(enumerate(floors, start=1))):
        tier_rank = pl.when(pl.col("aum_total") >= floor).then(rank).otherwise(tier_rank)
    lookback = rules.lifecycle.growing_lookback_months
    rows = (
        frames["customer_months"]
        .join(customers, on="customer_id")
        .with_columns(
            (pl.col("month").dt.year() * 12 + pl.col("month").dt.month()).alias("idx"),
            (pl.col("open_date").dt.year() * 12 + pl.col("open_date").dt.month()).alias("open_idx"),
            tier_rank.alias("tier_rank"),
        )
        .with_columns(
            (pl.col("idx") - pl.col("open_idx")).alias("offset"),
        )
    )
    back = rows.select(
        "customer_id", (pl.col("idx") + lookback).alias("idx"), pl.col("tier_rank").alias("tier_back"),
        pl.col("products_held").alias("products_back"),
    )  # fmt: skip
    closed = pl.col("close_date").is_not_null() & (pl.col("close_date") <= pl.col("month"))
    return (
        rows.join(back, on=["customer_id", "idx"], how="left")
        .with_columns(closed.alias("churned"))
        .with_columns(
            ((pl.col("txn_count") > 0) & ~pl.col("churned")).alias("active"),
            (
                (pl.col("tier_rank") < pl.col("tier_back")).fill_null(False)
                | (pl.col("products_held") > pl.col("products_back")).fill_null(False)
            ).alias("growing"),
        )
    )


def independent_members(rules, windows: lc.FunnelWindows, start: date, end: date) -> pl.DataFrame:
    """The cohort with each step reached (activated, ...) and `measurable_<step>`: the step's window and those of
    the steps before it have elapsed by the data's last month-end (complete windows only, docs/metrics.md)."""
    everyone = raw_rows(rules)
    as_of = everyone["month"].max()
    as_of_idx = as_of.year * 12 + as_of.month
    rows = everyone.filter(pl.col("open_date").is_between(start, end))

    def active_at(k: int) -> pl.Expr:
        return ((pl.col("offset") == k) & pl.col("active")).any()

    first = (
        rows.filter(pl.col("txn_count") > 0)
        .group_by("customer_id")
        .agg(pl.col("month").min().alias("first_month"), pl.col("offset").min().alias("first_offset"))
    )
    members = (
        rows.group_by("customer_id")
        .agg(
            pl.col("open_date").first(),
            pl.col("acquisition_channel").first(),
            active_at(windows.retain_early).alias("early"),
            active_at(windows.retain_late).alias("late"),
            (pl.col("growing") & pl.col("offset").is_between(1, windows.growth_months)).any().alias("grew"),
            (pl.col("churned") & (pl.col("offset") <= windows.churn_months)).any().alias("churned"),
        )
        .join(first, on="customer_id", how="left")
        .with_columns(
            ((pl.col("first_month") - pl.col("open_date")).dt.total_days() <= windows.activation_days)
            .fill_null(False)
            .alias("activated")
        )
        .with_columns(
            (pl.col("activated") & pl.col("early")).alias("retained_early"),
        )
        .with_columns((pl.col("retained_early") & pl.col("late")).alias("retained_late"))
        .with_columns((pl.col("retained_late") & pl.col("grew")).alias("grown"))
        .with_columns(
            (pl.lit(as_of) - pl.col("open_date")).dt.total_days().alias("days_seen"),
            (as_of_idx - pl.col("open_date").dt.year() * 12 - pl.col("open_date").dt.month()).alias("months_seen"),
        )
        .with_columns((pl.col("days_seen") >= windows.activation_days).alias("measurable_activated"))
        .with_columns(
            (pl.col("measurable_activated") & (pl.col("months_seen") >= windows.retain_early)).alias(
                "measurable_retained_early"
            ),
            (pl.col("measurable_activated") & (pl.col("months_seen") >= windows.retain_late)).alias(
                "measurable_retained_late"
            ),
            (
                pl.col("measurable_activated")
                & (pl.col("months_seen") >= max(windows.retain_late, windows.growth_months))
            ).alias("measurable_grown"),
            (pl.col("months_seen") >= windows.churn_months).alias("measurable_churned"),
        )
    )
    return members.sort("customer_id")


def counted(step: str) -> pl.Expr:
    """A customer counts for a step when measurable for it and reached it."""
    return pl.col(step) & pl.col(f"measurable_{step}")


def independent_measurable(members: pl.DataFrame) -> dict[str, int]:
    out = {"acquired": members.height}
    for step in ("activated", "retained_early", "retained_late", "grown", "churned"):
        out[step] = int(members[f"measurable_{step}"].sum())
    return out


def independent_funnel(members: pl.DataFrame) -> dict[str, int]:
    counts = {"acquired": members.height}
    for step in ("activated", "retained_early", "retained_late", "grown", "churned"):
        counts[step] = members.filter(counted(step)).height
    return counts


# --- funnel -------------------------------------------------------------------------------------------------------


def test_funnel_counts_equal_the_independent_computation_and_the_hand_count(bank, model) -> None:
    pc = context(bank, model)
    view = lc.lifecycle_view(pc)
    members = lc.cohort_members(pc, view)
    funnel = lc.funnel(members)
    page = dict(zip(funnel["step"], funnel["customers"], strict=True))
    windows = lc.funnel_windows(model)
    expected = independent_funnel(independent_members(model.rules, windows, date(2025, 1, 1), date(2025, 12, 31)))
    assert page == expected
    # by hand (see the module docstring).  Complete windows only: L1 (opened 2025-10-03) has been observed for
    # 89 days and 2 months by 2025-12-31, so it is measurable for no step and counts in none — it did transact in
    # October (activated within 28 days), which the funnel counted before the rule (7 activated, 7/9); now 6/8.
    assert page == {"acquired": 9, "activated": 6, "retained_early": 4, "retained_late": 4, "grown": 2, "churned": 1}
    assert sorted(members["customer_id"]) == ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "L1", "PN"]
    shares = dict(zip(funnel["step"], funnel["pct_start"], strict=True))
    previous = dict(zip(funnel["step"], funnel["pct_previous"], strict=True))
    assert shares["activated"] == pytest.approx(6 / 8)
    assert shares["retained_late"] == pytest.approx(4 / 8)
    assert shares["churned"] == pytest.approx(1 / 8)  # A4, of the 8 customers observed for 6 months
    assert previous["retained_early"] == pytest.approx(4 / 6)
    assert previous["grown"] == pytest.approx(2 / 4)
    assert previous["churned"] is None  # the outflow is not a step of the funnel
    measurable = dict(zip(funnel["step"], funnel["measurable"], strict=True))
    assert measurable == independent_measurable(independent_members(model.rules, windows, date(2025, 1, 1),
                                                                     date(2025, 12, 31)))  # fmt: skip
    assert measurable == {"acquired": 9, "activated": 8, "retained_early": 8, "retained_late": 8, "grown": 8,
                          "churned": 8}  # fmt: skip
    pending = dict(zip(funnel["step"], funnel["pending"], strict=True))
    assert pending == {"acquired": 0, "activated": 1, "retained_early": 1, "retained_late": 1, "grown": 1,
                       "churned": 1}  # fmt: skip


def test_funnel_windows_come_from_metrics_yaml(bank, model, tmp_path: Path) -> None:
    assert lc.funnel_windows(model) == lc.FunnelWindows(
        activation_days=90, retain_early=3, retain_late=6, growth_months=6, churn_months=6
    )
    text = (REPO_ROOT / "metrics.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("activation_days: 90 ", "activation_days: 30 "),
        ("retention_months: [3, 6]", "retention_months: [2, 4]"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    changed = load_semantic_model(_write(tmp_path / "metrics.yaml", text))
    windows = lc.funnel_windows(changed)
    assert windows == lc.FunnelWindows(activation_days=30, retain_early=2, retain_late=4, growth_months=6,
                                       churn_months=6)  # fmt: skip
    pc = context(bank, changed, lang="en")
    view = lc.lifecycle_view(pc)
    assert view.windows == windows
    members = lc.cohort_members(pc, view)
    page = dict(zip(lc.funnel(members)["step"], lc.funnel(members)["customers"], strict=True))
    assert page == independent_funnel(independent_members(changed.rules, windows, date(2025, 1, 1), date(2025, 12, 31)))
    # by hand (the default windows give 9, 7, 4, 4, 2, 1): 30 days activate A1, A4, A6, A7, PN, L1 (no longer A2,
    # at 90 days); active 2 months after opening: all of them but A4; 4 months after: A1, A6, A7, PN (not yet L1)
    assert page == {"acquired": 9, "activated": 6, "retained_early": 5, "retained_late": 4, "grown": 2, "churned": 1}
    # the labels and definitions on the page follow the configured windows
    labels = lc.step_labels("en", windows)
    assert (labels["retained_early"], labels["retained_late"]) == ("Retained at 2 months", "Retained at 4 months")
    definitions = lc.step_definitions(pc, windows)
    assert "at most 30 days after" in definitions["activated"]
    assert definitions["retained_late"].startswith("Retained at 2 months, and active 4 months after")
    assert lc.list_header(pc, view, "retained_late") == "Retained 4m"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_activation_window_edges_one_day_inside_and_one_day_outside(bank, model) -> None:
    pc = context(bank, model)
    members = lc.cohort_members(pc, lc.lifecycle_view(pc))
    row = {r["customer_id"]: r for r in members.iter_rows(named=True)}
    assert (row["A2"]["days_to_activate"], row["A2"]["activated"]) == (90, True)
    assert (row["A3"]["days_to_activate"], row["A3"]["activated"]) == (91, False)
    # a window of 89 days drops A2 as well; the independent computation agrees
    narrow = replace(lc.funnel_windows(model), activation_days=89)
    view = replace(lc.lifecycle_view(pc), windows=narrow)
    members = lc.cohort_members(pc, view)
    assert not members.filter(pl.col("customer_id") == "A2")["activated"][0]
    expected = independent_funnel(independent_members(model.rules, narrow, date(2025, 1, 1), date(2025, 12, 31)))
    assert dict(zip(lc.funnel(members)["step"], lc.funnel(members)["customers"], strict=True)) == expected


def test_reopened_relationship_is_a_new_acquisition_and_the_old_id_churns(bank, model) -> None:
    pc = context(bank, model)
    view = lc.lifecycle_view(pc)
    members = lc.cohort_members(pc, view)
    assert "PN" in members["customer_id"].to_list()  # the new id is acquired in April 2025
    assert "PO" not in members["customer_id"].to_list()  # the old id opened in 2023: not in the cohort
    pn = members.filter(pl.col("customer_id") == "PN").row(0, named=True)
    assert (pn["activated"], pn["retained_early"], pn["retained_late"]) == (True, True, True)
    assert pn["entry_tier"] == "affluent"
    # in the flow from January, the old relationship churns and the new one is acquired after A
    from_january = replace(view, flow_a="2025-01", flow_b="2025-12")
    flow = lc.stage_flow(pc, from_january)
    po = lc.drill_list(pc, from_january, lc.DrillTarget("flow", ("active", "churned")))
    assert "PO" in po.rows["customer_id"].to_list()
    not_yet = lc.drill_list(pc, from_january, lc.DrillTarget("flow", ("not_yet", "active")))
    assert "PN" in not_yet.rows["customer_id"].to_list()
    # opened after January: A4 (→ churned by December), A5, A6, A7, PN, L1
    assert flow.filter(pl.col("from_state") == "not_yet")["customers"].sum() == 6


def test_a_gap_in_the_months_is_not_retained_and_counts_again_when_rows_resume(bank, model) -> None:
    pc = context(bank, model)
    members = lc.cohort_members(pc, lc.lifecycle_view(pc))
    a6 = members.filter(pl.col("customer_id") == "A6").row(0, named=True)
    assert (a6["activated"], a6["retained_early"]) == (True, False)
    assert 3 not in a6["active_offsets"] and 4 in a6["active_offsets"]
    retention = lc.retention(members)
    february = retention.filter(pl.col("cohort") == date(2025, 2, 1))
    active = dict(zip(february["month_offset"], february["active"], strict=True))
    # February cohort: A4 (transacts in February only, churned in May) and A6 (gap in May)
    assert active[0] == 2 and active[3] == 0 and active[4] == 1
    drill = lc.drill_list(pc, lc.lifecycle_view(pc), lc.DrillTarget("cell", ("2025-02", "3")))
    rows = {r["customer_id"]: r for r in drill.rows.iter_rows(named=True)}
    assert rows["A6"]["active_at"] is False and rows["A6"]["aum_at"] is None


def test_funnel_by_channel_equals_the_independent_computation(bank, model) -> None:
    pc = context(bank, model)
    members = lc.cohort_members(pc, lc.lifecycle_view(pc))
    groups = lc.funnel_by(members, "acquisition_channel")
    independent = independent_members(model.rules, lc.funnel_windows(model), date(2025, 1, 1), date(2025, 12, 31))
    for channel in independent["acquisition_channel"].unique():
        expected = independent_funnel(independent.filter(pl.col("acquisition_channel") == channel))
        expected.pop("churned")
        page = groups.filter(pl.col("group") == channel)
        assert dict(zip(page["step"], page["customers"], strict=True)) == expected, channel
    branch = groups.filter(pl.col("group") == "branch")
    assert branch["customers"].to_list() == [4, 4, 2, 2, 2]  # A1, A4, A6, A7; A1 and A7 stay and grow


def test_filters_apply_to_customer_attributes_and_to_the_tier_at_entry(bank, model) -> None:
    pc = context(bank, model, channel="app")
    members = lc.cohort_members(pc, lc.lifecycle_view(pc))
    assert sorted(members["customer_id"]) == ["A2", "A3", "L1"]
    pc = context(bank, model, tier="affluent")
    members = lc.cohort_members(pc, lc.lifecycle_view(pc))
    assert members["customer_id"].to_list() == ["PN"]  # A7 becomes affluent later but entered as mass
    pc = context(bank, model, **{"x.acquisition_channel": "partner"})
    assert lc.cohort_members(pc, lc.lifecycle_view(pc))["customer_id"].to_list() == ["A5"]


# --- retention ----------------------------------------------------------------------------------------------------


def test_cohort_retention_equals_the_independent_computation(bank, model) -> None:
    pc = context(bank, model)
    retention = lc.retention(lc.cohort_members(pc, lc.lifecycle_view(pc)))
    rows = raw_rows(model.rules).filter(pl.col("open_date").dt.year() == 2025)
    rows = rows.with_columns(pl.col("open_date").dt.truncate("1mo").alias("cohort"))
    sizes = rows.group_by("cohort").agg(pl.col("customer_id").n_unique().alias("size"))
    last_idx = 2025 * 12 + 12
    expected = {}
    for cohort, size in sizes.iter_rows():
        cohort_rows = rows.filter(pl.col("cohort") == cohort)
        base = cohort_rows.filter((pl.col("offset") == 0) & ~pl.col("churned"))["aum_total"].sum()
        for k in range(last_idx - (cohort.year * 12 + cohort.month) + 1):
            at_k = cohort_rows.filter(pl.col("offset") == k)
            active = at_k.filter(pl.col("active")).height
            aum = at_k.filter(~pl.col("churned"))["aum_total"].sum()
            expected[(cohort, k)] = (size, active, active / size, aum / base)
    page = {
        (r["cohort"], r["month_offset"]): (r["cohort_size"], r["active"], r["active_share"], r["aum_share"])
        for r in retention.iter_rows(named=True)
    }
    assert page.keys() == expected.keys()
    for key, values in expected.items():
        assert page[key][:2] == values[:2], key
        assert page[key][2:] == pytest.approx(values[2:]), key
    # by hand: the January cohort (A1, A2, A3) — A1 active from month 0, A2 and A3 from month 3
    assert [page[(date(2025, 1, 1), k)][1] for k in range(5)] == [1, 1, 1, 3, 3]
    # the March cohort's AUM (A5 20,000 + A7 300,000) grows to 720,000 when A7 reaches 700,000 in August
    assert page[(date(2025, 3, 1), 5)][3] == pytest.approx(720_000 / 320_000)


# --- stage flow, time to activate, stage mix ---------------------------------------------------------------------


def test_stage_flow_from_june_to_december_by_hand(bank, model) -> None:
    pc = context(bank, model, **{"p.flow_a": "2025-06", "p.flow_b": "2025-12"})
    view = lc.lifecycle_view(pc)
    flow = lc.stage_flow(pc, view)
    links = {(r["from_state"], r["to_state"]): r["customers"] for r in flow.iter_rows(named=True)}
    assert links == {
        ("growing", "active"): 1,  # A1: more products than 3 months before in June
        ("active", "active"): 5,  # A2, A3, A6, A7, B1
        ("dormant", "reactivated"): 2,  # A5, B2
        ("dormant", "dormant"): 1,  # B3
        ("new", "active"): 1,  # PN opened 2025-04-02: 89 days before June 30
        ("not_yet", "new"): 1,  # L1
        ("active", "churned"): 1,  # B4 closed in September
        ("gap", "active"): 1,  # G1 has no June row
        ("churned", "churned"): 1,  # A4 closed in June (its June row is the closure month)
    }
    react = lc.reactivation(flow)
    assert (react.dormant, react.reactivated) == (3, 2) and react.rate == pytest.approx(2 / 3)
    # the drill list behind every link has exactly the link's customers (flow.sql and flow_customers.sql agree)
    for (source, target), count in links.items():
        assert lc.drill_list(pc, view, lc.DrillTarget("flow", (source, target))).total == count


def test_time_to_activate_histogram(bank, model) -> None:
    pc = context(bank, model)
    histogram = lc.activation_histogram(lc.cohort_members(pc, lc.lifecycle_view(pc)))
    rows = {r["bucket"]: (r["within"], r["after"]) for r in histogram.iter_rows(named=True)}
    # month 0: A1, A4, A6, A7, PN, L1; month 3: A2 (90 days, inside) and A3 (91 days, after); A5 in month 6
    assert rows == {"0": (6, 0), "1": (0, 0), "2": (0, 0), "3": (1, 1), "4": (0, 0), "5": (0, 0), "6": (0, 1),
                    "none": (0, 0)}  # fmt: skip


def test_stage_mix_counts_every_customer_on_the_books(bank, model) -> None:
    pc = context(bank, model)
    mix = lc.stage_mix(pc, lc.lifecycle_view(pc))
    per_month = mix.group_by("period").agg(pl.col("customers").sum(), pl.col("share").sum()).sort("period")
    rows = lifecycle_frames()["customer_months"].group_by("month").len().sort("month")
    assert per_month["customers"].to_list() == rows["len"].to_list()
    assert per_month["share"].to_list() == pytest.approx([1.0] * 12)
    june = mix.filter(pl.col("period") == date(2025, 6, 1))
    assert dict(zip(june["stage"], june["customers"], strict=True))["dormant"] == 3  # A5, B2, B3


# --- drill lists and clicks ---------------------------------------------------------------------------------------


def test_clicks_become_drill_targets_in_the_url(bank, model) -> None:
    pc = context(bank, model)
    click = {"points": [{"customdata": ["2025-02", 3, "0", "2"]}]}
    target = lc.target_from_click("heatmap", click)
    assert target == lc.DrillTarget("cell", ("2025-02", "3"))
    query = to_query(lc.with_target(pc.state, target))
    assert "p.list=cell%3A2025-02%3A3" in query
    again = context(bank, model, **{"p.list": "cell:2025-02:3"})
    assert lc.lifecycle_view(again).target == target
    assert lc.target_from_click("funnel", {"points": [{"customdata": ["grown", "2"]}]}) == lc.DrillTarget(
        "step", ("grown",)
    )
    assert lc.target_from_click("flow", {"points": [{"customdata": ["dormant", "reactivated", "2", "67%"]}]}) == (
        lc.DrillTarget("flow", ("dormant", "reactivated"))
    )
    assert lc.target_from_click("activation", {"points": [{"customdata": ["none"]}]}) == lc.DrillTarget(
        "act", ("none",)
    )
    assert lc.target_from_click("mix", {"points": [{"customdata": ["2025-06", "dormant", "3"]}]}) == (
        lc.DrillTarget("mix", ("2025-06", "dormant"))
    )
    assert lc.DrillTarget.parse("step:nonsense") is None and lc.DrillTarget.parse("cell:2025-13:1") is None


def test_drill_lists_for_each_target(bank, model) -> None:
    pc = context(bank, model)
    view = lc.lifecycle_view(pc)
    ids = {
        "step:grown": ["A1", "A7"],
        "step:churned": ["A4"],
        "act:6": ["A5"],
        "act:3": ["A2", "A3"],
        "mix:2025-06:dormant": ["A5", "B2", "B3"],
    }
    for raw, expected in ids.items():
        drill = lc.drill_list(pc, view, lc.DrillTarget.parse(raw))
        assert sorted(drill.rows["customer_id"]) == expected, raw
        assert drill.total == len(expected)
    whole = lc.drill_list(pc, view)
    assert whole.total == 9


def test_grid_pages_sort_translate_and_link(bank, model) -> None:
    pc = context(bank, model, lang="en", **{"p.list": "step:activated"})
    segment = CustomerSegment(source=LIFECYCLE_LIST)
    request = {"startRow": 0, "endRow": 3, "sortModel": [{"colId": "open_date", "sort": "desc"}]}
    response, _ = rows_response(pc, segment, request, "lifecycle")
    # the activated step's customers: measurable ones only (L1, too young for the 90-day window, is not listed)
    assert response["rowCount"] == 6
    assert [r["id"] for r in response["rowData"]] == ["PN", "A7", "A4"]
    # the link carries the view (the drill target too) and leads back to the page
    back = to_query(pc.state.with_option("back", "lifecycle"))
    assert response["rowData"][0]["customer_id"] == f"[PN](/customers/PN{back})"
    assert response["rowData"][2]["acquisition_channel"] == "Branch"
    assert response["rowData"][0]["acquisition_channel"] == "Referral"
    assert response["rowData"][0]["entry_tier"] == "Affluent"
    assert response["rowData"][0]["open_date"] == "2025-04-02"
    second, _ = rows_response(pc, segment, {"startRow": 3, "endRow": 6, "sortModel": []}, "lifecycle")
    assert len(second["rowData"]) == 3 and second["rowCount"] == 6
    # without a sort (or with an unknown column) the list keeps its own order
    whole, _ = rows_response(pc, segment, {"startRow": 0, "endRow": 6}, "lifecycle")
    unsorted = [r["id"] for r in whole["rowData"]]
    assert unsorted == lc.drill_list(pc, lc.lifecycle_view(pc)).rows["customer_id"].to_list()
    bad = {"startRow": 0, "endRow": 6, "sortModel": [{"colId": "x; drop", "sort": "asc"}]}
    assert [r["id"] for r in rows_response(pc, segment, bad, "lifecycle")[0]["rowData"]] == unsorted


# --- the workbook -------------------------------------------------------------------------------------------------


def test_workbook_opens_and_its_funnel_sheet_equals_the_page(bank, model) -> None:
    pc = context(bank, model, lang="en", **{"p.flow_a": "2025-06"})
    spec = builder("lifecycle")(ReportRequest(pc, datetime(2026, 1, 5, 9, 0)))
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(spec)))
    sheet = book["Funnel"]
    assert [c.value for c in sheet[3]] == [
        "Step", "Customers", "% of measurable", "% of previous step", "Measurable", "Not yet measurable",
    ]  # fmt: skip
    view = lc.lifecycle_view(pc)
    funnel = lc.funnel(lc.cohort_members(pc, view))
    labels = lc.step_labels("en", view.windows)
    expected = [
        [labels[r["step"]], r["customers"], r["pct_start"], r["pct_previous"], r["measurable"], r["pending"]]
        for r in funnel.iter_rows(named=True)
    ]
    written = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=3 + funnel.height)]
    assert len(written) == len(expected)
    for got, want in zip(written, expected, strict=True):
        assert got[0] == want[0] and got[1] == want[1] and got[4] == want[4] and got[5] == want[5]
        assert got[2] == pytest.approx(want[2]) and (got[3] == pytest.approx(want[3]) if want[3] else got[3] is None)
    assert sheet["C4"].number_format == "0.0%"
    # the note names how many are not yet measurable for each step (L1, opened 2025-10-03)
    assert "Not yet measurable (window not elapsed, left out of the rates): Activated 1, " in sheet["A2"].value
    assert {"Funnel by group", "Cohort retention", "Stage flow", "Time to activate", "Stage mix", "Customers",
            "Step definitions"} <= set(book.sheetnames)  # fmt: skip
    flow = book["Stage flow"]
    assert "2 of 3" in flow["A2"].value  # the reactivation rate in the note
    customers = book["Customers"]
    assert customers.max_row == 3 + 9  # title, note, header, the 9 customers of the cohort


def test_workbook_of_an_empty_cohort_still_opens(bank, model) -> None:
    pc = context(bank, model, tier="private")  # nobody enters as private banking
    spec = builder("lifecycle")(ReportRequest(pc, datetime(2026, 1, 5, 9, 0)))
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(spec)))
    assert book.worksheets[1].cell(4, 2).value == 0  # acquired 0


def test_fixture_has_no_soft_churn() -> None:
    """The independent computation decides churn from close dates only; keep AUM above the 1,000 floor."""
    assert min(row["aum_total"] for row in HISTORY) >= 1_000


def test_the_cohort_frame_is_cached_per_data_version(bank, model) -> None:
    """The cohort frame and the served cells come from the one bounded query cache (a second ask is a hit)."""
    pc = context(bank, model)
    view = lc.lifecycle_view(pc)
    first = lc.cohort_members(pc, view)
    hits = QUERY_CACHE.stats().hits
    assert lc.cohort_members(pc, view).equals(first)
    assert QUERY_CACHE.stats().hits == hits + 1
    cells = lc.cohort_cells(pc, view)
    hits = QUERY_CACHE.stats().hits
    assert lc.cohort_cells(pc, view).funnel.equals(cells.funnel)
    assert QUERY_CACHE.stats().hits == hits + 2  # the cohort's cells and the retention inputs


# --- cross-filters: every chart's click narrows the other charts and lists its customers ---------------------------

GROUP_CLICK = {"points": [{"customdata": ["partner", "activated", "1", "—", "1"]}]}
CLICKS: list[tuple[str, dict, dict[str, str], str]] = [
    # chart, the click as dcc.Graph reports it, the cross-filter it sets, the customer list it shows
    ("funnel", {"points": [{"customdata": ["grown", "2", "22%", "50%", "8"]}]}, {"step": "grown"}, "step:grown"),
    ("groups", GROUP_CLICK, {"acquisition_channel": "partner"}, "step:activated"),
    # a heatmap cell arrives without its customdata: its row (cohort) and column (month offset)
    ("heatmap", {"points": [{"x": "3", "y": "2025-02", "z": 0.5, "curveNumber": 0}]}, {"cohort": "2025-02"},
     "cell:2025-02:3"),
    ("activation", {"points": [{"customdata": ["none"]}]}, {"activation": "none"}, "act:none"),
    # a Sankey link arrives with its label, "from|to"
    ("flow", {"points": [{"label": "dormant|reactivated", "value": 2, "pointNumber": 3}]},
     {"flow": "dormant:reactivated"}, "flow:dormant:reactivated"),
    ("mix", {"points": [{"customdata": ["2025-06", "dormant", "3"]}]}, {"stage": "dormant"}, "mix:2025-06:dormant"),
]  # fmt: skip


@pytest.mark.parametrize(("chart", "click", "cross", "target"), CLICKS, ids=[c[0] for c in CLICKS])
def test_a_click_sets_a_cross_filter_and_the_list_and_a_second_click_undoes_it(
    bank, model, chart: str, click: dict, cross: dict[str, str], target: str
) -> None:
    pc = context(bank, model, lang="en")
    clicked = lc.click_state(pc.state, chart, click)
    assert clicked is not None
    assert dict(clicked.cross) == cross and dict(clicked.options) == {"list": target}
    query = to_query(clicked)
    dimension, value = next(iter(cross.items()))
    assert f"x.{dimension}={quote(value)}" in query and "p.list=" in query
    # the page accepts what the click wrote (the allow-lists of clientscope/view_context.py), and shows it as a chip
    again = context(bank, model, **parse_query(query))
    assert again.notices == () and dict(again.state.cross) == cross
    view = lc.lifecycle_view(again)
    assert view.target == lc.DrillTarget.parse(target)
    chip = lc.cross_value_labels(again, view).get(dimension, {}).get(value, value)  # as filter_bar.chips reads it
    assert chip != value or dimension == "cohort"  # a month is its own label
    # the same point again removes the filter and the list (as every cross-filter toggles, decision 14)
    assert lc.click_state(clicked, chart, click) == pc.state


def test_clicks_that_mean_nothing_change_nothing(bank, model) -> None:
    state = context(bank, model).state
    assert lc.click_state(state, "flow", {"points": [{"label": "Dormant (2025-06)", "value": 3}]}) is None  # a node
    assert lc.click_state(state, "groups", {"points": [{"customdata": ["", "activated"]}]}) is None  # unknown group
    assert lc.click_state(state, "heatmap", {"points": []}) is None
    assert lc.click_state(state, "mix", {"points": [{"customdata": []}]}) is None
    assert lc.click_state(state, "funnel", None) is None
    assert lc.click_state(state, "elsewhere", GROUP_CLICK) is None
    # the funnel's first bar is the whole cohort: it lists the cohort and removes a step filter
    stepped = state.with_cross("step", "grown")
    acquired = lc.click_state(stepped, "funnel", {"points": [{"customdata": ["acquired", "9"]}]})
    assert acquired is not None and dict(acquired.cross) == {} and acquired.options == {"list": "step:acquired"}
    # the funnel by group filters by the dimension it compares
    by_tier = lc.click_state(replace(state, dim="tier"), "groups", {"points": [{"customdata": ["mass", "grown"]}]})
    assert by_tier is not None and dict(by_tier.cross) == {"tier": "mass"}


def test_cross_filter_values_the_data_does_not_have_are_dropped_with_a_notice(bank, model) -> None:
    bad = {"x.cohort": "2019-01", "x.step": "acquired", "x.activation": "99", "x.flow": "dormant:nowhere",
           "x.stage": "asleep"}  # fmt: skip
    pc = context(bank, model, **bad)
    assert dict(pc.state.cross) == {}
    assert sorted((n.key, n.value, n.reason) for n in pc.notices) == sorted(
        (key, value, "unknown_value") for key, value in bad.items()
    )
    # a click whose value is not in the data: the URL carries it, the page drops it with the same notice
    clicked = lc.click_state(pc.state, "heatmap", {"points": [{"x": "0", "y": "2019-01", "z": 0.1}]})
    again = context(bank, model, **parse_query(to_query(clicked)))
    assert dict(again.state.cross) == {}
    assert [(n.key, n.reason) for n in again.notices] == [("x.cohort", "unknown_value")]
    view = lc.lifecycle_view(again)
    assert lc.cohort_frames(again, view).funnel.height == 9  # the whole cohort, unfiltered
    assert lc.drill_list(again, view).total == 0  # the list of that cohort (p.list=cell:2019-01:0): empty, no error


def test_the_page_s_own_cross_filters_never_reach_a_metric_query(bank, model) -> None:
    pc = context(bank, model, **{"x.cohort": "2025-02", "x.step": "grown", "x.stage": "dormant"})
    assert set(pc.metric_filters()) == {"stage"}  # a metrics.yaml dimension; the page's own ones are left out
    view = lc.lifecycle_view(pc)
    assert view.ignored == () and view.filters.dimensions == ()  # the stage is applied to the cohort, not in SQL
    assert dict(view.cohort_cross) == {"cohort": "2025-02", "step": "grown", "stage": "dormant"}
    # the stage mix highlights the stage rather than filtering itself to it: every stage is still there
    assert set(lc.stage_mix(pc, view)["stage"]) == {"new", "active", "growing", "inactive", "dormant", "churned"}


def _ids(frame: pl.DataFrame) -> list[str]:
    return sorted(frame["customer_id"].to_list())


def independent_retention(rules, ids: list[str]) -> dict[tuple[date, int], tuple[int, int]]:
    """(cohort, k) → (cohort size, customers active k months after opening) for the given 2025 customers."""
    rows = raw_rows(rules).filter(pl.col("customer_id").is_in(ids))
    rows = rows.with_columns(pl.col("open_date").dt.truncate("1mo").alias("cohort"))
    out = {}
    for (cohort,), group in rows.group_by("cohort"):
        size = group["customer_id"].n_unique()
        for k in range(2025 * 12 + 12 - (cohort.year * 12 + cohort.month) + 1):
            out[(cohort, k)] = (size, group.filter((pl.col("offset") == k) & pl.col("active")).height)
    return out


def independent_histogram(members: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """bucket → (activated within the window, first transaction after it), buckets with customers only."""
    out: dict[str, tuple[int, int]] = {}
    for row in members.iter_rows(named=True):
        bucket = lc.NOT_ACTIVATED if row["first_offset"] is None else str(row["first_offset"])
        within, after = out.get(bucket, (0, 0))
        out[bucket] = (within + 1, after) if row["activated"] else (within, after + 1)
    return out


COHORT_FEBRUARY = pl.col("open_date").dt.strftime("%Y-%m") == "2025-02"
NARROWING: list[dict[str, tuple[str, pl.Expr]]] = [
    # cross-filter → (its value, which customers it keeps, decided from the independent computation's columns)
    {"cohort": ("2025-02", COHORT_FEBRUARY)},
    {"step": ("retained_early", counted("retained_early"))},
    {"step": ("churned", counted("churned"))},
    {"activation": ("0", pl.col("first_offset") == 0)},
    {"acquisition_channel": ("branch", pl.col("acquisition_channel") == "branch")},
    {"cohort": ("2025-01", pl.col("open_date").dt.month() == 1), "activation": ("3", pl.col("first_offset") == 3)},
    {"cohort": ("2025-02", COHORT_FEBRUARY), "step": ("activated", counted("activated"))},
]


@pytest.mark.parametrize("filters", NARROWING, ids=[",".join(f"{d}={v}" for d, (v, _) in f.items()) for f in NARROWING])
def test_cross_filters_narrow_the_other_charts_like_the_independent_computation(
    bank, model, filters: dict[str, tuple[str, pl.Expr]]
) -> None:
    pc = context(bank, model, **{f"x.{dim}": value for dim, (value, _) in filters.items()})
    view = lc.lifecycle_view(pc)
    frames = lc.cohort_frames(pc, view)
    everyone = independent_members(model.rules, view.windows, date(2025, 1, 1), date(2025, 12, 31))

    def kept(*skip: str) -> pl.DataFrame:
        """The customers every filter but `skip` keeps (a chart highlights its own filter instead of applying it)."""
        return everyone.filter(pl.lit(True), *(condition for dim, (_, condition) in filters.items() if dim not in skip))

    assert kept().height  # each case keeps someone
    assert _ids(frames.listed) == _ids(kept())
    assert lc.drill_list(pc, view).total == kept().height  # the customer list
    assert _ids(frames.funnel) == _ids(kept("step"))
    assert _ids(frames.retention) == _ids(kept("cohort"))
    assert _ids(frames.activation) == _ids(kept("activation"))
    assert _ids(frames.groups) == _ids(kept("step", "acquisition_channel"))  # the funnel by channel (the default)
    funnel = lc.funnel(frames.funnel)
    assert dict(zip(funnel["step"], funnel["customers"], strict=True)) == independent_funnel(kept("step"))
    retention = lc.retention(frames.retention)
    cells = {(r["cohort"], r["month_offset"]): (r["cohort_size"], r["active"]) for r in retention.iter_rows(named=True)}
    assert cells == independent_retention(model.rules, kept("cohort")["customer_id"].to_list())
    histogram = lc.activation_histogram(frames.activation).filter(pl.col("customers") > 0)
    buckets = {r["bucket"]: (r["within"], r["after"]) for r in histogram.iter_rows(named=True)}
    assert buckets == independent_histogram(kept("activation"))


def test_a_flow_cross_filter_keeps_the_cohort_customers_who_made_that_move(bank, model) -> None:
    months = {"p.flow_a": "2025-06", "p.flow_b": "2025-12"}
    everyone = independent_members(model.rules, lc.funnel_windows(model), date(2025, 1, 1), date(2025, 12, 31))
    cohort = set(everyone["customer_id"])
    # by hand (test_stage_flow_from_june_to_december_by_hand): A2, A3, A6, A7 and B1 are active in June and December
    moves = {"active:active": ["A2", "A3", "A6", "A7"], "not_yet:new": ["L1"], "dormant:reactivated": ["A5"],
             "churned:churned": ["A4"], "growing:active": ["A1"], "gap:active": []}  # fmt: skip
    for move, expected in moves.items():
        pc = context(bank, model, **months, **{"x.flow": move})
        view = lc.lifecycle_view(pc)
        frames = lc.cohort_frames(pc, view)
        assert _ids(frames.listed) == expected, move
        movers = lc.drill_list(pc, view, lc.DrillTarget.parse(f"flow:{move}")).rows["customer_id"].to_list()
        assert _ids(frames.listed) == sorted(cohort & set(movers)), move  # the Sankey's own list, within the cohort
        funnel = lc.funnel(frames.funnel)
        members = everyone.filter(pl.col("customer_id").is_in(expected))
        assert dict(zip(funnel["step"], funnel["customers"], strict=True)) == independent_funnel(members), move
        assert lc.stage_flow(pc, view).height == lc.stage_flow(context(bank, model, **months), view).height


def test_a_stage_cross_filter_keeps_the_cohort_customers_in_that_stage_at_the_latest_month(bank, model) -> None:
    everyone = independent_members(model.rules, lc.funnel_windows(model), date(2025, 1, 1), date(2025, 12, 31))
    cohort = set(everyone["customer_id"])
    # by hand at 2025-12: L1 opened 89 days before (new); A4 closed in June (left: churned); the others transact
    expected = {"active": ["A1", "A2", "A3", "A5", "A6", "A7", "PN"], "new": ["L1"], "churned": ["A4"], "dormant": []}
    for stage, ids in expected.items():
        pc = context(bank, model, **{"x.stage": stage})
        view = lc.lifecycle_view(pc)
        frames = lc.cohort_frames(pc, view)
        assert _ids(frames.listed) == ids, stage
        if stage != "churned":  # the stage mix's own list at the latest month, within the cohort, agrees
            at_end = lc.drill_list(pc, view, lc.DrillTarget("mix", ("2025-12", stage))).rows["customer_id"]
            assert ids == sorted(cohort & set(at_end.to_list())), stage
        funnel = lc.funnel(frames.funnel)
        members = everyone.filter(pl.col("customer_id").is_in(ids))
        assert dict(zip(funnel["step"], funnel["customers"], strict=True)) == independent_funnel(members), stage
    # the mix's list of another month ignores the stage filter and takes the clicked stage (June: A5, B2, B3)
    pc = context(bank, model, **{"x.stage": "active", "p.list": "mix:2025-06:dormant"})
    assert _ids(lc.drill_list(pc, lc.lifecycle_view(pc)).rows) == ["A5", "B2", "B3"]


def test_the_workbook_shows_the_page_s_cross_filters(bank, model) -> None:
    pc = context(bank, model, lang="en", **{"x.cohort": "2025-02", "x.step": "grown", "p.list": "step:grown"})
    spec = builder("lifecycle")(ReportRequest(pc, datetime(2026, 1, 5, 9, 0)))
    assert ("Cross-filter · Opening-month cohort", "2025-02") in spec.filters
    assert ("Cross-filter · Funnel step", "Grown") in spec.filters
    funnel = next(s for s in spec.sheets if s.name == "Funnel")
    assert dict(zip(funnel.rows["step"], funnel.rows["customers"], strict=True))["acquired"] == 2  # A4 and A6
    customers = next(s for s in spec.sheets if s.name == "Customers")
    assert customers.rows.height == 0  # neither of February's customers grew


def _texts(component) -> list[str]:
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [text for child in component for text in _texts(child)]
    children = getattr(component, "children", None)
    return _texts(children) if children is not None else []


def _rendered(module, query: dict[str, str]) -> list:
    """The page as the browser gets it: every section rendered from the query (the layout holds empty slots)."""
    from clientscope.components.sections import FRAME, render_for

    return [render_for(module.PATH, name, query, None)[0] for name in (FRAME, *module.SECTION_NAMES)]


def _graphs(component) -> dict[str, dict]:
    """chart name → figure of every lifecycle chart in a layout."""
    found: dict[str, dict] = {}
    stack = [component]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        if isinstance(getattr(item, "id", None), dict) and item.id.get("type") == "lifecycle-chart":
            found[item.id["chart"]] = item.figure
        children = getattr(item, "children", None)
        if children is not None:
            stack.append(children)
    return found


def test_the_page_shows_chips_highlights_and_says_what_the_all_customer_charts_leave_out(bank, model, dash_app) -> None:
    import sys

    import flask

    from clientscope import runtime

    del dash_app  # registers the pages
    module = next(m for name, m in sys.modules.items() if name.endswith("pages.lifecycle"))
    db, folder = bank
    server = flask.Flask("lifecycle-test")
    runtime.attach(server, runtime.AppContext(folder, False, db, model))
    query = {"start": "2025-01", "end": "2025-12", "lang": "en", "p.flow_a": "2025-06", "x.cohort": "2025-02",
             "x.step": "activated", "x.activation": "0", "x.flow": "active:active", "x.stage": "active",
             "x.acquisition_channel": "branch"}  # fmt: skip
    with server.test_request_context():
        layout = _rendered(module, query)
    text = " ".join(_texts(layout))
    for chip in ("Opening-month cohort: 2025-02", "Funnel step: Activated", "First transaction: 0 months after opening",
                 "Stage flow: 2025-06: Active → 2025-12: Active", "Lifecycle stage: Active",
                 "Acquisition channel: Branch"):  # fmt: skip
        assert chip in text, chip
    narrowed = "All customers: not narrowed by Opening-month cohort, Funnel step, First transaction, "
    assert narrowed + "Lifecycle stage" in text  # the stage flow
    assert narrowed + "Stage flow" in text  # the stage mix
    assert "Lifecycle-stage filter: the cohort customers in that stage at 2025-12" in text
    assert "Not applied on this page" not in text
    graphs = _graphs(layout)
    assert set(graphs) == {"funnel", "groups", "heatmap", "flow", "activation", "mix"}
    # each chart highlights its own filter: the other points fade
    funnel = graphs["funnel"]["data"][0]
    assert list(funnel["marker"]["opacity"]) == [0.3, 1.0, 0.3, 0.3, 0.3, 0.3]
    groups = {trace["customdata"][0][0]: trace["opacity"] for trace in graphs["groups"]["data"]}
    assert groups == {"branch": 1.0}  # A6 is the only February customer left by the other filters
    shape = graphs["heatmap"]["layout"]["shapes"][0]
    rows = graphs["heatmap"]["data"][0]["y"]
    assert rows[round(shape["y0"] + 0.5)] == "2025-02"
    mix = {trace["customdata"][0][1]: trace["opacity"] for trace in graphs["mix"]["data"]}
    assert mix["active"] == 1.0 and {v for k, v in mix.items() if k != "active"} == {0.3}
    activation = graphs["activation"]["data"][0]
    assert list(activation["marker"]["opacity"])[:2] == [1.0, 0.3] and activation["customdata"][0] == ["0"]
    links = graphs["flow"]["data"][0]["link"]
    selected = links["label"].index("active|active")
    assert links["color"][selected].endswith(",0.8)") and all(
        colour.endswith(",0.12)") for i, colour in enumerate(links["color"]) if i != selected
    )
    # the funnel by channel keeps every channel when only its own filter is set, and highlights the clicked one
    with server.test_request_context():
        layout = _rendered(module, {"start": "2025-01", "end": "2025-12", "x.acquisition_channel": "branch"})
    groups = {trace["customdata"][0][0]: trace["opacity"] for trace in _graphs(layout)["groups"]["data"]}
    assert groups == {"branch": 1.0, "app": 0.3, "partner": 0.3, "referral": 0.3}


def test_cross_filters_on_the_demo_bank_equal_a_polars_computation_over_the_extracts(demo_db, demo_data) -> None:
    """On the session's demo bank (soft churn, closures, gaps): the cohort of a heatmap row and of a
    time-to-activate bar, from the raw extract files."""
    db, model = demo_db
    customers = pl.read_parquet(
        demo_data / "customers" / "*.parquet", columns=["customer_id", "open_date", "close_date"]
    )
    months = pl.read_parquet(demo_data / "customer_months" / "*.parquet", columns=["customer_id", "month", "txn_count"])
    rows = months.join(customers, on="customer_id").with_columns(
        (
            pl.col("month").dt.year() * 12 + pl.col("month").dt.month()
            - pl.col("open_date").dt.year() * 12 - pl.col("open_date").dt.month()
        ).alias("offset"),
        (pl.col("open_date").dt.strftime("%Y-%m")).alias("cohort"),
        ((pl.col("txn_count") > 0) & ~(pl.col("close_date") <= pl.col("month")).fill_null(False)).alias("active"),
    )  # fmt: skip
    first = (
        rows.filter(pl.col("txn_count") > 0).group_by("customer_id").agg(pl.col("month").min(), pl.col("offset").min())
    )
    data_months = sorted(months["month"].dt.strftime("%Y-%m").unique().to_list())
    period = {"start": data_months[0], "end": data_months[-1]}
    opened = pl.col("open_date").dt.strftime("%Y-%m")
    cohort = customers.filter(opened.is_between(pl.lit(period["start"]), pl.lit(period["end"]))).join(
        first, on="customer_id", how="left"
    )
    windows = lc.funnel_windows(model)
    cohort = cohort.with_columns(
        ((pl.col("month") - pl.col("open_date")).dt.total_days() <= windows.activation_days)
        .fill_null(False)
        .alias("ok")
    )
    biggest = cohort.group_by(pl.col("open_date").dt.strftime("%Y-%m").alias("m")).len().sort("len")["m"][-1]

    # x.cohort: the funnel, time to activate and the customer list keep that opening month; the heatmap keeps all
    pc = build_page_context(db, model, demo_data, {**period, "x.cohort": biggest}, FULL_SCOPE)
    view = lc.lifecycle_view(pc)
    frames = lc.cohort_frames(pc, view)
    expected = cohort.filter(pl.col("open_date").dt.strftime("%Y-%m") == biggest)
    assert _ids(frames.listed) == _ids(expected) and _ids(frames.retention) == _ids(cohort)
    funnel = dict(zip(lc.funnel(frames.funnel)["step"], lc.funnel(frames.funnel)["customers"], strict=True))
    assert (funnel["acquired"], funnel["activated"]) == (expected.height, int(expected["ok"].sum()))
    histogram = lc.activation_histogram(frames.activation).filter(pl.col("customers") > 0)
    counts = expected.group_by(pl.col("offset").cast(pl.Utf8).fill_null(lc.NOT_ACTIVATED).alias("bucket")).len()
    assert dict(zip(histogram["bucket"], histogram["customers"], strict=True)) == dict(counts.iter_rows())

    # x.activation=0: the heatmap's cells count the customers who transacted in their opening month
    pc = build_page_context(db, model, demo_data, {**period, "x.activation": "0"}, FULL_SCOPE)
    view = lc.lifecycle_view(pc)
    retention = lc.retention(lc.cohort_frames(pc, view).retention)
    early = cohort.filter(pl.col("offset") == 0)
    active = rows.filter(pl.col("customer_id").is_in(early["customer_id"].implode()) & pl.col("active"))
    cells = {(r["cohort"].strftime("%Y-%m"), r["month_offset"]): r["active"] for r in retention.iter_rows(named=True)}
    assert {key: n for key, n in cells.items() if n} == {
        (c, k): n for c, k, n in active.group_by("cohort", "offset").len().iter_rows()
    }
    sizes = {r["cohort"].strftime("%Y-%m"): r["cohort_size"] for r in retention.iter_rows(named=True)}
    assert sizes == dict(early.group_by(pl.col("open_date").dt.strftime("%Y-%m")).len().iter_rows())


def test_a_selection_the_chart_does_not_show_fades_nothing() -> None:
    from clientscope.lifecycle import figures_flow as figures

    flow = pl.DataFrame({"from_state": ["active"], "to_state": ["dormant"], "customers": [3], "share": [1.0]})
    texts = {"customers": "Customers", "share_of_from": "Share"}
    common = {"from_order": lc.FROM_STATES, "to_order": lc.TO_STATES, "state_labels": {}, "month_a": "2025-06",
              "month_b": "2025-12", "theme": "light", "title": None, "count": str, "texts": texts}  # fmt: skip

    # e.g. the Sankey's months changed after its link was clicked: no link is faded
    def colours(selected: str) -> tuple[str, ...]:
        return figures.stage_sankey(flow, **common, selected=selected)["data"][0]["link"]["color"]

    assert colours("dormant:active") == ["rgba(253,126,20,0.35)"]
    assert colours("active:dormant") == ["rgba(253,126,20,0.8)"]
    bars = pl.DataFrame({"bucket": ["0", "none"], "month_offset": [0, None], "within": [2, 0], "after": [0, 1],
                         "customers": [2, 1]})  # fmt: skip
    words = {"within": "in", "after": "after", "never": "none", "offset": "k", "customers": "n"}
    shown = figures.activation_histogram(bars, theme="light", title=None, texts=words, selected="7")
    assert shown["data"][0]["marker"]["opacity"] == 1.0


def test_every_lifecycle_chart_is_a_plain_figure_in_plotly_s_own_form(bank, model) -> None:
    """Each builder, on the fixture bank's frames, with and without a selection and a title: a dict plotly
    validates and writes back unchanged."""
    from clientscope.lifecycle import figures, figures_flow
    from tests.figure_support import assert_plain_figure

    pc = context(bank, model, **{"p.flow_a": "2025-06", "p.flow_b": "2025-12"})
    view = lc.lifecycle_view(pc)
    members = lc.cohort_members(pc, view)
    steps = lc.step_labels("en", view.windows)
    words = {
        "of_start": "{value} of start", "of_previous": "{value} of previous", "measurable": "{value} measurable",
        "pending": "{value} pending", "hover_customers": "Customers", "share_axis": "Share", "unknown": "Unknown",
        "cohort": "Cohort", "offset": "Months", "share": "Share", "active": "Active", "cohort_size": "Size",
        "aum": "AUM", "aum_base": "AUM at start", "customers": "Customers", "share_of_from": "Share of from",
        "within": "Within", "after": "After", "never": "None yet",
    }  # fmt: skip
    funnel = lc.funnel(members)
    groups = lc.funnel_by(members, "acquisition_channel", lc.group_order(pc, "acquisition_channel"))
    retention = lc.retention(members)
    flow = lc.stage_flow(pc, view)
    activation = lc.activation_histogram(members)
    mix = lc.stage_mix(pc, view)
    assert min(f.height for f in (funnel, groups, retention, flow, activation, mix)) > 0
    cohort = retention["cohort"].min().strftime("%Y-%m")
    sankey = {"from_order": lc.FROM_STATES, "to_order": lc.TO_STATES, "state_labels": {}, "month_a": "2025-06",
              "month_b": "2025-12"}  # fmt: skip
    built = []
    for title, theme in ((None, "light"), ("A title", "dark")):
        common = {"theme": theme, "title": title, "texts": words}
        counted = {**common, "count": str}
        for step, channel, link, bucket, stage in (
            (None,) * 5,
            ("activated", "branch", "active:active", "0", "active"),
        ):
            built += [
                figures.funnel_bars(funnel, step_labels=steps, selected=step, **counted),
                figures.funnel_groups(groups, step_labels=steps, group_labels={}, selected=channel, **counted),
                figures_flow.stage_sankey(flow, **sankey, selected=link, **counted),
                figures_flow.activation_histogram(activation, selected=bucket, **common),
                figures_flow.stage_mix_bars(
                    mix, stage_order=lc.STAGE_ORDER, stage_labels={}, selected=stage, **counted
                ),
            ]
        for measure in lc.RETENTION_MEASURES:
            for cohort_selected in (None, cohort):
                built.append(
                    figures.retention_heatmap(
                        retention, measure=measure, money=str, selected=cohort_selected, **counted
                    )
                )
    assert any("shapes" in figure["layout"] for figure in built)  # the selected cohort's outline
    for figure in built:
        assert_plain_figure(figure)
