"""Complete windows only (docs/metrics.md, "Censored windows"): hand-checked tiny banks where some customers and
touches are too young to be measured, with every expected rate and not-yet-measurable count written by hand.

**The lifecycle bank**: 12 month-ends 2025-01-31 .. 2025-12-31 (m = 0 .. 11; the data's last month-end is
2025-12-31), AUM 50,000 everywhere (no soft churn), 1 product unless said otherwise.  Eight customers open in 2025:

| id | opened     | rows       | transacts | observed (months / days to 2025-12-31) | notes                     |
|----|------------|------------|-----------|----------------------------------------|---------------------------|
| J1 | 2025-01-15 | m0..11     | every row | 11 / 350                               | 2 products from m3: grows |
| J2 | 2025-02-10 | m1..11     | every row | 10 / 324                               |                           |
| J3 | 2025-05-20 | m4..11     | every row | 7 / 225                                |                           |
| N1 | 2025-03-03 | m2..11     | never     | 9 / 303                                | never activated           |
| C1 | 2025-04-10 | m3..6      | m3 only   | 8 / 265                                | closed 2025-07-15         |
| Y1 | 2025-08-05 | m7..11     | every row | 4 / 148                                | too young for 6 months    |
| Y2 | 2025-09-25 | m8..11     | every row | 3 / 97                                 | too young for 6 months    |
| Y3 | 2025-10-20 | m9..11     | every row | 2 / 72                                 | too young for 90 days     |

Measurable (window elapsed by 2025-12-31, and those of the steps before): activated — all but Y3 (72 < 90 days):
7; retained at 3 months — the same 7 (Y2 has exactly 3 months); retained at 6 months, grown, churned — J1, J2,
J3, N1, C1: 5.  Reached among them: activated J1 J2 J3 Y1 Y2 C1 (6 of 7); retained at 3 months J1 J2 J3 Y1 Y2
(5 of 7; C1 is closed in July, N1 never active); at 6 months J1 J2 J3 (3 of 5 = 60 %, where dividing by all 8
acquired read 37.5 %); grown J1 (1 of 5); churned C1 (1 of 5).

**The campaign bank**: tests/semantic_fixture.py (data to 2026-03-31) plus three March 2026 touches of campaign
K1: T7 C1 treated 2026-03-01 (window to 2026-03-31: complete; C1 converts 2026-03-25), T8 C4 treated 2026-03-02
(window to 2026-04-01, past the data: not measurable; no conversion yet), T9 C7 control 2026-03-15 (not
measurable).  March's campaign conversion rate: 1 of 1 measurable reached customer (C1) = 100 %, where counting
C4's open window read 1 of 2 = 50 %; the control rate has no measurable customer (no value).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from clientscope.campaigns import display
from clientscope.campaigns import table as tb
from clientscope.campaigns import view as vw
from clientscope.db import FULL_SCOPE, Database
from clientscope.lifecycle import api as lc
from clientscope.marts import build_marts_in_memory
from clientscope.semantic import (
    CompileError,
    MetricRequest,
    compile_query,
    drill_count_query,
    drill_query,
    load_semantic_model,
    run_compiled,
    run_metric_query,
    validate_file,
)
from clientscope.view_context import build_page_context
from tests.conftest import REPO_ROOT
from tests.semantic_fixture import fixture_frames
from tests.tiny_extracts import write_frames

MONTH_ENDS: tuple[date, ...] = tuple(
    date(2025 + (m == 11), (m + 1) % 12 + 1, 1) - date.resolution for m in range(12)
)  # 2025-01-31 .. 2025-12-31

# id → (opened, closed, month indices with a row, month indices with transactions)
LIFECYCLE = {
    "J1": (date(2025, 1, 15), None, range(0, 12), range(0, 12)),
    "J2": (date(2025, 2, 10), None, range(1, 12), range(1, 12)),
    "J3": (date(2025, 5, 20), None, range(4, 12), range(4, 12)),
    "N1": (date(2025, 3, 3), None, range(2, 12), ()),
    "C1": (date(2025, 4, 10), date(2025, 7, 15), range(3, 7), (3,)),
    "Y1": (date(2025, 8, 5), None, range(7, 12), range(7, 12)),
    "Y2": (date(2025, 9, 25), None, range(8, 12), range(8, 12)),
    "Y3": (date(2025, 10, 20), None, range(9, 12), range(9, 12)),
}


def lifecycle_frames() -> dict[str, pl.DataFrame]:
    customers = pl.DataFrame(
        [
            {"customer_id": cid, "name": None, "phone": None, "id_number": None, "open_date": opened,
             "close_date": closed, "birth_year": 1985, "gender": "F", "city": "上海", "branch_id": "B01",
             "rm_id": "R01", "acquisition_channel": "branch", "risk_profile": "C3", "tags": []}
            for cid, (opened, closed, _, _) in LIFECYCLE.items()
        ],
        schema_overrides={"close_date": pl.Date, "name": pl.Utf8, "phone": pl.Utf8, "id_number": pl.Utf8,
                          "tags": pl.List(pl.String), "birth_year": pl.Int64},
    )  # fmt: skip
    months = pl.DataFrame(
        [
            {"customer_id": cid, "month": MONTH_ENDS[m], "aum_total": 50_000.0, "deposits": 50_000.0,
             "wealth": 0.0, "insurance": 0.0, "loan_balance": 0.0, "card_spend": 0.0,
             "txn_count": 4 if m in txn else 0, "txn_amount": 400.0 if m in txn else 0.0, "digital_logins": 3,
             "products_held": 2 if cid == "J1" and m >= 3 else 1, "complaints": 0}
            for cid, (_, _, rows, txn) in LIFECYCLE.items()
            for m in rows
        ]
    )  # fmt: skip
    return {
        "branches": pl.DataFrame(
            {"branch_id": ["B01"], "branch_name": ["静安支行"], "region": ["华东"], "city": ["上海"]}
        ),
        "relationship_managers": pl.DataFrame({"rm_id": ["R01"], "rm_name": ["王芳"], "branch_id": ["B01"]}),
        "customers": customers,
        "customer_months": months,
    }


@pytest.fixture(scope="module")
def model():
    return load_semantic_model(REPO_ROOT / "metrics.yaml")


def _open(folder: Path, frames: dict[str, pl.DataFrame], model) -> Database:
    write_frames(folder, frames)
    db = Database.open(folder)
    build_marts_in_memory(db, model.rules)
    return db


@pytest.fixture(scope="module")
def lifecycle_bank(tmp_path_factory: pytest.TempPathFactory, model):
    folder = tmp_path_factory.mktemp("censored") / "lifecycle"
    return _open(folder, lifecycle_frames(), model), folder


def _lifecycle_context(bank, model, lang: str = "en"):
    db, folder = bank
    return build_page_context(db, model, folder, {"start": "2025-01", "end": "2025-12", "lang": lang}, FULL_SCOPE)


def test_funnel_divides_each_step_by_its_measurable_customers_by_hand(lifecycle_bank, model) -> None:
    pc = _lifecycle_context(lifecycle_bank, model)
    view = lc.lifecycle_view(pc)
    members = lc.cohort_members(pc, view)
    assert members.height == 8
    funnel = {r["step"]: r for r in lc.funnel(members).iter_rows(named=True)}
    by_hand = {  # step: (customers, measurable, not yet measurable, rate, rate of the previous step)
        "acquired": (8, 8, 0, 1.0, 1.0),
        "activated": (6, 7, 1, 6 / 7, 6 / 7),
        "retained_early": (5, 7, 1, 5 / 7, 5 / 6),
        "retained_late": (3, 5, 3, 3 / 5, 3 / 3),
        "grown": (1, 5, 3, 1 / 5, 1 / 3),
        "churned": (1, 5, 3, 1 / 5, None),
    }
    for step, (customers, measurable, pending, rate, previous) in by_hand.items():
        row = funnel[step]
        assert (row["customers"], row["measurable"], row["pending"]) == (customers, measurable, pending), step
        assert row["pct_start"] == pytest.approx(rate), step
        assert row["pct_previous"] == (pytest.approx(previous) if previous is not None else None), step
    # the cards read the same rates; the median days to activate is over the counted activations (Y3 left out)
    summary = lc.summary(members, lc.funnel(members))
    assert (summary.activation_rate, summary.retained_late_rate) == (pytest.approx(6 / 7), pytest.approx(3 / 5))
    assert summary.pending == {"acquired": 0, "activated": 1, "retained_early": 1, "retained_late": 3, "grown": 3,
                               "churned": 3}  # fmt: skip
    # J1 16, J2 18, J3 11, Y1 26, Y2 5, C1 20 days (first transacting month-end − open date): median 17
    assert summary.median_days_to_activate == 17.0


def test_a_steps_list_and_cross_filter_hold_its_counted_customers(lifecycle_bank, model) -> None:
    pc = _lifecycle_context(lifecycle_bank, model)
    view = lc.lifecycle_view(pc)
    listed = lc.drill_list(pc, view, lc.DrillTarget("step", ("retained_late",)))
    assert sorted(listed.rows["customer_id"]) == ["J1", "J2", "J3"]  # Y1, Y2 are active but not yet measurable
    activated = lc.drill_list(pc, view, lc.DrillTarget("step", ("activated",)))
    assert sorted(activated.rows["customer_id"]) == ["C1", "J1", "J2", "J3", "Y1", "Y2"]  # not Y3
    narrowed = lc.cohort_frames(pc, lc.lifecycle_view(_lifecycle_context_with(lifecycle_bank, model)))
    assert sorted(narrowed.listed["customer_id"]) == ["J1", "J2", "J3"]


def _lifecycle_context_with(bank, model):
    db, folder = bank
    query = {"start": "2025-01", "end": "2025-12", "lang": "en", "x.step": "retained_late"}
    return build_page_context(db, model, folder, query, FULL_SCOPE)


def test_the_funnel_says_how_many_are_not_yet_measurable_in_both_languages(lifecycle_bank, model) -> None:
    funnel = lc.funnel(lc.cohort_members(*_members_args(lifecycle_bank, model)))
    windows = lc.funnel_windows(model)
    assert lc.pending_note("en", funnel, lc.step_labels("en", windows)) == (
        "Not yet measurable (window not elapsed, left out of the rates): Activated 1, Retained at 3 months 1, "
        "Retained at 6 months 3, Grown 3, Churned (within 6 months) 3."
    )
    assert lc.pending_note("zh_CN", funnel, lc.step_labels("zh_CN", windows)) == (
        "尚不可观察（窗口未结束，不计入比率）：激活 1 户、3个月留存 1 户、6个月留存 3 户、成长 3 户、"
        "流失（6个月内） 3 户。"
    )
    all_measurable = funnel.with_columns(pl.lit(0).alias("pending"))
    assert lc.pending_note("en", all_measurable, lc.step_labels("en", windows)) is None


def _members_args(bank, model):
    pc = _lifecycle_context(bank, model)
    return pc, lc.lifecycle_view(pc)


# --- conversion metrics ----------------------------------------------------------------------------------------


def campaign_frames() -> dict[str, pl.DataFrame]:
    frames = fixture_frames()
    march = pl.DataFrame(
        {
            "touch_id": ["T7", "T8", "T9"],
            "customer_id": ["C1", "C4", "C7"],
            "campaign_id": ["K1", "K1", "K1"],
            "channel": ["sms", "sms", "sms"],
            "touch_ts": [datetime(2026, 3, 1, 10), datetime(2026, 3, 2, 10), datetime(2026, 3, 15, 10)],
            "touch_type": ["sms", "sms", "sms"],
            "is_control": [False, False, True],
        }
    )
    converted = pl.DataFrame(
        {
            "conversion_id": ["V5"],
            "customer_id": ["C1"],
            "conversion_ts": [datetime(2026, 3, 25, 10)],
            "product_type": ["fund"],
            "value": [4_000.0],
        }
    )
    frames["touches"] = pl.concat([frames["touches"], march])
    frames["conversions"] = pl.concat([frames["conversions"], converted])
    return frames


@pytest.fixture(scope="module")
def campaign_bank(tmp_path_factory: pytest.TempPathFactory, model):
    folder = tmp_path_factory.mktemp("censored") / "campaigns"
    return _open(folder, campaign_frames(), model), folder


def test_conversion_rate_counts_only_touches_whose_window_has_ended_by_hand(campaign_bank, model) -> None:
    db, _ = campaign_bank
    request = MetricRequest(
        metrics=("customers_reached", "campaign_conversion_rate", "control_conversion_rate"),
        grain="month",
        start="2025-09",
        end="2026-03",
    )
    frame = run_metric_query(db, model, request, FULL_SCOPE).frame.filter(~pl.col("is_total"))
    rows = {str(r["period"])[:7]: r for r in frame.iter_rows(named=True)}
    # September as before (every window ended long before 2026-03-31): C1, C7 of C1, C2, C7; control C4 of C4, C6
    assert rows["2025-09"]["campaign_conversion_rate"] == pytest.approx(2 / 3)
    assert rows["2025-09"]["control_conversion_rate"] == pytest.approx(1 / 2)
    # March 2026: reach counts C1 and C4, the rate only C1 (C4's window runs to 2026-04-01): 1 of 1
    assert rows["2026-03"]["customers_reached"] == 2
    assert rows["2026-03"]["campaign_conversion_rate"] == pytest.approx(1.0)
    assert rows["2026-03"]["control_conversion_rate"] is None  # C7's assignment on 2026-03-15: not measurable


def test_the_campaign_table_and_its_note_state_the_customers_not_yet_measurable(campaign_bank, model) -> None:
    db, folder = campaign_bank
    query = {"start": "2026-03", "end": "2026-03", "lang": "en"}
    pc = build_page_context(db, model, folder, query, FULL_SCOPE)
    settings, _ = vw.settings_of(pc.state, vw.default_lookback(pc))
    table = tb.campaign_table(pc, settings)
    k1 = table.rows.filter(pl.col("campaign_id") == "K1").row(0, named=True)
    assert (k1["reached"], k1["reached_measurable"], k1["reached_converted"]) == (2, 1, 1)
    assert (k1["control_customers"], k1["control_measurable"], k1["control_converted"]) == (1, 0, 0)
    assert k1["conversion_rate"] == pytest.approx(1.0) and k1["control_rate"] is None
    semantic = run_metric_query(
        db, model, MetricRequest(metrics=("campaign_conversion_rate",), grain="all", start="2026-03", end="2026-03")
    ).frame
    assert semantic["campaign_conversion_rate"][0] == pytest.approx(k1["conversion_rate"])  # one definition
    assert display.pending_note(pc, table) == (
        "Conversion rates count only touches whose window has ended: 1 reached and 1 control-group customers are "
        "not yet measurable (every touch's 30-day window ends after the last month-end of the data, 2026-03) and "
        "are left out of the rates."
    )
    zh = build_page_context(db, model, folder, {**query, "lang": "zh_CN"}, FULL_SCOPE)
    assert display.pending_note(zh, table) == (
        "转化率只计转化窗口已结束的触达：1 位触达客户和 1 位对照组客户的每次触达，其 30 天窗口都在最新数据月"
        "（2026-03）月末之后才结束，尚不可观察，不计入转化率。"
    )


def test_a_conversion_metric_over_a_table_without_observed_until_is_refused(model) -> None:
    metric = model.metrics["campaign_conversion_rate"]
    moved = metric.model_copy(update={"base": metric.base.model_copy(update={"source": "conversion_facts"})})
    broken = model.model_copy(update={"metrics": {**model.metrics, "campaign_conversion_rate": moved}})
    with pytest.raises(CompileError) as error:
        compile_query(broken, MetricRequest(metrics=("campaign_conversion_rate",), grain="month"))
    assert str(error.value) == (
        "metric 'campaign_conversion_rate': its base source 'conversion_facts' has no observed_until column (the "
        "data's last month-end), needed to leave out the conversion windows that run past the data"
    )


def test_the_metric_catalog_shows_the_complete_window_rule(model) -> None:
    from clientscope.metric_catalog import catalog_frame

    for lang, description, words in (
        (
            "en",
            "Only touches whose 30-day window has ended by the data's last month-end count",
            "(only events whose 30-day window has ended by the data's last month-end)",
        ),
        ("zh_CN", "只计30天窗口已在最新数据月末前结束的触达", "（只计 30 天窗口已在最新数据月末前结束的事件）"),
    ):
        row = catalog_frame(model, lang).filter(pl.col("name") == "campaign_conversion_rate").row(0, named=True)
        assert description in row["description"]
        assert row["formula"].endswith(words)
        assert "observed_until" in row["sql"]  # the SQL shown is the SQL that runs


def test_a_conversion_metrics_drill_lists_only_the_touches_it_counts(campaign_bank, model) -> None:
    db, _ = campaign_bank
    clicked = {"period": "2026-03"}
    rows = run_compiled(db, drill_query(model, "campaign_conversion_rate", clicked=clicked)).frame
    assert rows["customer_id"].to_list() == ["C1"]  # T7; T8 (C4) has an open window
    count = run_compiled(db, drill_count_query(model, "campaign_conversion_rate", clicked=clicked)).frame
    assert count["rows"].to_list() == [1]
    control = run_compiled(db, drill_query(model, "control_conversion_rate", clicked=clicked)).frame
    assert control.height == 0  # T9 (C7, 2026-03-15): not measurable


def test_metrics_validate_names_a_conversion_base_without_observed_until(tmp_path: Path) -> None:
    text = (REPO_ROOT / "metrics.yaml").read_text(encoding="utf-8")
    old = "    base: {source: touch_facts, filter: is_control}"
    assert text.count(old) == 1
    text = text.replace(old, "    base: {source: conversion_facts}")
    path = tmp_path / "metrics.yaml"
    path.write_text(text, encoding="utf-8")
    line = text[: text.index("base: {source: conversion_facts}")].count("\n") + 1
    assert (
        f"{path}:{line}: metric 'control_conversion_rate': base source 'conversion_facts' has no column "
        "'observed_until' (the data's last month-end): a conversion metric counts only the windows that end by "
        "it; use a base source that carries it, e.g. touch_facts" in [str(p) for p in validate_file(path)]
    )


def test_the_lifecycle_page_shows_the_measurable_rates_and_who_is_not_yet_measurable(
    lifecycle_bank, model, dash_app
) -> None:
    import sys

    import flask

    from clientscope import runtime
    from tests.test_lifecycle import _graphs, _rendered, _texts

    del dash_app  # registers the pages
    module = next(m for name, m in sys.modules.items() if name.endswith("pages.lifecycle"))
    db, folder = lifecycle_bank
    server = flask.Flask("censored-test")
    runtime.attach(server, runtime.AppContext(folder, False, db, model))
    with server.test_request_context():
        english = _rendered(module, {"start": "2025-01", "end": "2025-12", "lang": "en"})
        chinese = _rendered(module, {"start": "2025-01", "end": "2025-12", "lang": "zh_CN"})
    text = " ".join(_texts(english))
    assert "Not yet measurable (window not elapsed, left out of the rates): Activated 1, " in text
    assert "1 not yet measurable" in text and "3 not yet measurable" in text  # the rate cards' notes
    funnel = _graphs(english)["funnel"]["data"][0]
    hover = {row[0]: row[1:] for row in funnel["customdata"]}
    # retained at 6 months: 3 customers, 60.0 % of the 5 measurable, 100.0 % of the previous step, 3 not yet
    assert hover["retained_late"] == ["3", "60.0%", "100.0%", "5", "3"]
    assert list(funnel["x"]) == [8, 6, 5, 3, 1, 1]
    chinese_text = " ".join(_texts(chinese))
    assert "另有 3 户尚不可观察" in chinese_text
    assert "尚不可观察（窗口未结束，不计入比率）：激活 1 户、" in chinese_text
